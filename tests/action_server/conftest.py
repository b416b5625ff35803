"""A real action server on a free port, with its own SQLite desk, per module
(tests/support/action_server.py)."""

from __future__ import annotations

import pytest

from tests.support.action_server import start_action_server


@pytest.fixture(scope="module")
def action_server(tmp_path_factory: pytest.TempPathFactory):
    server = start_action_server(tmp_path_factory.mktemp("actions"))
    yield server
    server.process.terminate()
    server.process.wait(timeout=30)

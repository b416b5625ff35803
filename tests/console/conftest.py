"""The console fixtures: a stand-in Rasa and a console server per module
(tests/support/console.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.console import Console, RasaStub, start_console


@pytest.fixture(scope="module")
def rasa() -> Iterator[RasaStub]:
    stub = RasaStub()
    yield stub
    stub.close()


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory, rasa: RasaStub) -> Iterator[Console]:
    yield from start_console(tmp_path_factory.mktemp("console"), rasa.url)

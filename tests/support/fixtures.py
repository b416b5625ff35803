"""Fixtures more than one folder of tests uses (registered by tests/conftest.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.desk import Desk
from tests.support.desk_template import copy_template, make_template


@pytest.fixture(scope="session")
def desk_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite desk to copy (tests/support/desk_template.py)."""
    return make_template(tmp_path_factory.mktemp("desk-template"))


@pytest.fixture
def actions_desk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, desk_template: Path
) -> Iterator[Desk]:
    """The desk the actions reach through `get_desk()`, on a fresh SQLite file (unlike
    tests/desk's `desk`: a migrated Desk on the backend the test is parametrised with)."""
    from actions.desk import get_desk

    url = f"sqlite:///{tmp_path / 'desk.db'}"
    copy_template(desk_template, url)
    monkeypatch.setenv("SUPPORTBOT_DB_URL", url)
    get_desk.cache_clear()
    yield get_desk()
    get_desk.cache_clear()


@pytest.fixture(scope="module")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    """One event loop for a module's tests that drive coroutines step by step."""
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture
def cli_db(tmp_path: Path) -> str:
    """A fresh SQLite desk URL for the agents' CLI."""
    return f"sqlite:///{tmp_path / 'desk.db'}"


@pytest.fixture
def sqlite_desk(cli_db: str, desk_template: Path) -> Iterator[Desk]:
    """A migrated Desk on `cli_db` (a fresh SQLite file): the store alone, or what the
    CLI then reads."""
    from bot.desk import make_engine, migrate

    copy_template(desk_template, cli_db)
    migrate(cli_db)
    engine = make_engine(cli_db)
    yield Desk(engine)
    engine.dispose()

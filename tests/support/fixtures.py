"""Fixtures more than one folder of tests uses (registered by tests/conftest.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.desk import Desk


@pytest.fixture
def actions_desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Desk]:
    """The desk the actions reach through `get_desk()`, on a fresh SQLite file (unlike
    tests/desk's `desk`: a migrated Desk on the backend the test is parametrised with)."""
    from actions.desk import get_desk

    monkeypatch.setenv("SUPPORTBOT_DB_URL", f"sqlite:///{tmp_path / 'desk.db'}")
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
def sqlite_desk(cli_db: str) -> Iterator[Desk]:
    """A migrated Desk on `cli_db` (a fresh SQLite file): the store alone, or what the
    CLI then reads."""
    from bot.desk import make_engine, migrate

    migrate(cli_db)
    engine = make_engine(cli_db)
    yield Desk(engine)
    engine.dispose()

"""The desk under test: a migrated `Desk` on `db_url` (tests/support/backends.py: a fresh
SQLite file, and for `@pytest.mark.both_backends` also a fresh PostgreSQL schema). Not the
actions' `actions_desk`, which the actions reach through `get_desk()`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.desk import Desk, make_engine, migrate


@pytest.fixture
def desk(db_url: str) -> Iterator[Desk]:
    migrate(db_url)
    engine = make_engine(db_url)
    try:
        yield Desk(engine)
    finally:
        engine.dispose()

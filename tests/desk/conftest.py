"""The desk under test: a migrated `Desk` on `db_url` (tests/support/backends.py: a fresh
SQLite file, and for `@pytest.mark.both_backends` also a fresh PostgreSQL schema). Not the
actions' `actions_desk`, which the actions reach through `get_desk()`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.desk import Desk, make_engine, migrate
from tests.support.desk_template import copy_template


@pytest.fixture
def desk(db_url: str, desk_template: Path) -> Iterator[Desk]:
    copy_template(desk_template, db_url)
    migrate(db_url)
    engine = make_engine(db_url)
    try:
        yield Desk(engine)
    finally:
        engine.dispose()

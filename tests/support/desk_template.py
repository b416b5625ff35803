"""A migrated SQLite desk, made once per test process and copied for each test that needs a
new one: migrating a new file runs every Alembic script (a quarter of a second, hundreds of
times a run); copying the result takes a millisecond. Migrating itself is still tested on
new files (tests/desk/test_desk_migrations.py, `supportbot db upgrade` in tests/test_cli.py),
and `migrate()` still runs on every copy: it finds it at head."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.desk import migrate


def make_template(folder: Path) -> Path:
    """A desk migrated to head, in one file (its WAL folded in) that can be copied."""
    path = folder / "desk-template.db"
    migrate(f"sqlite:///{path}")
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return path


def copy_template(template: Path, db_url: str) -> None:
    """Put a copy of `template` where the SQLite URL `db_url` points, if nothing is there
    yet; other backends (PostgreSQL's throw-away schemas) are left to `migrate()`."""
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    target = Path(url.database)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, target)

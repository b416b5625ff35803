import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.desk import Desk, database_url, make_engine, migrate, open_desk
from bot.desk.db import PROJECT_ROOT, alembic_config, head_revision
from bot.desk.models import metadata
from bot.settings import get_settings

TABLES = {"suspensions", "tickets", "reports", "events", "alembic_version"}


@pytest.mark.both_backends
def test_migrate_creates_tables_and_is_idempotent(db_url: str) -> None:
    migrate(db_url)
    migrate(db_url)
    engine = make_engine(db_url)
    try:
        assert TABLES <= set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == head_revision()
    finally:
        engine.dispose()


@pytest.mark.both_backends
def test_migration_matches_the_models(db_url: str) -> None:
    migrate(db_url)
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'dir' / 'desk.db'}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
    finally:
        engine.dispose()
    assert (tmp_path / "nested" / "dir").is_dir()


def test_database_url_comes_from_env_or_var_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPORTBOT_DB_URL", "postgresql://x@db/supportbot")
    assert database_url() == "postgresql://x@db/supportbot"
    monkeypatch.delenv("SUPPORTBOT_DB_URL")
    get_settings.cache_clear()  # read once per process: this test starts another
    assert database_url() == f"sqlite:///{PROJECT_ROOT / 'var' / 'supportbot.db'}"
    assert (PROJECT_ROOT / "bot" / "desk").is_dir()


def test_open_desk_migrates_unless_told_not_to(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPORTBOT_DB_URL", f"sqlite:///{tmp_path / 'env.db'}")
    monkeypatch.setenv("SUPPORTBOT_AUTO_MIGRATE", "0")  # a shared database, migrated up front
    desk = open_desk()
    try:
        assert str(desk.engine.url).endswith("env.db")
        assert "tickets" not in inspect(desk.engine).get_table_names()
    finally:
        desk.close()
    desk = open_desk(upgrade=True)  # `supportbot db upgrade` and the other commands
    try:
        assert "tickets" in inspect(desk.engine).get_table_names()
    finally:
        desk.close()


def test_importing_the_desk_creates_no_engine(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'never.db'}"
    code = "import bot.desk, bot.cli, bot.desk.service, bot.desk.models"
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        cwd=PROJECT_ROOT,
        env={"SUPPORTBOT_DB_URL": url, "PATH": ""},
    )
    assert not (tmp_path / "never.db").exists()


def test_foreign_keys_are_enforced(desk: Desk) -> None:
    with pytest.raises(IntegrityError):
        with desk.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO reports (ticket_id, fields, idempotency_key, created_at) "
                    "VALUES (999, '{}', 'k', '2024-01-01 00:00:00')"
                )
            )


@pytest.mark.both_backends
def test_downgrade_removes_everything_and_upgrade_restores_it(db_url: str) -> None:
    migrate(db_url)
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
        migrate(db_url)
        assert TABLES <= set(inspect(engine).get_table_names())
        Desk(engine).suspend("u1", 1, "insults", "bob")  # row triggers need a row
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text("DELETE FROM events"))
    finally:
        engine.dispose()

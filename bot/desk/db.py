"""Where the desk database lives, how to connect to it, and how to migrate it.

Nothing here runs at import time: engines are created only when asked for.
"""

from __future__ import annotations

import functools
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, exc
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.engine.url import URL
from sqlalchemy.pool import QueuePool

from bot.settings import get_settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]  # the directory containing bot/
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_S = 30  # writers queue up instead of failing with "database is locked"


def database_url() -> str:
    """$SUPPORTBOT_DB_URL, else a SQLite file under <project root>/var/."""
    return get_settings().desk.db_url


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _is_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or "mode=memory" in str(url)


IDLE_PING_S = 30.0


def _ping_when_idle(engine: Engine) -> None:
    """Long-lived Rasa/action-server processes outlive idle connections (a database
    restart, a firewall's idle timeout): a connection back from more than IDLE_PING_S
    of rest is checked with `SELECT 1` and replaced if dead. SQLAlchemy's
    `pool_pre_ping` did that on every checkout: a round trip per transaction, two per
    message in the outbox alone. A connection in steady use that died anyway fails one
    statement; SQLAlchemy then drops the whole pool (tests/scaleout/test_idle_ping.py).
    """

    @event.listens_for(engine, "checkin")
    def _rested_since(_dbapi: Any, record: Any) -> None:
        record.info["checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_rested(dbapi: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("checked_in", time.monotonic()) < IDLE_PING_S:
            return
        try:
            cursor = dbapi.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
        except engine.dialect.dbapi.Error as error:  # the pool reconnects and retries
            raise exc.DisconnectionError(str(error)) from error


def make_engine(url: str | None = None) -> Engine:
    """A 2.0-style engine, tuned per backend (see comments)."""
    parsed = make_url(url or database_url())
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(parsed, future=True)
        _ping_when_idle(engine)
        return engine

    memory = _is_memory(parsed)
    if not memory and parsed.database:
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    # SQLAlchemy 1.4 opens a new connection per checkout for file databases (NullPool):
    # connect + PRAGMAs on every transaction was ~14 % of the action server's time in
    # `make bench`. A pool keeps them; in-memory databases keep 1.4's per-thread pool.
    pool: dict[str, Any] = {} if memory else {"poolclass": QueuePool, "pool_size": 5}
    engine = create_engine(
        parsed,
        future=True,
        # Rasa's action server and the console use threads.
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S},
        **pool,
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA foreign_keys = ON")  # SQLite ignores FKs unless asked
        if not memory:
            # WAL: readers (console, CLI) do not block the bot's writes and vice versa.
            cursor.execute("PRAGMA journal_mode = WAL")
            # In WAL mode, NORMAL syncs at checkpoints instead of every commit: a killed
            # process loses nothing (the WAL is in the OS's cache); a power cut may lose
            # the last commits, never the file's integrity. Commits were 12 % of Rasa's
            # time per message with FULL.
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    return engine


def alembic_config() -> Config:
    """Alembic config built in code, so no alembic.ini is needed at the project root."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


@functools.lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest migration's revision (read once: the scripts ship with the code)."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migrations found"
    return head


def _current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def migrate(url: str | None = None) -> None:
    """`alembic upgrade head`; idempotent, and safe when several processes start at once."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            if is_sqlite(engine):
                # Take the write lock first: concurrent migrators wait, then see "up to date".
                # SQLite DDL is transactional, so a failed migration leaves nothing behind.
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            elif engine.dialect.name == "postgresql":
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7318004)")
            # Every CLI call and process start migrates: at head, skip Alembic's loading
            # of every migration script (most of an up-to-date upgrade's time).
            if _current_revision(connection) == head_revision():
                return
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()

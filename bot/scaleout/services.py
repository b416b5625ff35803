"""PostgreSQL chores of the scaled profile: find the server, create or drop a database,
and create Rasa's tracker table once before several Rasa instances start.
"""

from __future__ import annotations

import logging
import re

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError

from bot.logs import log_event

logger = logging.getLogger(__name__)

PG_CANDIDATES = (
    "postgresql://postgres@127.0.0.1:5432/test",
    "postgresql://root@127.0.0.1:5432/test",
)
# Any number will do as long as nothing else takes it; bot.desk.db uses 7318004.
TRACKER_DDL_LOCK = 7318005
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _checked(name: str) -> str:
    # Database names go into DDL, which takes no bind parameters.
    if not _NAME.match(name):
        raise ValueError(f"not a plain database name: {name!r}")
    return name


def first_reachable_postgres(candidates: list[str] | tuple[str, ...]
                             ) -> tuple[str | None, list[str]]:
    """The first URL that accepts a connection, and why the others did not."""
    errors = []
    for url in candidates:
        engine = create_engine(url, future=True, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
            return url, errors
        except OperationalError as exc:
            errors.append(f"{url}: {str(exc.orig).strip().splitlines()[0]}")
        finally:
            engine.dispose()
    return None, errors


def with_database(url: str, name: str) -> str:
    """`url` pointing at database `name` instead."""
    return make_url(url).set(database=_checked(name)).render_as_string(hide_password=False)


def create_database(server_url: str, name: str) -> bool:
    """CREATE DATABASE unless it exists; True if this call created it."""
    engine = create_engine(server_url, future=True, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.exec_driver_sql(
                "SELECT 1 FROM pg_database WHERE datname = %(name)s", {"name": name}
            ).first()
            if exists:
                return False
            try:
                connection.exec_driver_sql(f'CREATE DATABASE "{_checked(name)}"')
            except ProgrammingError as exc:  # another launcher created it just now
                if "already exists" not in str(exc.orig):
                    raise
                return False
    finally:
        engine.dispose()
    log_event(logger, "database_created", database=name)
    return True


def drop_database(server_url: str, name: str) -> None:
    """DROP DATABASE, disconnecting whoever is still in it (PostgreSQL 13+)."""
    engine = create_engine(server_url, future=True, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(
                f'DROP DATABASE IF EXISTS "{_checked(name)}" WITH (FORCE)'
            )
    finally:
        engine.dispose()


def prepare_tracker_store(url: str) -> None:
    """Create Rasa's `events` table before any Rasa instance starts.

    Every SQLTrackerStore runs `create_all` at start-up; instances starting together race
    on it, and the loser logs an error and sleeps 5 s before retrying. Created here once,
    under an advisory lock so two launchers cannot race either, the instances find it.
    """
    from rasa.core.tracker_store import SQLTrackerStore

    engine = create_engine(url, future=True)
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({TRACKER_DDL_LOCK})")
            SQLTrackerStore.Base.metadata.create_all(connection)
    finally:
        engine.dispose()
    log_event(logger, "tracker_store_ready",
              url=make_url(url).render_as_string(hide_password=True))

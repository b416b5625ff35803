"""Alembic environment for the desk; run through bot.desk.db.migrate()."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from bot.desk.db import make_engine
from bot.desk.models import metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    # Plain `alembic -c ...` use: connect to the configured (or default) database.
    engine = make_engine(context.config.get_main_option("sqlalchemy.url") or None)
    try:
        with engine.begin() as own_connection:
            _run(own_connection)
    finally:
        engine.dispose()


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run bot.desk.db.migrate()")
run_migrations()

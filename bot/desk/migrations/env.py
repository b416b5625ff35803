"""Alembic environment for the desk and the delivery outbox; run through
bot.desk.db.migrate() and bot.channels.outbox.migrate().

Each has its own chain of versions: versions/ for the desk (table alembic_version) and
outbox/ for the outbox (table outbox_alembic_version), since the outbox may live in
another database. The caller's config says which (version_locations, version_table).
"""

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
    config = context.config
    context.configure(
        connection=connection,
        target_metadata=config.attributes.get("target_metadata", metadata),
        version_table=config.get_main_option("version_table") or "alembic_version",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run bot.desk.db.migrate()")
run_migrations()

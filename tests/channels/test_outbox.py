"""The outbox's tables come from Alembic (their own chain and version table), on SQLite and
PostgreSQL: made on first open, matching the model, adopted when create_all made them
before, and independent of the desk's chain when both share one database."""

from __future__ import annotations

from datetime import datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import insert, inspect, select

from bot.channels.outbox import (
    VERSION_TABLE,
    Outbox,
    head_revision,
    messages,
    metadata,
    migrate,
    outbox_alembic_config,
)
from bot.desk import make_engine
from bot.desk import migrate as migrate_desk
from bot.desk.db import head_revision as desk_head

TABLES = {"delivery_outbox", "delivery_replies", VERSION_TABLE}


def revision(engine, version_table: str) -> str | None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": version_table})
        return context.get_current_revision()


@pytest.mark.both_backends
def test_opening_migrates_once_and_again_changes_nothing(db_url: str) -> None:
    outbox = Outbox.open(db_url)
    try:
        row = outbox.add("acct-1", "m1", "hello", "rest", None)
        Outbox(outbox.engine)  # a second instance starting on the same database
        assert TABLES <= set(inspect(outbox.engine).get_table_names())
        assert revision(outbox.engine, VERSION_TABLE) == head_revision() == "outbox_0001"
        assert outbox.claim_next("acct-1", 30).id == row
    finally:
        outbox.engine.dispose()


@pytest.mark.both_backends
def test_migration_matches_the_model(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = [d for d in compare_metadata(context, metadata)
                           if d[0] != "remove_table" or d[1].name != VERSION_TABLE]
        assert differences == []
    finally:
        engine.dispose()


@pytest.mark.both_backends
def test_tables_made_by_create_all_are_adopted_with_their_rows(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:  # an outbox from before the migration
            metadata.create_all(connection)
            connection.execute(insert(messages).values(
                sender="acct-old", message_id="m0", text="kept", state="pending", tries=0,
                failures=0, created_at=datetime(2026, 1, 1)))
        outbox = Outbox(engine)
        assert revision(engine, VERSION_TABLE) == head_revision()
        with engine.connect() as connection:
            assert connection.execute(select(messages.c.text)).scalars().all() == ["kept"]
        assert outbox.claim_next("acct-old", 30).text == "kept"
    finally:
        engine.dispose()


@pytest.mark.both_backends
def test_downgrade_removes_the_tables_and_upgrade_restores_them(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate(engine)
        with engine.begin() as connection:
            config = outbox_alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert set(inspect(engine).get_table_names()) == {VERSION_TABLE}
        migrate(engine)
        assert TABLES <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.both_backends
def test_desk_and_outbox_in_one_database_keep_their_own_versions(db_url: str) -> None:
    migrate_desk(db_url)
    engine = make_engine(db_url)
    try:
        migrate(engine)
        migrate_desk(db_url)  # the desk's chain does not see the outbox's, nor the reverse
        assert revision(engine, "alembic_version") == desk_head()
        assert revision(engine, VERSION_TABLE) == head_revision()
        assert {"tickets", "delivery_outbox"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()

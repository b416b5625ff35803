"""A throw-away PostgreSQL schema per test: isolation without CREATE DATABASE rights."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url


@contextmanager
def throwaway_schema(server_url: str, prefix: str = "sb_test") -> Iterator[str]:
    """Yields a URL whose search_path is a new schema; the schema is dropped after."""
    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, future=True)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        url = make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()

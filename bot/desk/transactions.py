"""The Desk's transactions: each Desk method runs in exactly one, opened here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.desk.db import is_sqlite


class Transactions:
    """The engine and the two kinds of transaction every part of the Desk uses."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with Session(self.engine, future=True, expire_on_commit=False) as session:
            with session.begin():
                if is_sqlite(self.engine):
                    # Take SQLite's write lock up front: a read-then-write transaction would
                    # otherwise fail with "database is locked" if another writer got in
                    # between (WAL cannot upgrade a stale snapshot). Writers simply queue.
                    session.connection().exec_driver_sql("BEGIN IMMEDIATE")
                yield session

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self.engine, future=True, expire_on_commit=False) as session:
            with session.begin():
                if is_sqlite(self.engine):
                    # pysqlite runs bare SELECTs outside a transaction; BEGIN gives all the
                    # reads of one call a single consistent snapshot.
                    session.connection().exec_driver_sql("BEGIN")
                yield session

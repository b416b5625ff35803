"""Rasa instances starting together on one PostgreSQL all get the outbox: its tables are
created under an advisory lock instead of racing on CREATE TABLE."""

from __future__ import annotations

import threading
import uuid

from bot.channels.outbox import Outbox
from bot.desk.db import make_engine
from bot.scaleout.services import create_database, drop_database, with_database


def test_instances_starting_together_all_open_the_outbox(postgres_server: str) -> None:
    name = f"sb_test_outbox_{uuid.uuid4().hex[:8]}"
    create_database(postgres_server, name)
    url = with_database(postgres_server, name)
    engines = [make_engine(url) for _ in range(4)]
    try:
        start, errors = threading.Barrier(len(engines)), []

        def open_outbox(engine) -> None:
            start.wait()
            try:
                Outbox(engine)
            except Exception as error:  # noqa: BLE001 - the test reports every failure
                errors.append(repr(error))

        threads = [threading.Thread(target=open_outbox, args=(e,)) for e in engines]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert errors == []
        outbox = Outbox(engines[0])
        row = outbox.add("acct-1", "m1", "hello", "rest", None)
        assert outbox.claim_next("acct-1", 30).id == row
    finally:
        for engine in engines:
            engine.dispose()
        drop_database(postgres_server, name)

"""Destructive tests get their own Stack (tests/support/faults.py): the dialogue tests'
stack is never broken; every fault injected is counted for SECURITY.md (the line is
printed by tests/support/fault_summary.py).

One fault stack for the folder (its files run on one worker, tests/support/workers.py):
its desk is a fresh PostgreSQL schema reached through a proxy the database tests cut;
the action server tests kill and freeze its servers. Each test leaves every server
running and the proxy open, and uses users of its own."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from bot.channels.delivery_texts import TEXTS
from bot.serve import Stack
from tests.support.faults import make_stack, wait_for
from tests.support.live import say
from tests.support.proxy import Proxy

# What the channel says itself when the actions did not answer (kept, no reply, failed).
DELIVERY_TEXTS = frozenset(text for by_language in TEXTS.values()
                           for text in by_language.values())


@pytest.fixture(scope="session")
def fault_stack(trained_model: Path, postgres_server: str,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The fault stack, with `proxy` (between it and PostgreSQL) and `direct` (an engine
    straight to the desk's schema, past the proxy)."""
    server = make_url(postgres_server)
    schema = f"sb_faults_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, future=True)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    proxy = Proxy(server.host or "localhost", server.port or 5432)
    options = {"options": f"-csearch_path={schema}"}
    via_proxy = server.set(host="127.0.0.1", port=proxy.port).update_query_dict(options)
    stack = make_stack(tmp_path_factory.mktemp("faults"), trained_model,
                       db_url=via_proxy.render_as_string(hide_password=False))
    stack.proxy = proxy
    stack.direct = create_engine(server.update_query_dict(options), future=True)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        proxy.close()
        stack.direct.dispose()
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def _answers_in_time(stack: Stack) -> bool:
    try:
        replies = say(stack, f"acct-warm-{uuid.uuid4().hex[:8]}", "hi")
    except OSError:  # Rasa restarting: not yet
        return False
    return bool(replies) and DELIVERY_TEXTS.isdisjoint(replies)


@pytest.fixture(autouse=True)
def _stack_answers_in_time(request: pytest.FixtureRequest) -> None:
    """Each fault test starts on a stack that answers in time. The test before it may have
    killed or frozen a server; a restarted action server's first turns (imports, its first
    database connection through the proxy) can outlast the stack's 3 s action timeout on a
    loaded machine, and the test would read that as its own fault."""
    if "fault_stack" in request.fixturenames:
        stack = request.getfixturevalue("fault_stack")
        wait_for(lambda: _answers_in_time(stack), 120, "the fault stack to answer in time")

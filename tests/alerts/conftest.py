"""Alert fixtures: a migrated desk, a real local SMTP server and a webhook receiver."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.desk import Desk, make_engine, migrate
from tests.support.alerts import SmtpSink, WebhookSink


@pytest.fixture
def desk(db_url: str) -> Iterator[Desk]:
    migrate(db_url)
    engine = make_engine(db_url)
    try:
        yield Desk(engine)
    finally:
        engine.dispose()


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def webhook() -> Iterator[WebhookSink]:
    sink = WebhookSink()
    yield sink
    sink.close()

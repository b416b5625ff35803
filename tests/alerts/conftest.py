"""Alert fixtures: a migrated desk, a real local SMTP server and a webhook receiver."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.desk import Desk, make_engine, migrate
from tests.support.alerts import SmtpSink, WebhookSink
from tests.support.desk_template import copy_template


@pytest.fixture
def desk(db_url: str, desk_template: Path) -> Iterator[Desk]:
    copy_template(desk_template, db_url)
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

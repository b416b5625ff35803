"""The desk's gauges from a real desk database (SQLite, and PostgreSQL when it answers)
with a few tickets."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from bot.desk import open_desk
from bot.metrics.desk import DeskCollector

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)


def gauges(collector: DeskCollector) -> dict[tuple[str, tuple], float]:
    registry = CollectorRegistry()
    registry.register(collector)
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in registry.collect() for s in family.samples}


@pytest.mark.both_backends
def test_open_tickets_by_category_priority_status_and_queue_age(db_url: str):
    url = db_url
    desk = open_desk(url)

    def file(user: str, category: str, minutes: int) -> int:
        return desk.file_report(user, category, {"note": "x"}, f"{user}:{category}",
                                now=T0 + timedelta(minutes=minutes)).ticket.id

    file("acct-1", "account_hacked", 0)        # urgent, waiting 3 h: past its 1 h target
    file("acct-2", "account_hacked", 150)      # urgent, waiting 30 min
    claimed = file("acct-3", "missing_deposit", 10)
    file("acct-4", "missing_withdrawal", 60)   # high, waiting 2 h
    done = file("acct-5", "wrongful_suspension", 5)
    desk.claim(claimed, "lena", now=T0 + timedelta(minutes=20))
    desk.resolve(done, "upheld", "ok", "lena", now=T0 + timedelta(minutes=30))

    now = T0 + timedelta(hours=3)
    collector = DeskCollector(url, clock=lambda: now)
    try:
        values = gauges(collector)
    finally:
        collector.close()
        desk.engine.dispose()

    def open_(category: str, priority: str, status: str) -> float:
        return values[("supportbot_tickets_open", (("category", category),
                                                   ("priority", priority),
                                                   ("status", status)))]

    assert values[("supportbot_desk_up", ())] == 1
    assert open_("account_hacked", "urgent", "open") == 2
    assert open_("missing_deposit", "high", "claimed") == 1
    assert open_("missing_deposit", "high", "open") == 0
    assert open_("missing_withdrawal", "high", "open") == 1
    assert open_("wrongful_suspension", "normal", "open") == 0  # resolved: not counted
    assert open_("human_handoff", "normal", "pending_user") == 0  # every series exists

    age = {dict(k[1])["priority"]: v for k, v in values.items()
           if k[0] == "supportbot_queue_oldest_seconds"}
    # The claimed deposit ticket is older but is being worked: it is not waiting.
    assert age == {"urgent": 3 * 3600, "high": 2 * 3600, "normal": 0}
    overdue = {dict(k[1])["priority"]: v for k, v in values.items()
               if k[0] == "supportbot_tickets_overdue"}
    assert overdue == {"urgent": 1, "high": 0, "normal": 0}


def test_an_unreadable_database_reports_down_and_the_scrape_still_works(tmp_path: Path):
    values = gauges(DeskCollector(f"sqlite:///{tmp_path / 'never-migrated.db'}"))
    assert values == {("supportbot_desk_up", ()): 0}


def test_registering_does_not_query_the_database(tmp_path: Path):
    missing = tmp_path / "nothing-here" / "desk.db"
    registry = CollectorRegistry(auto_describe=True)
    registry.register(DeskCollector(f"sqlite:///{missing}"))
    assert not missing.exists()

"""The desk's gauges, read from its database when Prometheus scrapes (never per message).

One grouped query over the unresolved tickets (indexed by status) gives:
- supportbot_tickets_open{category, priority, status}: unresolved tickets (open, claimed,
  pending_user); every category's series exists, at 0 when it has none;
- supportbot_queue_oldest_seconds{priority}: how long the oldest ticket waiting for an
  agent (status open) has waited, 0 when none: the queue's age;
- supportbot_tickets_overdue{priority}: tickets waiting for an agent past their response
  target;
- supportbot_desk_up: 0 when the database could not be read (the scrape still succeeds).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry
from sqlalchemy import case, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.desk import PRIORITY_ORDER, make_engine
from bot.desk.categories import CATEGORY_PRIORITY
from bot.desk.clock import utc_now
from bot.desk.models import Ticket
from bot.logs import log_event

logger = logging.getLogger(__name__)

UNRESOLVED = ("open", "claimed", "pending_user")
WAITING = "open"  # waiting for an agent: what the queue's age measures


class DeskCollector(Collector):
    def __init__(self, url: str | None = None, *, engine: Engine | None = None,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self._url = url
        self._engine = engine
        self._clock = clock

    @property
    def engine(self) -> Engine:
        if self._engine is None:  # lazily: the process starts even if the database is down
            self._engine = make_engine(self._url)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()

    def rows(self, now: datetime) -> list[Any]:
        overdue = func.sum(case((Ticket.response_due_at < now, 1), else_=0))
        query = (
            select(Ticket.category, Ticket.priority, Ticket.status, func.count(),
                   func.min(Ticket.created_at), overdue)
            .where(Ticket.status.in_(UNRESOLVED))
            .group_by(Ticket.category, Ticket.priority, Ticket.status)
        )
        with self.engine.connect() as connection:
            return list(connection.execute(query))

    def describe(self) -> Iterator[GaugeMetricFamily]:
        # Registering asks for the names; without this it would query the database.
        yield GaugeMetricFamily("supportbot_desk_up", "")
        yield GaugeMetricFamily("supportbot_tickets_open", "", labels=["category", "priority",
                                                                       "status"])
        yield GaugeMetricFamily("supportbot_queue_oldest_seconds", "", labels=["priority"])
        yield GaugeMetricFamily("supportbot_tickets_overdue", "", labels=["priority"])

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = self._clock()
        up = GaugeMetricFamily("supportbot_desk_up", "1 when the desk database was read")
        try:
            rows = self.rows(now)
        except SQLAlchemyError as error:
            log_event(logger, "metrics_desk_unavailable", logging.WARNING,
                      error=type(error).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up

        counts: dict[tuple[str, str, str], int] = {
            (category, priority, status): 0
            for category, priority in CATEGORY_PRIORITY.items() for status in UNRESOLVED
        }
        oldest: dict[str, float] = dict.fromkeys(PRIORITY_ORDER, 0.0)
        late: dict[str, int] = dict.fromkeys(PRIORITY_ORDER, 0)
        for category, priority, status, count, first, overdue in rows:
            counts[(category, priority, status)] = count
            if status == WAITING:
                if first is not None:
                    age = max(0.0, (now - first).total_seconds())
                    oldest[priority] = max(oldest.get(priority, 0.0), age)
                late[priority] = late.get(priority, 0) + int(overdue or 0)

        tickets = GaugeMetricFamily("supportbot_tickets_open",
                                    "Unresolved tickets by category, priority and status",
                                    labels=["category", "priority", "status"])
        for labels, count in sorted(counts.items()):
            tickets.add_metric(list(labels), count)
        yield tickets
        age = GaugeMetricFamily("supportbot_queue_oldest_seconds",
                                "Age of the oldest ticket waiting for an agent (0: none)",
                                labels=["priority"])
        overdue = GaugeMetricFamily("supportbot_tickets_overdue",
                                    "Tickets waiting for an agent past their response target",
                                    labels=["priority"])
        for priority in oldest:
            age.add_metric([priority], oldest[priority])
            overdue.add_metric([priority], late.get(priority, 0))
        yield age
        yield overdue


_registered: set[int] = set()


def register_once(registry: CollectorRegistry, url: str | None = None) -> None:
    if id(registry) not in _registered:
        _registered.add(id(registry))
        registry.register(DeskCollector(url))

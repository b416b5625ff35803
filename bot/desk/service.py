"""The Desk: the one entry point actions, the console and the CLI use.

Each method is one transaction; every change writes an `events` row in it.
Results are frozen dataclasses, so callers never hold sessions or ORM objects.
Account ids are taken in any letter case and stored and compared in one canonical form
(bot/desk/accounts.py).

The methods live with their concept, one module each; the Desk is all of them:

    ticket_service.py      filing reports, working and deciding tickets, telling users
    suspension_service.py  suspending users from live chat, lifting, reading suspensions
    agent_service.py       console accounts
    abuse_service.py       abuse evidence on a user
    review_service.py      the trainers' review inbox of unsure messages
    alert_service.py       the alert log: urgent and near-target alerts, sent once
    change_service.py      the change mark live views poll
    transactions.py        the read and write transactions they all run in
"""

from __future__ import annotations

from bot.desk.abuse_service import AbuseService
from bot.desk.agent_service import AgentService
from bot.desk.alert_service import AlertService
from bot.desk.change_service import ChangeService
from bot.desk.db import database_url, make_engine, migrate
from bot.desk.review_service import ReviewService
from bot.desk.suspension_service import SuspensionService
from bot.desk.ticket_service import TicketService
from bot.settings import get_settings


class Desk(TicketService, SuspensionService, AgentService, AbuseService, ReviewService,
           AlertService, ChangeService):
    """The desk on one database engine: `Desk(engine)`, or `open_desk()`."""

    def close(self) -> None:
        """Close the engine's connections (a command's Desk; processes keep theirs)."""
        self.engine.dispose()


def open_desk(url: str | None = None, *, upgrade: bool | None = None) -> Desk:
    """The one way to open the desk: on `url`, else $SUPPORTBOT_DB_URL (else
    var/supportbot.db); migrated first unless `upgrade` is False (None: unless
    SUPPORTBOT_AUTO_MIGRATE=0, for processes that share a database migrated up front).
    `close()` it when done, unless it lives as long as the process."""
    url = url or database_url()
    if get_settings().desk.auto_migrate if upgrade is None else upgrade:
        migrate(url)
    return Desk(make_engine(url))

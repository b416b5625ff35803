"""The desk: appeal queue and suspension registry (SQL models, migrations, services).

Typical use (actions, console, CLI):

    desk = open_desk()            # migrates, then connects to $SUPPORTBOT_DB_URL
    desk.file_report(user_id, "account_hacked", fields, idempotency_key=...)
"""

from bot.desk.accounts import canonical_account_id
from bot.desk.categories import (
    APPEAL_CATEGORIES,
    CATEGORIES,
    HUMAN_HANDOFF,
    PRIORITY_ORDER,
    RESPONSE_TARGETS,
    priority_for,
    response_target,
)
from bot.desk.db import database_url, make_engine, migrate
from bot.desk.errors import (
    AgentExists,
    AlreadyClaimed,
    DeskError,
    HandoffRefused,
    NotHolder,
    SuspendedUserHandoff,
    TicketNotFound,
    TicketResolved,
)
from bot.desk.evidence import AbuseEvidenceInfo
from bot.desk.records import (
    AgentInfo,
    EventInfo,
    FiledReport,
    ReportInfo,
    SuspensionInfo,
    TicketDetail,
    TicketInfo,
    format_ticket_ref,
    parse_ticket_ref,
)
from bot.desk.service import Desk, open_desk

__all__ = [
    "AbuseEvidenceInfo",
    "APPEAL_CATEGORIES",
    "CATEGORIES",
    "HUMAN_HANDOFF",
    "PRIORITY_ORDER",
    "RESPONSE_TARGETS",
    "AgentExists",
    "AgentInfo",
    "AlreadyClaimed",
    "Desk",
    "DeskError",
    "EventInfo",
    "FiledReport",
    "HandoffRefused",
    "NotHolder",
    "ReportInfo",
    "SuspendedUserHandoff",
    "SuspensionInfo",
    "TicketDetail",
    "TicketInfo",
    "TicketNotFound",
    "TicketResolved",
    "canonical_account_id",
    "database_url",
    "format_ticket_ref",
    "make_engine",
    "migrate",
    "open_desk",
    "parse_ticket_ref",
    "priority_for",
    "response_target",
]

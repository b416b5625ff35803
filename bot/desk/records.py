"""Plain, immutable results of desk calls: callers never see ORM objects or sessions."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.desk.clock import resolve_now
from bot.desk.errors import format_ref

TICKET_REF_PREFIX = "SB-"


def format_ticket_ref(ticket_id: int) -> str:
    """42 -> "SB-00042" (the number agents and users quote)."""
    return format_ref(ticket_id)


def parse_ticket_ref(ref: str | int) -> int:
    """ "SB-00042", "sb-42" or "42" (or 42) -> 42."""
    if isinstance(ref, int) and not isinstance(ref, bool):
        number = ref
    else:
        text = str(ref).strip().upper()
        if text.startswith(TICKET_REF_PREFIX):
            text = text[len(TICKET_REF_PREFIX) :]
        if not (text.isascii() and text.isdigit()):
            raise ValueError(f"not a ticket reference: {ref!r} (expected e.g. SB-00042 or 42)")
        number = int(text)
    if number <= 0:
        raise ValueError(f"not a ticket reference: {ref!r} (ticket numbers start at 1)")
    return number


def to_plain(value: Any) -> Any:
    """Dataclasses, datetimes and containers -> JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return value.to_dict()
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    return value


def _fields_dict(obj: Any) -> dict[str, Any]:
    return {f.name: to_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}


@dataclass(frozen=True)
class SuspensionInfo:
    id: int
    user_id: str
    reason: str
    agent: str
    starts_at: datetime
    ends_at: datetime
    lifted_at: datetime | None
    lifted_by: str | None
    category: str | None = None  # one of models.SUSPENSION_CATEGORIES (console)
    evidence: dict[str, Any] | None = None  # {"message_ids": [...], "text": "..."}

    def is_active(self, now: datetime | None = None) -> bool:
        at = resolve_now(now)
        return self.lifted_at is None and self.starts_at <= at < self.ends_at

    @property
    def active(self) -> bool:
        return self.is_active()

    def to_dict(self) -> dict[str, Any]:
        return {**_fields_dict(self), "active": self.active}


@dataclass(frozen=True)
class TicketInfo:
    id: int
    reference: str
    user_id: str
    category: str
    priority: str
    status: str
    assignee: str | None
    outcome: str | None
    resolution_note: str | None
    created_at: datetime
    updated_at: datetime
    claimed_at: datetime | None
    resolved_at: datetime | None
    response_due_at: datetime
    fields: dict[str, Any]
    report_count: int

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.status != "resolved" and resolve_now(now) > self.response_due_at

    def to_dict(self) -> dict[str, Any]:
        return _fields_dict(self)


@dataclass(frozen=True)
class ReportInfo:
    id: int
    ticket_id: int
    fields: dict[str, Any]
    idempotency_key: str
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return _fields_dict(self)


@dataclass(frozen=True)
class EventInfo:
    id: int
    at: datetime
    actor: str
    subject_type: str
    subject_id: int
    user_id: str
    kind: str
    detail: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return _fields_dict(self)


@dataclass(frozen=True)
class TicketDetail:
    ticket: TicketInfo
    reports: tuple[ReportInfo, ...]
    events: tuple[EventInfo, ...]

    def to_dict(self) -> dict[str, Any]:
        return _fields_dict(self)


@dataclass(frozen=True)
class AgentInfo:
    """A console account (never carries the password hash)."""

    id: int
    name: str
    role: str
    created_at: datetime
    disabled: bool
    trainer: bool = False
    language: str = "en"
    must_change_password: bool = False

    def to_dict(self) -> dict[str, Any]:
        return _fields_dict(self)


@dataclass(frozen=True)
class FiledReport:
    ticket: TicketInfo
    created: bool  # this submission opened the ticket
    duplicate: bool  # the idempotency key was already filed; nothing was written
    report_id: int

    def to_dict(self) -> dict[str, Any]:
        return _fields_dict(self)

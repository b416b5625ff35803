"""Declarative models of the desk tables.

The Alembic migration in bot/desk/migrations is written by hand to match these;
tests/desk/test_migrations.py checks that they agree.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import declarative_base
from sqlalchemy.types import TypeDecorator

from bot.desk.accounts import AccountId

TICKET_STATUSES = ("open", "claimed", "pending_user", "resolved")
# What an agent decides when resolving a ticket.
OUTCOMES = ("upheld", "lifted", "resolved")
# Set by the desk itself, never by an agent: a request to talk to staff closed because its
# user was suspended from live chat (policy §5-7: live chat is turned off for them).
CHAT_SUSPENDED = "chat_suspended"
TICKET_OUTCOMES = OUTCOMES + (CHAT_SUSPENDED,)
SUBJECT_TYPES = ("ticket", "suspension")
AGENT_ROLES = ("agent", "lead")
# The policy's categories of abusive behaviour (a suspension names one).
SUSPENSION_CATEGORIES = (
    "threats",
    "unreasonable_demands",
    "personal_insults",
    "discrimination",
    "unfounded_accusations",
    "derogatory_remarks",
    "rudeness",
)

# A ticket "occupies" its (user, category) slot until resolved.
OPEN_TICKET_CONDITION = "status <> 'resolved'"

ID_LENGTH = 255  # Rasa sender ids, agent names


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in Python on every backend.

    SQLite has no time zones, so values are stored as naive UTC and made aware again
    when read; PostgreSQL stores timestamptz and hands back the session's zone.
    """

    impl = DateTime
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(timezone=True)

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} cannot be stored")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


JSONDocument = JSON().with_variant(JSONB(), "postgresql")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
Base: Any = declarative_base(metadata=metadata)


class Suspension(Base):
    __tablename__ = "suspensions"

    id = Column(Integer, primary_key=True)
    user_id = Column(AccountId(ID_LENGTH), nullable=False, index=True)
    reason = Column(Text, nullable=False)
    agent = Column(String(ID_LENGTH), nullable=False)
    starts_at = Column(UTCDateTime(), nullable=False)
    ends_at = Column(UTCDateTime(), nullable=False)
    lifted_at = Column(UTCDateTime(), nullable=True)
    lifted_by = Column(String(ID_LENGTH), nullable=True)
    # Set by the console (policy category and evidence: message ids, free text).
    category = Column(String(32), nullable=True)
    evidence = Column(JSONDocument, nullable=True)

    __table_args__ = (CheckConstraint("ends_at > starts_at", name="window"),)


class Ticket(Base):
    __tablename__ = "tickets"

    id = Column(Integer, primary_key=True)
    user_id = Column(AccountId(ID_LENGTH), nullable=False, index=True)
    category = Column(String(64), nullable=False)
    priority = Column(String(16), nullable=False)
    status = Column(String(16), nullable=False)
    assignee = Column(String(ID_LENGTH), nullable=True)
    outcome = Column(String(16), nullable=True)
    resolution_note = Column(Text, nullable=True)
    created_at = Column(UTCDateTime(), nullable=False)
    updated_at = Column(UTCDateTime(), nullable=False)
    claimed_at = Column(UTCDateTime(), nullable=True)
    resolved_at = Column(UTCDateTime(), nullable=True)
    response_due_at = Column(UTCDateTime(), nullable=False)

    __table_args__ = (
        CheckConstraint(_in("status", TICKET_STATUSES), name="status"),
        CheckConstraint(f"outcome IS NULL OR {_in('outcome', TICKET_OUTCOMES)}", name="outcome"),
        # The database, not the code, guarantees one open ticket per user and category,
        # so racing bot processes cannot open two.
        Index(
            "uq_tickets_open_user_category",
            "user_id",
            "category",
            unique=True,
            sqlite_where=text(OPEN_TICKET_CONDITION),
            postgresql_where=text(OPEN_TICKET_CONDITION),
        ),
        Index("ix_tickets_status", "status"),
    )


class Report(Base):
    __tablename__ = "reports"

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id"), nullable=False, index=True)
    fields = Column(JSONDocument, nullable=False)
    # Unique: the bot may retry a step; the same submission is stored once.
    idempotency_key = Column(String(ID_LENGTH), nullable=False, unique=True)
    created_at = Column(UTCDateTime(), nullable=False)


class Event(Base):
    """Append-only history; database triggers refuse UPDATE and DELETE."""

    __tablename__ = "events"

    id = Column(Integer, primary_key=True)
    at = Column(UTCDateTime(), nullable=False)
    actor = Column(String(ID_LENGTH), nullable=False)
    subject_type = Column(String(16), nullable=False)
    subject_id = Column(Integer, nullable=False)
    user_id = Column(AccountId(ID_LENGTH), nullable=False, index=True)
    kind = Column(String(32), nullable=False)
    detail = Column(JSONDocument, nullable=False)

    __table_args__ = (
        CheckConstraint(_in("subject_type", SUBJECT_TYPES), name="subject_type"),
        Index("ix_events_subject", "subject_type", "subject_id"),
    )


class Agent(Base):
    """A console account; the password is stored only as an argon2 hash."""

    __tablename__ = "agents"

    id = Column(Integer, primary_key=True)
    name = Column(String(ID_LENGTH), nullable=False, unique=True)
    role = Column(String(16), nullable=False)
    password_hash = Column(Text, nullable=False)
    created_at = Column(UTCDateTime(), nullable=False)
    disabled = Column(Boolean, nullable=False, default=False)
    # Labels the review inbox and starts trainings in the console; any role may.
    trainer = Column(Boolean, nullable=False, default=False, server_default=false())
    language = Column(String(8), nullable=False, default="en", server_default="en")
    # Set by a lead's password reset: the one-time password opens only the page that
    # sets a new one.
    must_change_password = Column(Boolean, nullable=False, default=False,
                                  server_default=false())

    __table_args__ = (CheckConstraint(_in("role", AGENT_ROLES), name="role"),)


class ConsoleSession(Base):
    """A signed-in console session (bot/console/sessions.py): deleting the row signs it
    out wherever its cookie is. Only a hash of the session token is stored, so reading
    the table gives no one a usable cookie."""

    __tablename__ = "console_sessions"

    token_hash = Column(String(64), primary_key=True)
    agent = Column(String(ID_LENGTH), nullable=False, index=True)
    created_at = Column(UTCDateTime(), nullable=False)
    expires_at = Column(UTCDateTime(), nullable=False)


REVIEW_STATUSES = ("open", "assigned", "dismissed")
REVIEW_REASONS = ("low_confidence", "fallback")


class ReviewItem(Base):
    """A user message the NLU was unsure of, waiting for a trainer (bot/trainer/review.py).

    `text` is stored redacted of secrets (bot/redact.py); never the raw message.
    """

    __tablename__ = "review_items"

    id = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)
    predicted_intent = Column(String(ID_LENGTH), nullable=True)
    confidence = Column(Float, nullable=True)
    reason = Column(String(32), nullable=False)
    language = Column(String(16), nullable=False)
    sender_id = Column(AccountId(ID_LENGTH), nullable=False, index=True)
    # Rasa's message id: a message is recorded once, however often an action runs for it.
    message_id = Column(String(ID_LENGTH), nullable=True, unique=True)
    status = Column(String(16), nullable=False)
    created_at = Column(UTCDateTime(), nullable=False)
    resolved_at = Column(UTCDateTime(), nullable=True)
    resolved_by = Column(String(ID_LENGTH), nullable=True)
    assigned_intent = Column(String(ID_LENGTH), nullable=True)

    __table_args__ = (
        CheckConstraint(_in("status", REVIEW_STATUSES), name="status"),
        CheckConstraint(_in("reason", REVIEW_REASONS), name="reason"),
        Index("ix_review_items_status", "status"),
    )


class AbuseEvidence(Base):
    """A user message the abuse detector flagged (bot/abuse), kept for agents.

    Evidence only: recording it changes no ticket, priority or suspension. `text` is
    stored redacted of secrets (bot/redact.py), never the raw message.
    """

    __tablename__ = "abuse_evidence"

    id = Column(Integer, primary_key=True)
    user_id = Column(AccountId(ID_LENGTH), nullable=False, index=True)  # the Rasa sender id
    # Rasa's message id: a message is recorded once, however often the hook runs for it.
    message_id = Column(String(ID_LENGTH), nullable=True, unique=True)
    category = Column(String(32), nullable=False)
    score = Column(Float, nullable=False)
    text = Column(Text, nullable=False)
    language = Column(String(16), nullable=True)
    signals = Column(String(ID_LENGTH), nullable=False)  # which detector parts fired
    created_at = Column(UTCDateTime(), nullable=False)

    __table_args__ = (CheckConstraint(_in("category", SUSPENSION_CATEGORIES), name="category"),)


ALERT_EVENTS = ("urgent_filed", "near_target")
ALERT_CHANNELS = ("email", "webhook")
ALERT_STATUSES = ("pending", "sent")


class Alert(Base):
    """The alert log (bot/desk/alerts.py): one row per ticket, event and channel, so each
    alert goes out once; a pending row is retried until its channel takes it."""

    __tablename__ = "alerts"

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id"), nullable=False)
    event = Column(String(16), nullable=False)
    channel = Column(String(16), nullable=False)
    status = Column(String(16), nullable=False)
    attempts = Column(Integer, nullable=False)
    created_at = Column(UTCDateTime(), nullable=False)
    # When a worker may (re)try it: after a back-off, or once another worker's lease ends.
    next_attempt_at = Column(UTCDateTime(), nullable=False)
    sent_at = Column(UTCDateTime(), nullable=True)
    last_error = Column(Text, nullable=True)

    __table_args__ = (
        CheckConstraint(_in("event", ALERT_EVENTS), name="event"),
        CheckConstraint(_in("channel", ALERT_CHANNELS), name="channel"),
        CheckConstraint(_in("status", ALERT_STATUSES), name="status"),
        UniqueConstraint("ticket_id", "event", "channel"),
        Index("ix_alerts_status_next_attempt_at", "status", "next_attempt_at"),
    )

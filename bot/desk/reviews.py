"""The review inbox on an open session: user messages the bot was unsure of, stored
redacted for a trainer to label (the Desk owns transactions)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.desk.errors import DeskError
from bot.desk.models import ReviewItem
from bot.desk.records import to_plain
from bot.redact import redact

MAX_TEXT = 2000  # characters stored; a flood is not a training example


class ReviewError(DeskError):
    """A review action that cannot be done; the message is for the trainer."""


class ReviewItemNotFound(ReviewError, LookupError):
    def __init__(self, item_id: int) -> None:
        self.item_id = item_id
        super().__init__(f"review item {item_id} not found")


@dataclass(frozen=True)
class ReviewInfo:
    id: int
    text: str
    predicted_intent: str | None
    confidence: float | None
    reason: str
    language: str
    sender_id: str
    message_id: str | None
    status: str
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None
    assigned_intent: str | None

    def to_dict(self) -> dict[str, Any]:
        return {f.name: to_plain(getattr(self, f.name)) for f in fields(self)}


def review_info(row: ReviewItem) -> ReviewInfo:
    return ReviewInfo(**{f.name: getattr(row, f.name) for f in fields(ReviewInfo)})


def review_text(text: str) -> str:
    """Redacted, one line, no control characters, at most MAX_TEXT characters."""
    text = redact(text)
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    text = " ".join(text.split())
    return text[:MAX_TEXT]


def find_by_message(session: Session, message_id: str) -> ReviewItem | None:
    return session.scalars(select(ReviewItem).where(ReviewItem.message_id == message_id)).first()


def load_item(session: Session, item_id: int) -> ReviewItem:
    row = session.get(ReviewItem, item_id)
    if row is None:
        raise ReviewItemNotFound(item_id)
    return row


def close(
    session: Session,
    item_id: int,
    *,
    status: str,
    trainer: str | None,
    intent: str | None,
    at: datetime,
) -> ReviewInfo:
    """Close an open item as `status` (assigned or dismissed); ReviewError if not open."""
    row = load_item(session, item_id)
    if row.status != "open":
        raise ReviewError(f"review item {item_id} is already {row.status}")
    row.status = status
    row.resolved_at = at
    row.resolved_by = trainer
    row.assigned_intent = intent
    session.flush()
    return review_info(row)

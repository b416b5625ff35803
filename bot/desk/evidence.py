"""Abuse evidence on a user: flagged messages, redacted, for agents to see on request.

Recording evidence is all that happens: no ticket, no priority, no suspension changes
(policy: abuse never escalates by itself; agents decide).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.desk.models import AbuseEvidence
from bot.desk.records import _fields_dict
from bot.redact import redact

MAX_TEXT = 1000  # characters kept; enough to judge a message, not to store a flood


@dataclass(frozen=True)
class AbuseEvidenceInfo:
    id: int
    user_id: str
    message_id: str | None
    category: str
    score: float
    text: str
    language: str | None
    signals: str
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return _fields_dict(self)


def evidence_text(text: str) -> str:
    """Redacted of secrets, one line, no control characters, at most MAX_TEXT chars."""
    text = redact(text or "")
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    text = " ".join(text.split())
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def evidence_info(row: AbuseEvidence) -> AbuseEvidenceInfo:
    return AbuseEvidenceInfo(
        id=row.id,
        user_id=row.user_id,
        message_id=row.message_id,
        category=row.category,
        score=float(row.score),
        text=row.text,
        language=row.language,
        signals=row.signals,
        created_at=row.created_at,
    )


def find_by_message(session: Session, message_id: str) -> AbuseEvidence | None:
    return session.scalars(
        select(AbuseEvidence).where(AbuseEvidence.message_id == message_id)
    ).first()


def of_user(session: Session, user_id: str, limit: int) -> list[AbuseEvidenceInfo]:
    rows = session.scalars(
        select(AbuseEvidence)
        .where(AbuseEvidence.user_id == user_id)
        .order_by(AbuseEvidence.created_at.desc(), AbuseEvidence.id.desc())
        .limit(limit)
    )
    return [evidence_info(row) for row in rows]


def count_of_user(session: Session, user_id: str) -> int:
    return session.scalar(
        select(func.count()).select_from(AbuseEvidence).where(AbuseEvidence.user_id == user_id)
    )

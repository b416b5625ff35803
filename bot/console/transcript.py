"""The bot transcript of a user, read (never written) from Rasa's SQL tracker store.

Rasa's SQLTrackerStore keeps one row per event in the table `events` (sender_id,
type_name, timestamp, data as JSON text). Secrets were redacted before Rasa stored them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.settings import get_settings

MAX_MESSAGES = 500
ABUSIVE_INTENTS = frozenset({"insult"})


def tracker_db_url() -> str:
    """$SUPPORTBOT_TRACKER_DB_URL, else var/tracker.db: Rasa's tracker store."""
    return get_settings().desk.tracker_db_url


@dataclass(frozen=True)
class Message:
    speaker: str  # "user" or "bot"
    text: str
    at: datetime | None
    message_id: str | None
    intent: str | None
    abusive: bool  # shown only on request (policy point 2)


@dataclass(frozen=True)
class Transcript:
    messages: list[Message] = field(default_factory=list)
    notice: str | None = None  # why there is no transcript, for the agent
    truncated: bool = False


class TrackerReader:
    """Read-only access; the engine is created on first use, never at import."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None

    def _connect(self) -> Engine | None:
        if self._engine is None:
            parsed = make_url(self.url)
            if parsed.get_backend_name() == "sqlite":
                path = Path(parsed.database or "")
                if not parsed.database or not path.is_file():
                    return None  # do not create an empty file
                # mode=ro: the console can never write to the bot's conversations.
                self._engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true", future=True)
            else:
                self._engine = create_engine(parsed, future=True, pool_pre_ping=True)
        return self._engine

    def read(self, sender_id: str, limit: int = MAX_MESSAGES) -> Transcript:
        try:
            engine = self._connect()
            if engine is None:
                return Transcript(notice="No tracker store found; the transcript is unavailable.")
            with engine.connect() as connection:
                rows = connection.execute(
                    text(
                        "SELECT type_name, timestamp, data FROM events "
                        "WHERE sender_id = :sender AND type_name IN ('user', 'bot') "
                        "ORDER BY id DESC LIMIT :limit"
                    ),
                    {"sender": sender_id, "limit": limit + 1},
                ).all()
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            return Transcript(notice=f"The tracker store is unreachable ({reason}).")
        truncated = len(rows) > limit
        messages = [m for m in (to_message(r[0], r[1], r[2]) for r in rows[:limit]) if m]
        return Transcript(messages=messages[::-1], truncated=truncated)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def to_message(type_name: str, timestamp: Any, data: Any) -> Message | None:
    try:
        event = json.loads(data) if isinstance(data, (str, bytes)) else dict(data or {})
    except (ValueError, TypeError):
        return None
    if not isinstance(event, dict):
        return None
    intent = None
    if type_name == "user":
        parse = event.get("parse_data") or {}
        intent = ((parse.get("intent") or {}) if isinstance(parse, dict) else {}).get("name")
    at = None
    if isinstance(timestamp, (int, float)):
        at = datetime.fromtimestamp(timestamp, timezone.utc)
    body = event.get("text")
    if not body and type_name == "bot":
        data_part = event.get("data") or {}
        buttons = data_part.get("buttons") if isinstance(data_part, dict) else None
        body = " | ".join(str(b.get("title", "")) for b in buttons or []) or None
    if not body:
        return None
    return Message(
        speaker=type_name,
        text=str(body),
        at=at,
        message_id=event.get("message_id"),
        intent=intent if isinstance(intent, str) else None,
        abusive=type_name == "user" and intent in ABUSIVE_INTENTS,
    )

"""What a bot message tells: a decision or an agent's question, counted as told only once
it has been shown.

The action that says it cannot know whether the user will see it (a REST reply may be
lost, nobody may have the chat page open), so it does not mark it. It puts a marker on
the message (`tells`, carried by Rasa as the message's metadata), and the channel that
passes the message on to the user marks it told then (bot/channels/delivery.py for
replies, bot/channels/push.py for pushes). A message never shown leaves it untold, and
the bot tells it at the next message.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot.logs import log_event

logger = logging.getLogger(__name__)

KEY = "tells"
DECISION, QUESTION = "decision", "question"


def decision(ticket_id: int) -> list[dict[str, Any]]:
    return [{"kind": DECISION, "ticket_id": ticket_id}]


def question(ticket_id: int, asked_event_id: int) -> list[dict[str, Any]]:
    return [{"kind": QUESTION, "ticket_id": ticket_id, "event_id": asked_event_id}]


def carried(payloads: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The markers on messages about to be shown, each once."""
    seen: list[dict[str, Any]] = []
    for payload in payloads:
        for tell in payload.get(KEY) or []:
            if isinstance(tell, dict) and tell not in seen:
                seen.append(tell)
    return seen


@functools.lru_cache(maxsize=1)
def shared_desk() -> Any:
    """The Rasa process's desk, opened at the first telling."""
    from bot.desk import open_desk

    return open_desk()


def mark_shown(tells: list[dict[str, Any]], sender: str, on: Any = None) -> int:
    """Mark what the shown messages told; how many were newly marked. A failure is
    logged, not raised: the user then hears it once more rather than never."""
    if not tells:
        return 0
    marked = 0
    try:
        opened = on or shared_desk()
        for tell in tells:
            if tell.get("kind") == DECISION:
                marked += opened.mark_told(int(tell["ticket_id"]))
            elif tell.get("kind") == QUESTION:
                marked += opened.mark_question_told(int(tell["ticket_id"]), int(tell["event_id"]))
    except (SQLAlchemyError, KeyError, TypeError, ValueError) as error:
        log_event(logger, "told_mark_failed", logging.ERROR, user=sender,
                  error=type(error).__name__)
        return marked
    log_event(logger, "told_marked", user=sender, tells=len(tells), marked=marked)
    return marked

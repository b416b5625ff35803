"""The recorder of the trainers' review inbox: after every user message, a message the
NLU was unsure of (confidence under the threshold, or `nlu_fallback`) is stored through the
Desk, redacted, with its predicted intent, confidence, language and sender.
Trainers then label it with `supportbot review` (bot/trainer/review.py)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot.desk import Desk
from bot.logs import log_event

logger = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.7  # above config.yml's fallback thresholds (0.4, FAQ answers 0.6)
FALLBACK_INTENT = "nlu_fallback"


def unsure_prediction(
    latest_message: Mapping[str, Any], threshold: float
) -> tuple[str | None, float | None, str] | None:
    """(predicted label, confidence, reason) when the NLU was unsure of this message.

    Button payloads ("/intent") are never unsure. After `nlu_fallback`, the predicted
    label is the classifier's own best guess (the next in the ranking). For a retrieval
    intent (faq), the label is `faq/<topic>` and the confidence the lower of the intent's
    and the response selector's.
    """
    text = str(latest_message.get("text") or "")
    if not text.strip() or text.lstrip().startswith("/"):
        return None
    intent = latest_message.get("intent") or {}
    name, confidence = intent.get("name"), intent.get("confidence")
    if not name:
        return None
    if name == FALLBACK_INTENT:
        ranking = latest_message.get("intent_ranking") or []
        best = next((r for r in ranking if r.get("name") not in (None, FALLBACK_INTENT)), None)
        if best is None:
            return None, None, "fallback"
        label, confidence = _with_topic(latest_message, str(best["name"]), best.get("confidence"))
        return label, confidence, "fallback"
    label, confidence = _with_topic(latest_message, str(name), confidence)
    if confidence is None or confidence < threshold:
        return label, confidence, "low_confidence"
    return None


def _with_topic(
    latest_message: Mapping[str, Any], intent: str, confidence: Any
) -> tuple[str, float | None]:
    """`faq/<topic>` and the lower of the two confidences for a retrieval intent; else the
    intent and its confidence. An unsure FAQ answer (bot/nlu/faq_fallback.py) keeps its
    topic, so the trainer sees which answer the bot nearly gave."""
    label, value = intent, _number(confidence)
    selector = (latest_message.get("response_selector") or {}).get(intent)
    if isinstance(selector, Mapping):
        response = selector.get("response") or {}
        if response.get("intent_response_key"):
            label = str(response["intent_response_key"])
        selected = _number(response.get("confidence"))
        if selected is not None:
            value = selected if value is None else min(value, selected)
    return label, value


def _number(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def record_if_unsure(
    desk: Desk,
    tracker_latest_message: Mapping[str, Any],
    sender_id: str,
    language: str,
    threshold: float = DEFAULT_THRESHOLD,
) -> bool:
    """Store the message for review if the NLU was unsure of it; True when stored.

    Called by the action server on every user message: it never raises for a database
    problem (logged instead), because a review inbox must not stop a conversation.
    """
    unsure = unsure_prediction(tracker_latest_message, threshold)
    if unsure is None:
        return False
    label, confidence, reason = unsure
    try:
        item = desk.record_review(
            str(tracker_latest_message.get("text") or ""),
            label,
            confidence,
            language or "en",
            sender_id,
            reason=reason,
            message_id=tracker_latest_message.get("message_id") or None,
        )
    except SQLAlchemyError as error:
        log_event(
            logger,
            "review_record_failed",
            logging.ERROR,
            user=sender_id,
            error=type(error).__name__,
        )
        return False
    if item is not None:
        log_event(logger, "review_recorded", item=item.id, intent=label, reason=reason)
    return item is not None

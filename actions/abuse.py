"""Abusive messages: answered calmly, kept as evidence on the user, never escalated.

`note_abuse` runs in the per-message hook (actions/session.py), before any policy
predicts. It writes one `abuse_evidence` row (redacted text, category, score) and never
touches tickets, priorities, suspensions or handoffs: agents decide what abuse means.

The calm reply and the normal answer: "where is my f***ing deposit" gets the calm reply
here and then, as usual, the missing-deposit form. A message the NLU reads as `insult`
gets exactly one calm reply, from a rule in data/rules.yml, so none is sent for it here:
outside a form utter_insult_calm; in a form the form rejects it (it answers no question,
domain/core.yml) and "abuse during the form" gives utter_abuse_calm and the question
again. The one exception is a form asking for the description, which takes any text: no
rule runs then, so the calm reply comes from here, whether or not the detector saw abuse.
"""

from __future__ import annotations

import logging
import threading

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.desk import get_desk
from bot.abuse import detect
from bot.abuse.model import scorer
from bot.i18n import LANGUAGES
from bot.logs import log_event

logger = logging.getLogger(__name__)

CALM_RESPONSE = "utter_abuse_calm"
ANSWERED_BY_RULE = frozenset({"insult"})  # data/rules.yml, in a form and out of one
# Form questions any text answers (domain/core.yml): an insult is taken as the answer
# there, so no rule answers it.
FREE_TEXT_SLOTS = frozenset({"description"})


def note_abuse(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Detect abuse in the latest user message; record it and answer calmly."""
    message = tracker.latest_message or {}
    text = str(message.get("text") or "")
    language = tracker.get_slot("language")
    language = language if language in LANGUAGES else None
    try:
        result = detect(text, language)
    except Exception as error:  # the hook must go on: a detector fault is not the user's
        log_event(logger, "abuse_detector_failed", logging.ERROR,
                  user=tracker.sender_id, error=type(error).__name__)
        return []
    intent = (message.get("intent") or {}).get("name")
    in_form = bool((tracker.active_loop or {}).get("name"))
    taken_as_answer = in_form and tracker.get_slot("requested_slot") in FREE_TEXT_SLOTS
    if not result.abusive:
        if taken_as_answer and intent in ANSWERED_BY_RULE:
            dispatcher.utter_message(response=CALM_RESPONSE)
        return []
    recorded = False
    try:
        evidence = get_desk().record_abuse(
            tracker.sender_id,
            text,
            result.category,
            result.score,
            signals=",".join(result.signals),
            language=language,
            message_id=message.get("message_id"),
        )
        recorded = evidence is not None
    except SQLAlchemyError as error:
        log_event(logger, "abuse_evidence_failed", logging.ERROR,
                  user=tracker.sender_id, category=result.category, error=type(error).__name__)
    # Category and score only: the words stay out of the logs.
    log_event(logger, "abuse_detected", user=tracker.sender_id, category=result.category,
              score=result.score, signals=list(result.signals), recorded=recorded)
    if taken_as_answer or intent not in ANSWERED_BY_RULE:
        dispatcher.utter_message(response=CALM_RESPONSE)
    return []


def warm_up() -> None:
    """Load the detector's model off the request path (it takes seconds to unpickle)."""
    threading.Thread(target=_load_quietly, name="abuse-warm-up", daemon=True).start()


def _load_quietly() -> None:
    try:
        scorer()
        detect("warm up", "en")
    except Exception as error:  # the first message will try again and log it
        log_event(logger, "abuse_warm_up_failed", logging.WARNING, error=type(error).__name__)


warm_up()

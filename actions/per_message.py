"""What the action server does with every user message, before the bot replies.

Rasa 3.6 has one per-message seam: after each user message its default action
`action_extract_slots` runs the custom action named `action_validate_slot_mappings`
(rasa.core.actions.action.ActionExtractSlots), before any policy predicts. That action
(actions/session.py) is a thin shell around `run` here; the name is Rasa's, the jobs are
these steps, in this order:

1. follow_language    the `language` slot follows the message: the language the chat
                      channel found in it (its metadata), so it is not detected again
2. warn_of_secrets    a warning per kind of secret the channel redacted from it
3. screen_abuse       abuse gets a calm reply and is kept as evidence; never escalates
   -- the desk's database from here; a fault there ends the steps (logged) --
4. take_answer        the message as the answer to an agent's question, when it is one
5. tell_decisions     agents' decisions not yet told, with their reasons
6. tell_questions     agents' questions not yet shown
7. check_suspension   the suspension registry: the notice once, or that it was lifted
8. record_for_review  a message the bot was unsure of goes to the trainers' inbox
   -- --
9. retry_report       a report that could not be filed earlier is filed now

Steps 1-3 need no database, so a database fault does not silence them. Each step takes
the `Turn` (the message and what has been answered so far) and adds its events to it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import abuse, filing, questions, review_inbox, safety, suspension_notice, updates
from actions.desk import get_desk
from bot.language import message_language
from bot.logs import log_event

logger = logging.getLogger(__name__)


@dataclass
class Turn:
    """One user message as the steps see it, and what they have done with it."""

    dispatcher: CollectingDispatcher
    tracker: Tracker
    events: list[EventType] = field(default_factory=list)
    told: list[str] = field(default_factory=list)  # outcomes of the decisions told


Step = Callable[[Turn], None]


def follow_language(turn: Turn) -> None:
    """Set on this tracker too, so the steps after it (dates, labels) already use it, as
    Rasa's responses do (bot/nlg.py). "ok", "0.5 BTC", a button keep the slot's value."""
    tracker = turn.tracker
    current = tracker.get_slot("language")
    message = tracker.latest_message or {}
    language = message_language(message.get("text"), current, message.get("metadata"))
    if language != current:
        tracker.slots["language"] = language
        turn.events.append(SlotSet("language", language))


def warn_of_secrets(turn: Turn) -> None:
    safety.warn_about_secrets(turn.dispatcher, turn.tracker)


def screen_abuse(turn: Turn) -> None:
    # It logs its own failure to record: a database fault does not silence the reply.
    turn.events += abuse.note_abuse(turn.dispatcher, turn.tracker)


def take_answer(turn: Turn) -> None:
    # Before new questions are told: the answer is to one the user has seen.
    turn.events += questions.take_answer(turn.dispatcher, turn.tracker)


def tell_decisions(turn: Turn) -> None:
    turn.told = updates.tell_decisions(turn.dispatcher, turn.tracker)


def tell_questions(turn: Turn) -> None:
    questions.tell_questions(turn.dispatcher, turn.tracker)


def check_suspension(turn: Turn) -> None:
    # A lifted appeal was just told; "your suspension is lifted" would repeat it.
    turn.events += suspension_notice.refresh_suspension(
        turn.dispatcher, turn.tracker, announce_lift="lifted" not in turn.told)


def record_for_review(turn: Turn) -> None:
    tracker = turn.tracker
    review_inbox.record_if_unsure(get_desk(), tracker.latest_message, tracker.sender_id,
                                  tracker.get_slot("language"), review_inbox.DEFAULT_THRESHOLD)


def retry_report(turn: Turn) -> None:
    if turn.tracker.get_slot("pending_report"):
        turn.events += filing.retry_pending_report(turn.dispatcher, turn.tracker)


WITHOUT_DATABASE: tuple[Step, ...] = (follow_language, warn_of_secrets, screen_abuse)
ON_THE_DESK: tuple[Step, ...] = (take_answer, tell_decisions, tell_questions,
                                 check_suspension, record_for_review)
AFTER: tuple[Step, ...] = (retry_report,)
STEPS: tuple[Step, ...] = WITHOUT_DATABASE + ON_THE_DESK + AFTER


def run(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Every step, in order; the events they set."""
    turn = Turn(dispatcher, tracker)
    for step in WITHOUT_DATABASE:
        step(turn)
    try:
        for step in ON_THE_DESK:
            step(turn)
    except SQLAlchemyError as error:
        log_event(logger, "suspension_lookup_failed", logging.ERROR,
                  user=tracker.sender_id, error=type(error).__name__)
        return turn.events
    for step in AFTER:
        step(turn)
    return turn.events

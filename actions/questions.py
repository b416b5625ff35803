"""An agent's question, through the bot: shown to the user, and their next message taken
as the answer (bot/desk/questions.py keeps it in the ticket's history).

The user still never chats with staff (policy §7): they see one question and their one
answer goes to the ticket. What is not an answer stays with the dialogue:

- a message of an urgent case or an appeal (report_*, appeal_suspension) starts that case;
  the question keeps waiting;
- abuse gets the calm reply (actions/abuse.py) and is not passed on;
- a question of the user's own (status, FAQ, a human) is answered as usual;
- during a form, the form's question comes first.

"I don't know" / "skip" is an answer too: the agent learns the user does not know.
With several questions waiting, the answer goes to the oldest and the user is told which.
"""

from __future__ import annotations

import logging
import re
from typing import Any, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.desk import get_desk
from bot import macros, tells
from bot.abuse import detect
from bot.i18n import LANGUAGES, label, lang
from bot.logs import log_event

logger = logging.getLogger(__name__)

# The intents a reply to "which wallet?" is read as; data/questions.yml routes the same
# list to `action_answer_taken`, so the acknowledgement is the turn's whole reply.
ANSWER_INTENTS = frozenset({
    "inform", "affirm", "deny", "out_of_scope", "nlu_fallback", "greet", "thank", "stop",
    "goodbye",
})
SLOT = "answer_taken"
SKIP = re.compile(
    r"^\W*(i\s*(do\s*n[o']?t|dunno|have\s+no\s+idea)|don'?t\s+know|dunno|no\s+idea|"
    r"not\s+sure|skip|pass|vet\s+inte|ingen\s+aning|hoppa\s+över|jag\s+vet\s+inte|"
    r"minns\s+inte|i\s+don'?t\s+remember)\b",
    re.IGNORECASE,
)


def is_skip(text: str) -> bool:
    return bool(SKIP.match(text or ""))


def tell_questions(dispatcher: CollectingDispatcher, tracker: Tracker) -> int:
    """Say each question not yet shown; how many. Marked told by the channel that
    shows them (bot/tells.py), so a question is never taken as seen when it was not."""
    language = lang(tracker.get_slot("language"))
    said = 0
    for question in get_desk().pending_questions(tracker.sender_id):
        if question.told:
            continue
        category = label(question.category, language)
        marker = tells.question(question.ticket_id, question.asked_event_id)
        macro = macros.load().get(question.macro or "")
        if macro is not None:
            dispatcher.utter_message(response=macro.response, tells=marker,
                                     **macros.values_for(question, language, category))
            dispatcher.utter_message(response="utter_question_how_to_answer", tells=marker,
                                     ticket=question.reference, category=category)
        else:
            dispatcher.utter_message(response="utter_agent_question", tells=marker,
                                     ticket=question.reference, category=category,
                                     question=question.text or "")
        log_event(logger, "question_said", user=tracker.sender_id,
                  ticket=question.reference, macro=question.macro)
        said += 1
    return said


def _is_answer(tracker: Tracker) -> bool:
    message = tracker.latest_message or {}
    intent = (message.get("intent") or {}).get("name")
    text = str(message.get("text") or "").strip()
    if not text or (tracker.active_loop or {}).get("name"):
        return False
    if intent not in ANSWER_INTENTS and not is_skip(text):
        return False
    language = tracker.get_slot("language")
    try:
        abusive = detect(text, language if language in LANGUAGES else None).abusive
    except Exception:  # noqa: BLE001 - a detector fault: actions/abuse.py logs it
        abusive = False
    return not abusive


def take_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Attach the latest message to the oldest question the user has seen, if it is an
    answer; the acknowledgement names the ticket and any question still waiting."""
    events: List[EventType] = []
    if tracker.get_slot(SLOT):
        events.append(SlotSet(SLOT, False))
    desk = get_desk()
    waiting = [q for q in desk.pending_questions(tracker.sender_id) if q.told]
    if not waiting or not _is_answer(tracker):
        return events
    message = tracker.latest_message or {}
    text = str(message.get("text") or "").strip()
    skipped = is_skip(text)
    for question in waiting:
        if desk.attach_answer(question.ticket_id, text, skipped=skipped,
                              message_id=message.get("message_id")) is None:
            continue  # answered by a concurrent turn; the next one waits
        language = lang(tracker.get_slot("language"))
        category = label(question.category, language)
        dispatcher.utter_message(
            response="utter_answer_skipped" if skipped else "utter_answer_taken",
            ticket=question.reference, category=category)
        rest = [q for q in waiting if q.ticket_id != question.ticket_id]
        if rest:
            dispatcher.utter_message(response="utter_answer_next_question",
                                     ticket=rest[0].reference,
                                     category=label(rest[0].category, language))
        log_event(logger, "answer_attached", user=tracker.sender_id,
                  ticket=question.reference, skipped=skipped, waiting=len(rest))
        return [SlotSet(SLOT, True)]
    return events


class ActionAnswerTaken(Action):
    """The turn's reply after an answer was attached: the acknowledgement already said it."""

    def name(self) -> str:
        return "action_answer_taken"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Any]:
        return [SlotSet(SLOT, False)]

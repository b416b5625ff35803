"""When the bot is unsure what a message asks: one short question, or the menu.

Runs for `nlu_fallback`, for `report_funds_gone` ("my bitcoin is gone": lost, but not
saying how) and for report details given outside a report, data/rules.yml. Funds gone
get "did someone get into your account, did a withdrawal not arrive, or did a deposit
not show up?" with a button for each. When an urgent case or the appeal is among the
classifier's two likeliest intents (bot/nlu/unsure_case.py marks the close calls), the
user is asked "Is this about a hacked account or a missing withdrawal?" with a button for
each and one for none of these, in their language; otherwise they get the menu of what
the bot can do (utter_default). A button answers with the intent itself, so the next turn
starts the right case.

A message the bot does not understand right after such a question ("about an hour ago",
typed instead of a button) gets the same buttons again, once, rather than the menu: the
question is still the one that matters.

Button titles come from the domain's `utter_case_options`, so every text a user sees
stays in the domain, and the channel guard lets these payloads through because the
domain offers them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.i18n import case_phrase, lang
from bot.trainer.labels import FALLBACK_INTENT, FUNDS_GONE, MONEY_CASES, URGENT_INTENTS

OPTIONS_RESPONSE = "utter_case_options"
NONE_OF_THESE = "/deny"  # data/rules.yml: after the question, "tell me what happened"
# Intents a button can offer besides the urgent ones, when one of the two is urgent. Not
# request_human: no button asks for staff (the channel guard defuses "/request_human";
# the words still reach action_request_human, which applies the policy).
ALSO_OFFERED = frozenset({"check_appeal_status"})
# Below this an urgent intent is a guess about a message the bot did not understand:
# the menu serves better than a question about one case.
MIN_CONFIDENCE = 0.2
# The questions above; a message not understood after one of them gets its buttons again.
CLARIFYING = frozenset({"utter_ask_funds_gone", "utter_ask_which_case", "utter_ask_is_it_case"})


def previous_reply(events: Iterable[Dict[str, Any]]) -> list[Dict[str, Any]]:
    """The bot events of the reply to the previous user message, in order: what the bot
    said just before the latest user message."""
    reply: list[Dict[str, Any]] = []
    seen_latest = False
    for event in reversed(list(events)):
        if event.get("event") == "user":
            if seen_latest:
                break
            seen_latest = True
        elif event.get("event") == "bot" and seen_latest:
            reply.append(event)
    return reply[::-1]


def unanswered_question(events: List[Dict[str, Any]]) -> list[dict[str, Any]]:
    """The buttons of a clarifying question the bot asked just before the latest user
    message; empty when its last words were anything else."""
    reply = previous_reply(events)
    if not reply or (reply[-1].get("metadata") or {}).get("utter_action") not in CLARIFYING:
        return []
    return list((reply[-1].get("data") or {}).get("buttons") or [])


def candidates(parse_data: Dict[str, Any]) -> list[tuple[str, float]]:
    """The two likeliest real intents of a parse, most likely first."""
    ranking = parse_data.get("intent_ranking") or []
    return [
        (r["name"], float(r.get("confidence") or 0.0))
        for r in ranking
        if r.get("name") and r["name"] != FALLBACK_INTENT
    ][:2]


def options_to_offer(parse_data: Dict[str, Any]) -> list[str]:
    """The intents to ask about: empty unless an urgent one leads or is close behind."""
    top = candidates(parse_data)
    urgent = [name for name, p in top if name in URGENT_INTENTS and p >= MIN_CONFIDENCE]
    if not urgent:
        return []
    return [name for name, _ in top if name in URGENT_INTENTS or name in ALSO_OFFERED]


def option_buttons(domain: DomainDict, language: str) -> dict[str, dict[str, str]]:
    """payload -> button, from the variant of `utter_case_options` in `language`."""
    variants = (domain.get("responses") or {}).get(OPTIONS_RESPONSE) or []
    chosen = next(
        (v for v in variants
         if any(c.get("name") == "language" and c.get("value") == language
                for c in v.get("condition") or [])),
        None,
    ) or next((v for v in variants if not v.get("condition")), {})
    return {b["payload"]: b for b in chosen.get("buttons") or []}


class ActionClarify(Action):
    def name(self) -> str:
        return "action_clarify"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        language = lang(tracker.get_slot("language"))
        buttons = option_buttons(domain, language)
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        if intent == FUNDS_GONE:
            chosen = [buttons[f"/{name}"] for name in MONEY_CASES if f"/{name}" in buttons]
            chosen += [buttons[NONE_OF_THESE]] if NONE_OF_THESE in buttons else []
            dispatcher.utter_message(response="utter_ask_funds_gone", buttons=chosen)
            return []
        offered = options_to_offer(tracker.latest_message or {})
        names = [name for name in offered if f"/{name}" in buttons]
        chosen = [buttons[f"/{name}"] for name in names]
        if not chosen and (again := unanswered_question(tracker.events)):
            dispatcher.utter_message(response="utter_ask_pick_one", buttons=again)
            return []
        if not chosen:
            dispatcher.utter_message(response="utter_default")
            return []
        if NONE_OF_THESE in buttons:
            chosen.append(buttons[NONE_OF_THESE])
        phrases = [case_phrase(name, language) for name in names]
        if len(phrases) == 2:
            dispatcher.utter_message(response="utter_ask_which_case", buttons=chosen,
                                     first=phrases[0], second=phrases[1])
        else:
            dispatcher.utter_message(response="utter_ask_is_it_case", buttons=chosen,
                                     first=phrases[0])
        return []

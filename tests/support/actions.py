"""Running actions as the action server would: real `Tracker`s from the domain's slots, a
real `CollectingDispatcher`. The domain is loaded when a test first needs it
(`domain_dict()`), not when a test module is imported."""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.project_domain import project_domain


@lru_cache(maxsize=1)
def domain_dict() -> dict[str, Any]:
    """The domain as the action server gets it in a call; shared, so never changed."""
    return project_domain().as_dict()


@lru_cache(maxsize=1)
def initial_slots() -> dict[str, Any]:
    return {name: spec.get("initial_value") for name, spec in domain_dict()["slots"].items()}


def tracker(
    text: str = "",
    intent: str | None = None,
    sender: str = "acct-1001",
    slots: dict[str, Any] | None = None,
    active_loop: str | None = None,
    message_id: str = "m1",
    filled: dict[str, Any] | None = None,
) -> Tracker:
    """A tracker after one user message; `filled` are slots that message just filled."""
    slots = {**initial_slots(), **(slots or {}), **(filled or {})}
    events = [{"event": "action", "name": "action_listen"}, {"event": "user", "text": text}]
    events += [{"event": "slot", "name": k, "value": v} for k, v in (filled or {}).items()]
    return Tracker.from_dict(
        {
            "sender_id": sender,
            "slots": slots,
            "latest_message": {
                "text": text,
                "message_id": message_id,
                "intent": {"name": intent, "confidence": 1.0} if intent else {},
                "entities": [],
            },
            "events": events,
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action_name": "action_listen",
        }
    )


def run(action: Action, tr: Tracker) -> tuple[list[dict], list[dict]]:
    """Run an action as the action server would; return (events, messages)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tr, domain_dict()))
    return events, dispatcher.messages


def slot_events(events: list[dict]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def responses(messages: list[dict]) -> list[str]:
    return [m.get("response") for m in messages]

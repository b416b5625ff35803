"""What an action call must look like before an action sees it.

Rasa sends `{"next_action": name, "tracker": {...}, "domain": {...}?, "version": ...}`.
Anything else (a list, no tracker, a slot holding a value its type cannot have) is
refused with a 400 and a fixed reason, never run: an action meeting a shape it does not
expect would fail with a 500, and rasa_sdk's 500 echoed the body back.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml


class BadCall(Exception):
    """A call refused before any action ran; `reason` is safe to send back."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason, self.status = reason, status


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# Rasa's slot types and the JSON values they can hold (None: not set, always allowed).
SLOT_VALUE_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "text": (_text, "text"),
    "categorical": (_text, "text"),
    "bool": (lambda value: isinstance(value, bool), "true or false"),
    "float": (_number, "a number"),
    "list": (lambda value: isinstance(value, list), "a list"),
}


def slot_types(domain: Path) -> dict[str, str]:
    """Slot name -> Rasa slot type, from a domain file or folder of files."""
    files = sorted(domain.rglob("*.yml")) + sorted(domain.rglob("*.yaml")) \
        if domain.is_dir() else [domain]
    types: dict[str, str] = {}
    for path in files:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, spec in (content.get("slots") or {}).items():
            if isinstance(spec, Mapping):
                types[str(name)] = str(spec.get("type", "any"))
    return types


def read_body(body: bytes, content_encoding: str | None, max_bytes: int) -> Any:
    """The JSON of a call's body, inflated first if Rasa compressed it
    (COMPRESS_ACTION_SERVER_REQUEST), never to more than `max_bytes`."""
    if (content_encoding or "").strip().lower() == "deflate":
        inflater = zlib.decompressobj()
        try:
            body = inflater.decompress(body, max_bytes + 1)
        except zlib.error as error:
            raise BadCall("the body is not valid deflate data") from error
        if len(body) > max_bytes or inflater.unconsumed_tail:
            raise BadCall("the body is too large", status=413)
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        raise BadCall("the body is not JSON") from error


def _optional(mapping: Mapping[str, Any], key: str, check: Callable[[Any], bool]) -> bool:
    return mapping.get(key) is None or check(mapping[key])


def check_call(call: Any, types: Mapping[str, str]) -> None:
    """Raise BadCall unless `call` has the shape rasa_sdk and our actions rely on."""
    if not isinstance(call, dict):
        raise BadCall("the body must be a JSON object")
    if not isinstance(call.get("next_action"), str) or not call["next_action"]:
        raise BadCall("next_action must name an action")
    if not _optional(call, "version", _text):
        raise BadCall("version must be text")
    if not _optional(call, "domain", _is_object):
        raise BadCall("domain must be an object")
    tracker = call.get("tracker")
    if not isinstance(tracker, dict):
        raise BadCall("tracker must be an object")
    _check_tracker(tracker, types)


def _check_tracker(tracker: dict[str, Any], types: Mapping[str, str]) -> None:
    if not isinstance(tracker.get("sender_id"), str) or not tracker["sender_id"]:
        raise BadCall("tracker.sender_id must be text")
    for key in ("slots", "latest_message", "active_loop", "active_form", "latest_action"):
        if not _optional(tracker, key, _is_object):
            raise BadCall(f"tracker.{key} must be an object")
    for key in ("followup_action", "latest_action_name"):
        if not _optional(tracker, key, _text):
            raise BadCall(f"tracker.{key} must be text")
    if not _optional(tracker, "paused", lambda value: isinstance(value, bool)):
        raise BadCall("tracker.paused must be true or false")
    events = tracker.get("events")
    if events is not None and not (
            isinstance(events, list) and all(_is_event(event) for event in events)):
        raise BadCall("tracker.events must be a list of events")
    _check_latest_message(tracker.get("latest_message") or {})
    _check_slots(tracker.get("slots") or {}, types)


def _is_object(value: Any) -> bool:
    return isinstance(value, dict)


def _is_object_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def _is_event(event: Any) -> bool:
    return isinstance(event, dict) and isinstance(event.get("event"), str)


def _check_latest_message(message: dict[str, Any]) -> None:
    if not _optional(message, "text", _text):
        raise BadCall("tracker.latest_message.text must be text")
    for key, check in (("intent", _is_object), ("entities", _is_object_list),
                       ("metadata", _is_object)):
        if not _optional(message, key, check):
            raise BadCall(f"tracker.latest_message.{key} has the wrong type")


def _check_slots(slots: dict[str, Any], types: Mapping[str, str]) -> None:
    for name, value in slots.items():
        check = SLOT_VALUE_CHECKS.get(types.get(name, "any"))
        if value is not None and check is not None and not check[0](value):
            # The name is one of the domain's own slots, never text from the caller.
            raise BadCall(f"slot {name} must be {check[1]}")

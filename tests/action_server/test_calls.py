"""Which action calls are refused before any action runs, and that refusing is all
that can happen to a malformed one (never another exception, so never a 500)."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.action_server.calls import BadCall, check_call, read_body, slot_types

ROOT = Path(__file__).resolve().parents[2]
TYPES = slot_types(ROOT / "domain")


def call(**tracker: object) -> dict:
    return {"next_action": "action_check_status", "version": "3.6.21",
            "tracker": {"sender_id": "acct-1", "slots": {"language": "en"},
                        "latest_message": {"text": "hi", "intent": {}, "entities": []},
                        "events": [{"event": "action", "name": "action_listen"}],
                        **tracker}}


def test_slot_types_come_from_the_domain_folder() -> None:
    assert TYPES["language"] == "categorical"
    assert TYPES["suspended"] == "bool"
    assert TYPES["report_category"] == "text"


def test_a_call_like_rasas_passes() -> None:
    check_call(call(), TYPES)
    check_call(call(slots={"language": "sv", "suspended": True, "tx_id": None,
                           "requested_slot": "asset", "undeclared": {"any": "thing"}}),
               TYPES)


@pytest.mark.parametrize("body, reason", [
    ([], "the body must be a JSON object"),
    ([{"next_action": "action_check_status"}], "the body must be a JSON object"),
    ("text", "the body must be a JSON object"),
    ({"tracker": {"sender_id": "a"}}, "next_action must name an action"),
    ({"next_action": 5, "tracker": {"sender_id": "a"}}, "next_action must name an action"),
    ({"next_action": "action_check_status"}, "tracker must be an object"),
    ({"next_action": "action_check_status", "tracker": []}, "tracker must be an object"),
    ({"next_action": "action_check_status", "tracker": {}}, "tracker.sender_id must be text"),
    ({"next_action": "action_check_status", "tracker": {"sender_id": 42}},
     "tracker.sender_id must be text"),
    ({**call(), "domain": []}, "domain must be an object"),
    ({**call(), "version": 3.6}, "version must be text"),
    (call(slots=[]), "tracker.slots must be an object"),
    (call(slots={"language": 5}), "slot language must be text"),
    (call(slots={"language": ["en"]}), "slot language must be text"),
    (call(slots={"suspended": "yes"}), "slot suspended must be true or false"),
    (call(slots={"description": {"x": 1}}), "slot description must be text"),
    (call(events={"event": "user"}), "tracker.events must be a list of events"),
    (call(events=["user"]), "tracker.events must be a list of events"),
    (call(latest_message="hi"), "tracker.latest_message must be an object"),
    (call(latest_message={"text": ["hi"]}), "tracker.latest_message.text must be text"),
    (call(latest_message={"entities": [1]}), "tracker.latest_message.entities has the wrong type"),
    (call(active_loop="report_form"), "tracker.active_loop must be an object"),
    (call(paused="no"), "tracker.paused must be true or false"),
])
def test_malformed_calls_are_refused_with_a_fixed_reason(body: object, reason: str) -> None:
    with pytest.raises(BadCall) as refused:
        check_call(body, TYPES)
    assert refused.value.reason == reason and refused.value.status == 400


def test_unreadable_bodies_are_bad_calls() -> None:
    for body in (b"", b"{", b"\xff\xfe{}", b"[" * 100_000 + b"]" * 100_000):
        with pytest.raises(BadCall):
            read_body(body, None, 10_000_000)


def test_a_compressed_call_is_read_within_the_limit() -> None:
    body = json.dumps(call()).encode()
    assert read_body(zlib.compress(body), "deflate", len(body)) == call()


def test_a_deflate_bomb_is_refused_without_inflating_it() -> None:
    bomb = zlib.compress(b"{" + b" " * 50_000_000 + b"}", 9)  # ~50 KB that inflates to 50 MB
    with pytest.raises(BadCall) as refused:
        read_body(bomb, "deflate", 256 * 1024)
    assert refused.value.status == 413
    with pytest.raises(BadCall):
        read_body(b"not deflate", "deflate", 1024)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
TRACKER_KEYS = st.sampled_from(["sender_id", "slots", "latest_message", "events",
                                "active_loop", "paused", "followup_action"])


@settings(max_examples=400)
@given(body=JSON | st.fixed_dictionaries(
    {"next_action": JSON | st.just("action_check_status"),
     "tracker": JSON | st.dictionaries(TRACKER_KEYS, JSON)}))
def test_any_json_is_accepted_or_refused_as_a_bad_call(body: object) -> None:
    try:
        check_call(body, TYPES)
    except BadCall as refused:
        assert refused.status == 400

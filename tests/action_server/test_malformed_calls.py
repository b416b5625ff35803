"""Malformed calls, with the right secret: a 4xx with a fixed reason, never a 500,
never the body (or any part of it) echoed, in the answer or the log."""

from __future__ import annotations

import json
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.action_server.app import DEFAULT_MAX_BODY_BYTES
from tests.support.action_server import TOKEN, ActionServer, start_action_server

AUTH = {"Authorization": f"Bearer {TOKEN}"}
MARKER = "ECHO-ME-7f3a"  # in every body; must come back in no answer
TRACKER = {"sender_id": "acct-1", "slots": {"language": "en"},
           "latest_message": {"text": MARKER}, "events": []}


def body(value: object) -> bytes:
    return json.dumps(value).encode()


MALFORMED: dict[str, tuple[bytes, dict[str, str], int]] = {
    "a list": (body([MARKER, {"tracker": TRACKER}]), {}, 400),
    "no tracker": (body({"next_action": "action_check_status", "note": MARKER}), {}, 400),
    "no action": (body({"tracker": TRACKER}), {}, 400),
    "tracker is a list": (body({"next_action": "action_check_status", "tracker": [MARKER]}),
                          {}, 400),
    "no sender": (body({"next_action": "action_check_status",
                        "tracker": {**TRACKER, "sender_id": None}}), {}, 400),
    "slot of the wrong type": (body({"next_action": "action_check_status", "tracker": {
        **TRACKER, "slots": {"language": {"x": MARKER}}}}), {}, 400),
    "bool slot as text": (body({"next_action": "action_validate_slot_mappings", "tracker": {
        **TRACKER, "slots": {"suspended": MARKER}}}), {}, 400),
    "events not a list": (body({"next_action": "action_check_status",
                                "tracker": {**TRACKER, "events": MARKER}}), {}, 400),
    "entities not objects": (body({"next_action": "action_check_status", "tracker": {
        **TRACKER, "latest_message": {"text": "x", "entities": [MARKER]}}}), {}, 400),
    "unknown action": (body({"next_action": MARKER, "tracker": TRACKER}), {}, 404),
    "not JSON": (f'{{"next_action": "{MARKER}", '.encode(), {}, 400),
    "not UTF-8": (b'{"next_action": "\xff\xfe' + MARKER.encode() + b'"}', {}, 400),
    "nested 100,000 deep": (b"[" * 100_000 + MARKER.encode(), {}, 400),
    "over the body limit": (body({"next_action": "action_check_status", "tracker": {
        **TRACKER, "latest_message": {"text": MARKER * (DEFAULT_MAX_BODY_BYTES // 10)}}}),
        {}, 413),
    "a deflate bomb": (zlib.compress(b'{"x": "' + MARKER.encode() * 5_000_000 + b'"}', 9),
                       {"Content-Encoding": "deflate"}, 413),
    "deflate that is not": (MARKER.encode(), {"Content-Encoding": "deflate"}, 400),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_call_gets_a_4xx_that_echoes_nothing(action_server: ActionServer,
                                                         case: str) -> None:
    raw, headers, status = MALFORMED[case]
    answer = action_server.post(raw, {**AUTH, **headers})
    assert answer.status == status, answer.text
    assert MARKER not in answer.text
    assert set(answer.json()) == {"error"}
    assert action_server.process.poll() is None


def test_the_log_names_the_reason_not_the_body(action_server: ActionServer) -> None:
    for raw, headers, _ in MALFORMED.values():
        action_server.post(raw, {**AUTH, **headers})
    log = action_server.log.read_text()
    assert '"event": "action_call_malformed"' in log
    assert MARKER not in log


def test_a_compressed_call_from_rasa_still_works(action_server: ActionServer) -> None:
    call = {"next_action": "action_check_status", "tracker": {**TRACKER, "sender_id": "acct-z"}}
    answer = action_server.post(zlib.compress(body(call)), {**AUTH, "Content-Encoding": "deflate"})
    assert answer.status == 200, answer.text


def test_a_failing_action_gets_a_500_without_the_body(tmp_path) -> None:
    server = start_action_server(tmp_path, actions="tests.action_server.crashing_actions")
    try:
        answer = server.post(body({"next_action": "action_that_fails", "tracker": TRACKER}),
                             AUTH)
    finally:
        server.process.terminate()
        server.process.wait(timeout=30)
    assert answer.status == 500
    assert answer.json() == {"error": "the action failed"}
    assert '"event": "action_failed", "action": "action_that_fails", "error": "ValueError"' \
        in server.log.read_text()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20) | st.just(MARKER),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["sender_id", "slots", "text", "events", "event", "intent",
                         "entities", "language", "suspended", MARKER]), inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(call=JSON | st.fixed_dictionaries({
    "next_action": st.sampled_from(["action_check_status", "action_file_report", MARKER]),
    "tracker": JSON}))
def test_no_shape_of_call_gets_a_500_or_an_echo(action_server: ActionServer,
                                                call: object) -> None:
    answer = action_server.post(body(call), AUTH)
    assert answer.status < 500, answer.text
    assert MARKER not in answer.text

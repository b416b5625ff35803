"""Property: whatever a user sends (unicode, control characters, huge, "/intent{...}" with
random JSON, binary), the chat's path neither crashes nor stores a secret planted in it.

The path as in production: the channel's door (bot.channels.guard.screen: limits,
defused payloads, redaction), the trained NLU (Agent.load + parse_message, loaded once),
then the actions (real Trackers, CollectingDispatcher, a real SQLite desk): the per-message
hook, starting a report, every form validator, filing, status and handoff. Afterwards
every text column of the desk is searched for the planted secret.
"""

from __future__ import annotations

import json
import re
import sqlite3
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.desk import get_desk
from actions.filing import ActionFileReport
from actions.handoff import ActionRequestHuman
from actions.report_form import (
    CATEGORY_BY_INTENT,
    REQUIRED_SLOTS,
    ActionStartReport,
    ValidateReportForm,
)
from actions.session import ActionEachMessage
from actions.status import ActionCheckStatus
from bot.channels.guard import Limits, screen
from bot.redact import bip39_words
from tests.support.actions import domain_dict, initial_slots
from tests.support.redact_variants import luhn_complete

INTENTS = sorted({*CATEGORY_BY_INTENT, "request_human", "check_appeal_status", "faq",
                  "inform", "greet", "affirm", "insult", "nlu_fallback", "restart",
                  "session_start", "EXTERNAL_agent_decision"})
TRIED = {"messages": 0, "secrets": 0, "screened_out": 0}

# -- what users send ------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
payloads = st.builds(
    lambda intent, body, cut: f"/{intent}{json.dumps(body)[:cut]}",
    st.sampled_from(INTENTS) | st.text(string.ascii_letters + "_/", min_size=1, max_size=20),
    st.dictionaries(st.sampled_from(["priority", "suspended", "report_category", "language",
                                     "requested_slot", "description"]) | st.text(max_size=8),
                    json_values, max_size=4),
    st.integers(0, 400),  # sometimes cut short: malformed JSON
)
huge = st.builds(lambda chunk, n: chunk * n, st.text(min_size=1, max_size=16),
                 st.integers(100, 400))  # past the door's 2,000 characters, often
noise = st.one_of(
    st.text(max_size=120),  # any unicode, control characters included
    st.text(st.characters(codec="utf-8"), max_size=60),
    st.binary(max_size=80).map(lambda b: b.decode("latin-1")),
    payloads,
    huge,
)

# -- secrets to plant ---------------------------------------------------------------------

separators = st.sampled_from([" ", "  ", "\n", ", ", " - ", "\t"])
seed_phrases = st.builds(
    lambda words, sep, upper: sep.join(w.upper() if upper else w for w in words),
    st.lists(st.sampled_from(sorted(bip39_words())), min_size=12, max_size=24),
    separators, st.booleans(),
)


cards = st.builds(
    lambda digits, sep: sep.join(digits[i:i + 4] for i in range(0, len(digits), 4)),
    st.integers(12, 18).flatmap(lambda n: st.text(string.digits, min_size=n, max_size=n))
    .filter(lambda d: d[0] != "0").map(luhn_complete),
    st.sampled_from(["", " ", "-"]),
)
private_keys = st.builds(lambda h: f"my private key is {h}",
                         st.text("0123456789abcdef", min_size=64, max_size=64))
codes = st.builds(lambda c, w: f"the {w} is {c}", st.text(string.digits, min_size=6, max_size=6),
                  st.sampled_from(["2FA code", "SMS code", "kod", "verification code"]))
passwords = st.builds(lambda p, w: f"{w} {p}",
                      st.text(string.ascii_letters + string.digits + "!#%&", min_size=10,
                              max_size=20).filter(lambda p: re.search(r"\d", p)),
                      st.sampled_from(["my password is", "lösenordet är", "password:"]))
secrets = st.one_of(seed_phrases, cards, private_keys, codes, passwords)


def secret_core(secret: str) -> str:
    """What must not be found afterwards: the secret itself, without its announcement."""
    for lead in ("my private key is ", "lösenordet är ", "my password is ", "password: "):
        if secret.startswith(lead):
            return secret[len(lead):]
    return secret.rsplit(" is ", 1)[-1] if " is " in secret else secret


def normalise(text: str) -> str:
    return re.sub(r"[\s,\-]+", "", text).lower()


# -- the path ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def agent(trained_model: Path):
    from rasa.core.agent import Agent
    return Agent.load(str(trained_model))


@pytest.fixture(scope="module")
def desk_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("properties") / "desk.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SUPPORTBOT_DB_URL", f"sqlite:///{path}")
        get_desk.cache_clear()
        get_desk()
        yield path
    get_desk.cache_clear()


def tracker_for(parse: dict, text: str, sender: str, slots: dict) -> Tracker:
    return Tracker.from_dict({
        "sender_id": sender,
        "slots": {**initial_slots(), **slots},
        "latest_message": {**parse, "text": text, "message_id": "m1"},
        "events": [{"event": "action", "name": "action_listen"},
                   {"event": "user", "text": text}],
        "paused": False, "followup_action": None, "active_loop": {},
        "latest_action_name": "action_listen",
    })


def run_actions(loop, parse: dict, text: str, sender: str, category: str) -> None:
    """Every action a message can reach, the form fed the text as each answer."""
    def run(action, slots: dict | None = None) -> list[dict]:
        dispatcher = CollectingDispatcher()
        events = loop.run_until_complete(
            action.run(dispatcher, tracker_for(parse, text, sender, slots or {}), domain_dict()))
        assert isinstance(events, list)
        return events

    run(ActionEachMessage())
    report_intent = {v: k for k, v in CATEGORY_BY_INTENT.items()}[category]
    started = {e["name"]: e["value"] for e in run(ActionStartReport()) if e.get("event") == "slot"}
    form = ValidateReportForm()
    slots = {"report_category": category, "report_id": started.get("report_id") or "r1",
             "language": "en"}
    tracker = tracker_for({**parse, "intent": {"name": report_intent}}, text, sender, slots)
    for slot in REQUIRED_SLOTS[category]:
        validated = getattr(form, f"validate_{slot}")(text, CollectingDispatcher(), tracker,
                                                       domain_dict())
        value = validated.get(slot)
        slots[slot] = value if value is not None else text[:40]
    run(ActionFileReport(), slots)
    run(ActionCheckStatus())
    run(ActionRequestHuman())


def stored_texts(desk_file: Path) -> list[str]:
    with sqlite3.connect(desk_file) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        found = []
        for table in tables:
            for row in db.execute(f'SELECT * FROM "{table}"'):
                found += [v for v in row if isinstance(v, str)]
    return found


@settings(max_examples=200, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(before=noise, secret=secrets, after=noise, category=st.sampled_from(sorted(REQUIRED_SLOTS)),
       raw_nlu=st.booleans())
def test_any_message_neither_crashes_nor_stores_a_secret(
    agent, loop, desk_file, before, secret, after, category, raw_nlu
):
    core = normalise(secret_core(secret))
    assume(core not in normalise(before + after))  # the noise must not carry it anyway
    # Set apart from the noise as a person would ("0000 " + a card is a 20-digit number).
    message = f"{before}\n» {secret} «\n{after}"
    earlier = set(stored_texts(desk_file))  # a find must be this example's
    TRIED["messages"] += 1
    TRIED["secrets"] += 1
    sender = f"acct-prop-{TRIED['messages']}"
    # The NLU itself copes with anything, even what the door would have refused.
    if raw_nlu:
        assert "intent" in loop.run_until_complete(agent.parse_message(message))

    screened = screen(message, sender, Limits(), frozenset())
    assert secret_core(secret) not in screened.text
    if screened.refusal:  # answered by the channel (too long, empty): never processed
        TRIED["screened_out"] += 1
        return
    parse = loop.run_until_complete(agent.parse_message(screened.text))
    assert isinstance(parse.get("intent"), dict)
    run_actions(loop, parse, screened.text, sender, category)

    leaked = [t[:80] for t in stored_texts(desk_file)
              if t not in earlier and core in normalise(t)]
    assert not leaked, f"secret stored: {leaked}"


def test_nlu_copes_with_a_huge_message(agent, loop):
    """One 100,000-character message straight into the NLU (the door refuses it)."""
    parse = loop.run_until_complete(agent.parse_message("my deposit is missing " * 4500))
    assert isinstance(parse.get("intent"), dict)
    TRIED["messages"] += 1


def test_report_inputs_tried(agent, loop, desk_file):
    """Figures for SECURITY.md (-s shows them): the property ran every example, and most
    went past the door into the NLU and the actions rather than being refused there."""
    if TRIED["secrets"] == 0:  # selected alone (-k): run the property here first
        test_any_message_neither_crashes_nor_stores_a_secret(agent, loop, desk_file)
    print("property inputs:", json.dumps(TRIED))
    assert TRIED["secrets"] >= 200  # settings(max_examples=200), each a planted secret
    assert TRIED["screened_out"] < TRIED["secrets"] / 2, TRIED

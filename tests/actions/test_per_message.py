"""The per-message pipeline: its steps in the order its docstring gives, the channel's
reading of the language taken as it is, and a database fault that stops the desk steps
but not the ones before them."""

from __future__ import annotations

import re

from actions import per_message
from actions.session import ActionEachMessage
from tests.support.actions import responses, run, slot_events, tracker


def test_the_docstring_lists_the_steps_in_order():
    listed = re.findall(r"^\d\. (\w+)", per_message.__doc__ or "", re.MULTILINE)
    assert listed == [step.__name__ for step in per_message.STEPS]


def test_the_action_is_rasas_per_message_hook_and_only_a_shell():
    assert ActionEachMessage().name() == "action_validate_slot_mappings"


def test_the_language_slot_follows_the_channels_reading(actions_desk):
    told = tracker("hello there, my account", "greet", slots={"language": "en"})
    told.latest_message["metadata"] = {"language": "sv"}  # the channel read it so
    events, _ = run(ActionEachMessage(), told)
    assert slot_events(events)["language"] == "sv"

    unclear = tracker("hej hej", "greet", slots={"language": "en"})
    unclear.latest_message["metadata"] = {"language": None}  # no clear signal, it said
    events, _ = run(ActionEachMessage(), unclear)
    assert "language" not in slot_events(events)


def test_a_database_fault_stops_the_desk_steps_not_the_ones_before(tmp_path, monkeypatch,
                                                                   caplog):
    from actions.desk import get_desk

    # A database file that cannot be opened (a folder): the desk steps fail for real.
    monkeypatch.setenv("SUPPORTBOT_DB_URL", f"sqlite:///{tmp_path}")
    get_desk.cache_clear()
    pending = {"category": "account_hacked", "fields": {}, "key": "acct-1001:r1"}
    told = tracker("my seed phrase is [redacted]", "greet",
                   slots={"language": "en", "pending_report": pending})
    told.latest_message["metadata"] = {"language": "sv", "redacted": ["seed phrase"]}
    try:
        events, messages = run(ActionEachMessage(), told)
    finally:
        get_desk.cache_clear()
    assert "suspension_lookup_failed" in caplog.text  # the desk steps met the fault
    assert slot_events(events)["language"] == "sv"  # step 1 ran
    # Step 2's warning, and nothing of step 9: a retried report would say how it went.
    assert responses(messages) == ["utter_secret_seed_phrase"]

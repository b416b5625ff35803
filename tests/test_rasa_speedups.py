"""The cached validator of action-server replies accepts and refuses what Rasa's does."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot import rasa_speedups

GOOD = {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "hi"}]}
BAD = {"events": [{"no_event_key": True}], "responses": "not a list"}


def test_patched_validation_agrees_with_rasa():
    # Another test may already have loaded the agent (which installs the patch), so
    # Rasa's original is taken from the patch rather than from the class.
    action = RemoteAction("action_x", None)
    rasa_speedups.install()
    rasa_speedups.install()  # idempotent: one patch, not two layers
    patched = RemoteAction._validate_action_result
    rasas_own = patched._rasas_own
    assert patched._supportbot and not getattr(rasas_own, "_supportbot", False)
    assert patched(action, GOOD) is rasas_own(action, GOOD) is True
    for validate in (patched, rasas_own):
        with pytest.raises(ValidationError, match="Failed to validate Action server response"):
            validate(action, BAD)


def _events_of_every_kind() -> list[dict]:
    from rasa.shared.core import events as e

    made = [
        e.UserUttered("hej", {"name": "greet", "confidence": 0.9},
                      [{"entity": "asset", "value": "BTC", "start": 0, "end": 3}]),
        e.BotUttered("hello", {"buttons": [{"title": "Yes", "payload": "/affirm"}]}),
        e.SlotSet("language", "sv"), e.SlotSet("amount", 0.5), e.SlotSet("x", None),
        e.ActionExecuted("action_listen"), e.ActiveLoop("report_form"), e.ActiveLoop(None),
        e.FollowupAction("utter_greet"), e.Restarted(), e.AllSlotsReset(), e.SessionStarted(),
        e.ReminderScheduled("remind", datetime(2026, 11, 27)), e.ReminderCancelled("remind"),
        e.ActionExecutionRejected("action_x"), e.LoopInterrupted(True), e.UserUtteranceReverted(),
        e.ActionReverted(), e.ConversationPaused(), e.ConversationResumed(), e.StoryExported(),
        e.AgentUttered("hi"), e.EntitiesAdded([{"entity": "asset", "value": "ETH"}]),
    ]
    return [event.as_dict() for event in made]


def _broken(event: dict) -> list[dict]:
    """Variants of a valid event that Rasa's schema may refuse."""
    variants = [{**event, "event": "no_such_event"}, {**event, "timestamp": "yesterday"},
                {k: v for k, v in event.items() if k != "event"}]
    for key in event:
        if key not in ("event", "timestamp"):
            variants += [{**event, key: 12345}, {**event, key: [1, 2]}, {**event, key: None}]
    return variants


def test_every_event_kind_is_judged_as_rasas_schema_judges_it():
    """Per-event validation accepts and refuses exactly what the full schema (23
    alternatives per event) does, for every kind of event, valid and broken."""
    from jsonschema import validate

    schema = RemoteAction.action_response_format_spec()
    ours = rasa_speedups._action_result_validator()
    payloads = [{"events": [event], "responses": []} for event in _events_of_every_kind()]
    payloads += [{"events": [bad]} for event in _events_of_every_kind() for bad in _broken(event)]
    payloads += [{"events": "nope"}, {"events": [1]}, {"responses": [{"text": 3}]}, {}]

    def verdict(check, payload) -> bool:
        try:
            check(payload)
        except ValidationError:
            return False
        return True

    verdicts = [(verdict(ours.validate, p), verdict(lambda x: validate(x, schema), p))
                for p in payloads]
    assert [o for o, _ in verdicts] == [r for _, r in verdicts]
    assert sum(r for _, r in verdicts) >= 23 and sum(not r for _, r in verdicts) >= 23


def test_event_lookup_gives_rasas_answers():
    from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

    rasa_speedups.install()
    assert Event.resolve_by_type._supportbot
    for _ in range(2):  # the second round comes from the kept answers
        assert Event.resolve_by_type("user") is UserUttered
        assert Event.resolve_by_type("slot") is SlotSet
        assert Event.resolve_by_type("action") is ActionExecuted
    assert Event.resolve_by_type("topic") is None  # Rasa's backwards compatibility
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    parsed = Event.from_parameters({"event": "slot", "name": "language", "value": "sv"})
    assert parsed == SlotSet("language", "sv")


TEXTS = [
    "my account was hacked",
    "someone logged into my account and changed my email",
    "hur länge varar avstängningen",
    "where is my deposit of 0,5 btc",
    "jag skickade 200 USDT från min Ledger hit men de har inte kommit",
    "what counts as abuse",
    "how many teaspoons in a tablespoon",
    "hej",
    "I want to appeal, I never insulted anyone",
]


def test_graph_runs_in_its_order_with_dasks_results(trained_model):
    """The parse and the next-action graphs give what dask gives, and a run input named
    like a node still gets Rasa's error."""
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage
    from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.shared.core.events import UserUttered

    rasa_speedups.install()
    agent = Agent.load(str(trained_model))
    runner, meta = agent.processor.graph_runner, agent.processor.model_metadata
    ours, dasks = DaskGraphRunner.run, DaskGraphRunner.run._rasas_own
    assert ours._supportbot

    for text in TEXTS:
        parsed = [
            run(runner, {PLACEHOLDER_MESSAGE: [UserMessage(text, message_id="m1")]},
                [meta.nlu_target])
            for run in (ours, dasks)
        ]
        ours_msg, dasks_msg = (p[meta.nlu_target][0] for p in parsed)
        assert ours_msg.data == dasks_msg.data and "intent" in ours_msg.data

    tracker = asyncio.run(agent.processor.fetch_tracker_with_initial_session("graph-test"))
    tracker.update(UserUttered("my account was hacked",
                               {"name": "report_account_hacked", "confidence": 1.0}))
    predicted = [run(runner, {PLACEHOLDER_TRACKER: tracker}, [meta.core_target])[meta.core_target]
                 for run in (ours, dasks)]
    assert predicted[0].probabilities == predicted[1].probabilities
    assert predicted[0].policy_name == predicted[1].policy_name
    assert max(predicted[0].probabilities) > 0 and predicted[0].policy_name

    with pytest.raises(GraphRunError, match="clashes with a node name"):
        runner.run({"x": meta.nlu_target}, [meta.nlu_target])

"""Dialogue states extended by new events (bot/rasa_patches/incremental_states.py) are Rasa's own:
every story and rule of our training data, grown one event at a time, under each set of
options the policies use; after undone turns and restarts; and after a caller edits
the states it got."""

from __future__ import annotations

import pytest
from rasa.shared.core.constants import RULE_ONLY_LOOPS, RULE_ONLY_SLOTS, USER
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    Restarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_patches.incremental_states import CACHE_ATTRIBUTE
from bot.serve import ROOT

# Installed by tests/conftest.py, as bot/run_rasa.py installs it.
ours = Domain.states_for_tracker_history
rasas_own = ours._rasas_own


@pytest.fixture(scope="module")
def training() -> tuple[Domain, list[DialogueStateTracker]]:
    """The training domain and conversations as Rasa's training reads them (seconds of
    YAML): read once, by the one worker that runs this file (a fixture of the module keeps
    its tests together: tests/support/workers.py)."""
    from rasa.shared.core.generator import TrainingDataGenerator
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_config(
        str(ROOT / "config.yml"), str(ROOT / "domain"), [str(ROOT / "data")])
    domain = importer.get_domain()
    trackers = TrainingDataGenerator(importer.get_stories(), domain,
                                     augmentation_factor=0).generate()
    return domain, trackers


def _options(domain: Domain) -> list[tuple]:
    # The rule-only data as RulePolicy passes it: a new dict every call.
    def rule_only() -> dict:
        return {RULE_ONLY_SLOTS: ["requested_slot"], RULE_ONLY_LOOPS: ["report_form"]}

    return [(False, False, None), (True, False, None), (False, True, rule_only()),
            (True, True, rule_only())]


def _aliasing(states: list[dict]) -> list[tuple[int, str, int, str]]:
    """Which sub-state dicts are one object in two states (Rasa's loop shares some)."""
    seen: dict[int, tuple[int, str]] = {}
    shared = []
    for i, state in enumerate(states):
        for kind, sub in state.items():
            if id(sub) in seen:
                shared.append((*seen[id(sub)], i, kind))
            seen.setdefault(id(sub), (i, kind))
    return shared


def test_growing_every_training_conversation_gives_rasas_states(training):
    domain, trackers = training
    assert len(trackers) > 20 and any(t.is_rule_tracker for t in trackers)
    compared = 0
    for source in trackers:
        live = DialogueStateTracker(source.sender_id, domain.slots)
        for event in source.events:
            live.update(event)
            for options in _options(domain):
                got, expected = ours(domain, live, *options), rasas_own(domain, live, *options)
                assert got == expected, (source.sender_id, len(live.events), options)
                assert _aliasing(got) == _aliasing(expected)
                compared += 1
    assert compared > 400


def _hidden_now_and_then(events: list) -> list:
    """Some actions marked as rule-only turns, as RulePolicy's predictions mark them live."""
    out = []
    for i, event in enumerate(events):
        if isinstance(event, ActionExecuted) and event.action_name != "action_listen" and i % 3:
            event = ActionExecuted(event.action_name, event.policy, event.confidence,
                                   action_text=event.action_text, hide_rule_turn=True)
        out.append(event)
    return out


def test_one_long_conversation_of_every_story_gives_rasas_states(training):
    """All training conversations one after another in one tracker, some turns hidden
    as rule-only: a long session."""
    domain, trackers = training
    live = DialogueStateTracker("long", domain.slots)
    for source in trackers:
        for event in _hidden_now_and_then(list(source.events)):
            live.update(event)
            for options in _options(domain):
                assert ours(domain, live, *options) == rasas_own(domain, live, *options)
    assert len(live.events) > 100


def test_edited_states_do_not_leak_into_the_next_call(training):
    domain, trackers = training
    tracker = max(trackers, key=lambda t: sum(isinstance(e, UserUttered) for e in t.events))
    live = DialogueStateTracker(tracker.sender_id, domain.slots)
    for event in tracker.events:
        live.update(event)
        for state in ours(domain, live):  # as the featurizers do
            state.get(USER, {}).pop("intent", None)
            state.clear()
        assert ours(domain, live) == rasas_own(domain, live)


@pytest.mark.parametrize("undo", [UserUtteranceReverted(), Restarted()],
                         ids=["reverted", "restarted"])
def test_undone_events_replay_from_the_start(training, undo):
    domain, _ = training
    live = DialogueStateTracker("undo", domain.slots)
    events = [ActionExecuted("action_listen"),
              UserUttered("hi", {"name": "greet", "confidence": 1.0}),
              ActionExecuted("utter_greet"), ActionExecuted("action_listen"),
              UserUttered("what counts as abuse", {"name": "faq", "confidence": 1.0}),
              ActionExecuted("utter_faq"), ActionExecuted("action_listen"), undo,
              UserUttered("hej", {"name": "greet", "confidence": 1.0})]
    for event in events:
        live.update(event)
        assert ours(domain, live) == rasas_own(domain, live)
    assert getattr(live, CACHE_ATTRIBUTE)  # the cache was in use


def test_a_tracker_read_anew_gets_its_own_states(training):
    domain, trackers = training
    source = max(trackers, key=lambda t: len(t.events))
    first = DialogueStateTracker.from_events("same", list(source.events), domain.slots)
    again = DialogueStateTracker.from_events("same", list(source.events)[:-3], domain.slots)
    assert ours(domain, first) == rasas_own(domain, first)
    assert ours(domain, again) == rasas_own(domain, again)

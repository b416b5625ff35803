"""Patches `rasa.shared.core.domain.Domain.states_for_tracker_history`: the dialogue
states of a conversation, extended by its new events instead of rebuilt.

Each next-action prediction (2-3 per message) asks `Domain.states_for_tracker_history`
for the states of the whole session, which replays every event on a copy of the
tracker: 0.5 ms per prediction after 5 turns, 4.2 ms after 100 on this machine
(bench/results/policy_growth.md). Within one message the tracker only grows, so here
the replay is kept on the tracker object (per domain and set of options) and carried
on over the events added since; anything else (an undone turn, a restart, a tracker
read anew) replays from the start, as Rasa does. Callers edit the states they get
(the featurizers delete the user's text or intent), so each call returns copies.
Private names of Domain called: `_get_prev_action_sub_state`,
`_remove_rule_only_features`, `_substitute_rule_only_user_input`, `_clean_state`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rasa.shared.core.constants import PREVIOUS_ACTION
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_patches.patching import Patch

CACHE_ATTRIBUTE = "_supportbot_states"


@dataclass
class _Replay:
    """Rasa's loop of `states_for_tracker_history`, stopped after `events`."""

    prior: DialogueStateTracker  # the copy the events so far were applied to
    events: list[Event] = field(default_factory=list)
    states: list[State] = field(default_factory=list)
    last_ml_action_sub_state: Any = None
    turn_was_hidden: bool = False

    def continues(self, applied: list[Event]) -> bool:
        n = len(self.events)
        return len(applied) >= n and all(
            a is b for a, b in zip(applied[:n], self.events, strict=True))


def _step(domain: Domain, replay: _Replay, hide_rule_turn: bool, omit_unset_slots: bool,
          ignore_rule_only_turns: bool, rule_only_data: dict[str, Any] | None) -> None:
    """One pass of Rasa's loop body (rasa/shared/core/domain.py), on `replay`."""
    tr = replay.prior
    if ignore_rule_only_turns:
        if not replay.turn_was_hidden:
            replay.last_ml_action_sub_state = domain._get_prev_action_sub_state(tr)
        if not tr.followup_action and not tr.latest_action_name == tr.active_loop_name:
            replay.turn_was_hidden = hide_rule_turn
        if replay.turn_was_hidden:
            return
    state = domain.get_active_state(tr, omit_unset_slots=omit_unset_slots)
    if ignore_rule_only_turns:
        domain._remove_rule_only_features(state, rule_only_data)
        if replay.states:
            domain._substitute_rule_only_user_input(state, replay.states[-1])
        if replay.last_ml_action_sub_state:
            state[PREVIOUS_ACTION] = replay.last_ml_action_sub_state
    replay.states.append(domain._clean_state(state))


def _copies(states: list[State]) -> list[State]:
    """New state and sub-state dicts; a sub-state two states share (Rasa's loop reuses
    the previous user input and action) is shared in the copies too."""
    new: dict[int, Any] = {}

    def sub(value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        if id(value) not in new:
            new[id(value)] = dict(value)
        return new[id(value)]

    return [{kind: sub(value) for kind, value in state.items()} for state in states]


def _options_key(domain: Domain, omit_unset_slots: bool, ignore_rule_only_turns: bool,
                 rule_only_data: dict[str, Any] | None) -> tuple[Any, ...]:
    # RulePolicy builds rule_only_data anew for every call: keyed by what it holds.
    rule_only = tuple(sorted((k, tuple(v)) for k, v in (rule_only_data or {}).items()))
    return id(domain), omit_unset_slots, ignore_rule_only_turns, rule_only


def incremental(rasas_own: Callable[..., list[State]]) -> Callable[..., list[State]]:
    """A replacement for `Domain.states_for_tracker_history`."""

    @functools.wraps(rasas_own)
    def states_for_tracker_history(
        self: Domain,
        tracker: DialogueStateTracker,
        omit_unset_slots: bool = False,
        ignore_rule_only_turns: bool = False,
        rule_only_data: dict[str, Any] | None = None,
    ) -> list[State]:
        options = (omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        applied = tracker.applied_events()
        replays: dict[tuple[Any, ...], _Replay] = tracker.__dict__.setdefault(
            CACHE_ATTRIBUTE, {})
        key = _options_key(self, *options)
        replay = replays.get(key)
        if replay is None or not replay.continues(applied):
            replay = replays[key] = _Replay(tracker.init_copy())
        for event in applied[len(replay.events):]:
            if isinstance(event, ActionExecuted):
                _step(self, replay, event.hide_rule_turn, *options)
            replay.prior.update(event)
            replay.events.append(event)
        # Rasa's last pass (the state after every event) on a copy of the loop's state.
        last = _Replay(replay.prior, replay.events, list(replay.states),
                       replay.last_ml_action_sub_state, replay.turn_was_hidden)
        _step(self, last, False, *options)
        return _copies(last.states)

    return states_for_tracker_history


PATCH = Patch("rasa.shared.core.domain", "Domain", "states_for_tracker_history", incremental)

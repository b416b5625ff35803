"""Work Rasa 3.6 repeats on every message, or does at all, that only needs doing once.

The patches are installed by `python -m bot.run_rasa` before Rasa loads the model, and
again (idempotent) by the delivery service when a plain `rasa run` starts serving.

`RemoteAction._validate_action_result` calls `jsonschema.validate()` on each reply of the
action server: that checks the (constant) schema against its meta-schema and builds a new
validator every time, ~60 ms of CPU per call on this machine and ~45 % of the Rasa
process's time per message in `make bench` (bench/results/profile.md). Here the
validators are built once, and each event is checked against its own type's part of the
schema: Rasa's schema lets an event match exactly one of 23 alternatives (`oneOf`), told
apart by a constant `event` name, so jsonschema tried all 23 per event (0.9 ms for a
four-event reply). A reply that fails still goes through Rasa's own code, so its error
message and behaviour are unchanged.

`Event.resolve_by_type`, called for every event read back from the tracker store or
received from the action server, walks all Event subclasses with `inspect.isabstract`
each time (~2.5 % of Rasa's time per message in the profile); the answers are kept.

`DaskGraphRunner.run` hands the graph to dask on every parse and every action prediction
(~3 runs per message): dask orders the graph anew each time, and Rasa formats a debug
line with all inputs even when debug logging is off. The graphs here are small chains,
run in a single thread anyway (dask's synchronous scheduler); they now run in an order
worked out once per set of targets: parse 2.0 -> 1.5 ms, a prediction 0.38 -> 0.21 ms.

`EndpointConfig.request` (each action call) reuses connections: bot/pooled_endpoints.py.
`Domain.states_for_tracker_history` (each prediction) extends the states of the
conversation instead of rebuilding them: bot/incremental_states.py.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from functools import lru_cache
from typing import Any, NamedTuple

from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.utils.endpoints import EndpointConfig

from bot.incremental_states import incremental
from bot.pooled_endpoints import pooled_request

logger = logging.getLogger(__name__)


class _ActionResultValidator:
    """Accepts what Rasa's action-response schema accepts; raises ValidationError for
    anything else (the caller then lets Rasa's own check raise its error)."""

    def __init__(self, schema: dict[str, Any]) -> None:
        item = schema["properties"]["events"]["items"]
        self._by_event: dict[str, Any] = {}
        for branch in item["oneOf"]:
            name = branch["properties"]["event"]["const"]  # KeyError: not this shape
            if name in self._by_event:
                raise ValueError(f"two schemas for event {name!r}")
            self._by_event[name] = _validator(branch)
        # The envelope: everything but the per-event alternatives.
        envelope = copy.deepcopy(schema)
        del envelope["properties"]["events"]["items"]["oneOf"]
        self._envelope = _validator(envelope)

    def validate(self, result: Any) -> None:
        self._envelope.validate(result)
        for event in result.get("events") or []:
            branch = self._by_event.get(event["event"])
            if branch is None:
                raise ValidationError(f"unknown event {event['event']!r}")
            branch.validate(event)


def _validator(schema: dict[str, Any]) -> Any:
    return validators.validator_for(schema)(schema)


@lru_cache(maxsize=1)
def _action_result_validator() -> _ActionResultValidator:
    return _ActionResultValidator(RemoteAction.action_response_format_spec())


def install() -> None:
    """Patch Rasa once per process (idempotent)."""
    _patch(RemoteAction, "_validate_action_result", _validate_with_cached_validators)
    _patch(Event, "resolve_by_type", _remembered_event_lookup, wrap=staticmethod)
    _patch(DaskGraphRunner, "run", _run_in_order)
    _patch(EndpointConfig, "request", pooled_request)
    _patch(Domain, "states_for_tracker_history", incremental)


def _patch(owner: type, name: str, build: Callable[[Any], Callable[..., Any]],
           wrap: Callable[[Any], Any] = lambda f: f) -> None:
    """`owner.name = build(Rasa's own)`, once: the replacement is marked `_supportbot`
    and keeps Rasa's own as `_rasas_own` (the tests compare the two)."""
    current = getattr(owner, name)
    if getattr(current, "_supportbot", False):
        return
    rasas_own = getattr(current, "__func__", current)  # a classmethod's function
    replacement = build(rasas_own)
    replacement._supportbot = True  # type: ignore[attr-defined]
    replacement._rasas_own = rasas_own  # type: ignore[attr-defined]
    setattr(owner, name, wrap(replacement))


def _validate_with_cached_validators(rasas_own: Callable[..., bool]) -> Callable[..., bool]:
    def validate(self: RemoteAction, result: dict[str, Any]) -> bool:
        try:
            _action_result_validator().validate(result)
        except ValidationError:
            return rasas_own(self, result)  # raises with Rasa's message
        return True

    return validate


def _remembered_event_lookup(rasas_own: Callable[..., Any]) -> Callable[..., Any]:
    known: dict[str, type[Event]] = {}

    def resolve_by_type(type_name: str, default: type[Event] | None = None
                        ) -> type[Event] | None:
        found = known.get(type_name)
        if found is None:
            found = rasas_own(type_name, default)  # unknown names: Rasa's own answer
            if found is not None and found is not default:
                known[type_name] = found
        return found

    return resolve_by_type


def _run_in_order(rasas_own: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    def run(self: DaskGraphRunner, inputs: dict[str, Any] | None = None,
            targets: list[str] | None = None) -> dict[str, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        plans = self.__dict__.setdefault("_supportbot_plans", {})
        plan = plans.get(tuple(run_targets))
        if plan is None:
            plan = plans[tuple(run_targets)] = _run_order(self._graph_schema, run_targets)
        # Like dask: an input is the tuple (name, value), a node gets its needs' outputs
        # as the (node name, output) tuples GraphNode returns.
        values: dict[str, Any] = {}
        for name, value in (inputs or {}).items():
            if isinstance(value, str) and value in plan.nodes:
                return rasas_own(self, inputs, targets)  # Rasa's error for the clash
            values[name] = (name, value)
        try:
            for name, needs in plan.steps:
                values[name] = self._instantiated_nodes[name](*(values[n] for n in needs))
        except RuntimeError as e:
            raise GraphRunError("Error running runner.") from e
        return dict(values[t] for t in run_targets)

    return run


class _Plan(NamedTuple):
    nodes: frozenset[str]
    steps: list[tuple[str, list[str]]]  # each node after the nodes it needs


def _run_order(schema: Any, targets: list[str]) -> _Plan:
    minimal = schema.minimal_graph_schema(targets)
    steps: list[tuple[str, list[str]]] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen or name not in minimal.nodes:
            return  # done, or a run input
        seen.add(name)
        needs = list(minimal.nodes[name].needs.values())
        for need in needs:
            visit(need)
        steps.append((name, needs))

    for target in targets:
        visit(target)
    return _Plan(frozenset(minimal.nodes), steps)

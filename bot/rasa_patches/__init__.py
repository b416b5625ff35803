"""Every place supportbot replaces a function inside Rasa, and the one `install()`.

Rasa 3.6 offers seams for most of what the bot changes, and those are used instead of
patches: NLU components named in config.yml (bot/nlu/), the tracker store and the NLG
in endpoints.yml (bot/tracker_store.py, bot/nlg.py), input channels in credentials.yml
(bot/channels/). What no seam reaches is replaced here, one module per Rasa function:

| patch (module here) | Rasa function it replaces | proven equal to Rasa's own by |
|---|---|---|
| action_result | RemoteAction._validate_action_result | test_action_result.py |
| event_lookup | Event.resolve_by_type | test_event_lookup.py |
| graph_order | DaskGraphRunner.run | test_graph_order.py |
| pooled_endpoints | EndpointConfig.request | test_pooled_endpoints.py |
| incremental_states | Domain.states_for_tracker_history | test_incremental_states.py |
| action_guard | RemoteAction.run | test_action_guard.py |

The tests are in tests/rasa_patches/; each module's docstring names Rasa's module.
tests/rasa_patches/test_install.py checks this table against `MODULES`.

`install()` is called from exactly one place per entry point: `bot/run_rasa.py` (which
`make run`, `make shell`, the bench stacks and the test stacks start Rasa through) and
`tests/conftest.py` for Rasa run inside the test process; the in-process benchmarks
(bench/action_calls.py, bench/policy_growth.py) call it too, to measure Rasa as it runs.
It

- refuses to patch a Rasa whose version is not in `PROVEN_ON` (`RasaVersionUnproven`):
  the patches read private names, and an upgrade must be proven by running
  tests/rasa_patches against it before its version is added;
- installs nothing when `SUPPORTBOT_RASA_PATCHES=0` (default 1), with a WARNING, for
  bisecting a problem after an upgrade: the bot is then stock Rasa, slower, and a
  failing action server loses a message's events as Rasa does;
- is idempotent: a second call patches nothing (never a patch on a patch).

Each replacement keeps Rasa's own function as `_rasas_own`, which the tests call.
"""

from __future__ import annotations

import importlib
import logging

from bot.logs import log_event
from bot.rasa_patches.patching import Patch
from bot.settings import get_settings

logger = logging.getLogger(__name__)

PROVEN_ON = frozenset({"3.6.21"})
SWITCH = "SUPPORTBOT_RASA_PATCHES"
MODULES = ("action_result", "event_lookup", "graph_order", "pooled_endpoints",
           "incremental_states", "action_guard")


class RasaVersionUnproven(RuntimeError):
    """The installed Rasa is not one the patches were proven on."""


def patches() -> list[Patch]:
    """Every patch, in install order (importing them imports Rasa)."""
    return [importlib.import_module(f"{__name__}.{name}").PATCH for name in MODULES]


def enabled() -> bool:
    return get_settings().rasa.patches


def check_rasa_version(version: str) -> None:
    if version not in PROVEN_ON:
        raise RasaVersionUnproven(
            f"Rasa {version} is installed, but supportbot's patches of Rasa internals "
            f"(bot/rasa_patches) were proven on Rasa {', '.join(sorted(PROVEN_ON))} only. "
            f"Install a proven Rasa, or run tests/rasa_patches against this one and add "
            f"its version to PROVEN_ON, or start without the patches: {SWITCH}=0.")


def install() -> list[str]:
    """Patch Rasa (once per process); the Rasa names replaced by this call."""
    if not enabled():
        log_event(logger, "rasa_patches_disabled", logging.WARNING, switch=SWITCH,
                  note="stock Rasa: slower, and action-server failures lose events")
        return []
    import rasa

    try:
        check_rasa_version(rasa.__version__)
    except RasaVersionUnproven as error:
        log_event(logger, "rasa_patches_refused", logging.ERROR,
                  rasa_version=rasa.__version__, proven_on=sorted(PROVEN_ON), error=str(error))
        raise
    replaced = [patch.rasa_name for patch in patches() if patch.apply()]
    if replaced:
        log_event(logger, "rasa_patches_installed", rasa_version=rasa.__version__,
                  replaced=replaced)
    return replaced


def installed() -> list[str]:
    """The Rasa names currently replaced by a patch of ours."""
    return [patch.rasa_name for patch in patches() if patch.is_applied()]

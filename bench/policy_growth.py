"""What a message's next-action predictions cost as a session grows (Rasa rebuilds the
states of the whole session for each prediction; `make bench`'s conversations are 3-6
turns and leave this out).

    python -m bench.policy_growth [--turns 5 20 50 100] [--model PATH]

In-process, on our model: a session of N FAQ turns (question, answer, listen) built with
`DialogueStateTracker.from_events`, then one more question's two predictions, with our
incremental states and with Rasa's own. Writes bench/results/policy_growth.{json,md}.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench import report, stacks

RESULTS = stacks.ROOT / "bench" / "results"
QUESTION = "what counts as abuse"


def session_events(parsed: dict[str, Any], turns: int) -> list[Any]:
    from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered

    def question() -> UserUttered:
        return UserUttered(QUESTION, parsed["intent"], parsed.get("entities", []), parsed)

    events: list[Any] = [ActionExecuted("action_session_start"), SessionStarted(),
                         SlotSet("language", "en"), ActionExecuted("action_listen")]
    for _ in range(turns):
        events += [question(), ActionExecuted("utter_faq"), ActionExecuted("action_listen")]
    return [*events, question()]


def _turn_ms(processor: Any, domain: Any, events: list[Any], repeats: int) -> float:
    """ms for a FAQ turn's two predictions (the answer, then listen) on a tracker read
    anew, as each message's is."""
    from rasa.shared.core.events import ActionExecuted
    from rasa.shared.core.trackers import DialogueStateTracker

    total = 0.0
    for _ in range(repeats):
        tracker = DialogueStateTracker.from_events("growth", events, domain.slots)
        started = time.perf_counter()
        processor._predict_next_with_tracker(tracker)
        tracker.update(ActionExecuted("utter_faq"))
        processor._predict_next_with_tracker(tracker)
        total += time.perf_counter() - started
    return round(1000 * total / repeats, 2)


def measure(agent: Any, turns: list[int], repeats: int = 20) -> list[dict[str, Any]]:
    from rasa.core.channels.channel import UserMessage
    from rasa.shared.core.domain import Domain

    processor, domain = agent.processor, agent.domain
    parsed = asyncio.run(processor.parse_message(UserMessage(QUESTION)))
    ours = Domain.states_for_tracker_history
    rows = []
    for n in turns:
        events = session_events(parsed, n)
        row: dict[str, Any] = {"turns": n, "events": len(events)}
        for name, states in (("ours", ours), ("rasa", getattr(ours, "_rasas_own", ours))):
            Domain.states_for_tracker_history = states  # type: ignore[method-assign]
            try:
                _turn_ms(processor, domain, events, 2)  # warm
                row[f"{name}_ms_per_turn"] = _turn_ms(processor, domain, events, repeats)
            finally:
                Domain.states_for_tracker_history = ours  # type: ignore[method-assign]
        rows.append(row)
    return rows


def markdown(result: dict[str, Any]) -> str:
    lines = ["# Next-action prediction as a session grows", "",
             f"`python -m bench.policy_growth`, {result['date']}, model "
             f"`{result['model']}`. In-process: a session of N FAQ turns read anew (as "
             "each message's tracker is), then one more question's two predictions (the "
             "answer, then listen), with our incremental states "
             "(bot/rasa_patches/incremental_states.py) "
             "and with Rasa's own. Machine load moves the absolute figures.", "",
             "| turns in the session | events | ms per turn, ours | ms per turn, Rasa's own |",
             "|---|---|---|---|"]
    lines += [f"| {r['turns']} | {r['events']} | {r['ours_ms_per_turn']} "
              f"| {r['rasa_ms_per_turn']} |" for r in result["rows"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.policy_growth", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, nargs="+", default=[5, 20, 50, 100])
    parser.add_argument("--model", help="our model (default: newest in models/)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    from bot import rasa_patches
    from bot.trainer.model import quiet_rasa

    quiet_rasa()  # the policies log every state at debug level
    rasa_patches.install()  # as our Rasa runs
    from rasa.core.agent import Agent

    model = Path(args.model) if args.model else stacks.newest_model(stacks.ROOT / "models")
    result = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "model": model.name, "rows": measure(Agent.load(str(model)), args.turns)}
    report.write_named(args.out, "policy_growth", result, markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

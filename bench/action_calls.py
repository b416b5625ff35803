"""How big Rasa's calls to the action server get, against the action server's body limit
(SUPPORTBOT_ACTIONS_MAX_BODY_BYTES, bot/action_server/app.py).

    python -m bench.action_calls [--turns 10 30 60 100 200] [--model PATH]

In-process, on our model: a session of N turns (a user message as the NLU parses it,
the bot's reply, listen) built as Rasa keeps it, then the exact body Rasa's RemoteAction
would send for two actions: one sent the tracker alone (action_check_status) and one
that also asks for the domain (validate_report_form, send_domain). Two kinds of
sessions: everyday messages, and every message at the channel's 2,000-character limit.
Writes bench/results/action_calls.{json,md}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench import report, stacks
from bot.action_server.app import DEFAULT_MAX_BODY_BYTES

RESULTS = stacks.ROOT / "bench" / "results"
EVERYDAY = ["what counts as abuse", "my withdrawal of 0.5 BTC never arrived",
            "varför är jag avstängd?", "any news on my ticket?"]
REPLY = ("You are suspended until 9 June 14:00 for threats toward staff. You can still ask "
         "me questions, report a hacked account or a missing transfer, or appeal.")


def session(parsed: list[dict[str, Any]], turns: int) -> list[Any]:
    from rasa.shared.core.events import (
        ActionExecuted,
        BotUttered,
        SessionStarted,
        SlotSet,
        UserUttered,
    )

    events: list[Any] = [ActionExecuted("action_session_start"), SessionStarted(),
                         SlotSet("language", "en"), ActionExecuted("action_listen")]
    for turn in range(turns):
        message = parsed[turn % len(parsed)]
        events += [UserUttered(message["text"], message["intent"], message.get("entities", []),
                               message),
                   ActionExecuted("action_validate_slot_mappings"),
                   ActionExecuted("utter_faq"), BotUttered(REPLY, {"elements": None}),
                   ActionExecuted("action_listen")]
    return events


def body_bytes(agent: Any, events: list[Any], action: str) -> int:
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    endpoint = EndpointConfig("http://127.0.0.1:5055/webhook", enable_selective_domain=True)
    tracker = DialogueStateTracker.from_events("acct-42", events, agent.domain.slots)
    call = RemoteAction(action, endpoint)._action_call_format(tracker, agent.domain)
    return len(json.dumps(call).encode())


def measure(agent: Any, turns: list[int]) -> list[dict[str, Any]]:
    from rasa.core.channels.channel import UserMessage

    async def parse(texts: list[str]) -> list[dict[str, Any]]:
        return [await agent.processor.parse_message(UserMessage(t)) for t in texts]

    kinds = {"everyday": asyncio.run(parse(EVERYDAY)),
             "2,000 characters": asyncio.run(parse([(t + " ") * (2000 // (len(t) + 1))
                                                    for t in EVERYDAY]))}
    rows = []
    for kind, parsed in kinds.items():
        for n in turns:
            events = session(parsed, n)
            rows.append({"messages": kind, "turns": n,
                         "tracker_only_bytes": body_bytes(agent, events, "action_check_status"),
                         "with_domain_bytes": body_bytes(agent, events, "validate_report_form")})
    return rows


def turns_within(rows: list[dict[str, Any]], kind: str, key: str, limit: int) -> str:
    fitting = [r["turns"] for r in rows if r["messages"] == kind and r[key] <= limit]
    return f"≥ {max(fitting)}" if fitting else f"< {min(r['turns'] for r in rows)}"


def markdown(result: dict[str, Any]) -> str:
    limit, rows = result["limit_bytes"], result["rows"]
    lines = ["# Rasa's calls to the action server, by session length", "",
             f"`python -m bench.action_calls`, {result['date']}, model `{result['model']}`. "
             "The exact JSON body Rasa 3.6's RemoteAction sends, for a session of N turns "
             "(user message, per-message hook, reply, listen); a session ends after 60 "
             f"idle minutes. The action server refuses bodies over {limit:,} bytes "
             "(`SUPPORTBOT_ACTIONS_MAX_BODY_BYTES`).", "",
             "| messages | turns | tracker only (bytes) | with the domain (bytes) |",
             "|---|---|---|---|"]
    lines += [f"| {r['messages']} | {r['turns']} | {r['tracker_only_bytes']:,} "
              f"| {r['with_domain_bytes']:,} |" for r in rows]
    lines += ["", "Turns of one session that fit under the limit (largest measured): "
              f"everyday {turns_within(rows, 'everyday', 'with_domain_bytes', limit)}, "
              "every message at 2,000 characters "
              f"{turns_within(rows, '2,000 characters', 'with_domain_bytes', limit)}."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.action_calls", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, nargs="+", default=[10, 30, 60, 100, 200])
    parser.add_argument("--model", help="our model (default: newest in models/)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    from bot import rasa_patches
    from bot.trainer.model import quiet_rasa

    quiet_rasa()
    rasa_patches.install()
    from rasa.core.agent import Agent

    model = Path(args.model) if args.model else stacks.newest_model(stacks.ROOT / "models")
    result = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "model": model.name, "limit_bytes": DEFAULT_MAX_BODY_BYTES,
              "rows": measure(Agent.load(str(model)), args.turns)}
    report.write_named(args.out, "action_calls", result, markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

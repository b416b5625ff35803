"""The abuse sets through the running bot: does a rude report start the right case?

A parse can be right and the conversation still wrong (a rule, a hook or the calm reply
in the way), so the abusive + urgent and abuse-only sets are also sent, one message per
new suspended user, to a real Rasa server and action server (SQLite in a temporary
folder) over the REST channel, and judged from the conversation Rasa stored:

- abuse + a case: `right_case` when the bot gave that case's advice and asked the first
  question its form asks for that case (the form started for the right category), or
  filed it at once (a report told in full: the form had nothing left to ask);
  `asked` when it put the clarifying question instead; `calm` when the calm reply came too.
- abuse only: `escalated` when any advice, form question or handoff came (never wanted).

    reports = run_live(model_path, ("dev", "test"))   # also `supportbot eval --live`

The dev split's report lists the messages the bot got wrong, for error analysis; the test
split's gives counts only, so nobody tunes the data to it.
"""

from __future__ import annotations

import json
import socket
import tempfile
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.trainer.eval_sets import ABUSE_ONLY, ABUSIVE_URGENT, EVAL_DIR, EvalSplit, load_split
from bot.trainer.examples import Example

if TYPE_CHECKING:
    from bot.desk.service import Desk

CALM = {"utter_abuse_calm", "utter_insult_calm"}
ASKED = {"utter_ask_which_case", "utter_ask_is_it_case", "utter_ask_funds_gone"}
HANDOFF = {"utter_handoff_filed", "utter_handoff_exists", "utter_human_refused"}
FILED = "utter_report_filed"  # actions/filing.py, right after the advice of the category
IDENTITY_KEY = "live-eval-identity-key-" + "k" * 32


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _post(port: int, token: str, text: str) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook",
        data=json.dumps({"message": text}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()


def _utterances(port: int, api_token: str, sender: str) -> list[str]:
    """The response names of the bot's replies to the sender's last message."""
    url = f"http://127.0.0.1:{port}/conversations/{sender}/tracker?token={api_token}"
    with urllib.request.urlopen(url, timeout=60) as response:
        events = json.load(response)["events"]
    last_user = max(i for i, e in enumerate(events) if e["event"] == "user")
    return [
        str((e.get("metadata") or {}).get("utter_action"))
        for e in events[last_user:]
        if e["event"] == "bot"
    ]


def judge(intent: str, said: Sequence[str]) -> dict[str, bool]:
    """What the bot did with one message, from its replies' response names."""
    from actions.report_form import CATEGORY_BY_INTENT, REQUIRED_SLOTS

    category = CATEGORY_BY_INTENT.get(intent)
    questions = {f"utter_ask_report_form_{slot}" for slot in REQUIRED_SLOTS.get(category, [])}
    any_case = any(s.startswith(("utter_report_advice_", "utter_ask_report_form_")) or s == FILED
                   for s in said)
    return {
        "right_case": f"utter_report_advice_{category}" in said
        and any(s in questions or s == FILED for s in said),
        "asked": any(s in ASKED for s in said),
        "calm": any(s in CALM for s in said),
        "escalated": any_case or any(s in HANDOFF for s in said),
    }


def _score(examples: Sequence[Example], verdicts: Sequence[dict[str, bool]],
           keys: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for lang in sorted({e.lang for e in examples}):
        mine = [v for e, v in zip(examples, verdicts, strict=True) if e.lang == lang]
        out[lang] = {"examples": len(mine), **{k: sum(v[k] for v in mine) / len(mine)
                                               for k in keys}}
    return out


def send_sets(
    split: EvalSplit, rasa_port: int, api_token: str, identity_key: str, desk: Desk
) -> dict[str, Any]:
    """Each abuse-set message from a new suspended user to a running bot; the scores."""
    from bot.channels.identity import issue_token

    verdicts: dict[str, list[dict[str, bool]]] = {}
    missed: list[dict[str, str]] = []
    for name in (ABUSIVE_URGENT, ABUSE_ONLY):
        verdicts[name] = []
        for i, example in enumerate(split.sets[name]):
            # Every user of this bot is suspended; the appeal needs it.
            sender = f"live-{split.name}-{name}-{i}"
            desk.suspend(sender, hours=48, reason="abusive messages to staff", agent="eval")
            _post(rasa_port, issue_token(sender, identity_key), example.text)
            said = _utterances(rasa_port, api_token, sender)
            verdict = judge(example.intent, said)
            verdicts[name].append(verdict)
            if verdict["escalated"] if name == ABUSE_ONLY else not verdict["right_case"]:
                missed.append({"set": name, "lang": example.lang, "intent": example.intent,
                               "text": example.text, "said": ", ".join(said)})
    report: dict[str, Any] = {
        "split": split.name,
        ABUSIVE_URGENT: _score(split.sets[ABUSIVE_URGENT], verdicts[ABUSIVE_URGENT],
                               ("right_case", "asked", "calm")),
        ABUSE_ONLY: _score(split.sets[ABUSE_ONLY], verdicts[ABUSE_ONLY], ("escalated", "calm")),
    }
    if split.name != "test":
        report["missed"] = missed
    return report


def run_live(
    model: Path, splits: Sequence[str] = ("test",), eval_dir: Path = EVAL_DIR
) -> dict[str, dict[str, Any]]:
    """Each split's report, from one stack of its own (Rasa and the action server on
    SQLite in a temporary folder)."""
    from bot.desk.service import open_desk
    from bot.serve import Stack, write_endpoints

    loaded = [load_split(name, eval_dir) for name in splits]
    if missing := [n for n, s in zip(splits, loaded, strict=True) if s is None]:
        raise FileNotFoundError(f"{eval_dir}: no {' or '.join(missing)} split")
    with tempfile.TemporaryDirectory(prefix="nlu-live-") as tmp:
        work = Path(tmp)
        actions_port, rasa_port = _free_port(), _free_port()
        db = f"sqlite:///{work / 'desk.db'}"
        endpoints = write_endpoints(work / "endpoints.yml", actions_port, work / "tracker.db")
        stack = Stack(rasa_port=rasa_port, actions_port=actions_port, model=str(model),
                      endpoints=str(endpoints), log_dir=work / "log")
        api_token = "live-eval-api-token"
        stack.env = {
            "SUPPORTBOT_DB_URL": db,
            "SUPPORTBOT_TRACKER_DB_URL": f"sqlite:///{work / 'tracker.db'}",
            "SUPPORTBOT_RASA_TOKEN": api_token,
            "SUPPORTBOT_RASA_URL": f"http://127.0.0.1:{rasa_port}",
            "SUPPORTBOT_IDENTITY_KEY": IDENTITY_KEY,
            "SUPPORTBOT_DEV_LOGIN": "0",
        }
        desk = open_desk(db)
        stack.start(supervise=False)
        try:
            return {s.name: send_sets(s, rasa_port, api_token, IDENTITY_KEY, desk)
                    for s in loaded if s is not None}
        finally:
            stack.stop()


def summary(report: dict[str, Any]) -> str:
    def pct(x: float) -> str:
        return f"{100 * x:.1f}%"

    cases = ", ".join(
        f"{g} {pct(s['right_case'])} of {s['examples']} (asked {pct(s['asked'])}, "
        f"calm reply {pct(s['calm'])})"
        for g, s in report[ABUSIVE_URGENT].items()
    )
    only = ", ".join(
        f"{g} {pct(s['escalated'])} of {s['examples']} (calm reply {pct(s['calm'])})"
        for g, s in report[ABUSE_ONLY].items()
    )
    return (f"RUNNING BOT ({report['split']} split)\n"
            f"ABUSE + CASE      right case started: {cases}\n"
            f"ABUSE ONLY        escalated: {only}")

"""Why config.yml's NLU looks the way it does: each design choice taken out in turn.

Every variant is trained on the same data/nlu and measured on the dev split of eval/
(the split for this kind of analysis; the test split stays for the final figures), with
the same out-of-scope sets, in one run:

- `config.yml`: the pipeline as it is;
- `no masking`: the intent and FAQ classifiers read the raw text (abuse not masked);
- `insult competes`: `insult` never gives way to an urgent case (case_over_abuse off);
- `no close-call question`: no UnsureCase (only the FallbackClassifier asks);
- `DIET (before)`: config.yml of the commit before the linear classifiers (DIET and Rasa's
  ResponseSelector), on today's data.

    python -m bench.nlu_designs [--only NAME ...]     (make bench-nlu runs it too)
"""

from __future__ import annotations

import argparse
import copy
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from bench.report import write_named
from bot.trainer.evaluate import run_eval
from bot.trainer.model import CONFIG, ROOT, load_config, quiet_rasa

RESULTS = ROOT / "bench" / "results"
BEFORE = "7876609"  # the last commit with DIET and Rasa's ResponseSelector

Config = dict[str, Any]


def _edit(name: str, change: Callable[[dict[str, Any]], None]) -> Callable[[Config], Config]:
    def variant(config: Config) -> Config:
        config = copy.deepcopy(config)
        for component in config["pipeline"]:
            if component["name"].endswith(name):
                change(component)
        return config

    return variant


def _without(name: str) -> Callable[[Config], Config]:
    def variant(config: Config) -> Config:
        config = copy.deepcopy(config)
        config["pipeline"] = [c for c in config["pipeline"] if not c["name"].endswith(name)]
        return config

    return variant


def _no_masking(config: Config) -> Config:
    for name in ("LinearIntentClassifier", "FaqSelector"):
        config = _edit(name, lambda c: c.update(mask_abuse=False))(config)
    return config


VARIANTS: dict[str, Callable[[Config], Config]] = {
    "config.yml": lambda config: config,
    "no masking": _no_masking,
    "insult competes": _edit("LinearIntentClassifier", lambda c: c.update(case_over_abuse=2.0)),
    "no close-call question": _without("UnsureCase"),
}


def _before() -> Config:
    text = subprocess.run(["git", "show", f"{BEFORE}:config.yml"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout
    return yaml.safe_load(text)


def measure(name: str, config: Config, work: Path) -> dict[str, Any]:
    path = work / f"{name.replace(' ', '_').replace('(', '').replace(')', '')}.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")
    started = time.monotonic()
    dev = run_eval(config=path, splits=("dev",))["dev"]
    sets = dev["sets"]
    return {
        "seconds": round(time.monotonic() - started, 1),  # one training + ~3,000 parses
        "macro_f1": {g: round(s["macro_f1"], 3) for g, s in dev["languages"].items()},
        "urgent_recall": round(dev["overall"]["urgent_recall"], 3),
        "abusive_urgent": {g: round(s["right_case"], 3)
                           for g, s in sets["abusive_urgent"].items()},
        "abuse_only_escalated": {g: round(s["escalated"], 3)
                                 for g, s in sets["abuse_only"].items()},
        "false_urgent": {n: round(o["false_urgent_rate"], 4) for n, o in dev["oos"].items()},
    }


def markdown(r: dict[str, Any]) -> str:
    lines = [
        "# NLU design choices, each taken out in turn",
        "",
        f"`python -m bench.nlu_designs`, {r['measured_at']}: trained on data/nlu "
        f"({r['train_examples']} examples), measured on the dev split of eval/. "
        "Seconds: one training plus about 3,000 parses, on 2 cores.",
        "",
        "| variant | abuse + case en / sv | abuse only escalated en / sv | urgent recall "
        "| macro-F1 en / sv | false-urgent CLINC / SweFAQ | s |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, v in r["variants"].items():
        au, ao, f1, fu = (v["abusive_urgent"], v["abuse_only_escalated"], v["macro_f1"],
                          v["false_urgent"])
        lines.append(
            f"| {name} | {au['en']:.3f} / {au['sv']:.3f} | {ao['en']:.3f} / {ao['sv']:.3f} "
            f"| {v['urgent_recall']:.3f} | {f1['en']:.3f} / {f1['sv']:.3f} "
            f"| {100 * fu.get('clinc150_oos_test', 0):.1f} % / "
            f"{100 * fu.get('swefaq_sv', 0):.1f} % | {v['seconds']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(prog="nlu-designs", description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=[*VARIANTS, "DIET (before)"])
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    quiet_rasa()
    current = load_config(CONFIG)
    chosen = args.only or [*VARIANTS, "DIET (before)"]
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="nlu-designs-") as tmp:
        for name in chosen:
            config = _before() if name == "DIET (before)" else VARIANTS[name](current)
            print(f"{name}...", flush=True)
            results[name] = measure(name, config, Path(tmp))
    from bot.trainer.examples import load_nlu
    from bot.trainer.model import NLU_DIR

    report = {
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "train_examples": len(load_nlu(NLU_DIR).examples),
        "variants": results,
    }
    write_named(args.out, "nlu_designs", report, markdown(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

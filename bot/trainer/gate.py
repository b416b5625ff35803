"""Thresholds the NLU must meet (one YAML file) and the check against an eval report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.trainer.model import ROOT

THRESHOLDS = ROOT / "tests" / "nlu_thresholds.yml"


def load_thresholds(path: Path = THRESHOLDS) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def check(
    report: dict[str, Any], thresholds: dict[str, Any], live: dict[str, Any] | None = None
) -> list[str]:
    """Every failed threshold, as a readable line; empty when the report passes.
    `report` is the test split's (run_eval()["test"]); `live` the same split's abuse sets
    through the running bot (bot.trainer.live), held to the same limits."""
    failures = []

    def at_least(name: str, value: float, minimum: float) -> None:
        if value < minimum:
            failures.append(f"{name} {value:.3f} < minimum {minimum:.3f}")

    def at_most(name: str, value: float, maximum: float) -> None:
        if value > maximum:
            failures.append(f"{name} {value:.3f} > maximum {maximum:.3f}")

    for lang, minimum in (thresholds.get("macro_f1") or {}).items():
        at_least(f"macro-F1 [{lang}]", report["languages"][lang]["macro_f1"], minimum)
    if "urgent_recall" in thresholds:
        at_least("urgent recall", report["overall"]["urgent_recall"], thresholds["urgent_recall"])
    limits = thresholds.get("false_urgent_rate") or {}
    if "test" in limits:
        at_most("false-urgent rate [test]", report["overall"]["false_urgent_rate"], limits["test"])
    sets = report.get("sets") or {}
    if "abusive_urgent" in thresholds:
        for lang, s in sets.get("abusive_urgent", {}).items():
            at_least(f"abuse + case, right case [{lang}]", s["right_case"],
                     thresholds["abusive_urgent"])
    if "abuse_only_escalated" in thresholds:
        for lang, s in sets.get("abuse_only", {}).items():
            at_most(f"abuse only, escalated [{lang}]", s["escalated"],
                    thresholds["abuse_only_escalated"])
    if live is not None:
        for lang, s in live.get("abusive_urgent", {}).items():
            if "abusive_urgent" in thresholds:
                at_least(f"running bot: abuse + case, right case [{lang}]", s["right_case"],
                         thresholds["abusive_urgent"])
            if "abusive_urgent_calm" in thresholds:
                # The case goes on and the abuse is still answered and recorded.
                at_least(f"running bot: abuse + case, calm reply [{lang}]", s["calm"],
                         thresholds["abusive_urgent_calm"])
        for lang, s in live.get("abuse_only", {}).items():
            if "abuse_only_escalated" in thresholds:
                at_most(f"running bot: abuse only, escalated [{lang}]", s["escalated"],
                        thresholds["abuse_only_escalated"])
    wrong_answers = thresholds.get("wrong_answer_rate") or {}
    for name, oos in (report.get("oos") or {}).items():
        if name in limits:
            at_most(f"false-urgent rate [{name}]", oos["false_urgent_rate"], limits[name])
        if name in wrong_answers:
            at_most(f"wrong-answer rate [{name}]", oos["wrong_answer_rate"], wrong_answers[name])
    return failures

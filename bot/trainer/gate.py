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


def check(report: dict[str, Any], thresholds: dict[str, Any]) -> list[str]:
    """Every failed threshold, as a readable line; empty when the report passes."""
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
    if "heldout" in limits:
        at_most(
            "false-urgent rate [held-out]",
            report["overall"]["false_urgent_rate"],
            limits["heldout"],
        )
    wrong_answers = thresholds.get("wrong_answer_rate") or {}
    for name, oos in (report.get("oos") or {}).items():
        if name in limits:
            at_most(f"false-urgent rate [{name}]", oos["false_urgent_rate"], limits[name])
        if name in wrong_answers:
            at_most(f"wrong-answer rate [{name}]", oos["wrong_answer_rate"], wrong_answers[name])
    return failures

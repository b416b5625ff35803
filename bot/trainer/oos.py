"""Out-of-scope measurement sets. They are only ever parsed, never trained on."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.trainer.labels import ESCALATING_INTENTS, SAFE_OOS_INTENTS, URGENT_INTENTS
from bot.trainer.model import ROOT, Prediction

DATASETS = ROOT.parent / "shared" / "datasets"


def clinc_oos_test(path: Path = DATASETS / "clinc150" / "data_full.json") -> list[str]:
    """CLINC150's 1000 English out-of-scope test queries."""
    with open(path, encoding="utf-8") as f:
        return [text for text, _ in json.load(f)["oos_test"]]


def swefaq_questions(folder: Path = DATASETS / "swefaq_sv") -> list[str]:
    """Swedish public-sector FAQ questions (dev + test, each once): none is about us."""
    seen: dict[str, None] = {}
    for path in sorted(folder.glob("swefaq_*.jsonl")):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    seen.setdefault(" ".join(json.loads(line)["question"].split()), None)
    return list(seen)


def oos_sets() -> dict[str, tuple[str, list[str]]]:
    """name -> (language, texts) for every set whose files are present."""
    sets = {}
    for name, lang, load in (
        ("clinc150_oos_test", "en", clinc_oos_test),
        ("swefaq_sv", "sv", swefaq_questions),
    ):
        try:
            sets[name] = (lang, load())
        except FileNotFoundError:
            continue
    return sets


def outcome(intent: str) -> str:
    """What the bot would do with an out-of-scope text, from the intent it acts on."""
    if intent in SAFE_OOS_INTENTS:
        return "fallback"
    if intent in URGENT_INTENTS:
        return "false_urgent"
    if intent in ESCALATING_INTENTS:
        return "false_handoff"
    return "wrong_answer"


def score_oos(lang: str, predictions: Sequence[Prediction], worst: int = 15) -> dict[str, Any]:
    outcomes = Counter(outcome(p.intent) for p in predictions)
    n = len(predictions)
    escalated = [p for p in predictions if p.intent in ESCALATING_INTENTS]
    return {
        "lang": lang,
        "examples": n,
        # false_urgent: filed as an urgent case; escalation adds request_human (a ticket).
        "false_urgent_rate": outcomes["false_urgent"] / n if n else 0.0,
        "wrong_escalation_rate": len(escalated) / n if n else 0.0,
        "wrong_answer_rate": outcomes["wrong_answer"] / n if n else 0.0,
        "fallback_rate": outcomes["fallback"] / n if n else 0.0,
        "predicted_intents": dict(Counter(p.intent for p in predictions).most_common()),
        "escalated_examples": [
            {"text": p.text, "intent": p.intent, "confidence": round(p.confidence, 3)}
            for p in sorted(escalated, key=lambda p: -p.confidence)[:worst]
        ],
    }

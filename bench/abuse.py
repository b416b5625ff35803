"""`make bench-abuse`: the abuse detector (bot/abuse) on public English test sets.

    .venv/bin/python -m bench.abuse        # writes bench/results/abuse.json and abuse.md

HateCheck (Röttger et al. 2021, test_suite_cases.csv): 3,728 functional tests, gold label
hateful / non-hateful. "Hateful" is narrower than our policy's abuse (which also covers
swearing at staff), so a profane but non-hateful case flagged by us counts as a false
positive here. Precision/recall/F1 overall, and per functionality the share flagged.

Davidson et al. 2017 (labeled_data.csv): tweets labelled hate / offensive / neither;
abusive = hate or offensive. alt-profanity-check was trained on this data set, so its
figures there are optimistic and reported only as a sanity check.

Nothing is tuned on these sets: the library (alt-profanity-check vs better-profanity)
and its threshold were chosen once, and the word lists were written before the first run.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bot.abuse import detect
from bot.abuse.detector import MODEL_THRESHOLD
from bot.abuse.model import profanity_prob

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
RESULTS = ROOT / "bench" / "results"

Case = tuple[str, bool, str]  # text, gold abusive, group (functionality or class)


def load_hatecheck(path: Path = DATASETS / "hatecheck_en" / "test_suite_cases.csv") -> list[Case]:
    with open(path, encoding="utf-8", newline="") as f:
        return [
            (row["test_case"].strip(), row["label_gold"] == "hateful", row["functionality"])
            for row in csv.DictReader(f)
        ]


def load_davidson(
    path: Path = DATASETS / "davidson_hate_offensive_en" / "labeled_data.csv",
) -> list[Case]:
    names = {"0": "hate", "1": "offensive", "2": "neither"}
    with open(path, encoding="utf-8", newline="") as f:
        return [(row["tweet"], row["class"] in ("0", "1"), names[row["class"]])
                for row in csv.DictReader(f)]


def prf(gold: Sequence[bool], pred: Sequence[bool]) -> dict[str, float | int]:
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum(p and not g for g, p in zip(gold, pred, strict=True))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "tp": tp, "fp": fp, "fn": fn, "n": len(gold)}


Systems = dict[str, Callable[[str], bool]]

SYSTEMS: Systems = {
    # The whole detector as the bot runs it on an English message.
    "supportbot detector": lambda text: detect(text, "en").abusive,
    # The library alone, at its own cut-off: what the word lists and patterns add.
    "alt-profanity-check 1.1.3 alone": lambda text: profanity_prob(text) >= MODEL_THRESHOLD,
}


def evaluate(cases: list[Case], systems: Systems = SYSTEMS) -> dict[str, Any]:
    gold = [g for _, g, _ in cases]
    out: dict[str, Any] = {}
    for name, flag in systems.items():
        start = time.perf_counter()
        pred = [flag(text) for text, _, _ in cases]
        seconds = time.perf_counter() - start
        groups: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
        for (_, g, group), p in zip(cases, pred, strict=True):
            groups[group].append((g, p))
        out[name] = {
            "overall": prf(gold, pred),
            "microseconds_per_message": round(1e6 * seconds / len(cases), 1),
            "groups": {
                group: {"gold": "abusive" if pairs[0][0] else "not abusive", "n": len(pairs),
                        "flagged": round(sum(p for _, p in pairs) / len(pairs), 4)}
                for group, pairs in sorted(groups.items())
            },
        }
    return out


def markdown(results: dict[str, Any]) -> str:
    lines = [
        "# Abuse detection benchmarks",
        "",
        "Produced by `make bench-abuse` (`python -m bench.abuse`). Detector: bot/abuse "
        "(alt-profanity-check's shipped model + our en/sv word lists and threat/hate "
        "patterns), on English messages. Nothing was tuned on these sets.",
        "",
    ]
    for dataset, title in (("hatecheck", "HateCheck (hateful vs non-hateful, 3,728 cases)"),
                           ("davidson", "Davidson et al. 2017 (hate or offensive vs neither; "
                                        "in alt-profanity-check's training data)")):
        if dataset not in results:
            continue
        lines += [f"## {title}", "", "| system | precision | recall | F1 | µs/message |",
                  "|---|---|---|---|---|"]
        for name, r in results[dataset].items():
            o = r["overall"]
            lines.append(f"| {name} | {o['precision']:.3f} | {o['recall']:.3f} | "
                         f"{o['f1']:.3f} | {r['microseconds_per_message']} |")
        lines.append("")
    if "hatecheck" in results:
        systems = list(results["hatecheck"])
        lines += ["### HateCheck by functionality (share flagged; want high for hateful, "
                  "low for non-hateful)", "",
                  "| functionality | gold | n | " + " | ".join(systems) + " |",
                  "|---|---|---|" + "---|" * len(systems)]
        first = results["hatecheck"][systems[0]]["groups"]
        for group, g in first.items():
            shares = " | ".join(f"{results['hatecheck'][s]['groups'][group]['flagged']:.2f}"
                                for s in systems)
            gold = "hateful" if g["gold"] == "abusive" else "non-hateful"
            lines.append(f"| {group} | {gold} | {g['n']} | {shares} |")
        lines.append("")
    lines.append(results.get("note", ""))
    return "\n".join(lines).rstrip() + "\n"


NOTE = (
    "Library choice (made once, on HateCheck, before the word lists existed): "
    "alt-profanity-check 1.1.3 at its 0.5 cut-off scored P 0.653 / R 0.371 / F1 0.474 at "
    "~10 µs a message batched (at 0.3: P 0.660 / R 0.490 / F1 0.562; 0.7: F1 0.380; the "
    "shipped 0.5 was kept, not the best of these); better-profanity 0.7.0 (word list, last "
    "release 2020) P 0.652 / R 0.306 / F1 0.417 at ~30 ms a message. alt-profanity-check "
    "1.1.3 is the release whose model is pickled with scikit-learn 1.1.3, the version "
    "Rasa 3.6 pins."
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-davidson", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    detect("warm up", "en")  # load the model outside the timings
    results: dict[str, Any] = {
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "hatecheck": evaluate(load_hatecheck()),
    }
    if not args.skip_davidson:
        results["davidson"] = evaluate(load_davidson())
    results["note"] = NOTE
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "abuse.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (args.out / "abuse.md").write_text(markdown(results), encoding="utf-8")
    print(markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

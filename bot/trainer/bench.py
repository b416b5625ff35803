"""`make bench-nlu`: the NLU pipeline of config.yml on public intent benchmarks.

BANKING77: train on train.csv, score test.csv. CLINC150 (full): train on `train` plus
`oos_train` with `oos` as one more intent (the "oos-train" setting of Larson et al. 2019,
where the Rasa and BERT anchors come from); score in-scope accuracy on `test` and
out-of-scope recall on `oos_test`. The FAQ selector is left out (these datasets have
no retrieval intents); every other component and setting is config.yml's.

BANKING77's urgent categories (`banking77_urgent`): our own model, trained on data/nlu
only, reads BANKING77's test messages of the categories that are an urgent case for this
bot (a compromised card, payments not recognised, transfers and top-ups pending or not
arriving); the share it reads as an urgent case is reported. BANKING77 is never trained on.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from bot.trainer import metrics
from bot.trainer.evaluate import asks_about
from bot.trainer.labels import FALLBACK_INTENT, URGENT_INTENTS
from bot.trainer.model import (
    CONFIG,
    DOMAIN,
    NLU_DIR,
    ROOT,
    Parser,
    load_config,
    quiet_rasa,
    train,
)

DATASETS = ROOT.parent / "shared" / "datasets"
RESULTS = ROOT / "bench" / "results"
OOS = "oos"

# Published figures (accuracy %; CLINC150: in-scope accuracy / out-of-scope recall).
ANCHORS: dict[str, list[dict[str, Any]]] = {
    "banking77": [
        {"system": "BERT-large fine-tuned", "accuracy": 93.66},
        {"system": "USE+ConveRT", "accuracy": 93.36},
    ],
    "clinc150": [
        {"system": "Rasa (2019 pipeline)", "in_scope_accuracy": 91.5, "oos_recall": 45.3},
        {"system": "BERT", "in_scope_accuracy": 96.9, "oos_recall": 40.3},
    ],
}

Pairs = list[tuple[str, str]]
FAQ_COMPONENTS = {"ResponseSelector", "bot.nlu.faq_selector.FaqSelector"}
# BANKING77 categories that are an urgent case for this bot, and the case each one is.
URGENT_CATEGORIES = {
    "compromised_card": "report_account_hacked",
    "card_payment_not_recognised": "report_account_hacked",
    "pending_transfer": "report_missing_withdrawal",
    "transfer_not_received_by_recipient": "report_missing_withdrawal",
    "pending_top_up": "report_missing_deposit",
    "balance_not_updated_after_bank_transfer": "report_missing_deposit",
}


def load_banking77(root: Path = DATASETS / "banking77") -> tuple[Pairs, Pairs]:
    def read(name: str) -> Pairs:
        with open(root / name, encoding="utf-8", newline="") as f:
            return [(row["text"], row["category"]) for row in csv.DictReader(f)]

    return read("train.csv"), read("test.csv")


def load_clinc150(path: Path = DATASETS / "clinc150" / "data_full.json") -> dict[str, Pairs]:
    with open(path, encoding="utf-8") as f:
        return {k: [(t, label) for t, label in v] for k, v in json.load(f).items()}


def bench_config(out: Path, epochs: int | None) -> Path:
    """config.yml's pipeline without the FAQ selector; optionally fewer epochs."""
    config = load_config(CONFIG)
    pipeline = []
    for component in config["pipeline"]:
        if component["name"] in FAQ_COMPONENTS:
            continue
        component = dict(component)
        if epochs is not None and "epochs" in component:
            component["epochs"] = epochs
        pipeline.append(component)
    path = out / "config.yml"
    path.write_text(
        yaml.safe_dump(
            {
                "recipe": "default.v1",
                "language": config.get("language", "en"),
                "pipeline": pipeline,
                "policies": [],
            },
            sort_keys=False,
        ),
        encoding="utf-8",
    )
    return path


def write_training_json(pairs: Pairs, path: Path) -> None:
    # Rasa's JSON format: unlike YAML, "[x](y)" in a text is never read as an entity.
    examples = [{"text": t, "intent": label, "entities": []} for t, label in pairs]
    path.write_text(json.dumps({"rasa_nlu_data": {"common_examples": examples}}), "utf-8")


def _train_and_parse(
    train_pairs: Pairs, test_sets: dict[str, Pairs], epochs: int | None
) -> tuple[dict[str, list[Any]], dict[str, float]]:
    with tempfile.TemporaryDirectory(prefix="bench-nlu-") as tmp:
        work = Path(tmp)
        config = bench_config(work, epochs)
        data = work / "nlu.json"
        write_training_json(train_pairs, data)
        started = time.monotonic()
        model = train(data, work / "models", config=config, domain=None)
        trained = time.monotonic()
        parser = Parser(model)
        predictions = {
            name: parser.parse([t for t, _ in pairs]) for name, pairs in test_sets.items()
        }
        parsed = time.monotonic()
    return predictions, {
        "train_s": round(trained - started, 1),
        "parse_s": round(parsed - trained, 1),
    }


def _pct(x: float) -> float:
    return round(100 * x, 2)


def bench_banking77(epochs: int | None) -> dict[str, Any]:
    train_pairs, test = load_banking77()
    preds, timing = _train_and_parse(train_pairs, {"test": test}, epochs)
    gold = [label for _, label in test]
    top = [p.top_intent for p in preds["test"]]
    acted = [p.intent for p in preds["test"]]
    return {
        "dataset": "banking77",
        "train_examples": len(train_pairs),
        "test_examples": len(test),
        "accuracy": _pct(metrics.accuracy(gold, top)),
        "macro_f1": _pct(metrics.macro_f1(metrics.per_label(gold, top))),
        "accuracy_with_fallback": _pct(metrics.accuracy(gold, acted)),
        "fallback_rate": _pct(metrics.share(acted, {FALLBACK_INTENT})),
        **timing,
    }


def bench_clinc150(epochs: int | None) -> dict[str, Any]:
    data = load_clinc150()
    train_pairs = data["train"] + data["oos_train"]
    preds, timing = _train_and_parse(
        train_pairs, {"test": data["test"], "oos_test": data["oos_test"]}, epochs
    )
    gold = [label for _, label in data["test"]]
    top = [p.top_intent for p in preds["test"]]
    acted = [p.intent for p in preds["test"]]
    oos_top = [p.top_intent for p in preds["oos_test"]]
    oos_acted = [p.intent for p in preds["oos_test"]]
    return {
        "dataset": "clinc150",
        "train_examples": len(train_pairs),
        "train_note": "train + oos_train, 'oos' trained as a 151st intent",
        "test_examples": len(data["test"]),
        "oos_test_examples": len(data["oos_test"]),
        "in_scope_accuracy": _pct(metrics.accuracy(gold, top)),
        "in_scope_macro_f1": _pct(metrics.macro_f1(metrics.per_label(gold, top))),
        "oos_recall": _pct(metrics.share(oos_top, {OOS})),
        # What the bot does: a fallback also keeps an out-of-scope text from a wrong answer,
        # but costs in-scope accuracy.
        "in_scope_accuracy_with_fallback": _pct(metrics.accuracy(gold, acted)),
        "oos_recall_with_fallback": _pct(metrics.share(oos_acted, {OOS, FALLBACK_INTENT})),
        **timing,
    }


def bench_banking77_urgent(epochs: int | None = None) -> dict[str, Any]:
    """Our model (data/nlu, config.yml) on BANKING77's urgent categories: read as urgent?"""
    _, test = load_banking77()
    chosen = [(t, c) for t, c in test if c in URGENT_CATEGORIES]
    with tempfile.TemporaryDirectory(prefix="bench-nlu-urgent-") as tmp:
        started = time.monotonic()
        model = train(NLU_DIR, Path(tmp) / "models", config=CONFIG, domain=DOMAIN, seed=42)
        trained = time.monotonic()
        preds = Parser(model).parse([t for t, _ in chosen])
        parsed = time.monotonic()
    categories = {}
    for category, case in URGENT_CATEGORIES.items():
        mine = [p for (_, c), p in zip(chosen, preds, strict=True) if c == category]
        categories[category] = {
            "case": case,
            "examples": len(mine),
            "urgent": _pct(metrics.share([p.intent for p in mine], URGENT_INTENTS)),
            "that_case": _pct(metrics.share([p.intent for p in mine], {case})),
            "asked": _pct(sum(asks_about(p, case) for p in mine) / len(mine)),
        }
    acted = [p.intent for p in preds]
    return {
        "dataset": "banking77_urgent",
        "train_note": "trained on data/nlu only; BANKING77 is only read",
        "test_examples": len(chosen),
        "urgent": _pct(metrics.share(acted, URGENT_INTENTS)),
        "categories": categories,
        "train_s": round(trained - started, 1),
        "parse_s": round(parsed - trained, 1),
    }


BENCHES = {
    "banking77": bench_banking77,
    "banking77_urgent": bench_banking77_urgent,
    "clinc150": bench_clinc150,
}
ANCHORS.setdefault("banking77_urgent", [])


def _classifier_settings() -> str:
    for component in load_config(CONFIG).get("pipeline", []):
        name = component.get("name", "")
        if name == "DIETClassifier":
            layers = component.get("number_of_transformer_layers", "default")
            return f"DIET {component.get('epochs', 300)} epochs, {layers} transformer layers"
        if name.endswith("LinearIntentClassifier"):
            return f"linear intent classifier, C {component.get('C', 'default')}"
    return "no intent classifier"


def markdown(results: dict[str, dict[str, Any]]) -> str:
    lines = [
        "# NLU benchmarks of config.yml's pipeline",
        "",
        "Produced by `make bench-nlu` (`python -m bot.trainer.bench`). Our figures are the",
        "classifier's top intent (as the published ones); *with fallback* counts a",
        "FallbackClassifier fallback as wrong in scope and as caught out of scope.",
        "",
    ]
    if "banking77" in results:
        r = results["banking77"]
        lines += [
            "## BANKING77 (train.csv -> test.csv)",
            "",
            "| system | accuracy % | macro-F1 % |",
            "|---|---|---|",
            f"| **supportbot config.yml** ({r['settings']}) | **{r['accuracy']}** "
            f"(with fallback {r['accuracy_with_fallback']}) | {r['macro_f1']} |",
            *(f"| {a['system']} | {a['accuracy']} | - |" for a in ANCHORS["banking77"]),
            "",
        ]
    if "clinc150" in results:
        r = results["clinc150"]
        lines += [
            "## CLINC150 full (train + oos_train -> test, oos_test)",
            "",
            "| system | in-scope accuracy % | out-of-scope recall % |",
            "|---|---|---|",
            f"| **supportbot config.yml** ({r['settings']}) | **{r['in_scope_accuracy']}** "
            f"(with fallback {r['in_scope_accuracy_with_fallback']}) | **{r['oos_recall']}** "
            f"(with fallback {r['oos_recall_with_fallback']}) |",
            *(
                f"| {a['system']} | {a['in_scope_accuracy']} | {a['oos_recall']} |"
                for a in ANCHORS["clinc150"]
            ),
            "",
        ]
    if "banking77_urgent" in results:
        r = results["banking77_urgent"]
        lines += [
            "## BANKING77's urgent categories, read by our own model",
            "",
            "Trained on data/nlu only (BANKING77 is only read). *Urgent*: read as any urgent",
            "case (the form starts); *that case*: the one the category means; *asked*: the",
            "bot asks which case it is (counted in neither).",
            "",
            "| category | our case | messages | urgent % | that case % | asked % |",
            "|---|---|---|---|---|---|",
            *(
                f"| {name} | {c['case']} | {c['examples']} | {c['urgent']} | {c['that_case']} "
                f"| {c['asked']} |"
                for name, c in r["categories"].items()
            ),
            f"| **all** | | {r['test_examples']} | **{r['urgent']}** | | |",
            "",
        ]
    if "clinc150" in results:
        r = results["clinc150"]
        lines += [
            f"CLINC150: `oos` is 100 of {r['train_examples']} training examples, so the "
            f"classifier seldom picks it ({r['oos_recall']} %). The FallbackClassifier "
            f"(config.yml's threshold) catches {r['oos_recall_with_fallback']} % of the "
            f"out-of-scope queries but turns "
            f"{round(r['in_scope_accuracy'] - r['in_scope_accuracy_with_fallback'], 1)} points "
            "of in-scope accuracy into fallbacks: with 150 intents, confidences are spread thin.",
            "",
        ]
    lines.append(
        "One run each of config.yml's pipeline (settings as in the tables). "
        "Timings (2 CPU cores shared with other jobs): "
        + "; ".join(
            f"{name} train {r['train_s']} s, parse {r['parse_s']} s" for name, r in results.items()
        )
    )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench-nlu", description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(BENCHES), action="append")
    parser.add_argument("--epochs", type=int, help="override every component's epochs")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--markdown-only", action="store_true", help="only rewrite nlu.md from the JSON results"
    )
    args = parser.parse_args(argv)
    quiet_rasa()
    args.out.mkdir(parents=True, exist_ok=True)
    settings = (f"epochs {args.epochs}" if args.epochs
                else f"config.yml: {_classifier_settings()}")
    for name in [] if args.markdown_only else args.only or sorted(BENCHES):
        result = BENCHES[name](args.epochs)
        result.update(
            settings=settings,
            anchors=ANCHORS[name],
            measured_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            machine=f"{platform.machine()}, python {platform.python_version()}",
        )
        (args.out / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n", "utf-8")
        print(json.dumps(result, indent=2))
    results = {
        p.stem: json.loads(p.read_text("utf-8"))
        for p in sorted(args.out.glob("*.json"))
        if p.stem in BENCHES
    }
    # Its own file: bench/results/README.md also describes the other benchmarks.
    (args.out / "nlu.md").write_text(markdown(results), "utf-8")
    print(markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

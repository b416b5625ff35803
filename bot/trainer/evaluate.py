"""Held-out and k-fold evaluation of config.yml's NLU pipeline on our own data."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.trainer import metrics
from bot.trainer.examples import Example, NluData, load_nlu, write_nlu
from bot.trainer.labels import FALLBACK_INTENT, URGENT_INTENTS
from bot.trainer.model import CONFIG, NLU_DIR, Parser, Prediction, fallback_threshold, load_config
from bot.trainer.model import train as train_model
from bot.trainer.oos import oos_sets, score_oos
from bot.trainer.split import holdout_split, kfold_splits

log = logging.getLogger(__name__)


def _rounded(score: metrics.LabelScore) -> dict[str, Any]:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in score.as_dict().items()}


def score_language(examples: Sequence[Example], preds: Sequence[Prediction]) -> dict[str, Any]:
    """Intent metrics (faq collapsed) and the ResponseSelector's topic metrics (faq only)."""
    gold = [e.intent for e in examples]
    pred = [p.intent for p in preds]
    intents = metrics.per_label(gold, pred)
    faq = [(e.label, p.label()) for e, p in zip(examples, preds, strict=True) if e.intent == "faq"]
    topics = metrics.per_label([g for g, _ in faq], [p for _, p in faq]) if faq else {}
    labels, matrix = metrics.confusion(gold, pred)
    return {
        "examples": len(examples),
        "accuracy": metrics.accuracy(gold, pred),
        # The classifier alone: tells a wrong intent from a right but unsure one.
        "top_accuracy": metrics.accuracy(gold, [p.top_intent for p in preds]),
        "macro_f1": metrics.macro_f1(intents),
        "fallback_rate": metrics.share(pred, {FALLBACK_INTENT}),
        "urgent_recall": metrics.group_recall(gold, pred, URGENT_INTENTS),
        "false_urgent_rate": metrics.false_group_rate(gold, pred, URGENT_INTENTS),
        "intents": {label: _rounded(s) for label, s in intents.items()},
        "faq": {
            "examples": len(faq),
            "accuracy": metrics.accuracy([g for g, _ in faq], [p for _, p in faq]) if faq else 0.0,
            "macro_f1": metrics.macro_f1(topics),
            "topics": {label: _rounded(s) for label, s in topics.items()},
        },
        "confusion": {"labels": labels, "matrix": matrix},
    }


def score(examples: Sequence[Example], preds: Sequence[Prediction]) -> dict[str, Any]:
    """Per-language scores, the urgent figures over both languages, the misclassified."""
    langs = sorted({e.lang for e in examples})
    by_lang = {
        lang: score_language(
            [e for e in examples if e.lang == lang],
            [p for e, p in zip(examples, preds, strict=True) if e.lang == lang],
        )
        for lang in langs
    }
    gold = [e.intent for e in examples]
    pred = [p.intent for p in preds]
    wrong = [
        {
            "lang": e.lang,
            "text": e.text,
            "gold": e.label,
            "predicted": p.label(),
            "confidence": round(p.confidence, 3),
            "top_intent": p.top_intent,
            "top_confidence": round(p.top_confidence, 3),
        }
        for e, p in zip(examples, preds, strict=True)
        if p.label() != e.label  # a wrong intent, or the right faq with the wrong topic
    ]
    return {
        "languages": by_lang,
        "overall": {
            "examples": len(examples),
            "macro_f1": metrics.macro_f1(metrics.per_label(gold, pred)),
            "urgent_recall": metrics.group_recall(gold, pred, URGENT_INTENTS),
            "urgent_examples": sum(g in URGENT_INTENTS for g in gold),
            "false_urgent_rate": metrics.false_group_rate(gold, pred, URGENT_INTENTS),
        },
        "misclassified": sorted(wrong, key=lambda w: (w["lang"], w["gold"], w["text"])),
    }


def _train_and_predict(
    data: NluData,
    train: list[Example],
    tests: dict[str, list[str]],
    work: Path,
    seed: int,
    config: Path,
) -> dict[str, list[Prediction]]:
    nlu_file = work / "train" / "nlu.yml"
    write_nlu(data, train, nlu_file)
    parser = Parser(train_model(nlu_file, work / "models", config=config, seed=seed))
    return {name: parser.parse(texts) for name, texts in tests.items()}


def _meta(config_path: Path, seed: int) -> dict[str, Any]:
    threshold = fallback_threshold(load_config(config_path))
    # random_seed: also DIET's and the ResponseSelector's, unless config.yml sets one.
    return {"config": str(config_path), "fallback_threshold": threshold, "random_seed": seed}


def run_holdout(
    nlu_dir: Path = NLU_DIR,
    test_fraction: float = 0.2,
    seed: int = 42,
    with_oos: bool = True,
    config: Path = CONFIG,
) -> dict[str, Any]:
    """One training on the train part; scores on the held-out part and the OOS sets.

    The OOS sets are parsed by this same model (trained on 1 - test_fraction of the data):
    one training serves both, which keeps the CI gate fast.
    """
    data = load_nlu(nlu_dir)
    train, test = holdout_split(data.examples, test_fraction, seed)
    oos = oos_sets() if with_oos else {}
    tests = {"heldout": [e.text for e in test], **{k: v[1] for k, v in oos.items()}}
    with tempfile.TemporaryDirectory(prefix="nlu-eval-") as tmp:
        preds = _train_and_predict(data, train, tests, Path(tmp), seed, config)
    report = score(test, preds["heldout"])
    report["oos"] = {name: score_oos(lang, preds[name]) for name, (lang, _) in oos.items()}
    report["split"] = {
        "kind": "holdout",
        "seed": seed,
        "test_fraction": test_fraction,
        "train_examples": len(train),
        "test_examples": len(test),
    }
    report.update(_meta(config, seed))
    return report


def run_cv(
    nlu_dir: Path = NLU_DIR, folds: int = 5, seed: int = 42, config: Path = CONFIG
) -> dict[str, Any]:
    """k trainings; every example is predicted once, by the model that did not see it."""
    data = load_nlu(nlu_dir)
    examples: list[Example] = []
    preds: list[Prediction] = []
    for i, (train, test) in enumerate(kfold_splits(data.examples, folds, seed), 1):
        log.info("fold %d/%d: %d train, %d test", i, folds, len(train), len(test))
        with tempfile.TemporaryDirectory(prefix=f"nlu-cv{i}-") as tmp:
            preds += _train_and_predict(
                data, train, {"fold": [e.text for e in test]}, Path(tmp), seed, config
            )["fold"]
        examples += test
    report = score(examples, preds)
    report["oos"] = {}
    report["split"] = {"kind": "cv", "folds": folds, "seed": seed, "test_examples": len(examples)}
    report.update(_meta(config, seed))
    return report

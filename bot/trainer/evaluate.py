"""Evaluation of config.yml's NLU pipeline: trained on all of data/nlu (the model `make
train` builds), measured on the dev and test splits of eval/ and on out-of-scope sets;
optionally k-fold cross-validation of the training data."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.trainer import metrics
from bot.trainer.eval_sets import (
    ABUSE_ONLY,
    ABUSIVE_URGENT,
    EVAL_DIR,
    ORDINARY,
    SPLITS,
    load_split,
)
from bot.trainer.examples import Example, NluData, load_nlu, write_nlu
from bot.trainer.labels import (
    ESCALATING_INTENTS,
    FALLBACK_INTENT,
    FUNDS_GONE,
    MONEY_CASES,
    URGENT_INTENTS,
)
from bot.trainer.model import CONFIG, NLU_DIR, Parser, Prediction, fallback_threshold, load_config
from bot.trainer.model import train as train_model
from bot.trainer.oos import oos_sets, score_oos
from bot.trainer.split import kfold_splits

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
    return _predict(train_model(nlu_file, work / "models", config=config, seed=seed), tests)


def _predict(model: Path, tests: dict[str, list[str]]) -> dict[str, list[Prediction]]:
    parser = Parser(model)
    return {name: parser.parse(texts) for name, texts in tests.items()}


def _meta(config_path: Path, seed: int) -> dict[str, Any]:
    threshold = fallback_threshold(load_config(config_path))
    # random_seed: also DIET's and the ResponseSelector's, unless config.yml sets one.
    return {"config": str(config_path), "fallback_threshold": threshold, "random_seed": seed}


def asks_about(p: Prediction, case: str) -> bool:
    """The bot would put a question with a button for `case` (actions/clarify.py)."""
    if p.intent == FUNDS_GONE:
        return case in MONEY_CASES
    return p.intent == FALLBACK_INTENT and case in p.top_two


def score_cases(examples: Sequence[Example], preds: Sequence[Prediction]) -> dict[str, Any]:
    """Abuse plus a real case, per language: the share read as exactly that case, the
    share the bot asks about (fallback with the case among the two likeliest), the rest."""
    out: dict[str, Any] = {}
    for lang in sorted({e.lang for e in examples}):
        pairs = [(e, p) for e, p in zip(examples, preds, strict=True) if e.lang == lang]
        right = sum(p.intent == e.intent for e, p in pairs)
        asked = sum(asks_about(p, e.intent) for e, p in pairs)
        out[lang] = {
            "examples": len(pairs),
            "right_case": right / len(pairs),
            "asked": asked / len(pairs),
            "missed": 1 - (right + asked) / len(pairs),
            "read_as_insult": sum(p.intent == "insult" for _, p in pairs) / len(pairs),
        }
    return out


def score_abuse_only(examples: Sequence[Example], preds: Sequence[Prediction]) -> dict[str, Any]:
    """Only abuse, per language: the share escalated (a case or a human) must be zero."""
    out: dict[str, Any] = {}
    for lang in sorted({e.lang for e in examples}):
        got = [p for e, p in zip(examples, preds, strict=True) if e.lang == lang]
        out[lang] = {
            "examples": len(got),
            "escalated": sum(p.intent in ESCALATING_INTENTS for p in got) / len(got),
            "insult": sum(p.intent == "insult" for p in got) / len(got),
        }
    return out


def run_eval(
    nlu_dir: Path = NLU_DIR,
    eval_dir: Path = EVAL_DIR,
    seed: int = 42,
    with_oos: bool = True,
    config: Path = CONFIG,
    splits: Sequence[str] = SPLITS,
    model: Path | None = None,
) -> dict[str, dict[str, Any]]:
    """One training on all of `nlu_dir`; a report per split of `eval_dir` ("dev", "test").
    With `model` (a model trained by `rasa train` on `nlu_dir` with `config`, as `make
    train` builds it), that model is measured instead: the one the bot would run.

    The test report keeps no misclassified messages (only their number): nobody reads its
    errors, so its figures stay an honest estimate. The out-of-scope sets are parsed by
    the same model and reported with the test split, by counts only, for the same reason.
    """
    data = load_nlu(nlu_dir)
    loaded = [split for name in splits if (split := load_split(name, eval_dir)) is not None]
    if not loaded:
        raise FileNotFoundError(f"{eval_dir}: no {' or '.join(splits)} split")
    oos = oos_sets() if with_oos else {}
    tests: dict[str, list[str]] = {}
    for split in loaded:
        tests.update(split.texts())
    tests.update({name: texts for name, (_, texts) in oos.items()})
    if model is not None:
        preds = _predict(model, tests)
    else:
        with tempfile.TemporaryDirectory(prefix="nlu-eval-") as tmp:
            preds = _train_and_predict(data, data.examples, tests, Path(tmp), seed, config)
    reports: dict[str, dict[str, Any]] = {}
    for split in loaded:
        sets = split.sets
        got = {name: preds[f"{split.name}/{name}"] for name in sets}
        report = score(sets[ORDINARY], got[ORDINARY])
        report["sets"] = {
            ABUSIVE_URGENT: score_cases(sets[ABUSIVE_URGENT], got[ABUSIVE_URGENT]),
            ABUSE_ONLY: score_abuse_only(sets[ABUSE_ONLY], got[ABUSE_ONLY]),
        }
        if split.name == "test":
            report["misclassified_count"] = len(report["misclassified"])
            report["misclassified"] = []
        else:
            report["misclassified_sets"] = [
                {"lang": e.lang, "text": e.text, "gold": e.label, "predicted": p.label(),
                 "confidence": round(p.confidence, 3), "set": name}
                for name in (ABUSIVE_URGENT, ABUSE_ONLY)
                for e, p in zip(sets[name], got[name], strict=True)
                if (p.intent in ESCALATING_INTENTS if name == ABUSE_ONLY else p.intent != e.intent)
            ]
        # Reported once: with the test split, or with the dev split when it is alone.
        with_oos_here = split.name == "test" or "test" not in splits
        report["oos"] = (
            {name: score_oos(lang, preds[name], worst=0) for name, (lang, _) in oos.items()}
            if with_oos_here else {}
        )
        report["split"] = {"kind": split.name, "seed": seed, "train_examples": len(data.examples),
                           "test_examples": len(sets[ORDINARY])}
        report.update(_meta(config, seed))
        reports[split.name] = report
    return reports


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

"""The metric maths, on small cases worked out by hand."""

from __future__ import annotations

import pytest

from bot.trainer import gate, metrics
from bot.trainer.labels import URGENT_INTENTS
from bot.trainer.model import Prediction
from bot.trainer.oos import outcome, score_oos

GOLD = ["a", "a", "a", "b", "b", "c"]
PRED = ["a", "a", "b", "b", "c", "nlu_fallback"]


def test_per_label_precision_recall_f1() -> None:
    s = metrics.per_label(GOLD, PRED)
    # a: tp 2, predicted 2, gold 3
    assert (s["a"].precision, s["a"].recall) == (1.0, pytest.approx(2 / 3))
    assert s["a"].f1 == pytest.approx(0.8)
    # b: tp 1, predicted 2, gold 2 -> 0.5 / 0.5
    assert (s["b"].precision, s["b"].recall, s["b"].f1) == (0.5, 0.5, 0.5)
    # c: never right
    assert (s["c"].precision, s["c"].recall, s["c"].f1, s["c"].support) == (0.0, 0.0, 0.0, 1)
    assert s["nlu_fallback"].support == 0


def test_macro_f1_averages_gold_labels_only() -> None:
    s = metrics.per_label(GOLD, PRED)
    assert metrics.macro_f1(s) == pytest.approx((0.8 + 0.5 + 0.0) / 3)
    assert metrics.macro_f1({}) == 0.0


def test_accuracy_and_perfect_case() -> None:
    assert metrics.accuracy(GOLD, PRED) == pytest.approx(3 / 6)
    assert metrics.macro_f1(metrics.per_label(GOLD, GOLD)) == 1.0


def test_urgent_recall_is_exact_intent_and_false_urgent_counts_non_urgent_gold() -> None:
    gold = [
        "report_account_hacked",
        "report_account_hacked",
        "appeal_suspension",
        "greet",
        "faq",
        "faq",
        "inform",
        "request_human",
    ]
    pred = [
        "report_account_hacked",
        "report_missing_deposit",
        "appeal_suspension",
        "greet",
        "report_impersonation",
        "faq",
        "inform",
        "request_human",
    ]
    # hacked read as missing deposit is a miss: 2 of 3
    assert metrics.group_recall(gold, pred, URGENT_INTENTS) == pytest.approx(2 / 3)
    # 5 non-urgent gold, one predicted urgent
    assert metrics.false_group_rate(gold, pred, URGENT_INTENTS) == pytest.approx(1 / 5)
    assert metrics.group_recall(["greet"], ["greet"], URGENT_INTENTS) == 0.0  # no urgent: 0/0


def test_confusion_matrix() -> None:
    labels, matrix = metrics.confusion(GOLD, PRED)
    assert labels == ["a", "b", "c", "nlu_fallback"]
    assert matrix == [[2, 1, 0, 0], [0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]]


def test_lengths_must_match() -> None:
    with pytest.raises(ValueError):
        metrics.per_label(["a"], [])


def _p(intent: str, conf: float = 0.9) -> Prediction:
    return Prediction("t", intent, conf, intent, conf, None)


def test_out_of_scope_outcomes() -> None:
    assert outcome("nlu_fallback") == outcome("out_of_scope") == "fallback"
    assert outcome("report_account_hacked") == "false_urgent"
    assert outcome("request_human") == "false_handoff"
    assert outcome("faq") == outcome("greet") == "wrong_answer"
    s = score_oos(
        "en", [_p("nlu_fallback"), _p("faq"), _p("appeal_suspension"), _p("request_human")]
    )
    assert s["false_urgent_rate"] == 0.25
    assert s["wrong_escalation_rate"] == 0.5
    assert s["wrong_answer_rate"] == 0.25
    assert s["fallback_rate"] == 0.25


def test_prediction_label_adds_the_faq_topic_only_when_acting_on_faq() -> None:
    assert Prediction("t", "faq", 0.9, "faq", 0.9, "faq/why").label() == "faq/why"
    assert Prediction("t", "nlu_fallback", 0.5, "faq", 0.5, "faq/why").label() == "nlu_fallback"


def test_the_gate_reports_each_failure() -> None:
    fake = {
        "languages": {"en": {"macro_f1": 0.5}},
        "overall": {"urgent_recall": 0.9, "false_urgent_rate": 0.1},
        "oos": {"swefaq_sv": {"false_urgent_rate": 0.0, "wrong_answer_rate": 0.2}},
    }
    limits = {
        "macro_f1": {"en": 0.6},
        "urgent_recall": 0.95,
        "false_urgent_rate": {"test": 0.05, "swefaq_sv": 0.01},
        "wrong_answer_rate": {"swefaq_sv": 0.1},
    }
    failures = gate.check(fake, limits)
    assert len(failures) == 4 and "macro-F1 [en]" in failures[0]
    assert failures[-1] == "wrong-answer rate [swefaq_sv] 0.200 > maximum 0.100"


def test_score_counts_faq_as_one_intent_and_checks_the_topic_separately() -> None:
    from bot.trainer.evaluate import score
    from bot.trainer.examples import Example

    examples = [
        Example("hi", "greet", "en"),
        Example("why", "faq/why", "en"),
        Example("why me", "faq/why", "en"),
        Example("hacked", "report_account_hacked", "en"),
        Example("hej", "greet", "sv"),
    ]
    preds = [
        Prediction("hi", "greet", 0.9, "greet", 0.9, "faq/why"),
        Prediction("why", "faq", 0.9, "faq", 0.9, "faq/why"),
        Prediction("why me", "faq", 0.9, "faq", 0.9, "faq/how"),
        Prediction("hacked", "nlu_fallback", 0.55, "report_account_hacked", 0.5, None),
        Prediction("hej", "greet", 0.9, "greet", 0.9, None),
    ]
    r = score(examples, preds)
    en = r["languages"]["en"]
    assert en["accuracy"] == 0.75  # the fallback is a miss
    assert en["top_accuracy"] == 1.0  # but the classifier's first guess was right
    assert en["faq"]["accuracy"] == 0.5
    assert en["urgent_recall"] == 0.0 and r["overall"]["urgent_examples"] == 1
    assert r["languages"]["sv"]["macro_f1"] == 1.0
    assert [(w["text"], w["predicted"]) for w in r["misclassified"]] == [
        ("why me", "faq/how"),
        ("hacked", "nlu_fallback"),
    ]

"""The NLU quality gate: one held-out training per session, checked against
tests/nlu_thresholds.yml. Adds about two minutes (one `rasa train nlu`, ~1,600 parses)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.trainer import gate, report
from bot.trainer.evaluate import run_holdout
from bot.trainer.model import NLU_DIR

pytestmark = pytest.mark.rasa


@pytest.fixture(scope="session")
def nlu_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    result = run_holdout()
    # Kept for a failing run's reader: the summary is printed, the reports are in tmp.
    report.write(result, tmp_path_factory.mktemp("nlu-reports"))
    print(report.summary(result))
    return result


@pytest.fixture(scope="session")
def thresholds() -> dict[str, Any]:
    return gate.load_thresholds()


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_macro_f1_per_language(nlu_report: dict, thresholds: dict, lang: str) -> None:
    scores = nlu_report["languages"][lang]
    worst = sorted((r["f1"], label) for label, r in scores["intents"].items() if r["support"])
    assert scores["macro_f1"] >= thresholds["macro_f1"][lang], f"weakest intents: {worst[:5]}"


def test_urgent_recall(nlu_report: dict, thresholds: dict) -> None:
    missed = [w for w in nlu_report["misclassified"] if w["gold"].startswith(("report_", "appeal"))]
    assert nlu_report["overall"]["urgent_recall"] >= thresholds["urgent_recall"], missed


def test_false_urgent_rate_on_our_data(nlu_report: dict, thresholds: dict) -> None:
    limit = thresholds["false_urgent_rate"]["heldout"]
    assert nlu_report["overall"]["false_urgent_rate"] <= limit


@pytest.mark.parametrize("name", ["clinc150_oos_test", "swefaq_sv"])
def test_out_of_scope_text_is_not_escalated_and_mostly_gets_the_menu(
    nlu_report: dict, thresholds: dict, name: str
) -> None:
    if name not in nlu_report["oos"]:
        pytest.skip(f"{name} is not in ../shared/datasets")
    oos = nlu_report["oos"][name]
    assert oos["false_urgent_rate"] <= thresholds["false_urgent_rate"][name], oos[
        "escalated_examples"
    ]
    # an answer (FAQ, greeting, ...) where the bot should have offered its main options
    assert oos["wrong_answer_rate"] <= thresholds["wrong_answer_rate"][name], oos[
        "predicted_intents"
    ]


def test_the_gate_reads_the_same_thresholds(nlu_report: dict, thresholds: dict) -> None:
    # `supportbot eval --thresholds` and this suite must agree on pass/fail.
    assert gate.check(nlu_report, thresholds) == []


def test_every_language_has_a_threshold(thresholds: dict) -> None:
    assert set(thresholds["macro_f1"]) == {p.name for p in NLU_DIR.iterdir() if p.is_dir()}

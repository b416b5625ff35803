"""The NLU quality gate: the session's model (the one `make train` builds, which the bot
runs), measured on the test split of eval/ and checked against tests/nlu_thresholds.yml.
About ten seconds of parsing; `supportbot eval` measures a fresh training the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.trainer import gate, report
from bot.trainer.eval_sets import EVAL_DIR
from bot.trainer.evaluate import run_eval
from bot.trainer.model import NLU_DIR
from tests.support.services import missing

pytestmark = pytest.mark.rasa


@pytest.fixture(scope="session")
def nlu_report(trained_model: Path,
               tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    result = run_eval(splits=("test",), model=trained_model)["test"]
    # Figures only: the test split's errors are not listed, by design.
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
    assert nlu_report["overall"]["urgent_recall"] >= thresholds["urgent_recall"]


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_abuse_around_a_case_keeps_the_case(nlu_report: dict, thresholds: dict,
                                            lang: str) -> None:
    cases = nlu_report["sets"]["abusive_urgent"][lang]
    assert cases["examples"] >= 100
    assert cases["right_case"] >= thresholds["abusive_urgent"], cases


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_abuse_alone_is_not_escalated(nlu_report: dict, thresholds: dict, lang: str) -> None:
    alone = nlu_report["sets"]["abuse_only"][lang]
    assert alone["examples"] >= 30
    assert alone["escalated"] <= thresholds["abuse_only_escalated"], alone


def test_false_urgent_rate_on_our_data(nlu_report: dict, thresholds: dict) -> None:
    limit = thresholds["false_urgent_rate"]["test"]
    assert nlu_report["overall"]["false_urgent_rate"] <= limit


@pytest.mark.parametrize("name", ["clinc150_oos_test", "swefaq_sv"])
def test_out_of_scope_text_is_not_escalated_and_mostly_gets_the_menu(
    nlu_report: dict, thresholds: dict, name: str
) -> None:
    if name not in nlu_report["oos"]:
        missing(f"{name} is not in ../shared/datasets")
    oos = nlu_report["oos"][name]
    assert oos["false_urgent_rate"] <= thresholds["false_urgent_rate"][name], oos[
        "predicted_intents"
    ]
    # an answer (FAQ, greeting, ...) where the bot should have offered its main options
    assert oos["wrong_answer_rate"] <= thresholds["wrong_answer_rate"][name], oos[
        "predicted_intents"
    ]


def test_the_test_split_lists_no_errors(nlu_report: dict) -> None:
    assert nlu_report["misclassified"] == [] and "misclassified_count" in nlu_report
    assert all(not o["escalated_examples"] for o in nlu_report["oos"].values())


def test_the_gate_reads_the_same_thresholds(nlu_report: dict, thresholds: dict) -> None:
    # `supportbot eval --thresholds` and this suite must agree on pass/fail.
    assert gate.check(nlu_report, thresholds) == []


def test_every_language_has_a_threshold_and_both_splits(thresholds: dict) -> None:
    languages = {p.name for p in NLU_DIR.iterdir() if p.is_dir()}
    assert set(thresholds["macro_f1"]) == languages
    for split in ("dev", "test"):
        assert {p.name for p in (EVAL_DIR / split).iterdir() if p.is_dir()} == languages

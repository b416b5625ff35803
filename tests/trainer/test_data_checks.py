"""The checks Rasa lacks, on small made-up projects and on the real data."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.desk.db import PROJECT_ROOT
from bot.trainer.data_checks import (
    ERROR,
    WARNING,
    check_duplicates,
    check_imbalance,
    check_response_languages,
    check_too_few,
    count_examples,
    near_duplicate_pairs,
)
from bot.trainer.nlu_data import domain_intents, load_examples, load_responses
from bot.trainer.similarity import jaccard, normalise, trigrams
from tests.support.nlu_project import SV_NLU, make_project

# -- duplicates ----------------------------------------------------------------------


def test_the_same_example_under_two_intents_is_an_error_across_languages(tmp_path: Path) -> None:
    sv = SV_NLU.replace("    - min insättning har inte kommit", "    - HELLO there")
    make_project(tmp_path, sv=sv)
    problems = check_duplicates(load_examples(tmp_path / "data", tmp_path))
    errors = [p for p in problems if p.level == ERROR]
    assert len(errors) == 1
    assert errors[0].check == "duplicate"
    assert errors[0].detail["intents"] == ["greet", "report_missing_deposit"]
    assert {(p["language"], p["line"]) for p in errors[0].detail["places"]} == {
        ("en", 8),
        ("sv", 9),
    }
    assert "data/nlu/en/nlu.yml:8" in errors[0].message


def test_a_repeat_within_an_intent_is_a_warning_but_variants_are_not(tmp_path: Path) -> None:
    make_project(tmp_path)
    problems = check_duplicates(load_examples(tmp_path / "data", tmp_path))
    assert [(p.level, p.check, p.detail["text"], p.detail["language"]) for p in problems] == [
        (WARNING, "repeated", "hej", "sv")
    ]  # "0.5 BTC" and "0,5 BTC" are deliberate variety, not a repeat


def test_near_duplicates_across_intents_are_found(tmp_path: Path) -> None:
    sv = SV_NLU.replace(
        "    - hej\n    - hej\n", "    - hej\n    - my deposit of 250 USDT is mising\n"
    )
    make_project(tmp_path, sv=sv)
    pairs = near_duplicate_pairs(load_examples(tmp_path / "data", tmp_path), 0.8)
    assert [(a.text, b.text) for _, a, b in pairs] == [
        ("my deposit of 250 USDT is mising", "my deposit of 250 USDT is missing")
    ] or [(b.text, a.text) for _, a, b in pairs] == [
        ("my deposit of 250 USDT is mising", "my deposit of 250 USDT is missing")
    ]
    assert 0.8 <= pairs[0][0] < 1


@pytest.mark.slow  # ~700,000 pairs compared in Python
def test_the_matrix_search_finds_what_comparing_every_pair_finds() -> None:
    """Every pair of an eighth of the real data, compared with jaccard() one by one, gives
    the pairs and similarities near_duplicate_pairs finds with its matrix product."""
    examples = load_examples(PROJECT_ROOT / "data", PROJECT_ROOT)[::8]
    threshold = 0.5
    keyed = [(ex, key, trigrams(key)) for ex in examples if (key := normalise(ex.text))]
    expected = {}
    for i, (a, key_a, grams_a) in enumerate(keyed):
        for b, key_b, grams_b in keyed[i + 1:]:
            if a.label != b.label and key_a != key_b:
                similarity = jaccard(grams_a, grams_b)
                if similarity >= threshold:
                    expected[frozenset((a, b))] = similarity
    found = {frozenset((a, b)): s for s, a, b in near_duplicate_pairs(examples, threshold)}
    assert found == expected
    assert expected  # the threshold is low enough to exercise the comparison


# -- counts --------------------------------------------------------------------------


def test_counts_per_language_faq_topics_one_by_one(tmp_path: Path) -> None:
    make_project(tmp_path)
    examples = load_examples(tmp_path / "data", tmp_path)
    domain = domain_intents(tmp_path / "domain")
    counts = count_examples(examples, ["en", "sv"], domain)
    assert counts == {
        "faq/deposit_time": {"en": 2, "sv": 1},
        "greet": {"en": 3, "sv": 1},  # "hej" twice counts once
        "report_missing_deposit": {"en": 4, "sv": 1},
    }  # no bare "faq", no EXTERNAL_ intent


def test_too_few_examples_with_a_higher_bar_for_urgent_intents() -> None:
    counts = {
        "greet": {"en": 15, "sv": 14},
        "report_account_hacked": {"en": 40, "sv": 39},
        "faq/deposit_time": {"en": 0, "sv": 20},
    }
    found = {
        (p.detail["intent"], p.detail["language"], p.detail["min"])
        for p in check_too_few(counts, 15, 40)
    }
    assert found == {
        ("greet", "sv", 15),
        ("report_account_hacked", "sv", 40),
        ("faq/deposit_time", "en", 15),
    }
    assert all(p.level == WARNING for p in check_too_few(counts, 15, 40))


def test_language_imbalance_over_the_ratio() -> None:
    counts = {
        "greet": {"en": 30, "sv": 15},  # exactly 2:1 is fine
        "insult": {"en": 31, "sv": 15},
        "deny": {"en": 5, "sv": 40},
        "thank": {"en": 0, "sv": 20},  # too_few reports a missing language
    }
    assert [p.detail["intent"] for p in check_imbalance(counts, 2.0)] == ["insult", "deny"]


# -- responses -----------------------------------------------------------------------


def test_every_response_needs_english_and_swedish(tmp_path: Path) -> None:
    make_project(tmp_path)
    problems = check_response_languages(load_responses(tmp_path / "domain"))
    assert {p.detail["response"]: p.detail["missing"] for p in problems} == {
        "utter_no_sv": ["sv"],
        "utter_no_en": ["en"],  # a variant conditioned on another slot is not a default
    }
    assert all(p.level == ERROR and p.check == "missing_language" for p in problems)


def test_the_real_domain_has_every_response_in_both_languages() -> None:
    responses = load_responses(PROJECT_ROOT / "domain")
    assert len(responses) > 20
    assert check_response_languages(responses) == []

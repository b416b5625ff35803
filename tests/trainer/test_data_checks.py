"""`supportbot validate`: the checks Rasa lacks, on small made-up projects and on the real
data; `rasa data validate` itself once, for real."""

from __future__ import annotations

import json
import sys
import textwrap
from itertools import combinations
from pathlib import Path

import pytest

from bot.cli import main
from bot.desk.db import PROJECT_ROOT
from bot.trainer import rasa_validate
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
from bot.trainer.rasa_validate import rasa_warnings
from bot.trainer.similarity import jaccard, normalise, trigrams
from bot.trainer.validate import Options, validate

EN_NLU = """\
version: "3.1"

# English examples. A comment that must not confuse line numbers.
nlu:
- intent: greet
  examples: |
    - hi
    - Hello there!
    - [hey](greeting) you

- intent: report_missing_deposit
  # a comment between the key and the block
  examples: |
    - my deposit of 250 USDT is missing
    - deposit never arrived
    - 0.5 BTC
    - 0,5 BTC
"""

SV_NLU = """\
version: "3.1"
nlu:
- intent: greet
  examples: |
    - hej
    - hej
- intent: report_missing_deposit
  examples: |
    - min insättning har inte kommit
- intent: faq/deposit_time
  examples: |
    - hur lång tid tar en insättning
"""

EN_FAQ = """\
version: "3.1"
nlu:
- intent: faq/deposit_time
  examples: |
    - how long does a deposit take
    - when will my deposit arrive
"""

DOMAIN = """\
version: "3.1"
intents:
  - greet
  - faq
  - report_missing_deposit
  - EXTERNAL_ticket_update
responses:
  utter_ok:
    - condition: [{type: slot, name: language, value: sv}]
      text: "Hej"
    - text: "Hi"
  utter_explicit_en:
    - condition: [{type: slot, name: language, value: sv}, {type: slot, name: x, value: true}]
      text: "Hej"
    - condition:
        - type: slot
          name: language
          value: en
      text: "Hi"
  utter_no_sv:
    - text: "Hi"
  utter_no_en:
    - condition: [{type: slot, name: language, value: sv}]
      text: "Hej"
    - condition: [{type: slot, name: suspended, value: true}]
      text: "You are suspended"
  utter_faq/deposit_time:
    - condition: [{type: slot, name: language, value: sv}]
      text: "Några minuter"
    - text: "A few minutes"
"""


def make_project(root: Path, en: str = EN_NLU, sv: str = SV_NLU, domain: str = DOMAIN) -> Path:
    (root / "data" / "nlu" / "en").mkdir(parents=True)
    (root / "data" / "nlu" / "sv").mkdir(parents=True)
    (root / "domain").mkdir()
    (root / "data" / "nlu" / "en" / "nlu.yml").write_text(en, encoding="utf-8")
    (root / "data" / "nlu" / "en" / "faq.yml").write_text(EN_FAQ, encoding="utf-8")
    (root / "data" / "nlu" / "sv" / "nlu.yml").write_text(sv, encoding="utf-8")
    (root / "domain" / "core.yml").write_text(domain, encoding="utf-8")
    return root


# -- reading -------------------------------------------------------------------------


def test_examples_are_read_per_language_with_their_lines(tmp_path: Path) -> None:
    make_project(tmp_path)
    examples = load_examples(tmp_path / "data", tmp_path)
    assert {ex.language for ex in examples} == {"en", "sv"}
    for ex in examples:
        line = (tmp_path / ex.file).read_text(encoding="utf-8").splitlines()[ex.line - 1]
        assert line.strip() == f"- {ex.text}"
    deposit = [
        ex for ex in examples if ex.label == "report_missing_deposit" and ex.language == "en"
    ]
    assert [ex.line for ex in deposit] == [14, 15, 16, 17]
    assert deposit[0].file == "data/nlu/en/nlu.yml"
    assert {ex.label for ex in examples if ex.file.endswith("faq.yml")} == {"faq/deposit_time"}


def test_normalise_ignores_case_spacing_punctuation_and_entity_markup() -> None:
    assert normalise("  Hello,   THERE! ") == "hello there"
    assert normalise("I don't know") == normalise("i dont know")
    assert normalise("[0.5](amount) [BTC](asset) gone") == normalise("0.5 BTC gone")
    assert normalise('[hey]{"entity": "greeting"} you') == "hey you"
    assert normalise("Min insättning är borta") == "min insättning är borta"
    assert normalise("?!") == ""


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


@pytest.mark.slow  # every pair of the real data; Rasa's validator
def test_the_near_duplicate_prefilter_loses_no_pair() -> None:
    """Brute force over the real data agrees with the size-banded search."""
    examples = load_examples(PROJECT_ROOT / "data", PROJECT_ROOT)[::3]
    threshold = 0.5
    keyed = [(ex, normalise(ex.text)) for ex in examples]
    keyed = [(ex, key, trigrams(key)) for ex, key in keyed if key]
    expected = set()
    for (a, na, ga), (b, nb, gb) in combinations(keyed, 2):
        if a.label != b.label and na != nb and jaccard(ga, gb) >= threshold:
            expected.add(frozenset((a, b)))
    found = {frozenset((a, b)) for _, a, b in near_duplicate_pairs(examples, threshold)}
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


# -- rasa data validate --------------------------------------------------------------


def test_rasa_false_alarms_are_told_apart(tmp_path: Path) -> None:
    (tmp_path / "actions").mkdir()
    (tmp_path / "actions" / "a.py").write_text(
        'dispatcher.utter_message(response="utter_used")\n'
        'dispatcher.utter_message(response=f"utter_advice_{category}")\n',
        encoding="utf-8",
    )
    output = "\n".join(
        f"\x1b[93m/x/io.py:100: UserWarning: {message}\x1b[0m"
        for message in [
            "The utterance 'utter_used' is not used in any story or rule.",
            "The utterance 'utter_advice_hacked' is not used in any story or rule.",
            "The utterance 'utter_ask_report_form_amount' is not used in any story or rule.",
            "The utterance 'utter_forgotten' is not used in any story or rule.",
            "The intent 'EXTERNAL_ticket_update' is listed in the domain file, but is not "
            "found in the NLU training data.",
            "The intent 'thank' is listed in the domain file, but is not found in the NLU "
            "training data.",
            "The following duplicated intents have been found across multiple domain files: faq",
        ]
    )
    shown, hidden = rasa_warnings(output + "\nINFO something else", tmp_path, {"faq"})
    assert shown == [
        "The utterance 'utter_forgotten' is not used in any story or rule.",
        "The intent 'thank' is listed in the domain file, but is not found in the NLU "
        "training data.",
    ]
    assert len(hidden) == 5


def test_a_failing_or_hanging_rasa_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_project(tmp_path)
    script = "import sys; print('YamlValidationException: bad file'); sys.exit(1)"
    monkeypatch.setattr(rasa_validate, "rasa_command", lambda *a: [sys.executable, "-c", script])
    report = validate(Options(root=tmp_path))
    rasa = [p for p in report.errors if p.check == "rasa"]
    assert len(rasa) == 1 and "YamlValidationException: bad file" in rasa[0].message
    assert report.rasa["returncode"] == 1

    hang = [sys.executable, "-c", "import time; time.sleep(30)"]
    monkeypatch.setattr(rasa_validate, "rasa_command", lambda *a: hang)
    report = validate(Options(root=tmp_path, rasa_timeout=0.5))
    assert [p.message for p in report.errors if p.check == "rasa"] == [
        "rasa data validate did not finish within 0.5 s"
    ]


# -- the command ---------------------------------------------------------------------


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().out


def test_validate_command_exit_codes_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_project(tmp_path)
    paths = ["--data", str(tmp_path / "data"), "--domain", str(tmp_path / "domain")]
    code, out = _run(["validate", "--skip-rasa", *paths], capsys)
    assert code == 1  # utter_no_sv and utter_no_en
    assert "ERRORS" in out and "utter_no_sv" in out and "FAILED" in out
    assert "rasa data validate: skipped" in out

    code, out = _run(["validate", "--skip-rasa", "--json", *paths], capsys)
    report = json.loads(out)
    assert code == 1 and report["ok"] is False and report["errors"] == 2
    assert report["counts"]["greet"] == {"en": 3, "sv": 1}
    assert {p["check"] for p in report["problems"]} >= {"missing_language", "too_few"}

    fixed = DOMAIN.split("  utter_no_sv:")[0] + DOMAIN.split('      text: "You are suspended"\n')[1]
    (tmp_path / "domain" / "core.yml").write_text(fixed, encoding="utf-8")
    code, out = _run(["validate", "--skip-rasa", *paths], capsys)
    assert code == 0 and "OK (warnings are advice)" in out and "too_few" in out
    code, _ = _run(["validate", "--skip-rasa", "--strict", *paths], capsys)
    assert code == 1


@pytest.mark.slow  # every pair of the real data; Rasa's validator
def test_the_real_data_passes_with_rasa(capsys: pytest.CaptureFixture[str]) -> None:
    """The trainers' gate on today's data: `rasa data validate` (for real) and our checks."""
    code, out = _run(["validate", "--json"], capsys)
    report = json.loads(out)
    assert report["rasa"]["ran"] and report["rasa"]["returncode"] == 0
    assert [p for p in report["problems"] if p["level"] == ERROR] == []
    assert code == 0
    assert set(report["languages"]) == {"en", "sv"}


def test_validate_help_lists_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--help"]) == 0
    out = capsys.readouterr().out
    for option in ("--skip-rasa", "--min-examples", "--imbalance", "--similarity", "--strict"):
        assert option in out
    assert textwrap.dedent(out)

"""`supportbot eval --config/--data`: a trainer compares a pipeline or a data edit on a copy
before making it. A small logistic-regression pipeline keeps this training to seconds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

pytestmark = pytest.mark.rasa

WORDS = {
    "en": {
        "greet": "hi hello hey howdy greetings hiya morning evening yo heya",
        "goodbye": "bye goodbye farewell later ciao cheers adieu toodles cya bye-bye",
    },
    "sv": {
        "greet": "hej hejsan hallå tjena tja morrn goddag tjabba mors hallåå",
        "goodbye": "hejdå adjö ajöss vi-ses hej-då farväl ses hörs tjingeling adjöken",
    },
}
CONFIG = """\
language: en
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 3
  - name: LogisticRegressionClassifier
  - name: FallbackClassifier
    threshold: 0.2
policies:
  - name: RulePolicy
"""


def _write(path: Path, intents: dict[str, list[str]]) -> None:
    lines = ['version: "3.1"', "nlu:"]
    for intent, texts in intents.items():
        lines += [f"- intent: {intent}", "  examples: |", *(f"    - {t}" for t in texts)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", "utf-8")


def _data(root: Path) -> Path:
    for lang, intents in WORDS.items():
        _write(root / lang / "nlu.yml",
               {intent: [f"{w} there" for w in words.split()] for intent, words in intents.items()})
    return root


def _eval_sets(root: Path) -> Path:
    """dev and test splits: the words with another ending, as unseen messages."""
    for split, ending in (("dev", "friend"), ("test", "all")):
        for lang, intents in WORDS.items():
            messages = {i: [f"{w} {ending}" for w in ws.split()[:3]] for i, ws in intents.items()}
            _write(root / split / lang / "ordinary.yml", messages)
    return root


def test_eval_measures_the_given_config_on_the_given_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, sets = _data(tmp_path / "nlu"), _eval_sets(tmp_path / "eval")
    config = tmp_path / "config.yml"
    config.write_text(CONFIG, "utf-8")
    out = tmp_path / "reports"
    argv = ["eval", "--json", "--no-oos", "--data", str(data), "--config", str(config),
            "--eval-data", str(sets)]
    code = main([*argv, "--out", str(out)])
    summary = json.loads(capsys.readouterr().out)

    assert code == 0
    # trained on all 2 languages x 2 intents x 10 examples; 2 x 2 x 3 messages per split
    for split in ("dev", "test"):
        assert summary[split]["split"]["train_examples"] == 40
        assert summary[split]["split"]["test_examples"] == 12
    dev = json.loads((out / "nlu_dev.json").read_text("utf-8"))
    test = json.loads((out / "nlu_test.json").read_text("utf-8"))
    assert dev["config"] == str(config)
    assert set(dev["languages"]["sv"]["intents"]) <= {"greet", "goodbye", "nlu_fallback"}
    # Nobody reads the test split's errors: its report keeps their number only.
    assert test["misclassified"] == [] and "misclassified_count" in test
    assert (out / "nlu_dev_misclassified.json").exists()
    assert not (out / "nlu_test_misclassified.json").exists()
    assert "| lang | text |" not in (out / "nlu_test.md").read_text("utf-8")
    assert "| lang | text |" in (out / "nlu_dev.md").read_text("utf-8")


def test_a_missing_config_or_data_folder_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for option in ("--config", "--data", "--eval-data"):
        missing = tmp_path / "nope"
        assert main(["eval", "--no-oos", option, str(missing), "--out", str(tmp_path)]) == 1
        assert f"{missing}: no such file or folder" in capsys.readouterr().err

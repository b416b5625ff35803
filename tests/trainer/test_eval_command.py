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


def _data(root: Path) -> Path:
    for lang, intents in WORDS.items():
        lines = ['version: "3.1"', "nlu:"]
        for intent, words in intents.items():
            lines += [f"- intent: {intent}", "  examples: |"]
            lines += [f"    - {w} there" for w in words.split()]
        (root / lang).mkdir(parents=True)
        (root / lang / "nlu.yml").write_text("\n".join(lines) + "\n", "utf-8")
    return root


def test_eval_measures_the_given_config_on_the_given_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _data(tmp_path / "nlu")
    config = tmp_path / "config.yml"
    config.write_text(CONFIG, "utf-8")
    out = tmp_path / "reports"
    argv = ["eval", "--json", "--no-oos", "--data", str(data), "--config", str(config)]
    code = main([*argv, "--out", str(out)])
    summary = json.loads(capsys.readouterr().out)["holdout"]

    assert code == 0
    # 2 languages x 2 intents x 10 examples, 20 % held out per (language, intent)
    assert summary["split"]["train_examples"] == 32
    assert summary["split"]["test_examples"] == 8
    written = json.loads((out / "nlu_holdout.json").read_text("utf-8"))
    assert written["config"] == str(config)
    assert set(written["languages"]["sv"]["intents"]) <= {"greet", "goodbye", "nlu_fallback"}


def test_a_missing_config_or_data_folder_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for option in ("--config", "--data"):
        missing = tmp_path / "nope"
        assert main(["eval", "--no-oos", option, str(missing), "--out", str(tmp_path)]) == 1
        assert f"{missing}: no such file or folder" in capsys.readouterr().err

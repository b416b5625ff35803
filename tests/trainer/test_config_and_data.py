"""The evaluation's inputs: the seeded config copy and our NLU data as the trainer reads it."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.trainer.examples import load_nlu, write_nlu
from bot.trainer.model import CONFIG, NLU_DIR, fallback_threshold, load_config, seeded_config
from bot.trainer.split import kfold_splits


def test_seeded_config_only_adds_seeds(tmp_path: Path) -> None:
    source = tmp_path / "config.yml"
    source.write_text(
        "language: en\npipeline:\n"
        "  - name: WhitespaceTokenizer\n"
        "  - name: DIETClassifier\n    epochs: 5\n"
        "  - name: ResponseSelector\n    random_seed: 7\n"
        "  - name: FallbackClassifier\n    threshold: 0.6\n"
        "policies:\n  - name: RulePolicy\n",
        "utf-8",
    )
    copy = yaml.safe_load(seeded_config(source, 42, tmp_path / "out" / "c.yml").read_text())
    original = yaml.safe_load(source.read_text())
    assert copy["pipeline"][1] == {"name": "DIETClassifier", "epochs": 5, "random_seed": 42}
    assert copy["pipeline"][2]["random_seed"] == 7  # a seed the config sets is kept
    assert copy["pipeline"][0] == original["pipeline"][0]
    assert copy["policies"] == original["policies"]
    assert fallback_threshold(copy) == 0.6


def test_project_config_has_a_fallback_threshold() -> None:
    threshold = fallback_threshold(load_config(CONFIG))
    assert threshold is not None and 0 < threshold < 1


def test_our_data_loads_per_language_and_round_trips(tmp_path: Path) -> None:
    data = load_nlu(NLU_DIR)
    assert {e.lang for e in data.examples} == {"en", "sv"}
    faq = [e for e in data.examples if e.intent == "faq"]
    assert faq and all(e.label.startswith("faq/") for e in faq)
    train, test = kfold_splits(data.examples, 5, 42)[0]
    assert not {(e.lang, e.text) for e in train} & {(e.lang, e.text) for e in test}
    # the written training file reads back as the same labelled texts
    from rasa.shared.nlu.training_data.loading import load_data

    write_nlu(data, test, tmp_path / "nlu.yml")
    back = load_data(str(tmp_path / "nlu.yml"))
    assert sorted(
        (m.get("text"), m.get("intent_response_key") or m.get("intent"))
        for m in back.intent_examples
    ) == sorted((e.text, e.label) for e in test)

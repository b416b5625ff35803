"""`make bench-nlu`'s report: our figures beside the published anchors, in its own file."""

from __future__ import annotations

import json
from pathlib import Path

from bot.trainer import bench

RESULT = {
    "banking77": {
        "settings": "config.yml: DIET 35 epochs, 0 transformer layers",
        "accuracy": 90.1,
        "accuracy_with_fallback": 80.2,
        "macro_f1": 90.0,
        "train_s": 100.0,
        "parse_s": 10.0,
    }
}


def test_the_settings_come_from_config_yml() -> None:
    classifier = next(
        c for c in bench.load_config(bench.CONFIG)["pipeline"]
        if c["name"].endswith("LinearIntentClassifier")
    )
    assert bench._classifier_settings() == f"linear intent classifier, C {classifier['C']}"


def test_markdown_shows_the_urgent_categories_read_by_our_model() -> None:
    categories = {
        name: {"case": case, "examples": 40, "urgent": 85.0, "that_case": 80.0, "asked": 5.0}
        for name, case in bench.URGENT_CATEGORIES.items()
    }
    text = bench.markdown({"banking77_urgent": {
        "test_examples": 240, "urgent": 85.0, "categories": categories,
        "train_s": 30.0, "parse_s": 2.0,
    }})
    assert "| compromised_card | report_account_hacked | 40 | 85.0 | 80.0 | 5.0 |" in text
    assert "| **all** | | 240 | **85.0** | | |" in text


def test_markdown_puts_our_figures_beside_the_anchors() -> None:
    text = bench.markdown(RESULT)
    assert (
        "| **supportbot config.yml** (config.yml: DIET 35 epochs, 0 transformer layers) | **90.1**"
        in text
    )
    assert "| BERT-large fine-tuned | 93.66 | - |" in text
    assert "banking77 train 100.0 s, parse 10.0 s" in text


def test_markdown_only_writes_nlu_md_and_leaves_the_readme(tmp_path: Path) -> None:
    (tmp_path / "banking77.json").write_text(json.dumps(RESULT["banking77"]), "utf-8")
    (tmp_path / "README.md").write_text("other benchmarks\n", "utf-8")
    assert bench.main(["--markdown-only", "--out", str(tmp_path)]) == 0
    assert "90.1" in (tmp_path / "nlu.md").read_text("utf-8")
    assert (tmp_path / "README.md").read_text("utf-8") == "other benchmarks\n"

"""Reading the training data: examples per language, with their file and line."""

from __future__ import annotations

from pathlib import Path

from bot.trainer.nlu_data import load_examples
from tests.support.nlu_project import make_project


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

"""Adding an example to an NLU data file: into the intent's block or a new block at the
end, every other byte kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.trainer.nlu_editor import NluFileError, append_example


def test_append_example_edge_cases(tmp_path: Path) -> None:
    path = tmp_path / "nlu.yml"
    path.write_text(
        'version: "3.1"\n'
        "nlu:\n"
        "- intent: greet  # hello\n"
        "  examples: |\n"
        "    - hi\n"
        "\n"
        "    - hello\n"
        "  # trailing comment of the block\n"
        "\n"
        "- intent: 'thank'\n"
        "  examples: |\n"
        "    - thanks",  # no newline at the end of the file
        encoding="utf-8",
    )
    assert append_example(path, "greet", "hey there") == 8
    assert append_example(path, "thank", "cheers [mate](person) ok") == 14
    assert append_example(path, "deny", "nope") == 18
    assert path.read_text(encoding="utf-8") == (
        'version: "3.1"\n'
        "nlu:\n"
        "- intent: greet  # hello\n"
        "  examples: |\n"
        "    - hi\n"
        "\n"
        "    - hello\n"
        "    - hey there\n"
        "  # trailing comment of the block\n"
        "\n"
        "- intent: 'thank'\n"
        "  examples: |\n"
        "    - thanks\n"
        "    - cheers [mate](person) ok\n"
        "\n"
        "- intent: deny\n"
        "  examples: |\n"
        "    - nope\n"
    )
    with pytest.raises(ValueError):
        append_example(path, "greet", "two\nlines")


def test_a_file_whose_last_key_is_not_nlu_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "nlu.yml"
    content = 'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hi\nsynonyms: []\n'
    path.write_text(content, encoding="utf-8")
    with pytest.raises(NluFileError, match="nlu: is not last"):
        append_example(path, "deny", "nope")
    assert path.read_text(encoding="utf-8") == content

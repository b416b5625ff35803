"""The training data is valid, and the conversation tests pass on the trained model."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.tools import ROOT, run_tool


@pytest.mark.slow  # Rasa's validator in a process
def test_rasa_data_validate_is_clean():
    result = run_tool("rasa", "data", "validate", "--domain", "domain", "--data", "data",
                      "--config", "config.yml", "--fail-on-warnings")
    assert result.returncode == 0


def _rasa_test(model: Path, stories: Path, out: Path):
    # --e2e: the stories' texts are parsed by the model, so intents and entities are
    # checked too, not only the dialogue's actions.
    return run_tool("rasa", "test", "core", "--model", str(model), "--stories", str(stories),
                    "--fail-on-prediction-errors", "--e2e", "--out", str(out))


def test_conversation_tests_pass_in_both_languages(trained_model, tmp_path):
    stories = tmp_path / "stories"
    stories.mkdir()
    for name in ("test_flows_en.yml", "test_flows_sv.yml"):
        (stories / name).write_text((ROOT / "tests" / name).read_text())
    result = _rasa_test(trained_model, stories, tmp_path / "results")
    assert result.returncode == 0
    # Both files' stories were evaluated, none failed.
    failed = (tmp_path / "results" / "failed_test_stories.yml")
    assert not failed.exists() or "story:" not in failed.read_text()
    assert "Correct:          35 / 35" in result.stdout + result.stderr


def test_a_wrong_conversation_fails(trained_model, tmp_path):
    """Guards the check above: a story with the wrong bot action must fail."""
    wrong = tmp_path / "test_wrong.yml"
    wrong.write_text(
        'version: "3.1"\nstories:\n  - story: wrong\n    steps:\n'
        "      - user: |\n          hello\n        intent: greet\n"
        "      - action: action_request_human\n"
    )
    assert _rasa_test(trained_model, wrong, tmp_path / "results").returncode != 0

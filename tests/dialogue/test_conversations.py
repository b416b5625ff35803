"""The conversation tests pass on the trained model (the data's validation, `rasa data
validate --fail-on-warnings`, is in tests/trainer/test_validate.py)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests.support.tools import ROOT, run_tool


def _rasa_test(model: Path, stories: Path, out: Path):
    # --e2e: the stories' texts are parsed by the model, so intents and entities are
    # checked too, not only the dialogue's actions. Not --fail-on-prediction-errors: it
    # stops at the first failed story; failed_test_stories.yml lists every one.
    return run_tool("rasa", "test", "core", "--model", str(model), "--stories", str(stories),
                    "--e2e", "--out", str(out))


WRONG = (
    'version: "3.1"\nstories:\n  - story: wrong\n    steps:\n'
    "      - user: |\n          hello\n        intent: greet\n"
    "      - action: action_request_human\n"
)


def test_conversation_tests_pass_in_both_languages_and_a_wrong_one_fails(trained_model,
                                                                          tmp_path):
    """Both languages' stories and, as the guard, one with the wrong bot action, in one
    `rasa test` (each run loads TensorFlow and the model): only the wrong one fails."""
    stories = tmp_path / "stories"
    stories.mkdir()
    for name in ("test_flows_en.yml", "test_flows_sv.yml"):
        (stories / name).write_text((ROOT / "tests" / name).read_text())
    (stories / "test_wrong.yml").write_text(WRONG)
    result = _rasa_test(trained_model, stories, tmp_path / "results")
    assert result.returncode == 0
    failed = (tmp_path / "results" / "failed_test_stories.yml").read_text()
    assert re.findall(r"^- story: (.*) \(", failed, re.MULTILINE) == ["wrong"]
    # Every story of both files was evaluated and all of ours passed.
    ours = sum(len(yaml.safe_load((stories / name).read_text())["stories"])
               for name in ("test_flows_en.yml", "test_flows_sv.yml"))
    assert re.search(rf"Correct:\s+{ours} / {ours + 1}\b", result.stdout + result.stderr)

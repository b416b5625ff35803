"""The Train button's runner: real child processes (a short `python -c` that prints
progress lines stands in for `make train-quick`, which takes minutes), one at a time."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.trainer.training_run import TrainingRunning, TrainingRuns, without_secrets
from tests.support.training import progress_command


def runs(project: Path, pause: float = 0.3, exit_code: int = 0) -> TrainingRuns:
    return TrainingRuns(project, progress_command(pause, exit_code))


def test_the_default_command_is_the_makefiles_train_quick() -> None:
    assert Settings.from_env({}).trainer.train_command == "make train-quick"
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    assert "\ntrain-quick:" in makefile


def test_one_training_at_a_time_and_its_progress(tmp_path: Path) -> None:
    runner = runs(tmp_path)
    assert runner.status().state == "idle"
    started = runner.start("tina")
    assert started.state == "running" and started.started_by == "tina"
    with pytest.raises(TrainingRunning):
        runner.start("tom")
    # Another console process (its own runner on the same project) is refused too.
    with pytest.raises(TrainingRunning):
        runs(tmp_path).start("tom")
    done = runner.wait(timeout=20)
    assert done.state == "succeeded" and done.returncode == 0
    assert done.log_tail == ["Epochs: 1/3", "Epochs: 2/3", "Epochs: 3/3"]
    assert done.elapsed_s is not None and done.elapsed_s >= 0.9
    assert len((tmp_path / "runs.txt").read_text().split()) == 1  # one process ran
    assert (tmp_path / "var" / "train.log").is_file()
    # Once it ended, the next one starts.
    assert runner.start("tom").state == "running"
    assert runner.wait(timeout=20).started_by == "tom"
    assert len((tmp_path / "runs.txt").read_text().split()) == 2


def test_a_failing_training_says_so(tmp_path: Path) -> None:
    runner = runs(tmp_path, pause=0, exit_code=3)
    runner.start("tina")
    done = runner.wait(timeout=20)
    assert done.state == "failed" and done.returncode == 3
    assert done.log_tail[-1] == "Epochs: 3/3"


def test_a_command_that_cannot_start_is_a_failed_training(tmp_path: Path) -> None:
    runner = TrainingRuns(tmp_path, [str(tmp_path / "no-such-make"), "train-quick"])
    status = runner.start("tina")
    assert status.state == "failed"
    assert "could not start" in status.log_tail[0]
    assert runner.start("tina").state == "failed"  # the lock was let go


def test_progress_bars_show_as_a_terminal_leaves_them(tmp_path: Path) -> None:
    script = "import sys; sys.stdout.write('\\x1b[32m10%\\r50%\\r100%\\x1b[0m\\ndone\\n')"
    runner = TrainingRuns(tmp_path, [sys.executable, "-c", script])
    runner.start("tina")
    assert runner.wait(timeout=20).log_tail == ["100%", "done"]


def test_a_command_setting_that_cannot_be_split_is_refused() -> None:
    with pytest.raises(ValueError, match="SUPPORTBOT_TRAIN_COMMAND"):
        Settings.from_env({"SUPPORTBOT_TRAIN_COMMAND": "make 'train-quick"})


def test_a_training_sees_no_secret_setting(tmp_path: Path) -> None:
    environ = {"PATH": os.environ["PATH"], "SUPPORTBOT_CONSOLE_SECRET": "s3cret-key",
               "SUPPORTBOT_RASA_TOKEN": "t0ken", "SUPPORTBOT_RASA_URL": "http://rasa:5005"}
    script = ("import os; print(os.environ.get('SUPPORTBOT_CONSOLE_SECRET', 'no secret'), "
              "os.environ.get('SUPPORTBOT_RASA_TOKEN', 'no token'), "
              "os.environ['SUPPORTBOT_RASA_URL'])")
    runner = TrainingRuns(tmp_path, [sys.executable, "-c", script],
                          env=without_secrets(environ))
    runner.start("tina")
    assert runner.wait(timeout=20).log_tail == ["no secret no token http://rasa:5005"]

"""A model is fresh only when it is newer than every file it is trained from."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.trainer import freshness


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("config.yml", "domain/core.yml", "data/nlu/en/nlu.yml", "bot/nlu/linear.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "models").mkdir()
    _age(tmp_path, 100)
    return tmp_path


def _age(root: Path, seconds_ago: float) -> None:
    for f in root.rglob("*"):
        if f.is_file():
            os.utime(f, (f.stat().st_atime, f.stat().st_mtime - seconds_ago))


def _model(root: Path, name: str, mtime_offset: float = 0.0) -> Path:
    model = root / "models" / name
    model.write_bytes(b"model")
    newest = freshness.newest_input(root)
    os.utime(model, (newest, newest + mtime_offset))
    return model


def test_no_model_is_not_fresh(project: Path) -> None:
    assert freshness.fresh_model(project / "models", project) is None


def test_the_newest_model_newer_than_every_input_is_fresh(project: Path) -> None:
    _model(project, "old.tar.gz", -50)
    newest = _model(project, "new.tar.gz", 10)
    assert freshness.fresh_model(project / "models", project) == newest


@pytest.mark.parametrize("edited", ["config.yml", "domain/core.yml", "data/nlu/en/nlu.yml",
                                    "bot/nlu/linear.py"])
def test_an_input_edited_after_the_model_makes_it_stale(project: Path, edited: str) -> None:
    model = _model(project, "m.tar.gz", 10)
    (project / edited).write_text("changed")
    os.utime(project / edited, (model.stat().st_mtime + 5, model.stat().st_mtime + 5))
    assert freshness.fresh_model(project / "models", project) is None


def test_compiled_python_is_not_an_input(project: Path) -> None:
    model = _model(project, "m.tar.gz", 10)
    cache = project / "bot" / "nlu" / "__pycache__" / "linear.cpython-310.pyc"
    cache.parent.mkdir()
    cache.write_bytes(b"pyc")
    os.utime(cache, (model.stat().st_mtime + 5, model.stat().st_mtime + 5))
    assert freshness.fresh_model(project / "models", project) == model


def test_the_command_exits_1_when_stale(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    assert freshness.main([str(tmp_path / "models")]) == 1

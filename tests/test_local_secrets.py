"""Machine-local secrets: environment first, else generated once, private, and stable."""

import stat

from bot.local_secrets import local_secret


def test_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("X_TOKEN", "from-env")
    assert local_secret("x", "X_TOKEN", tmp_path) == "from-env"
    assert not (tmp_path / "x").exists()


def test_generated_once_with_private_file(tmp_path, monkeypatch):
    monkeypatch.delenv("X_TOKEN", raising=False)
    first = local_secret("x", "X_TOKEN", tmp_path)
    assert len(first) >= 40
    assert local_secret("x", "X_TOKEN", tmp_path) == first
    assert stat.S_IMODE((tmp_path / "x").stat().st_mode) == 0o600

"""Machine-local secrets: the configured value first, else generated once, private, and
stable."""

import stat
import subprocess
import sys
from pathlib import Path

from bot.local_secrets import local_secret

ROOT = Path(__file__).resolve().parents[1]


def test_the_configured_value_wins(tmp_path):
    assert local_secret("x", " from-env\n", tmp_path) == "from-env"
    assert not (tmp_path / "x").exists()


def test_generated_once_with_private_file(tmp_path):
    first = local_secret("x", "", tmp_path)
    assert len(first) >= 40
    assert local_secret("x", "", tmp_path) == first
    assert stat.S_IMODE((tmp_path / "x").stat().st_mode) == 0o600


def test_var_folder_is_made_private(tmp_path):
    var = tmp_path / "var"
    local_secret("x", "", var)
    assert stat.S_IMODE(var.stat().st_mode) == 0o700


def test_a_hand_made_readable_secret_is_made_private(tmp_path):
    (tmp_path / "x").write_text("hand-made-secret\n")
    (tmp_path / "x").chmod(0o644)
    assert local_secret("x", "", tmp_path) == "hand-made-secret"
    assert stat.S_IMODE((tmp_path / "x").stat().st_mode) == 0o600


def test_processes_starting_together_agree_on_one_secret(tmp_path):
    # Rasa and the action server start at once and must read the same secret.
    script = ("import sys; from pathlib import Path; from bot.local_secrets import local_secret;"
              "print(local_secret('x', '', Path(sys.argv[1])))")
    children = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path)],
                                 stdout=subprocess.PIPE, text=True, cwd=ROOT)
                for _ in range(8)]
    values = {child.communicate(timeout=60)[0].strip() for child in children}
    assert len(values) == 1 and len(values.pop()) >= 40
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x"]  # no draft left behind

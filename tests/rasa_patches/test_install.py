"""The patch layer's own rules: the proven Rasa versions only, a kill switch that installs
nothing, idempotent, and a docstring table that lists exactly the patches there are."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import rasa

from bot import rasa_patches
from bot.rasa_patches import RasaVersionUnproven

ROOT = Path(__file__).resolve().parents[2]

# Run in a fresh interpreter: this test process has the patches installed (conftest).
SHOW_PATCHED = """
import sys
sys.argv = ["rasa", "--version"]
from bot import run_rasa
try:
    run_rasa.main()
except SystemExit as exit:
    print("EXIT", exit.code)
from bot import rasa_patches
print("PATCHED", len(rasa_patches.installed()))
"""

FAKE_VERSION = """
import rasa
rasa.__version__ = "3.7.0"
""" + SHOW_PATCHED


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, cwd=ROOT, env={**os.environ, **env})


def _lines(done: subprocess.CompletedProcess, prefix: str) -> list[str]:
    return [line for line in done.stdout.splitlines() if line.startswith(prefix)]


def test_the_proven_version_passes_and_any_other_is_refused():
    rasa_patches.check_rasa_version(rasa.__version__)
    assert rasa.__version__ in rasa_patches.PROVEN_ON
    for version in ("3.6.20", "3.7.0", "3.6.21rc1", "4.0.0", ""):
        with pytest.raises(RasaVersionUnproven, match="SUPPORTBOT_RASA_PATCHES=0"):
            rasa_patches.check_rasa_version(version)


def test_install_refuses_an_unproven_rasa_with_a_log_line(monkeypatch, caplog):
    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    with caplog.at_level(logging.ERROR, logger="bot.rasa_patches"), \
            pytest.raises(RasaVersionUnproven, match=r"Rasa 3\.7\.0 is installed"):
        rasa_patches.install()
    assert '"event": "rasa_patches_refused"' in caplog.text


@pytest.mark.slow  # a Python process that loads Rasa
def test_run_rasa_stops_an_unproven_rasa_before_it_starts():
    done = _run(FAKE_VERSION)
    assert _lines(done, "EXIT") == ["EXIT 2"], done.stderr[-2000:]
    assert "Rasa Version" not in done.stdout  # Rasa's own command never ran
    assert "supportbot: Rasa 3.7.0 is installed" in done.stderr
    assert _lines(done, "PATCHED") == ["PATCHED 0"]


@pytest.mark.slow  # a Python process that loads Rasa
def test_run_rasa_installs_every_patch():
    done = _run(SHOW_PATCHED)
    assert "Rasa Version" in done.stdout, done.stderr[-2000:]
    assert _lines(done, "PATCHED") == [f"PATCHED {len(rasa_patches.MODULES)}"]


@pytest.mark.slow  # a Python process that loads Rasa
def test_the_kill_switch_installs_nothing_even_on_an_unproven_rasa():
    done = _run(FAKE_VERSION, SUPPORTBOT_RASA_PATCHES="0")
    assert "Rasa Version" in done.stdout, done.stderr[-2000:]
    assert _lines(done, "PATCHED") == ["PATCHED 0"]
    assert '"event": "rasa_patches_disabled"' in done.stderr  # a WARNING for operators


def test_install_is_idempotent():
    before = {patch.rasa_name: patch.current() for patch in rasa_patches.patches()}
    assert rasa_patches.install() == []  # conftest installed them: nothing new
    after = {patch.rasa_name: patch.current() for patch in rasa_patches.patches()}
    assert before == after and len(after) == len(rasa_patches.MODULES)
    for patch in rasa_patches.patches():
        own = patch.current()._rasas_own
        assert not getattr(own, "_supportbot", False)  # Rasa's own, not a patch on a patch


def test_the_docstring_table_lists_every_patch_and_its_test():
    rows = re.findall(r"^\| (\w+) \| ([\w.]+) \| (test_\w+\.py) \|$",
                      rasa_patches.__doc__ or "", flags=re.MULTILINE)
    assert [row[0] for row in rows] == list(rasa_patches.MODULES)
    for (module, rasa_name, test), patch in zip(rows, rasa_patches.patches(), strict=True):
        assert f"{patch.owner}.{patch.attribute}" == rasa_name
        assert f"`{patch.rasa_name}`" in sys.modules[f"bot.rasa_patches.{module}"].__doc__
        test_file = ROOT / "tests" / "rasa_patches" / test
        assert test_file.is_file() and "def test_" in test_file.read_text()

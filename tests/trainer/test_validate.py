"""`supportbot validate`: exit codes, JSON, help, and `rasa data validate` itself once, for
real, on the real data."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from bot.cli import main
from bot.trainer import rasa_validate
from bot.trainer.data_checks import ERROR
from tests.support.nlu_project import DOMAIN, make_project


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().out


def test_validate_command_exit_codes_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_project(tmp_path)
    paths = ["--data", str(tmp_path / "data"), "--domain", str(tmp_path / "domain")]
    code, out = _run(["validate", "--skip-rasa", *paths], capsys)
    assert code == 1  # utter_no_sv and utter_no_en
    assert "ERRORS" in out and "utter_no_sv" in out and "FAILED" in out
    assert "rasa data validate: skipped" in out

    code, out = _run(["validate", "--skip-rasa", "--json", *paths], capsys)
    report = json.loads(out)
    assert code == 1 and report["ok"] is False and report["errors"] == 2
    assert report["counts"]["greet"] == {"en": 3, "sv": 1}
    assert {p["check"] for p in report["problems"]} >= {"missing_language", "too_few"}

    fixed = DOMAIN.split("  utter_no_sv:")[0] + DOMAIN.split('      text: "You are suspended"\n')[1]
    (tmp_path / "domain" / "core.yml").write_text(fixed, encoding="utf-8")
    code, out = _run(["validate", "--skip-rasa", *paths], capsys)
    assert code == 0 and "OK (warnings are advice)" in out and "too_few" in out
    code, _ = _run(["validate", "--skip-rasa", "--strict", *paths], capsys)
    assert code == 1


@pytest.mark.slow  # every pair of the real data; Rasa's validator
def test_the_real_data_passes_with_rasa(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The trainers' gate on today's data: `rasa data validate` (for real) and our checks.
    Rasa's run is made strict (--fail-on-warnings: not one warning, false alarm or not),
    so this one subprocess is also the check that the data is clean for Rasa."""
    command = rasa_validate.rasa_command
    monkeypatch.setattr(rasa_validate, "rasa_command",
                        lambda *paths: [*command(*paths), "--fail-on-warnings"])
    code, out = _run(["validate", "--json"], capsys)
    report = json.loads(out)
    assert report["rasa"]["ran"] and report["rasa"]["returncode"] == 0
    assert [p for p in report["problems"] if p["level"] == ERROR] == []
    assert code == 0
    assert set(report["languages"]) == {"en", "sv"}


def test_validate_help_lists_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--help"]) == 0
    out = capsys.readouterr().out
    for option in ("--skip-rasa", "--min-examples", "--imbalance", "--similarity", "--strict"):
        assert option in out
    assert textwrap.dedent(out)

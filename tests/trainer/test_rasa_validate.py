"""`rasa data validate` in a subprocess: its false alarms told apart, and a failing or
hanging Rasa reported as an error."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.trainer import rasa_validate
from bot.trainer.rasa_validate import rasa_warnings
from bot.trainer.validate import Options, validate
from tests.support.nlu_project import make_project


def test_rasa_false_alarms_are_told_apart(tmp_path: Path) -> None:
    (tmp_path / "actions").mkdir()
    (tmp_path / "actions" / "a.py").write_text(
        'dispatcher.utter_message(response="utter_used")\n'
        'dispatcher.utter_message(response=f"utter_advice_{category}")\n',
        encoding="utf-8",
    )
    output = "\n".join(
        f"\x1b[93m/x/io.py:100: UserWarning: {message}\x1b[0m"
        for message in [
            "The utterance 'utter_used' is not used in any story or rule.",
            "The utterance 'utter_advice_hacked' is not used in any story or rule.",
            "The utterance 'utter_ask_report_form_amount' is not used in any story or rule.",
            "The utterance 'utter_forgotten' is not used in any story or rule.",
            "The intent 'EXTERNAL_ticket_update' is listed in the domain file, but is not "
            "found in the NLU training data.",
            "The intent 'thank' is listed in the domain file, but is not found in the NLU "
            "training data.",
            "The following duplicated intents have been found across multiple domain files: faq",
        ]
    )
    shown, hidden = rasa_warnings(output + "\nINFO something else", tmp_path, {"faq"})
    assert shown == [
        "The utterance 'utter_forgotten' is not used in any story or rule.",
        "The intent 'thank' is listed in the domain file, but is not found in the NLU "
        "training data.",
    ]
    assert len(hidden) == 5


def test_a_failing_or_hanging_rasa_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_project(tmp_path)
    script = "import sys; print('YamlValidationException: bad file'); sys.exit(1)"
    monkeypatch.setattr(rasa_validate, "rasa_command", lambda *a: [sys.executable, "-c", script])
    report = validate(Options(root=tmp_path))
    rasa = [p for p in report.errors if p.check == "rasa"]
    assert len(rasa) == 1 and "YamlValidationException: bad file" in rasa[0].message
    assert report.rasa["returncode"] == 1

    hang = [sys.executable, "-c", "import time; time.sleep(30)"]
    monkeypatch.setattr(rasa_validate, "rasa_command", lambda *a: hang)
    report = validate(Options(root=tmp_path, rasa_timeout=0.5))
    assert [p.message for p in report.errors if p.check == "rasa"] == [
        "rasa data validate did not finish within 0.5 s"
    ]

"""The agents' CLI (`supportbot`) called in-process, as a shell would call it."""

from __future__ import annotations

import json

import pytest

from bot.cli import main


def run_cli(capsys: pytest.CaptureFixture, db: str, *args: str) -> tuple[int, str, str]:
    """`supportbot --db DB ARGS...`: exit code, stdout, stderr."""
    code = main(["--db", db, *args])
    out, err = capsys.readouterr()
    return code, out, err


def run_cli_json(capsys: pytest.CaptureFixture, db: str, *args: str) -> object:
    code, out, err = run_cli(capsys, db, *args, "--json")
    assert code == 0, err
    return json.loads(out)

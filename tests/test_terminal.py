"""Text for the terminal: user strings cannot drive it, and tables line up."""

from __future__ import annotations

import pytest

from bot.terminal import clean, operator_name, table


def test_the_operator_is_user_else_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USER", "tina")
    assert operator_name() == "tina"
    monkeypatch.setenv("USER", "")
    assert operator_name() == "cli"
    monkeypatch.delenv("USER")
    assert operator_name() == "cli"


def test_clean_escapes_what_could_drive_the_terminal() -> None:
    assert clean(None) == "-"
    assert clean("acct-1\x1b[2J") == "acct-1\\x1b[2J"
    assert clean("evil\u202ename") == "evil\\u202ename"  # a bidi override
    assert clean("two\nlines") == "two\\nlines"
    assert clean("Åsa är här") == "Åsa är här"
    assert clean(42) == "42"


def test_table_aligns_columns_and_trims_line_ends() -> None:
    assert table(["ID", "TEXT"], [["1", "hello"], ["100", "x"]]).splitlines() == [
        "ID   TEXT",
        "1    hello",
        "100  x",
    ]

"""`supportbot agent add --trainer` and `supportbot agent trainer NAME [--off]`."""

from __future__ import annotations

import io
import json
from pathlib import Path

from bot.cli import main
from bot.desk import Desk, make_engine


def test_the_trainer_role_from_the_command_line(tmp_path: Path, capsys, monkeypatch) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setattr("sys.stdin", io.StringIO("a good password\n"))
    assert main(["--db", db, "agent", "add", "lena", "--role", "lead", "--trainer",
                 "--password-stdin"]) == 0
    assert "lena (lead, trainer)" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("a good password\n"))
    assert main(["--db", db, "agent", "add", "ann", "--password-stdin"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "agent", "trainer", "ann", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["trainer"] is True
    assert main(["--db", db, "agent", "trainer", "lena", "--off"]) == 0
    assert "no longer a trainer" in capsys.readouterr().out
    assert main(["--db", db, "agent", "trainer", "nobody"]) == 1
    assert "no agent nobody" in capsys.readouterr().err
    engine = make_engine(db)
    try:
        desk = Desk(engine)
        lena, ann = desk.get_agent("lena"), desk.get_agent("ann")
        assert lena and ann
        assert (lena.role, lena.trainer, ann.role, ann.trainer) == ("lead", False, "agent", True)
    finally:
        engine.dispose()

"""var/ and what goes in it are readable by this account only."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from bot.private_files import open_private_append, private_dir, tighten


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_private_dir_creates_missing_parents_0700(tmp_path: Path) -> None:
    old = os.umask(0)  # the most permissive umask: the modes must not depend on it
    try:
        made = private_dir(tmp_path / "a" / "b" / "var")
    finally:
        os.umask(old)
    assert [mode(p) for p in (made, made.parent, made.parent.parent)] == [0o700] * 3


def test_private_dir_tightens_an_existing_folder(tmp_path: Path) -> None:
    folder = tmp_path / "var"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    private_dir(folder)
    assert mode(folder) == 0o700


def test_log_files_are_created_0600_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        fd = open_private_append(tmp_path / "rasa.log")
        os.write(fd, b"line\n")
        os.close(fd)
    finally:
        os.umask(old)
    assert mode(tmp_path / "rasa.log") == 0o600


def test_an_existing_world_readable_log_is_made_private_when_opened(tmp_path: Path) -> None:
    log = tmp_path / "actions.log"
    log.write_text("old\n")
    os.chmod(log, 0o644)
    os.close(open_private_append(log))
    assert mode(log) == 0o600 and log.read_text() == "old\n"


def test_tighten_fixes_what_an_older_version_left(tmp_path: Path) -> None:
    var = tmp_path / "var"
    (var / "log").mkdir(parents=True)
    files = [var / "supportbot.db", var / "supportbot.db-wal", var / "log" / "rasa.log"]
    for path in files:
        path.write_text("x")
        os.chmod(path, 0o644)
    os.chmod(var / "log", 0o755)
    os.chmod(var, 0o755)
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("not ours to change")
    os.chmod(outside, 0o644)
    (var / "link").symlink_to(outside)

    changed = tighten(var)

    assert {mode(p) for p in files} == {0o600}
    assert mode(var) == mode(var / "log") == 0o700
    assert mode(outside) == 0o644  # a symlink is not followed
    assert len(changed) == 5
    assert tighten(var) == []


def test_restrict_umask_makes_sqlite_and_its_wal_private(tmp_path: Path) -> None:
    # In a child: the umask is per process and the test runner's must stay as it is.
    script = (
        "import sqlite3, sys\n"
        "from bot.private_files import restrict_umask\n"
        "restrict_umask()\n"
        "db = sqlite3.connect(sys.argv[1])\n"
        "db.execute('PRAGMA journal_mode=WAL')\n"
        "db.execute('CREATE TABLE t (x)'); db.execute('INSERT INTO t VALUES (1)')\n"
        "db.commit()\n"
        "open(sys.argv[1] + '.log', 'w').write('x')\n"
        "print('ready', flush=True)\n"
        "input()\n"  # the connection stays open: -wal and -shm exist meanwhile
    )
    db = tmp_path / "desk.db"
    with subprocess.Popen([sys.executable, "-c", script, str(db)], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True,
                          cwd=Path(__file__).resolve().parents[1]) as child:
        assert child.stdout.readline().strip() == "ready"
        found = {p.name: mode(p) for p in tmp_path.iterdir()}
        child.communicate("\n", timeout=30)
    assert {"desk.db", "desk.db-wal", "desk.db-shm", "desk.db.log"} <= set(found)
    assert set(found.values()) == {0o600}, found

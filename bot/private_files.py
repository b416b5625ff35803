"""Files only this account may read: conversations, the queue, agents' password hashes,
logs and secrets all live under var/.

Every process of the stack runs with umask 077, so what it creates (SQLite databases,
their -wal and -shm files, which SQLite opens with the database's own mode, logs,
secrets) is 0600 and every folder 0700. `tighten` fixes a var/ left by an older
version, whose files were created world-readable.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def restrict_umask() -> int:
    """From now on this process and its children create private files; the old umask."""
    return os.umask(PRIVATE_UMASK)


def private_dir(path: Path) -> Path:
    """`path` and any missing parents created 0700; `path` itself made 0700."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
    os.chmod(path, PRIVATE_DIR_MODE)
    return path


def open_private_append(path: Path) -> int:
    """A file descriptor appending to `path`, which is created 0600 if missing."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE_FILE_MODE)
    os.fchmod(fd, PRIVATE_FILE_MODE)
    return fd


def tighten(root: Path) -> list[Path]:
    """Make `root` and everything under it owned by this user 0700 (folders) or 0600
    (files); the paths changed. Symlinks are left alone (and not followed)."""
    if not root.is_dir():
        return []
    changed = []
    me = os.getuid()
    for path in [root, *root.rglob("*")]:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode) or info.st_uid != me:
            continue
        wanted = PRIVATE_DIR_MODE if stat.S_ISDIR(info.st_mode) else PRIVATE_FILE_MODE
        if stat.S_IMODE(info.st_mode) != wanted:
            os.chmod(path, wanted)
            changed.append(path)
    return changed

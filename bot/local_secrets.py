"""Secrets for one machine: from the environment, else generated once under var/.

Production sets the environment variable; a development machine gets a random value,
kept in a 0600 file in a 0700 var/, so `make run` is safe by default and needs no
configuration.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from bot.private_files import PRIVATE_FILE_MODE, private_dir
from bot.settings import get_settings

VAR = Path(__file__).resolve().parent.parent / "var"


def local_secret(name: str, configured: str, var_dir: Path = VAR) -> str:
    """`configured` (the environment's value, bot.settings), else var_dir/name."""
    if value := configured.strip():
        return value
    path = var_dir / name
    private_dir(var_dir)
    if not path.exists():
        # Written whole under a temporary name, then linked into place: a process
        # starting at the same time finds either no file or the whole secret.
        draft = var_dir / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48) + "\n")
            os.link(draft, path)
        except FileExistsError:  # the other process won; its secret is the one
            pass
        finally:
            draft.unlink()
    if path.stat().st_mode & 0o077:  # put there by hand, readable by others
        os.chmod(path, PRIVATE_FILE_MODE)
    return path.read_text().strip()


def rasa_token() -> str:
    """The token of Rasa's HTTP API (conversations, trigger_intent): never left open."""
    return local_secret("rasa_token", get_settings().rasa.token)


def actions_token() -> str:
    """The secret Rasa sends the action server with every call (endpoints.yml)."""
    return local_secret("actions_token", get_settings().actions.token)

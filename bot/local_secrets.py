"""Secrets for one machine: from the environment, else generated once under var/.

Production sets the environment variable; a development machine gets a random value,
kept in a 0600 file, so `make run` is safe by default and needs no configuration.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

VAR = Path(__file__).resolve().parent.parent / "var"


def local_secret(name: str, env_var: str, var_dir: Path = VAR) -> str:
    value = os.environ.get(env_var, "").strip()
    if value:
        return value
    path = var_dir / name
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made earlier, or by a process starting at the same time
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48) + "\n")
    return path.read_text().strip()


def rasa_token() -> str:
    """The token of Rasa's HTTP API (conversations, trigger_intent): never left open."""
    return local_secret("rasa_token", "SUPPORTBOT_RASA_TOKEN")

"""Passwords (argon2), signed session cookies and the console's secret key."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.local_secrets import local_secret
from bot.settings import get_settings

SESSION_COOKIE = "sb_console"
SESSION_MAX_AGE_S = 12 * 3600  # one working day
MIN_PASSWORD_CHARS = 8

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the agent does not exist, so a wrong name costs as much as a
    wrong password (no timing oracle for agent names). Made at the first sign-in of either
    kind, not at import: every process importing the console (its CLI too) paid a hash."""
    return _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValueError(f"password must be at least {MIN_PASSWORD_CHARS} characters")
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    dummy = _dummy_hash()  # on both paths: the first wrong name costs no more either
    try:
        return _hasher.verify(password_hash or dummy, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def console_secret(var_dir: Path) -> str:
    """$SUPPORTBOT_CONSOLE_SECRET, else a random key kept in var/ (development only)."""
    return local_secret("console_secret", get_settings().console.secret, var_dir)


# -- signed cookies --------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret_key: str, payload: str) -> str:
    key = hashlib.sha256(b"supportbot-console-session|" + secret_key.encode()).digest()
    return _b64(hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest())


def sign_session(data: dict[str, Any], secret_key: str, now: float | None = None) -> str:
    body = {**data, "iat": int(time.time() if now is None else now)}
    payload = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
    return f"{payload}.{_mac(secret_key, payload)}"


def load_session(
    cookie: str | None, secret_key: str, now: float | None = None
) -> dict[str, Any] | None:
    """The session in a cookie, or None if it is missing, forged, damaged or expired."""
    if not cookie or cookie.count(".") != 1:
        return None
    payload, mac = cookie.split(".")
    if not hmac.compare_digest(mac, _mac(secret_key, payload)):
        return None
    try:
        data = json.loads(_unb64(payload))
    except ValueError:
        return None
    current = time.time() if now is None else now
    if not isinstance(data, dict) or not isinstance(data.get("iat"), int):
        return None
    if not 0 <= current - data["iat"] <= SESSION_MAX_AGE_S:
        return None
    return data

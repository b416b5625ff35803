"""Who is writing: the account id comes from a token signed by the exchange's site.

The site mints a JWT (HS256, key shared through SUPPORTBOT_IDENTITY_KEY) with
`sub` = the account id, `aud` = "supportbot" and an `exp`; the chat channels accept
nothing else as the sender in production. Development (SUPPORTBOT_DEV_LOGIN=1) also lets
a page or script name any account id, as the demo picker does.

Mode:    key set, no dev login  -> production (token required)
         SUPPORTBOT_DEV_LOGIN=1 -> development (token used when given, else free id)
         neither                -> unconfigured: every message is refused (fail closed)
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone

import jwt

from bot.desk.accounts import canonical_account_id

ACCOUNT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
ALGORITHM = "HS256"
AUDIENCE = "supportbot"
MIN_KEY_BYTES = 32  # RFC 7518 3.2: an HS256 key at least as long as the hash
LEEWAY_SECONDS = 30  # clock skew between the exchange's site and this server
DEFAULT_TTL = timedelta(hours=1)

PRODUCTION, DEVELOPMENT, UNCONFIGURED = "production", "development", "unconfigured"


class IdentityError(Exception):
    """A sender that cannot be accepted; `reason` names a response in domain/safety.yml."""

    def __init__(self, reason: str, status: int = 401) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def identity_key(env: Mapping[str, str] = os.environ) -> str | None:
    """The shared key, or None when unset or too short to be safe (fail closed)."""
    key = env.get("SUPPORTBOT_IDENTITY_KEY", "")
    return key if len(key.encode()) >= MIN_KEY_BYTES else None


def dev_login(env: Mapping[str, str] = os.environ) -> bool:
    return env.get("SUPPORTBOT_DEV_LOGIN", "0") == "1"


def mode(env: Mapping[str, str] = os.environ) -> str:
    if dev_login(env):
        return DEVELOPMENT
    return PRODUCTION if identity_key(env) else UNCONFIGURED


def issue_token(
    account: str, key: str, ttl: timedelta = DEFAULT_TTL, now: datetime | None = None
) -> str:
    """What the exchange's site does when a signed-in user opens the chat."""
    if not ACCOUNT_ID.match(account):
        raise ValueError(f"not an account id: {account!r}")
    if len(key.encode()) < MIN_KEY_BYTES:
        raise ValueError(f"the identity key must be at least {MIN_KEY_BYTES} bytes")
    now = now or datetime.now(timezone.utc)
    claims = {"sub": account, "aud": AUDIENCE, "iat": now, "exp": now + ttl}
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def account_from_token(token: str, key: str) -> str:
    """The account id in a valid token; IdentityError("token_expired" | "token_invalid")."""
    try:
        claims = jwt.decode(
            token, key, algorithms=[ALGORITHM], audience=AUDIENCE, leeway=LEEWAY_SECONDS,
            options={"require": ["sub", "exp", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise IdentityError("token_expired") from None
    except jwt.PyJWTError:  # bad signature, alg "none", wrong audience, garbage
        raise IdentityError("token_invalid") from None
    account = claims.get("sub")
    if not isinstance(account, str) or not ACCOUNT_ID.match(account):
        raise IdentityError("token_invalid")
    return account


def resolve_sender(
    token: str | None, claimed: object, env: Mapping[str, str] = os.environ
) -> str | None:
    """The account a message is from.

    `claimed` is the sender id the client named (REST `sender`, socket `session_id`).
    Returns None only in development when neither is given yet (the socket names the
    account later, in its session request).
    """
    current = mode(env)
    if current == UNCONFIGURED:
        raise IdentityError("sign_in_unavailable", status=503)
    key = identity_key(env)
    if token:
        if key is None:
            raise IdentityError("token_invalid")
        account = account_from_token(token, key)
        # A token for A with "sender": "B" is someone trying B's conversation.
        if claimed not in (None, "", account):
            raise IdentityError("sender_mismatch", status=403)
        # One conversation per account whatever the letter case: the desk compares ids
        # in this form, and agents' transcripts and pushed decisions use the desk's id.
        return canonical_account_id(account)
    if current == PRODUCTION:
        raise IdentityError("token_missing")
    if claimed in (None, ""):
        return None
    if not isinstance(claimed, str) or not ACCOUNT_ID.match(claimed):
        raise IdentityError("sender_invalid", status=400)
    return canonical_account_id(claimed)


def bearer(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer ...` header."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None

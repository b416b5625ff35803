"""Who is writing: the account id comes from a token signed by the exchange's site.

The site mints a JWT (HS256, key shared through SUPPORTBOT_IDENTITY_KEY) with
`sub` = the account id, `aud` = "supportbot" and an `exp`; the chat channels accept
nothing else as the sender in production. Development (SUPPORTBOT_DEV_LOGIN=1) also lets
a page or script name any account id, as the demo picker does.

Mode:    key set                        -> production (token required; a dev login
                                           setting is ignored: a key means production)
         no key, SUPPORTBOT_DEV_LOGIN=1 -> development (token used when given, else
                                           free id)
         neither                        -> unconfigured: every message is refused (fail
                                           closed)

A token lives at most SUPPORTBOT_TOKEN_MAX_LIFETIME (default 1 day): the site mints one
when the user opens the chat (1 h by default), so a day covers a clock or configuration
margin, while a token valid for months is a bearer credential that outlives any sign-in
on the site it came from; once leaked (a screenshot, a proxy or browser history) nothing
could revoke it. Checked as exp - iat and as exp - now, so a token without `iat` cannot
slip past.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone

import jwt

from bot.desk.accounts import canonical_account_id
from bot.settings import IdentitySettings, get_settings

ACCOUNT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
ALGORITHM = "HS256"
AUDIENCE = "supportbot"
MIN_KEY_BYTES = 32  # RFC 7518 3.2: an HS256 key at least as long as the hash
LEEWAY_SECONDS = 30  # clock skew between the exchange's site and this server
DEFAULT_TTL = timedelta(hours=1)
DEFAULT_MAX_LIFETIME = IdentitySettings.token_max_lifetime

PRODUCTION, DEVELOPMENT, UNCONFIGURED = "production", "development", "unconfigured"


class IdentityError(Exception):
    """A sender that cannot be accepted; `reason` names a response in domain/safety.yml,
    `detail` says more for the operators' log (never shown to the client)."""

    def __init__(self, reason: str, status: int = 401, detail: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.detail = detail


def max_lifetime(settings: IdentitySettings | None = None) -> timedelta:
    """The longest a token may be valid (a value that cannot be read stops the process
    in bot.settings rather than falling back to no maximum)."""
    return (settings or get_settings().identity).token_max_lifetime


def identity_key(settings: IdentitySettings | None = None) -> str | None:
    """The shared key, or None when unset or too short to be safe (fail closed)."""
    key = (settings or get_settings().identity).key
    return key if len(key.encode()) >= MIN_KEY_BYTES else None


def dev_login(settings: IdentitySettings | None = None) -> bool:
    return (settings or get_settings().identity).dev_login


def mode(settings: IdentitySettings | None = None) -> str:
    if identity_key(settings):
        return PRODUCTION
    return DEVELOPMENT if dev_login(settings) else UNCONFIGURED


def issue_token(
    account: str, key: str, ttl: timedelta = DEFAULT_TTL, now: datetime | None = None,
    longest: timedelta | None = None,
) -> str:
    """What the exchange's site does when a signed-in user opens the chat."""
    if not ACCOUNT_ID.match(account):
        raise ValueError(f"not an account id: {account!r}")
    if len(key.encode()) < MIN_KEY_BYTES:
        raise ValueError(f"the identity key must be at least {MIN_KEY_BYTES} bytes")
    longest = max_lifetime() if longest is None else longest
    if ttl > longest:
        raise ValueError(f"a token may be valid for at most {longest} "
                         "(SUPPORTBOT_TOKEN_MAX_LIFETIME)")
    now = now or datetime.now(timezone.utc)
    claims = {"sub": account, "aud": AUDIENCE, "iat": now, "exp": now + ttl}
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def account_from_token(
    token: str, key: str, longest: timedelta | None = None, now: float | None = None
) -> str:
    """The account id in a valid token; IdentityError("token_expired" | "token_invalid")."""
    try:
        claims = jwt.decode(
            token, key, algorithms=[ALGORITHM], audience=AUDIENCE, leeway=LEEWAY_SECONDS,
            options={"require": ["sub", "exp", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise IdentityError("token_expired") from None
    except jwt.PyJWTError as error:  # bad signature, alg "none", wrong audience, garbage
        raise IdentityError("token_invalid", detail=type(error).__name__) from None
    account = claims.get("sub")
    if not isinstance(account, str) or not ACCOUNT_ID.match(account):
        raise IdentityError("token_invalid", detail="bad subject")
    _check_lifetime(claims, max_lifetime() if longest is None else longest, now)
    return account


def _check_lifetime(claims: Mapping[str, object], longest: timedelta, now: float | None
                    ) -> None:
    """A token valid for longer than `longest` was minted wrongly or for an attack."""
    now = datetime.now(timezone.utc).timestamp() if now is None else now
    limit = longest.total_seconds() + LEEWAY_SECONDS
    exp, iat = claims["exp"], claims.get("iat")  # exp: an integer, checked by PyJWT
    lives = [float(exp) - now]  # type: ignore[arg-type]
    if iat is not None:  # an integer not in the future, checked by PyJWT
        lives.append(float(exp) - float(iat))  # type: ignore[arg-type]
    if max(lives) > limit:
        raise IdentityError("token_invalid", detail="lifetime over the maximum")


def resolve_sender(
    token: str | None, claimed: object, settings: IdentitySettings | None = None
) -> str | None:
    """The account a message is from.

    `claimed` is the sender id the client named (REST `sender`, socket `session_id`).
    Returns None only in development when neither is given yet (the socket names the
    account later, in its session request).
    """
    settings = settings or get_settings().identity
    current = mode(settings)
    if current == UNCONFIGURED:
        raise IdentityError("sign_in_unavailable", status=503)
    key = identity_key(settings)
    if token:
        if key is None:
            raise IdentityError("token_invalid")
        account = account_from_token(token, key, max_lifetime(settings))
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

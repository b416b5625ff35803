"""Server-side console sessions: a signed cookie alone no longer signs anyone in.

Sign-in stores a row keyed by the SHA-256 of a random token; the cookie carries the
token. A request is signed in only while the row exists and has not expired, so
signing out (or `supportbot agent signout`, or a password reset) ends the session
wherever a copy of the cookie is.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine

from bot.desk.clock import resolve_now
from bot.desk.models import ConsoleSession

TOKEN_BYTES = 32


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class SessionStore:
    def __init__(self, engine: Engine, lifetime: timedelta) -> None:
        self.engine = engine
        self.lifetime = lifetime

    def start(self, agent: str, now: datetime | None = None) -> str:
        """A new session for `agent`; returns the token for the cookie. Expired rows of
        every agent are swept here, so the table stays small without a job."""
        at = resolve_now(now)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with self.engine.begin() as connection:
            connection.execute(delete(ConsoleSession).where(ConsoleSession.expires_at <= at))
            connection.execute(
                insert(ConsoleSession).values(
                    token_hash=_hash(token),
                    agent=agent,
                    created_at=at,
                    expires_at=at + self.lifetime,
                )
            )
        return token

    def agent_of(self, token: str, now: datetime | None = None) -> str | None:
        """The agent a live session belongs to; None if ended, expired or never issued."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(ConsoleSession.agent, ConsoleSession.expires_at).where(
                    ConsoleSession.token_hash == _hash(token)
                )
            ).first()
        if row is None or row.expires_at <= resolve_now(now):
            return None
        return row.agent

    def end(self, token: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                delete(ConsoleSession).where(ConsoleSession.token_hash == _hash(token))
            )

    def end_all(self, agent: str) -> int:
        """End every session of `agent` (password reset, lost laptop); how many ended."""
        with self.engine.begin() as connection:
            result = connection.execute(
                delete(ConsoleSession).where(ConsoleSession.agent == agent)
            )
        return result.rowcount

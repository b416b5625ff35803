"""The users' chat: sign-in, the channels, and the size and rate limits of messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.settings.declaring import positive, setting


@dataclass(frozen=True)
class IdentitySettings:
    """Chat sign-in."""

    key: str = setting(
        "SUPPORTBOT_IDENTITY_KEY", "",
        "HS256 key (32+ bytes) of the exchange's sign-in tokens; set: production sign-in "
        "(a shorter key refuses every chat)", shown="unset", secret=True)
    dev_login: bool = setting(
        "SUPPORTBOT_DEV_LOGIN", False,
        "`1`: any account id may chat (demo picker, REST `sender`); ignored when a key "
        "is set", shown="`0` (`make run`: `1` unless a key is set)")
    token_max_lifetime: timedelta = setting(
        "SUPPORTBOT_TOKEN_MAX_LIFETIME", timedelta(days=1),
        "sign-in tokens valid for longer are refused (`90s`, `30m`, `2h`, `1d`)")


@dataclass(frozen=True)
class ChatSettings:
    """Chat channels."""

    origins: tuple[str, ...] | None = setting(
        "SUPPORTBOT_CHAT_ORIGINS", None,
        "other origins allowed to open the chat socket and to frame the chat page "
        "(`frame-ancestors`; comma-separated; wins over credentials.yml's "
        "`cors_allowed_origins`)", shown="the chat page's own origin")
    socketio_redis_url: str | None = setting(
        "SUPPORTBOT_SOCKETIO_REDIS_URL", None,
        "`redis://host:6379/0`: socket.io emits go through Redis, so a push via one Rasa "
        "instance reaches a page on another (`make run-scaled` sets it)", shown="unset")
    socketio_redis_channel: str = setting(
        "SUPPORTBOT_SOCKETIO_REDIS_CHANNEL", "supportbot-socketio",
        "the Redis channel of those emits, one per deployment")
    secret_window_seconds: float = setting(
        "SUPPORTBOT_SECRET_WINDOW_SECONDS", 120.0,
        "how long a sender's announced secret (\"here is my password\") shapes the "
        "redaction of their next message", check=positive)


@dataclass(frozen=True)
class LimitsSettings:
    """Size and rate limits of chat messages."""

    max_message_chars: int = setting(
        "SUPPORTBOT_MAX_MESSAGE_CHARS", 2000,
        "longer messages are answered, not processed", check=positive)
    rate_messages: int = setting(
        "SUPPORTBOT_RATE_MESSAGES", 10,
        "per sender: this many messages in any second, twice that in the window",
        check=positive)
    rate_seconds: float = setting(
        "SUPPORTBOT_RATE_SECONDS", 10.0,
        "the sender limits' window, in seconds (at least 1)", check=positive)
    rate_bytes: int = setting(
        "SUPPORTBOT_RATE_BYTES", 64 * 1024,
        "per sender: raw bytes in the window", check=positive)
    max_body_bytes: int = setting(
        "SUPPORTBOT_MAX_BODY_BYTES", 64 * 1024,
        "largest request the Rasa process reads (chat, socket.io, Rasa's API)",
        check=positive)
    max_message_bytes: int = setting(
        "SUPPORTBOT_MAX_MESSAGE_BYTES", 32 * 1024,
        "largest message, in raw bytes, checked before anything reads it", check=positive)

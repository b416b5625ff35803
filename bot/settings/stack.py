"""The stack's own parts: the desk's databases, Rasa, and the action server Rasa calls."""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings.declaring import positive, setting
from bot.settings.paths import VAR


@dataclass(frozen=True)
class DeskSettings:
    """Desk and databases."""

    db_url: str = setting(
        "SUPPORTBOT_DB_URL", f"sqlite:///{VAR / 'supportbot.db'}",
        "the desk: the queue and the suspension registry",
        shown="`sqlite:///<repo>/var/supportbot.db`")
    auto_migrate: bool = setting(
        "SUPPORTBOT_AUTO_MIGRATE", True,
        "the action server migrates the desk on first use; `0` when several share a "
        "database and `supportbot db upgrade` runs once, up front")
    tracker_db_url: str = setting(
        "SUPPORTBOT_TRACKER_DB_URL", f"sqlite:///{VAR / 'tracker.db'}",
        "Rasa's tracker store (endpoints.yml): conversations, which the console and "
        "`supportbot tracker prune` read", shown="`sqlite:///<repo>/var/tracker.db`")
    outbox_url: str | None = setting(
        "SUPPORTBOT_OUTBOX_URL", None,
        "messages kept until Rasa has handled them",
        shown="beside the tracker store (`var/outbox.db`, or the same server database)")


@dataclass(frozen=True)
class RasaSettings:
    """Rasa."""

    url: str = setting(
        "SUPPORTBOT_RASA_URL", "http://localhost:5005",
        "where the CLI and the console push decisions into conversations")
    token: str = setting(
        "SUPPORTBOT_RASA_TOKEN", "",
        "the token of Rasa's HTTP API (`--auth-token`); the chat channels do not need it",
        shown="random, kept in `var/rasa_token`", secret=True)
    host: str = setting(
        "SUPPORTBOT_RASA_HOST", "127.0.0.1",
        "where Rasa listens (`rasa run --interface`): loopback, with nginx (deploy/nginx) "
        "or the site's proxy in front to limit floods; `0.0.0.0` in a container")
    patches: bool = setting(
        "SUPPORTBOT_RASA_PATCHES", True,
        "`0`: start Rasa without bot/rasa_patches (a WARNING says so), for bisecting "
        "after an upgrade")


@dataclass(frozen=True)
class ActionsSettings:
    """The action server, and Rasa's calls to it."""

    token: str = setting(
        "SUPPORTBOT_ACTIONS_TOKEN", "",
        "the secret Rasa sends the action server on every call (endpoints.yml's "
        "`headers:`); set it on both when they run apart",
        shown="random, kept in `var/actions_token`", secret=True)
    host: str = setting(
        "SUPPORTBOT_ACTIONS_HOST", "127.0.0.1",
        "where the action server listens (anything else is logged as a warning)")
    max_body_bytes: int = setting(
        "SUPPORTBOT_ACTIONS_MAX_BODY_BYTES", 512 * 1024,
        "largest call the action server reads", check=positive)
    url: str | None = setting(
        "SUPPORTBOT_ACTIONS_URL", None,
        "the action endpoint in endpoints.scaled.yml (substituted by Rasa)",
        shown="set by `make run-scaled`")
    health_url: str | None = setting(
        "SUPPORTBOT_ACTIONS_HEALTH_URL", None,
        "where Rasa checks that the action server is up",
        shown="the action endpoint's `/health`")
    timeout: float = setting(
        "SUPPORTBOT_ACTION_TIMEOUT", 10.0,
        "seconds an action call may take before the turn is kept for later", check=positive)
    health_interval: float = setting(
        "SUPPORTBOT_HEALTH_INTERVAL", 2.0,
        "seconds between checks of the action server (kept messages replay when it is "
        "back)", check=positive)

"""The agents' side: the console, trainers' labelling and training, the live queue and
alerts."""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from bot.settings.declaring import port, positive, setting


@dataclass(frozen=True)
class ConsoleSettings:
    """The agents' console."""

    secret: str = setting(
        "SUPPORTBOT_CONSOLE_SECRET", "",
        "signs the console's session cookies", shown="random, kept in `var/console_secret`",
        secret=True)
    signin_account_limit: str = setting(
        "SUPPORTBOT_CONSOLE_SIGNIN_ACCOUNT_LIMIT", "5 per 15 minutes",
        "console sign-in attempts per account name (a `limits` string)")
    signin_address_limit: str = setting(
        "SUPPORTBOT_CONSOLE_SIGNIN_ADDRESS_LIMIT", "30 per 15 minutes",
        "console sign-in attempts per connecting address")
    queue_page_size: int = setting(
        "SUPPORTBOT_CONSOLE_QUEUE_PAGE_SIZE", 50,
        "tickets per page of the console's queue (at most 200)", check=positive)


def command_line(value: str) -> str | None:
    try:
        return None if shlex.split(value) else "must name a command"
    except ValueError as error:
        return f"cannot be split into arguments ({error})"


@dataclass(frozen=True)
class TrainerSettings:
    """Trainers in the console: labelling the review inbox and the Train button."""

    project: str | None = setting(
        "SUPPORTBOT_TRAINER_PROJECT", None,
        "the project whose `data/` labels go to and where the Train button runs "
        "(its output in its `var/train.log`)", shown="this checkout")
    train_command: str = setting(
        "SUPPORTBOT_TRAIN_COMMAND", "make train-quick",
        "what the console's Train button runs there: split into arguments as a shell "
        "would, run without one", shown="`make train-quick`", check=command_line)


def fraction(value: float) -> str | None:
    return None if 0 < value <= 1 else "must be more than 0 and at most 1"


def under_a_minute(value: float) -> str | None:
    # The console (Sanic) closes a response that sent nothing for 60 s.
    return None if 0 < value < 60 else "must be more than 0 and under 60"


@dataclass(frozen=True)
class AlertsSettings:
    """Live queue and alerts."""

    smtp_host: str | None = setting(
        "SUPPORTBOT_ALERT_SMTP_HOST", None,
        "the mail server alerts go through; unset: no e-mail alerts", shown="unset")
    smtp_port: int = setting("SUPPORTBOT_ALERT_SMTP_PORT", 587, "its port", check=port)
    smtp_starttls: bool = setting(
        "SUPPORTBOT_ALERT_SMTP_STARTTLS", True,
        "`1`: STARTTLS (certificate checked) before anything else is sent; `0` for a relay "
        "on this machine")
    smtp_username: str = setting(
        "SUPPORTBOT_ALERT_SMTP_USERNAME", "", "sign-in name at the mail server; unset: none",
        shown="unset")
    smtp_password: str = setting(
        "SUPPORTBOT_ALERT_SMTP_PASSWORD", "", "its password", shown="unset", secret=True)
    mail_from: str = setting(
        "SUPPORTBOT_ALERT_FROM", "supportbot@localhost", "the alerts' sender address")
    mail_to: tuple[str, ...] = setting(
        "SUPPORTBOT_ALERT_TO", (), "who gets alert e-mails (comma-separated addresses)")
    webhook_url: str | None = setting(
        "SUPPORTBOT_ALERT_WEBHOOK_URL", None,
        "a Slack or Teams incoming webhook: alerts are POSTed there as JSON `{\"text\": …}`",
        shown="unset", secret=True)
    near_target: float = setting(
        "SUPPORTBOT_ALERT_NEAR_TARGET", 0.75,
        "an unclaimed ticket is alerted once this fraction of its response target has "
        "passed", check=fraction)
    console_url: str = setting(
        "SUPPORTBOT_ALERT_CONSOLE_URL", "http://localhost:8080",
        "the console's address as agents reach it, for the links in alerts")
    poll_seconds: float = setting(
        "SUPPORTBOT_ALERT_POLL_SECONDS", 2.0,
        "seconds between the alert worker's looks at the queue", check=positive)
    in_console: bool = setting(
        "SUPPORTBOT_ALERT_IN_CONSOLE", True,
        "`1`: the console process runs the alert worker; `0` when `python -m bot.alerts` "
        "runs it instead")
    live_poll_seconds: float = setting(
        "SUPPORTBOT_CONSOLE_LIVE_POLL_SECONDS", 1.0,
        "seconds between the console's looks for queue changes it streams to agents",
        check=positive)
    heartbeat_seconds: float = setting(
        "SUPPORTBOT_CONSOLE_HEARTBEAT_SECONDS", 15.0,
        "seconds between heartbeats on the live queue stream (under 60); each also checks "
        "that the agent is still signed in", check=under_a_minute)

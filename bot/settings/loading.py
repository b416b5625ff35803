"""The settings object: every group read from the environment at once, and once per
process (`get_settings()`)."""

from __future__ import annotations

import functools
import os
import typing
from collections.abc import Iterator, Mapping
from dataclasses import Field, dataclass, field, fields
from typing import Any

from bot.settings.chat import ChatSettings, IdentitySettings, LimitsSettings
from bot.settings.console import AlertsSettings, ConsoleSettings, TrainerSettings
from bot.settings.deployment import BrokerSettings, MetricsSettings, ScaleoutSettings
from bot.settings.parsing import parse
from bot.settings.stack import ActionsSettings, DeskSettings, RasaSettings


class SettingsError(ValueError):
    """A variable whose value cannot be used; the message names it."""


# The groups' order is the README table's.
@dataclass(frozen=True)
class Settings:
    desk: DeskSettings = field(default_factory=DeskSettings)
    rasa: RasaSettings = field(default_factory=RasaSettings)
    actions: ActionsSettings = field(default_factory=ActionsSettings)
    identity: IdentitySettings = field(default_factory=IdentitySettings)
    chat: ChatSettings = field(default_factory=ChatSettings)
    limits: LimitsSettings = field(default_factory=LimitsSettings)
    console: ConsoleSettings = field(default_factory=ConsoleSettings)
    trainer: TrainerSettings = field(default_factory=TrainerSettings)
    alerts: AlertsSettings = field(default_factory=AlertsSettings)
    metrics: MetricsSettings = field(default_factory=MetricsSettings)
    broker: BrokerSettings = field(default_factory=BrokerSettings)
    scaleout: ScaleoutSettings = field(default_factory=ScaleoutSettings)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """Every variable of `environ` parsed and checked; SettingsError names the first
        that cannot be used."""
        groups = {}
        for group in fields(cls):
            group_type = _types(cls)[group.name]
            hints = _types(group_type)
            groups[group.name] = group_type(**{
                item.name: _read(item, hints[item.name], environ)
                for item in fields(group_type)})
        return cls(**groups)


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings: os.environ, read on first use."""
    return Settings.from_env(os.environ)


def declared() -> Iterator[tuple[type, Field]]:
    """(group class, field) of every variable, in declaration order."""
    for group in fields(Settings):
        group_type = _types(Settings)[group.name]
        for item in fields(group_type):
            yield group_type, item


@functools.cache
def _types(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _read(item: Field, kind: Any, environ: Mapping[str, str]) -> Any:
    name = item.metadata["env"]
    raw = environ.get(name, "").strip()
    if not raw:
        return item.default
    said = name if not item.repr else f"{name}={raw!r}"  # a secret is never echoed
    try:
        value = parse(kind, raw)
    except ValueError as error:
        raise SettingsError(f"{said}: {error}") from None
    check = item.metadata["check"]
    if check is not None and (reason := check(value)):
        raise SettingsError(f"{said}: {reason}")
    return value

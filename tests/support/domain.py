"""The project's Rasa domain, loaded once per test process and only when a test first
asks: Rasa's loader validates every file of domain/ (a second or two of CPU). It is the
one the channels' intake loads (bot.channels.intake), so a process loads it once."""

from __future__ import annotations

from rasa.shared.core.domain import Domain

from bot.channels.intake import _disk_domain


def project_domain() -> Domain:
    """domain/ as Rasa loads it; shared, so never changed by a test."""
    return _disk_domain()

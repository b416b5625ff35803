"""The repository's domain/ as Rasa loads it, once per process and only when first asked.

Rasa's loader validates every file of domain/: a second or two of CPU. The channels read
its responses before a model is loaded (bot.channels.intake), and the tests build trackers
and actions on it; one shared copy serves them all, so it is never changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rasa.shared.core.domain import Domain

DOMAIN_DIR = Path(__file__).resolve().parents[1] / "domain"


@lru_cache(maxsize=1)
def project_domain() -> Domain:
    """domain/ as Rasa loads it; shared, so never changed by its callers."""
    from rasa.shared.core.domain import Domain

    return Domain.load(str(DOMAIN_DIR))


def project_responses() -> Mapping[str, list]:
    """The responses of domain/ (what the bot says, by response name)."""
    return project_domain().responses

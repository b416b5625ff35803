"""The project's Rasa domain, loaded once per test process: Rasa's loader validates every
file of domain/ (seconds), and several helpers and test modules read it at import time."""

from __future__ import annotations

import functools

from rasa.shared.core.domain import Domain

from tests.support.tools import ROOT


@functools.lru_cache(maxsize=1)
def project_domain() -> Domain:
    """domain/ as Rasa loads it; shared, so never changed by a test."""
    return Domain.load(str(ROOT / "domain"))

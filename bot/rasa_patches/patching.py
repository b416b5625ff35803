"""How a patch replaces one Rasa function: once, keeping Rasa's own beside it.

A replacement is marked `_supportbot` and carries Rasa's own function as `_rasas_own`,
so a second install is a no-op (never a patch on a patch) and the equivalence tests
can call both.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def _as_is(function: Any) -> Any:
    return function


@dataclass(frozen=True)
class Patch:
    """`module.owner.attribute = build(Rasa's own)`; `wrap` re-applies a descriptor
    (`staticmethod`) that reading the attribute from the class stripped."""

    module: str
    owner: str
    attribute: str
    build: Callable[[Any], Callable[..., Any]]
    wrap: Callable[[Any], Any] = _as_is

    @property
    def rasa_name(self) -> str:
        return f"{self.module}.{self.owner}.{self.attribute}"

    def owner_class(self) -> type:
        return getattr(importlib.import_module(self.module), self.owner)

    def current(self) -> Any:
        return getattr(self.owner_class(), self.attribute)

    def is_applied(self) -> bool:
        return bool(getattr(self.current(), "_supportbot", False))

    def apply(self) -> bool:
        """Replace Rasa's function; False when it already was."""
        current = self.current()
        if getattr(current, "_supportbot", False):
            return False
        rasas_own = getattr(current, "__func__", current)  # a classmethod's function
        replacement = self.build(rasas_own)
        replacement._supportbot = True  # type: ignore[attr-defined]
        replacement._rasas_own = rasas_own  # type: ignore[attr-defined]
        setattr(self.owner_class(), self.attribute, self.wrap(replacement))
        return True

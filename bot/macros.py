"""Agents' macros: canned questions and decision reasons in English and Swedish.

They live in domain/macros.yml as ordinary Rasa responses (`utter_macro_ask_<name>`,
`utter_macro_reason_<name>`), so the bot renders them in the user's language the way it
renders every other response, and the team edits them beside the rest of the bot's words.
The console reads the same file to offer them and to show an agent what the user sees.
"""

from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import yaml

MACROS_FILE = Path(__file__).resolve().parent.parent / "domain" / "macros.yml"
KINDS = ("ask", "reason")
PREFIX = "utter_macro_"
PLACEHOLDERS = ("ticket", "category", "asset", "network")
# What the bot says for a placeholder the ticket has no value for.
UNKNOWN = {
    "asset": {"en": "funds", "sv": "pengarna"},
    "network": {"en": "network", "sv": "nätverket"},
}
_NAME = re.compile(r"^utter_macro_(ask|reason)_[a-z0-9_]+$")


class MacroError(ValueError):
    """domain/macros.yml names a macro badly or uses an unknown placeholder."""


@dataclass(frozen=True)
class Macro:
    key: str  # "ask_which_wallet": what the desk stores
    kind: str  # "ask" or "reason"
    texts: dict[str, str]  # language -> text with placeholders

    @property
    def response(self) -> str:
        return PREFIX + self.key

    def render(self, language: str, values: Mapping[str, Any]) -> str:
        text = self.texts.get(language) or self.texts["en"]
        return text.format_map({k: values.get(k, "") for k in PLACEHOLDERS})


def _texts(name: str, variants: Any) -> dict[str, str]:
    texts: dict[str, str] = {}
    for variant in variants or []:
        conditions = variant.get("condition") or []
        language = next((c.get("value") for c in conditions
                         if c.get("name") == "language"), "en")
        texts.setdefault(language, str(variant.get("text") or ""))
    if not texts.get("en") or not texts.get("sv"):
        raise MacroError(f"{name}: needs an English and a Swedish text")
    for language, text in texts.items():
        used = {field for _, field, _, _ in string.Formatter().parse(text) if field}
        if unknown := used - set(PLACEHOLDERS):
            raise MacroError(f"{name} ({language}): unknown placeholder "
                             f"{', '.join(sorted(unknown))}; use {', '.join(PLACEHOLDERS)}")
    return texts


def parse(document: Mapping[str, Any]) -> dict[str, Macro]:
    macros = {}
    for name, variants in (document.get("responses") or {}).items():
        match = _NAME.match(name)
        if not match:
            raise MacroError(f"{name}: macro names are utter_macro_ask_<name> or "
                             "utter_macro_reason_<name>")
        key = name.removeprefix(PREFIX)
        macros[key] = Macro(key=key, kind=match.group(1), texts=_texts(name, variants))
    return macros


@functools.lru_cache(maxsize=1)
def load(path: Path = MACROS_FILE) -> dict[str, Macro]:
    return parse(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


def of_kind(kind: str) -> list[Macro]:
    return [m for m in load().values() if m.kind == kind]


def get(key: str | None, kind: str) -> Macro | None:
    """The macro `key` of `kind`; None for no key; ValueError for an unknown one."""
    if not key:
        return None
    macro = load().get(key)
    if macro is None or macro.kind != kind:
        raise ValueError(f"unknown {kind} macro {key!r}")
    return macro


def values_for(ticket: Any, language: str, category_label: str) -> dict[str, str]:
    """Every placeholder's value for `ticket` (a TicketInfo or a PendingQuestion with
    `values`), so no text ever shows a bare {asset}."""
    fields = dict(getattr(ticket, "fields", None) or getattr(ticket, "values", None) or {})
    return {
        "ticket": ticket.reference,
        "category": category_label,
        "asset": str(fields.get("asset") or UNKNOWN["asset"][language]),
        "network": str(fields.get("network") or UNKNOWN["network"][language]),
    }

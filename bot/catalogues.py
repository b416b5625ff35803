"""gettext catalogues of the project's own pages (the chat page, the console), read with
Babel, and the browser's language.

English is each catalogue's message id; a Swedish `.po` sits in
`<package>/locale/sv/LC_MESSAGES/<domain>.po`. The `.po` is the one file kept: it is
compiled in memory when first read, so no compiled `.mo` can go stale.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from bot.i18n import LANGUAGES

DEFAULT = "en"  # the message ids' language


def N_(text: str) -> str:  # noqa: N802 - gettext's name for "mark, translate later"
    return text


@lru_cache(maxsize=16)
def translations(locale: Path, domain: str, language: str) -> NullTranslations:
    """gettext translations of `domain` for `language`; English (and anything else) as
    written."""
    po = locale / language / "LC_MESSAGES" / f"{domain}.po"
    if language == DEFAULT or language not in LANGUAGES or not po.is_file():
        return NullTranslations()
    with po.open("rb") as source:
        catalog = read_po(source, locale=language, domain=domain)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=domain)


_RANGE = re.compile(r"^([a-zA-Z]{1,8})(?:-[a-zA-Z0-9]{1,8})*$")


def browser_language(accept_language: str | None) -> str | None:
    """The first language the pages speak in an Accept-Language header, by the
    browser's order of preference (q-values), or None."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "")[:1000].split(",")):
        tag, _, params = part.strip().partition(";")
        match = _RANGE.match(tag.strip())
        if not match:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, position, match.group(1).lower()))
    for negative_quality, _, primary in sorted(ranked):
        if negative_quality < 0 and primary in LANGUAGES:
            return primary
    return None

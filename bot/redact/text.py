"""The text every detector reads: same length and offsets as the message, fewer spellings.

A no-break, narrow or thin space, a zero-width space, a fullwidth digit or letter, an
en dash or a middle dot is how a secret slips past a pattern written for ASCII. Folding
each character to one ASCII look-alike keeps every offset, so a find in the folded text
is cut out of the original at the same place.
"""

from __future__ import annotations

import unicodedata

# Invisible characters that people (or their keyboards) put between groups of a secret.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\u180e\ufeff")
# Dot-like marks used as separators ("4111·1111", "abandon•ability").
_DOTS = frozenset("\u00b7\u2022\u2027\u2219\u22c5\u30fb\uff0e\u2024")


def fold(text: str) -> str:
    """`text` with each character replaced by a one-character ASCII equivalent, if any."""
    if text.isascii():
        return text
    return "".join(_fold_char(ch) for ch in text)


def _fold_char(ch: str) -> str:
    if ch.isascii():
        return ch
    if ch in _INVISIBLE:
        return " "
    if ch in _DOTS:
        return "."
    category = unicodedata.category(ch)
    if category in ("Zs", "Zl", "Zp"):
        return " "
    if category == "Pd" or ch == "\u2212":
        return "-"
    normal = unicodedata.normalize("NFKC", ch)
    return normal if len(normal) == 1 else ch

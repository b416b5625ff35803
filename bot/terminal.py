"""The operator's terminal, shared by the command lines: who is at it, user-supplied
strings made harmless to print, and rows aligned into a table."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence
from typing import Any


def operator_name() -> str:
    """Who runs the command, for the records it writes: $USER, else "cli"."""
    return os.environ.get("USER") or "cli"


def clean(value: Any) -> str:
    """Printable text: user-supplied strings must not drive the agent's terminal
    (ANSI escapes, bidi overrides, newlines)."""
    if value is None:
        return "-"
    text = str(value)
    return "".join(
        ch.encode("unicode_escape").decode("ascii")
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")
        else ch
        for ch in text
    )


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = [headers, *rows]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )

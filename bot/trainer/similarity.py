"""How alike two training examples are: text normalised for comparison, and the
character-trigram Jaccard similarity of two normalised texts."""

from __future__ import annotations

import re
import unicodedata

# Rasa's entity markup: [text](entity), [text](entity:value), [text]{"entity": ...}.
_ENTITY_MARKUP = re.compile(r"\[([^\]]+?)\](?:\([^)]*\)|\{[^}]*\}|\[[^\]]*\])")


def normalise(text: str) -> str:
    """Case, spacing, punctuation and entity markup ignored: "Hi,  there!" -> "hi there"."""
    text = _ENTITY_MARKUP.sub(r"\1", text)
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"['’`´]", "", text)  # don't == dont
    text = "".join(" " if unicodedata.category(ch)[0] in "PSC" else ch for ch in text)
    return " ".join(text.split())


def trigrams(normalised: str) -> frozenset[str]:
    padded = f" {normalised} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)

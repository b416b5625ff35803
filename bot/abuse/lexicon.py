"""Compile lexicon.yml (word lists and patterns, English and Swedish) into regexes.

Entry syntax is described at the top of lexicon.yml. Each list becomes one alternation
regex over whole words, compiled twice: with the list's false friends (used when the
message is known to be in the list's language) and without them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

LEXICON_FILE = Path(__file__).with_name("lexicon.yml")
LANGUAGES = ("en", "sv")
WORD_LISTS = ("profanity", "mild", "insults", "targeted", "slurs")
PATTERN_KINDS = ("threats", "discrimination", "insults")

_LEFT, _RIGHT = r"(?<![\w'])", r"(?![\w])"


@dataclass(frozen=True)
class LanguageLexicon:
    # list name -> (regex with false friends, regex without them); None for an empty list
    words: dict[str, tuple[re.Pattern[str] | None, re.Pattern[str] | None]]
    reader: re.Pattern[str]  # "you", "du", ...
    staff: re.Pattern[str]  # "support", "kundtjänsten", ...
    patterns: dict[str, tuple[re.Pattern[str], ...]]  # threats, discrimination


@dataclass(frozen=True)
class Lexicon:
    languages: dict[str, LanguageLexicon]
    masked: tuple[re.Pattern[str], ...]


def entry_regex(entry: str, endings: str) -> str:
    """One list entry -> a regex fragment (without the word boundaries)."""
    exact = entry.startswith("=")
    word = entry.lstrip("=")
    as_suffix, as_prefix = word.startswith("*"), word.endswith("*")
    word = word.strip("*")
    body = r"\s+".join(re.escape(part) for part in word.split())
    if as_suffix:
        body = r"\w*" + body
    if as_prefix:
        return body + r"\w*"
    return body if exact else body + endings


def bare(entry: str) -> str:
    return entry.lstrip("=").strip("*")


# Swedish typed on a keyboard without å, ä, ö: "javla", "vardelosa", "hall kaften".
_FOLD = str.maketrans("åäö", "aao")
# A folded spelling shorter than this is too often another word ("röv" -> "rov", prey).
_MIN_FOLDED = 4


def with_folded(entries: list[str]) -> list[str]:
    """`entries` and, for those with å, ä or ö, the same entry spelt without them."""
    folded = [e.translate(_FOLD) for e in entries
              if e != e.translate(_FOLD) and len(bare(e).replace(" ", "")) >= _MIN_FOLDED]
    return entries + folded


def _alternation(entries: list[str], endings: str) -> re.Pattern[str] | None:
    if not entries:
        return None
    # Longest first, so "fucking" wins over "fuck" + an ending that does not fit.
    parts = sorted({entry_regex(e, endings) for e in entries}, key=len, reverse=True)
    return re.compile(f"{_LEFT}(?:{'|'.join(parts)}){_RIGHT}")


def _language(data: dict[str, Any], lang: str) -> LanguageLexicon:
    endings = "(?:" + "|".join(sorted(data[f"{lang}_endings"], key=len, reverse=True)) + ")?"
    lists = data[lang]
    false_friends = {bare(e) for e in lists.get("false_friends", [])}
    words = {}
    for name in WORD_LISTS:
        entries = [str(e) for e in lists.get(name, [])]
        if lang == "sv":
            entries = with_folded(entries)
        safe = [e for e in entries if bare(e) not in false_friends]
        words[name] = (_alternation(entries, endings), _alternation(safe, endings))
    targets = data["targets"][lang]
    groups = "(?:" + "|".join(
        r"\s+".join(map(re.escape, g.split()))
        for g in sorted(data["groups"][lang], key=len, reverse=True)
    ) + ")"
    patterns = {
        kind: tuple(
            re.compile(p.replace("{group}", groups)) for p in data["patterns"][kind][lang]
        )
        for kind in PATTERN_KINDS
    }
    return LanguageLexicon(
        words=words,
        reader=_alternation(targets["reader"], endings) or re.compile(r"(?!)"),
        staff=_alternation(targets["staff"], endings) or re.compile(r"(?!)"),
        patterns=patterns,
    )


@lru_cache(maxsize=1)
def lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    return Lexicon(
        languages={lang: _language(data, lang) for lang in LANGUAGES},
        masked=tuple(re.compile(p) for p in data["patterns"]["masked"]["any"]),
    )

"""Abusive words and threats in a message replaced by one placeholder word.

    mask("you f*cking idi0ts, my account got hacked", "en")
    -> "you xabusex xabusex, my account got hacked"

The intent classifier reads the masked text (bot/nlu/intent_classifier.py): every way of
spelling an insult ("f*ck", "FUUUCK", "idi0t", "j@vla") becomes the same word, so the
words of the case decide the intent and the insult counts only as one signal among them.
An abuse-only message is all placeholders, which the classifier learns as `insult`.

Only lists that carry no meaning for a case are masked: swearing, insults, slurs and
threat phrases. Words that insult only when aimed ("scammer", "useless", "thief",
"bedragare") stay: "a scammer pretending to be your support" is an impersonation report.
"""

from __future__ import annotations

import re
import unicodedata

from bot.abuse.detector import normalise
from bot.abuse.lexicon import LANGUAGES, lexicon
from bot.language import detect_language

PLACEHOLDER = "xabusex"
MASKED_LISTS = ("profanity", "mild", "insults", "slurs")
MASKED_PATTERNS = ("threats", "discrimination")


def abusive_spans(norm: str, language: str | None) -> list[tuple[int, int]]:
    """Sorted, merged (start, end) spans of abuse in `norm` (a `normalise`d text)."""
    lex = lexicon()
    spans: list[tuple[int, int]] = []
    for code, ll in lex.languages.items():
        # As in detect(): Swedish lists not on English text; false friends ("slut", "fan")
        # only in a message known to be in their own language.
        if code == "sv" and language == "en":
            continue
        own = language == code
        for name in MASKED_LISTS:
            with_ff, without_ff = ll.words[name]
            pattern = with_ff if own else without_ff
            if pattern is not None:
                spans += [m.span() for m in pattern.finditer(norm)]
        for kind in MASKED_PATTERNS:
            for p in ll.patterns[kind]:
                spans += [m.span() for m in p.finditer(norm)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mask(text: str, language: str | None = None) -> str:
    """`text` normalised (lower case, de-leeted) with each abusive word or threat phrase
    replaced by PLACEHOLDER, one per word it covered."""
    raw = unicodedata.normalize("NFKC", text or "").casefold()
    # Masked swearing ("f***ing", "sh*t") before de-leeting turns its symbols to letters.
    for p in lexicon().masked:
        raw = p.sub(PLACEHOLDER, raw)
    norm = normalise(raw)
    lang = language if language in LANGUAGES else detect_language(norm)
    spans = abusive_spans(norm, lang)
    if not spans:
        return norm
    parts: list[str] = []
    last = 0
    for start, end in spans:
        parts.append(norm[last:start])
        words = max(1, len(norm[start:end].split()))
        parts.append(" ".join([PLACEHOLDER] * words))
        last = end
    parts.append(norm[last:])
    return re.sub(r"[ \t]+", " ", "".join(parts)).strip()

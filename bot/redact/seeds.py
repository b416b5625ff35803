"""BIP39 seed phrases: runs of words from the English list, whatever joins them.

Thresholds, from the strongest evidence to the weakest:
- 12+ words in a run: a phrase (prose never runs 12 list words in a row);
- 6+ words right after "seed phrase" / "fras" / "recovery words" ...;
- 6+ different words, no other word between them, that are the whole message or are
  joined without spaces ("abandon.ability..."): the first half of a phrase split over
  two messages looks like this. In the training and evaluation data (10,499 messages,
  en + sv) only "trash company trash bot trash staff" is 6 list words alone (repeated);
- after the previous message announced a phrase: 4+ words; after it gave part of one:
  3+ words (the rest of the phrase).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.redact.context import SEED, Context, Secret

MIN_SEED_WORDS = 12
MIN_SEED_WORDS_ANNOUNCED = 6  # after "seed phrase", "recovery words", "fras", ...
MIN_SEED_WORDS_ALONE = 6  # the whole message, or words joined without spaces
MIN_SEED_WORDS_AFTER_ANNOUNCEMENT = 4  # the previous message announced a phrase
MIN_SEED_WORDS_CONTINUED = 3  # the previous message gave the start of a phrase
MAX_SEED_WORDS = 24


@lru_cache(maxsize=1)
def bip39_words() -> frozenset[str]:
    """The English BIP39 word list (2048 words), shipped by the `mnemonic` package."""
    from mnemonic import Mnemonic

    words = frozenset(Mnemonic("english").wordlist)
    assert len(words) == 2048, "unexpected BIP39 word list"
    return words


# A word: a run of letters (Swedish ones too: "även" is not "ven"); an ASCII run that is
# no list word is split where a capital follows a small letter ("AbandonAbility").
_WORD = re.compile(r"[^\W\d_]+")
_CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
# Between two words: a sentence end is punctuation followed by a space (". "), not a dot
# joining two words ("abandon.ability") and not numbering ("1. abandon 2. ability").
_SENTENCE_END = re.compile(r"[^\d.!?]*[.!?]+\s[^\d]*|[^\d.!?]*[!?]+[^\d]*")
SEED_CONTEXT = re.compile(
    r"(?i)\b(?:seed|mnemonic|recovery|backup|secret)\s*(?:phrase|words?)?\b"
    r"|\b(?:seed|återställnings|återskapnings|backup)?fras(?:en)?\b"
    r"|\b(?:\d{2}|tolv|tjugofyra|twelve|twenty[- ]four)\s+(?:ord|words)\b"
    r"|\bord(?:en)?\s+(?:till|för)\s+(?:min|mitt|plånbok\w*)"
)
# List words that name the phrase rather than belong to it ("my seed phrase: ...").
_NAMING_WORDS = frozenset({"seed", "phrase", "secret", "word", "words", "recovery", "backup"})


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    hit: bool


def tokens(text: str) -> list[_Token]:
    words = bip39_words()
    found = []
    for m in _WORD.finditer(text):
        # Letters glued to digits ("abc123") are not a list word.
        glued = (m.start() > 0 and text[m.start() - 1].isdigit()) or (
            m.end() < len(text) and text[m.end()].isdigit())
        word = m.group()
        if glued or word.lower() in words or not word.isascii():
            found.append(_Token(m.start(), m.end(), not glued and word.lower() in words))
            continue
        for part in _CAMEL.finditer(word):
            found.append(_Token(m.start() + part.start(), m.start() + part.end(),
                                part.group().lower() in words))
    return found


def find(text: str, context: Context) -> tuple[list[Secret], int]:
    """(seed phrases in `text`, words of a phrase that may go on in the next message)."""
    toks = tokens(text)
    found: list[Secret] = []
    carried = 0
    i = 0
    while i < len(toks):
        if not toks[i].hit:
            i += 1
            continue
        last_hit, run_end = _run(text, toks, i)
        run = toks[i : last_hit + 1]
        words = [text[t.start : t.end].lower() for t in run]
        needed = _needed(text, toks, run, i, last_hit, words, context)
        # A typo is bridged as long as what is left is a phrase by the strictest measure.
        first, last = _tighten([t.hit for t in run], words, MIN_SEED_WORDS)
        if last - first + 1 < MIN_SEED_WORDS:
            first, last = _tighten([t.hit for t in run], words, needed)
        if last - first + 1 >= needed:
            found.append(Secret(SEED, run[first].start, run[last].end))
            count = last - first + 1
            if count < MAX_SEED_WORDS and _ends(text, run[last].end):
                carried = count  # ends the message: the rest may follow
            i = max(run_end, last_hit + 1)
        elif i < run_end - 1 < len(toks) - 1 and toks[run_end - 1].hit:
            # The run ended at a sentence end after a longer sentence ("my seed phrase is
            # abandon . ability . able ..."): its last word may begin a list of one-word
            # sentences, so it is read again as the start of a run.
            i = run_end - 1
        else:
            i = max(run_end, last_hit + 1)
    return found, carried


def _ends(text: str, position: int) -> bool:
    return not text[position:].strip(" .,;:-_/|\n\t")


def _run(text: str, toks: list[_Token], i: int) -> tuple[int, int]:
    """(index of the last hit of the run starting at `i`, index after the run). Single
    misses (a typo) are bridged, at most one per 12 hits; the end of a sentence of more
    than one word ends the run."""
    j, hits, misses, last_hit, sentence = i, 0, 0, i, i
    while j < len(toks):
        if j > i and _SENTENCE_END.fullmatch(text[toks[j - 1].end : toks[j].start]):
            if j - sentence > 1:
                break
            sentence = j  # one-word "sentences" are a list: "abandon. ability. able."
        if toks[j].hit:
            hits, last_hit = hits + 1, j
        else:
            nxt = j + 1 < len(toks) and toks[j + 1].hit
            if not nxt or misses + 1 > max(1, (hits + 1) // MIN_SEED_WORDS):
                break
            misses += 1
        j += 1
    return last_hit, j


def _needed(text: str, toks: list[_Token], run: list[_Token], i: int, last_hit: int,
            words: list[str], context: Context) -> int:
    # Prose has short words between list words ("what can you do about it") and repeats
    # words ("trash company trash bot trash staff"); a phrase has neither.
    clean = all(t.hit for t in run)
    if context.seed_words and i == _first_hit(toks) and clean:
        return MIN_SEED_WORDS_CONTINUED
    k = next((n for n, t in enumerate(run) if t.hit and words[n] not in _NAMING_WORDS), 0)
    if SEED_CONTEXT.search(text[max(0, run[k].start - 60) : run[k].start]):
        return MIN_SEED_WORDS_ANNOUNCED
    if context.says(SEED) and clean:
        return MIN_SEED_WORDS_AFTER_ANNOUNCEMENT
    if not clean or len(set(words)) < MIN_SEED_WORDS_ALONE:
        return MIN_SEED_WORDS
    alone = i == 0 and last_hit == len(toks) - 1  # nothing but the run (and numbering)
    gaps = [text[a.end : b.start] for a, b in zip(run, run[1:], strict=False)]
    joined = bool(gaps) and sum(not any(c.isspace() for c in g) for g in gaps) * 2 > len(gaps)
    return MIN_SEED_WORDS_ALONE if alone or joined else MIN_SEED_WORDS


def _first_hit(toks: list[_Token]) -> int:
    return next((n for n, t in enumerate(toks) if t.hit), -1)


def _tighten(hits: list[bool], words: list[str], needed: int) -> tuple[int, int]:
    """First and last index of the phrase within a run: a bridged miss near an end, and
    any words beyond it, are dropped when enough words remain without them, and so are
    leading words that name the phrase ("seed phrase is abandon ..." -> "abandon ...")."""
    first, last = 0, len(hits) - 1
    while True:
        misses = [k for k in range(first, last + 1) if not hits[k]]
        if misses and last - misses[0] >= needed:
            first = misses[0] + 1
        elif misses and misses[-1] - first >= needed:
            last = misses[-1] - 1
        elif words[first] in _NAMING_WORDS and last - first >= needed:
            first += 1
        else:
            return first, last


def announces(text: str) -> bool:
    return SEED_CONTEXT.search(text) is not None

"""The checks of the NLU data and responses that `rasa data validate` lacks
(`supportbot validate`, bot/trainer/validate.py, runs them):

- error   duplicate        the same example (ignoring case, spacing, punctuation and entity
                           markup) under two intents, in any languages;
- error   missing_language a `utter_*` response without an English variant (no condition,
                           or `language: en`) or without a Swedish one (`language: sv`);
- warning near_duplicate   two examples of different intents that are nearly the same
                           (character-trigram Jaccard similarity >= 0.8);
- warning repeated         the same example twice in one intent and language;
- warning too_few          an intent (each `faq/<topic>` on its own) with fewer than 15
                           examples in a language (40 for urgent intents);
- warning imbalance        an intent whose example counts differ between languages by more
                           than 2:1.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

from bot.trainer.labels import URGENT_INTENTS
from bot.trainer.nlu_data import EXTERNAL_PREFIX, Example
from bot.trainer.similarity import normalise, trigrams

ERROR = "error"
WARNING = "warning"
MIN_EXAMPLES = 15
MIN_URGENT_EXAMPLES = 40  # at least 40 per urgent intent and language
IMBALANCE_RATIO = 2.0
NEAR_DUPLICATE_SIMILARITY = 0.8
_ROWS_AT_A_TIME = 512  # a block of X @ X.T: 512 x ~9,000 floats, ~40 MB
LANGUAGE_SLOT = "language"
ENGLISH, SWEDISH = "en", "sv"


@dataclass(frozen=True)
class Problem:
    level: str
    check: str
    message: str
    detail: dict[str, Any] = field(default_factory=dict)



def _quote(text: str, limit: int = 70) -> str:
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return json.dumps(text, ensure_ascii=False)



def check_duplicates(examples: Sequence[Example]) -> list[Problem]:
    """Errors for one text under several labels; warnings for repeats within a label."""
    groups: dict[str, list[Example]] = defaultdict(list)
    for ex in examples:
        key = normalise(ex.text)
        if key:
            groups[key].append(ex)
    problems = []
    for key, group in groups.items():
        labels = sorted({ex.label for ex in group})
        if len(labels) > 1:
            places = ", ".join(f"{ex.label} ({ex.language}, {ex.where})" for ex in group)
            problems.append(
                Problem(
                    ERROR,
                    "duplicate",
                    f"{_quote(group[0].text)} is an example of {len(labels)} intents: {places}",
                    {
                        "text": group[0].text,
                        "normalised": key,
                        "intents": labels,
                        "places": [_place(ex) for ex in group],
                    },
                )
            )
            continue
        # Within one intent only true repeats count: "0.5 BTC" and "0,5 BTC" are variety.
        per_language = Counter((ex.language, _same_text(ex.text)) for ex in group)
        for (language, text), n in sorted(per_language.items()):
            if n > 1:
                places = [
                    ex for ex in group if ex.language == language and _same_text(ex.text) == text
                ]
                problems.append(
                    Problem(
                        WARNING,
                        "repeated",
                        f"{_quote(group[0].text)} appears {n} times in {labels[0]} ({language}): "
                        + ", ".join(ex.where for ex in places),
                        {
                            "text": group[0].text,
                            "intent": labels[0],
                            "language": language,
                            "places": [_place(ex) for ex in places],
                        },
                    )
                )
    return problems


def _same_text(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _place(ex: Example) -> dict[str, Any]:
    return {
        "intent": ex.label,
        "language": ex.language,
        "file": ex.file,
        "line": ex.line,
        "text": ex.text,
    }


def near_duplicate_pairs(
    examples: Sequence[Example], threshold: float = NEAR_DUPLICATE_SIMILARITY
) -> list[tuple[float, Example, Example]]:
    """Pairs of examples of different labels with trigram Jaccard >= threshold.

    Exact duplicates (same normalised text) are left to check_duplicates. Every pair at
    once, a block of rows at a time: with the trigram sets as rows of a 0/1 matrix X,
    X @ X.T holds every |A & B|, and |A | B| = |A| + |B| - |A & B|, the same integers
    jaccard() divides (a Python loop over the ~9,000 examples' pairs took 16 s). In each
    pair the example with fewer trigrams comes first (the earlier one when equal).
    """
    keyed = [(ex, key, trigrams(key)) for ex in examples if (key := normalise(ex.text))]
    keyed.sort(key=lambda item: len(item[2]))
    if len(keyed) < 2:
        return []
    column: dict[str, int] = {}
    cells = [(row, column.setdefault(g, len(column)))
             for row, (_, _, grams) in enumerate(keyed) for g in grams]
    rows, columns = zip(*cells, strict=True)
    x = csr_matrix((np.ones(len(cells), dtype=np.int32), (rows, columns)),
                   shape=(len(keyed), len(column)))
    sizes = np.diff(x.indptr)
    label = np.unique([ex.label for ex, _, _ in keyed], return_inverse=True)[1]
    text = np.unique([key for _, key, _ in keyed], return_inverse=True)[1]
    later = np.arange(len(keyed))
    pairs = []
    for start in range(0, len(keyed), _ROWS_AT_A_TIME):
        block = slice(start, min(start + _ROWS_AT_A_TIME, len(keyed)))
        shared = (x[block] @ x.T).toarray()
        similarity = shared / (sizes[block, None] + sizes[None, :] - shared)
        alike = ((similarity >= threshold) & (later[None, :] > later[block, None])
                 & (label[block, None] != label[None, :]) & (text[block, None] != text[None, :]))
        for a, b in zip(*np.nonzero(alike), strict=True):
            pairs.append((float(similarity[a, b]), keyed[start + a][0], keyed[b][0]))
    pairs.sort(key=lambda p: (-p[0], p[1].label, p[1].text))
    return pairs


def check_near_duplicates(
    examples: Sequence[Example], threshold: float = NEAR_DUPLICATE_SIMILARITY
) -> list[Problem]:
    return [
        Problem(
            WARNING,
            "near_duplicate",
            f"{_quote(a.text)} ({a.label}, {a.language}, {a.where}) and {_quote(b.text)} "
            f"({b.label}, {b.language}, {b.where}) are {similarity:.0%} alike",
            {"similarity": round(similarity, 3), "places": [_place(a), _place(b)]},
        )
        for similarity, a, b in near_duplicate_pairs(examples, threshold)
    ]


def count_examples(
    examples: Iterable[Example], languages: Sequence[str], extra_labels: Iterable[str] = ()
) -> dict[str, dict[str, int]]:
    """{label: {language: number of distinct examples}}; faq topics counted one by one.

    `extra_labels` (the domain's intents) appear with zero counts when they have no data,
    except a retrieval intent whose `<intent>/<topic>` labels are counted instead, and
    EXTERNAL_* intents.
    """
    seen: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for ex in examples:
        key = _same_text(ex.text)  # repeats count once; "0.5 BTC" and "0,5 BTC" twice
        if key:
            seen[ex.label][ex.language].add(key)
    retrieval = {label.split("/", 1)[0] for label in seen if "/" in label}
    labels = set(seen) | {
        label
        for label in extra_labels
        # EXTERNAL_* intents are triggered through the API, never typed.
        if label not in retrieval and not label.startswith(EXTERNAL_PREFIX)
    }
    return {
        label: {lang: len(seen[label][lang]) if label in seen else 0 for lang in languages}
        for label in sorted(labels)
    }


def minimum_for(label: str, min_examples: int, min_urgent: int) -> int:
    return max(min_examples, min_urgent) if label in URGENT_INTENTS else min_examples


def check_too_few(
    counts: dict[str, dict[str, int]],
    min_examples: int = MIN_EXAMPLES,
    min_urgent: int = MIN_URGENT_EXAMPLES,
) -> list[Problem]:
    problems = []
    for label, per_language in counts.items():
        minimum = minimum_for(label, min_examples, min_urgent)
        for language, n in per_language.items():
            if n < minimum:
                problems.append(
                    Problem(
                        WARNING,
                        "too_few",
                        f"{label} has {n} examples in {language} (minimum {minimum})",
                        {"intent": label, "language": language, "count": n, "min": minimum},
                    )
                )
    return problems


def check_imbalance(
    counts: dict[str, dict[str, int]], ratio: float = IMBALANCE_RATIO
) -> list[Problem]:
    """Counts that differ by more than `ratio` between two languages (both non-zero;
    a language with none is reported by too_few)."""
    problems = []
    for label, per_language in counts.items():
        present = {lang: n for lang, n in per_language.items() if n > 0}
        if len(present) < 2:
            continue
        most = max(present, key=lambda lang: present[lang])
        least = min(present, key=lambda lang: present[lang])
        if present[most] > ratio * present[least]:
            shown = ", ".join(f"{lang} {n}" for lang, n in sorted(present.items()))
            problems.append(
                Problem(
                    WARNING,
                    "imbalance",
                    f"{label} is unbalanced across languages ({shown}; more than {ratio:g}:1)",
                    {"intent": label, "counts": dict(per_language), "ratio": ratio},
                )
            )
    return problems


def _conditions(variant: Any) -> list[dict[str, Any]]:
    condition = variant.get("condition") if isinstance(variant, dict) else None
    if not condition:
        return []
    items = condition if isinstance(condition, list) else [condition]
    return [dict(c) for c in items if isinstance(c, dict)]


def _language_of(variant: Any) -> str | None:
    """en for an unconditioned variant or `language: en`; the slot value otherwise;
    None for a conditional variant that does not name the language."""
    conditions = _conditions(variant)
    if not conditions:
        return ENGLISH
    for c in conditions:
        if c.get("type", "slot") == "slot" and c.get("name") == LANGUAGE_SLOT:
            return str(c.get("value"))
    return None


def check_response_languages(
    responses: dict[str, tuple[str, list[Any]]],
    required: Sequence[str] = (ENGLISH, SWEDISH),
) -> list[Problem]:
    problems = []
    for name, (file, variants) in sorted(responses.items()):
        if not name.startswith("utter_"):
            continue
        have = {_language_of(v) for v in variants}
        missing = [lang for lang in required if lang not in have]
        if missing:
            problems.append(
                Problem(
                    ERROR,
                    "missing_language",
                    f"{name} ({file}) has no {' or '.join(missing)} variant",
                    {"response": name, "file": file, "missing": missing},
                )
            )
    return problems

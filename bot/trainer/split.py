"""Stratified, seeded k-fold splits of the training data (`supportbot eval --folds K`):
every (language, label) keeps its share in each fold."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from typing import Protocol, TypeVar


class Labelled(Protocol):
    @property
    def text(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def lang(self) -> str: ...


T = TypeVar("T", bound=Labelled)


def _rank(seed: int, item: Labelled) -> bytes:
    return hashlib.sha256(f"{seed}\0{item.lang}\0{item.text}".encode()).digest()


def _strata(items: Sequence[T], seed: int) -> list[list[T]]:
    """Items grouped by (lang, label), each group in a seeded pseudo-random order.

    An item's place comes from a hash of its own text and the seed, not from a shuffle of
    the whole group: when trainers add examples, the ones already there keep their fold
    (nearly all of them), so cross-validation before and after an edit is measured on
    mostly the same folds. A shuffle reshuffled every stratum an edit touched, and the
    figures moved by +-0.03 with the split alone.
    """
    groups: dict[tuple[str, str], list[T]] = defaultdict(list)
    for item in items:
        groups[(item.lang, item.label)].append(item)
    return [sorted(groups[key], key=lambda item: _rank(seed, item)) for key in sorted(groups)]


def kfold_splits(items: Sequence[T], k: int = 5, seed: int = 42) -> list[tuple[list[T], list[T]]]:
    """k (train, test) pairs; every item is in exactly one test fold.

    Items of each stratum are dealt round-robin, starting where the previous stratum
    stopped, so folds differ in size by at most one.
    """
    if k < 2:
        raise ValueError("k must be at least 2")
    folds: list[list[T]] = [[] for _ in range(k)]
    start = 0
    for group in _strata(items, seed):
        for i, item in enumerate(group):
            folds[(start + i) % k].append(item)
        start = (start + len(group)) % k
    return [
        ([item for j, fold in enumerate(folds) if j != i for item in fold], folds[i])
        for i in range(k)
    ]

"""The held-out and k-fold splits: stratified, deterministic, disjoint."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest

from bot.trainer.split import kfold_splits


@dataclass(frozen=True)
class Ex:
    text: str
    label: str
    lang: str


def corpus() -> list[Ex]:
    sizes = {
        ("en", "greet"): 10,
        ("sv", "greet"): 7,
        ("en", "faq/a"): 5,
        ("en", "faq/b"): 3,
        ("sv", "report_account_hacked"): 41,
        ("en", "single"): 1,
    }
    return [
        Ex(f"{lang} {label} {i}", label, lang)
        for (lang, label), n in sizes.items()
        for i in range(n)
    ]


def strata(items: list[Ex]) -> Counter:
    return Counter((e.lang, e.label) for e in items)


def test_kfold_covers_every_example_exactly_once() -> None:
    folds = kfold_splits(corpus(), k=5, seed=3)
    assert len(folds) == 5
    tested = [e for _, test in folds for e in test]
    assert sorted(tested, key=str) == sorted(corpus(), key=str)
    for train, test in folds:
        assert not set(train) & set(test)
        assert len(train) + len(test) == len(corpus())
    sizes = [len(test) for _, test in folds]
    assert max(sizes) - min(sizes) <= 1
    # stratified: 41 hacked reports spread 8 or 9 per fold
    assert {strata(test)[("sv", "report_account_hacked")] for _, test in folds} <= {8, 9}
    assert kfold_splits(corpus(), 5, 3) == folds


@pytest.mark.parametrize("bad", [0, 1])
def test_kfold_needs_two_folds(bad: int) -> None:
    with pytest.raises(ValueError):
        kfold_splits(corpus(), bad)

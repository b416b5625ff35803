"""The held-out and k-fold splits: stratified, deterministic, disjoint."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest

from bot.trainer.split import holdout_split, kfold_splits


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


def test_holdout_is_stratified_by_language_and_full_label() -> None:
    train, test = holdout_split(corpus(), 0.2, seed=1)
    assert strata(test) == {
        ("en", "greet"): 2,
        ("sv", "greet"): 1,
        ("en", "faq/a"): 1,
        ("en", "faq/b"): 1,
        ("sv", "report_account_hacked"): 8,
    }
    # a single example stays in train: the model needs to have seen the label once
    assert strata(train)[("en", "single")] == 1
    assert strata(train) + strata(test) == strata(corpus())


def test_holdout_parts_are_disjoint_and_complete() -> None:
    train, test = holdout_split(corpus(), 0.2, seed=1)
    assert not set(train) & set(test)
    assert sorted(train + test, key=str) == sorted(corpus(), key=str)


def test_holdout_is_deterministic_and_seeded() -> None:
    assert holdout_split(corpus(), 0.2, seed=7) == holdout_split(corpus(), 0.2, seed=7)
    # only content and seed matter, not the order of files or examples
    assert holdout_split(list(reversed(corpus())), 0.2, 7) == holdout_split(corpus(), 0.2, 7)
    assert holdout_split(corpus(), 0.2, seed=7)[1] != holdout_split(corpus(), 0.2, seed=8)[1]


def test_adding_examples_keeps_the_old_test_texts_in_test() -> None:
    before = holdout_split(corpus(), 0.2, seed=42)[1]
    grown = corpus() + [Ex(f"sv new hacked {i}", "report_account_hacked", "sv") for i in range(9)]
    after = holdout_split(grown, 0.2, seed=42)[1]
    # 41 -> 50 examples: the test share grows from 8 to 10; nearly all old ones stay.
    assert len(set(before) & set(after)) >= len(before) - 2


def test_small_strata_keep_one_example_on_each_side() -> None:
    items = [Ex("a", "x", "en"), Ex("b", "x", "en")]
    train, test = holdout_split(items, 0.01, seed=0)
    assert len(train) == 1 and len(test) == 1
    train, test = holdout_split(items, 0.99, seed=0)
    assert len(train) == 1 and len(test) == 1


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


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.1])
def test_holdout_fraction_must_be_a_share(bad: float) -> None:
    with pytest.raises(ValueError):
        holdout_split(corpus(), bad)

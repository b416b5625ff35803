"""Classification metrics, written out so a trainer can read what a number means."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class LabelScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int  # gold examples with this label

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ratio(num: int, den: int) -> float:
    # 0/0 is scored 0, as scikit-learn's zero_division=0 does.
    return num / den if den else 0.0


def per_label(gold: Sequence[str], pred: Sequence[str]) -> dict[str, LabelScore]:
    """Precision, recall, F1 for every label seen in gold or predictions."""
    if len(gold) != len(pred):
        raise ValueError("gold and pred differ in length")
    true_pos = Counter(g for g, p in zip(gold, pred, strict=True) if g == p)
    gold_n, pred_n = Counter(gold), Counter(pred)
    scores = {}
    for label in sorted(gold_n.keys() | pred_n.keys()):
        precision = _ratio(true_pos[label], pred_n[label])
        recall = _ratio(true_pos[label], gold_n[label])
        f1 = _ratio(2 * precision * recall, precision + recall) if precision + recall else 0.0
        scores[label] = LabelScore(label, precision, recall, f1, gold_n[label])
    return scores


def macro_f1(scores: dict[str, LabelScore]) -> float:
    """Mean F1 over labels that occur in gold. A label only ever predicted (such as
    nlu_fallback) is not averaged in; its wrong predictions already cost recall."""
    gold_labels = [s.f1 for s in scores.values() if s.support]
    return sum(gold_labels) / len(gold_labels) if gold_labels else 0.0


def accuracy(gold: Sequence[str], pred: Sequence[str]) -> float:
    return _ratio(sum(g == p for g, p in zip(gold, pred, strict=True)), len(gold))


def group_recall(gold: Sequence[str], pred: Sequence[str], group: Collection[str]) -> float:
    """Of the examples whose gold label is in `group`, the share predicted exactly right
    (a hacked account read as a missing deposit counts as missed: wrong form, wrong queue)."""
    pairs = [(g, p) for g, p in zip(gold, pred, strict=True) if g in group]
    return _ratio(sum(g == p for g, p in pairs), len(pairs))


def false_group_rate(gold: Sequence[str], pred: Sequence[str], group: Collection[str]) -> float:
    """Of the examples whose gold label is NOT in `group`, the share predicted into it."""
    preds = [p for g, p in zip(gold, pred, strict=True) if g not in group]
    return _ratio(sum(p in group for p in preds), len(preds))


def share(pred: Sequence[str], group: Collection[str]) -> float:
    """Share of predictions falling in `group` (for text whose gold is all out of scope)."""
    return _ratio(sum(p in group for p in pred), len(pred))


def confusion(gold: Sequence[str], pred: Sequence[str]) -> tuple[list[str], list[list[int]]]:
    """(labels, matrix) with matrix[i][j] = count of gold labels[i] predicted labels[j]."""
    labels = sorted(set(gold) | set(pred))
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, pred, strict=True):
        matrix[index[g]][index[p]] += 1
    return labels, matrix

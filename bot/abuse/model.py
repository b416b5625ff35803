"""English profanity score from alt-profanity-check's shipped linear model.

The package's own `predict_prob` goes through scikit-learn's sparse pipeline, which costs
~2 ms per single message; the model is a TF-IDF vectorizer and a calibrated linear SVM,
so the same probability is computed here from the fitted weights in plain Python
(~20 µs). tests/abuse checks that both agree. Loaded once, on first use.
"""

from __future__ import annotations

import math
import threading
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class _Calibrated:
    weights: dict[str, float]  # token -> w * idf, for the vectorizer's vocabulary
    intercept: float
    a: float  # Platt scaling: p = 1 / (1 + exp(a * decision + b))
    b: float


@dataclass(frozen=True)
class LinearScorer:
    analyzer: Callable[[str], list[str]]
    idf: dict[str, float]
    members: tuple[_Calibrated, ...]  # CalibratedClassifierCV averages its folds

    def prob(self, text: str) -> float:
        counts = Counter(t for t in self.analyzer(text) if t in self.idf)
        if not counts:
            return self._average({})
        tfidf = {t: n * self.idf[t] for t, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in tfidf.values()))
        return self._average({t: v / norm for t, v in tfidf.items()})

    def _average(self, x: dict[str, float]) -> float:
        total = 0.0
        for m in self.members:
            decision = m.intercept + sum(v * m.weights.get(t, 0.0) for t, v in x.items())
            total += _sigmoid(-(m.a * decision + m.b))
        return min(1.0, total / len(self.members))


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def library_models() -> tuple[object, object]:
    """(vectorizer, model) as the package ships them (also for the equivalence test)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pkg_resources deprecation notices on import
        from profanity_check.profanity_check import model, vectorizer
    return vectorizer, model


def _build() -> LinearScorer:
    vectorizer, model = library_models()
    vocabulary: dict[str, int] = vectorizer.vocabulary_  # type: ignore[attr-defined]
    idf_values = vectorizer.idf_  # type: ignore[attr-defined]
    idf = {t: float(idf_values[i]) for t, i in vocabulary.items()}
    members = []
    for calibrated in model.calibrated_classifiers_:  # type: ignore[attr-defined]
        svm = getattr(calibrated, "base_estimator", None) or calibrated.estimator
        coef = svm.coef_[0]
        (calibrator,) = calibrated.calibrators  # binary: one calibrator, for class 1
        members.append(
            _Calibrated(
                weights={t: float(coef[i]) for t, i in vocabulary.items() if coef[i] != 0.0},
                intercept=float(svm.intercept_[0]),
                a=float(calibrator.a_),
                b=float(calibrator.b_),
            )
        )
    return LinearScorer(vectorizer.build_analyzer(), idf, tuple(members))


_lock = threading.Lock()
_scorer: LinearScorer | None = None


def scorer() -> LinearScorer:
    global _scorer
    if _scorer is None:
        with _lock:
            if _scorer is None:
                _scorer = _build()
    return _scorer


def profanity_prob(text: str) -> float:
    """Probability (0..1) that English `text` is offensive, per alt-profanity-check."""
    return scorer().prob(text)

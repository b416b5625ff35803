"""A multinomial logistic regression over TF-IDF word and character n-grams, plus one
feature per named regex of the training data (the trainers' cues in patterns.yml, which
Rasa's RegexFeaturizer would have turned into features the same way).

The intent classifier and the FAQ topic selector (bot/nlu/intent_classifier.py,
bot/nlu/faq_selector.py) are this model on different labels. It trains in seconds where
DIET took minutes on the same data, and it is saved as plain arrays and JSON (no pickle),
so loading a model file cannot run code.

    model = LinearTextModel.fit(texts, labels, LinearSettings(c=30))
    model.probabilities(["my account was hacked"])  # rows sum to 1, columns: model.labels
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

WORD_TOKENS = r"(?u)\b\w+\b"  # one-letter words count: "i", "u", "ni", "å"
WORD = re.compile(r"[^\W_]")


@dataclass(frozen=True)
class LinearSettings:
    c: float = 30.0  # inverse L2 strength; see config.yml for the measurement
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    char_min_df: int = 2  # a character n-gram seen once is mostly a typo of one example
    balanced: bool = True  # classes weighted by their inverse frequency
    max_iter: int = 3000
    # newton-cg reaches lbfgs's optimum (probabilities within 4e-4 on our data) in 19
    # iterations instead of 193: 22 s instead of 42 s on 8,581 examples; stopping at a
    # gradient of 1e-2 instead of 1e-4 takes 13 (16 s), probabilities within 7e-4.
    solver: str = "newton-cg"
    tol: float = 1e-2


def _softmax(scores: np.ndarray, labels: int) -> np.ndarray:
    if labels == 2:  # sklearn's binary model: one logit, for the second label
        p1 = 1.0 / (1.0 + np.exp(-scores[:, 0]))
        return np.column_stack([1.0 - p1, p1])
    scores = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(scores)
    return exp / exp.sum(axis=1, keepdims=True)


def _classifier(settings: LinearSettings) -> LogisticRegression:
    return LogisticRegression(
        C=settings.c,
        class_weight="balanced" if settings.balanced else None,
        max_iter=settings.max_iter,
        solver=settings.solver,
        tol=settings.tol,
        random_state=0,  # the solvers here are deterministic; fixed anyway
    )


def _vectorizers(settings: LinearSettings) -> list[TfidfVectorizer]:
    return [
        TfidfVectorizer(analyzer="word", ngram_range=tuple(settings.word_ngrams),
                        token_pattern=WORD_TOKENS, sublinear_tf=True, lowercase=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(settings.char_ngrams),
                        min_df=settings.char_min_df, sublinear_tf=True, lowercase=True),
    ]


class RegexCues:
    """One 0/1 feature per name: whether any of the name's patterns matches."""

    def __init__(self, patterns: Mapping[str, Sequence[str]]) -> None:
        self.patterns = {name: list(p) for name, p in sorted(patterns.items())}
        self._compiled = [[re.compile(p) for p in ps] for ps in self.patterns.values()]

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        rows = [[float(any(p.search(t) for p in ps)) for ps in self._compiled] for t in texts]
        return sp.csr_matrix(np.array(rows, dtype=np.float64).reshape(len(texts), -1))


@dataclass
class LinearTextModel:
    settings: LinearSettings
    vectorizers: list[TfidfVectorizer]
    cues: RegexCues
    labels: list[str]
    coef: np.ndarray  # (labels, features); binary models keep sklearn's one row
    intercept: np.ndarray

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        settings: LinearSettings,
        patterns: Mapping[str, Sequence[str]] | None = None,
        start: LinearTextModel | None = None,
    ) -> LinearTextModel:
        """`start`: an earlier model of the same kind whose weights the solver starts from
        (`make train-quick` after a few examples were added): the same optimum, reached in
        fewer iterations."""
        if len(set(labels)) < 2:
            raise ValueError("a classifier needs examples of at least two labels")
        vectorizers = _vectorizers(settings)
        cues = RegexCues(patterns or {})
        blocks = [v.fit_transform(texts) for v in vectorizers]
        features = sp.hstack([*blocks, cues.transform(texts)]).tocsr()
        clf = _classifier(settings)
        if start is not None and (warm := start.weights_for(
                sorted(set(labels)), vectorizers, cues, features.shape[1])) is not None:
            clf.set_params(warm_start=True)
            clf.coef_, clf.intercept_ = warm
        clf.fit(features, list(labels))
        return cls(settings, vectorizers, cues, [str(label) for label in clf.classes_],
                   clf.coef_.astype(np.float32), clf.intercept_.astype(np.float32))

    def weights_for(
        self, labels: Sequence[str], vectorizers: Sequence[TfidfVectorizer], cues: RegexCues,
        width: int,
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """This model's weights laid out for another vocabulary and label set: a feature or
        label this model does not know starts at 0. None for a binary model (one row)."""
        if len(labels) < 3 or len(self.labels) < 3:
            return None
        rows = {label: i for i, label in enumerate(self.labels)}
        coef = np.zeros((len(labels), width), dtype=np.float64)
        intercept = np.zeros(len(labels), dtype=np.float64)
        new_cols: list[int] = []
        old_cols: list[int] = []
        new_offset = old_offset = 0
        old_vocabularies = [v.vocabulary_ for v in self.vectorizers]
        old_vocabularies.append({name: i for i, name in enumerate(self.cues.patterns)})
        new_vocabularies = [v.vocabulary_ for v in vectorizers]
        new_vocabularies.append({name: i for i, name in enumerate(cues.patterns)})
        for new, old in zip(new_vocabularies, old_vocabularies, strict=True):
            for term, i in new.items():
                if (j := old.get(term)) is not None:
                    new_cols.append(new_offset + i)
                    old_cols.append(old_offset + j)
            new_offset += len(new)
            old_offset += len(old)
        for row, label in enumerate(labels):
            if (old_row := rows.get(label)) is not None:
                coef[row, new_cols] = self.coef[old_row, old_cols]
                intercept[row] = self.intercept[old_row]
        return coef, intercept

    def features(self, texts: Sequence[str]) -> sp.csr_matrix:
        blocks = [v.transform(texts) for v in self.vectorizers]
        return sp.hstack([*blocks, self.cues.transform(texts)]).tocsr()

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, one column per label (the order of `labels`)."""
        scores = np.asarray(self.features(texts) @ self.coef.T) + self.intercept
        return _softmax(scores, len(self.labels))

    def ranking(self, text: str, length: int | None = None) -> list[tuple[str, float]]:
        """(label, probability), most likely first; `length` caps it. Empty when the text
        has no word in it or nothing the model has seen ("🙂🙂🙂", "...", "ajshdg"): the
        probabilities would be the intercepts alone, a guess about nothing."""
        if not WORD.search(text):
            return []
        features = self.features([text])
        if features.nnz == 0:
            return []
        scores = np.asarray(features @ self.coef.T) + self.intercept
        row = _softmax(scores, len(self.labels))[0]
        order = np.argsort(-row, kind="stable")[:length]
        return [(self.labels[i], float(row[i])) for i in order]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        meta = {
            "settings": asdict(self.settings),
            "labels": self.labels,
            "patterns": self.cues.patterns,
            "vocabularies": [
                {term: int(i) for term, i in v.vocabulary_.items()} for v in self.vectorizers
            ],
        }
        (folder / "linear.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
        arrays = {"coef": self.coef, "intercept": self.intercept}
        arrays.update({f"idf{i}": v.idf_ for i, v in enumerate(self.vectorizers)})
        np.savez_compressed(folder / "linear.npz", **arrays)

    @classmethod
    def load(cls, folder: Path) -> LinearTextModel:
        meta = json.loads((folder / "linear.json").read_text("utf-8"))
        settings = LinearSettings(**{
            k: tuple(v) if isinstance(v, list) else v for k, v in meta["settings"].items()
        })
        with np.load(folder / "linear.npz", allow_pickle=False) as arrays:
            vectorizers = _vectorizers(settings)
            for i, (v, vocabulary) in enumerate(zip(vectorizers, meta["vocabularies"],
                                                    strict=True)):
                v.set_params(vocabulary=vocabulary)
                v._validate_vocabulary()  # what fit() does with a given vocabulary
                v.idf_ = arrays[f"idf{i}"]
            return cls(settings, vectorizers, RegexCues(meta["patterns"]), meta["labels"],
                       arrays["coef"], arrays["intercept"])

"""The linear text model the intent classifier and the FAQ selector are made of: the
probabilities scikit-learn computes, saved without pickle and loaded back unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from bot.nlu.linear import LinearSettings, LinearTextModel, RegexCues

TEXTS = [
    "my account was hacked", "someone logged into my account", "hacked again",
    "my deposit is missing", "deposit not credited", "where is my deposit",
    "how long does a withdrawal take", "withdrawal time", "when do withdrawals arrive",
]
LABELS = ["hacked"] * 3 + ["deposit"] * 3 + ["faq"] * 3
SETTINGS = LinearSettings(c=10, char_min_df=1)


def test_probabilities_are_scikit_learns() -> None:
    model = LinearTextModel.fit(TEXTS, LABELS, SETTINGS)
    features = sp.hstack([v.transform(TEXTS) for v in model.vectorizers]).tocsr()
    reference = LogisticRegression(C=10, class_weight="balanced", max_iter=3000,
                                   solver="newton-cg", tol=1e-2, random_state=0)
    reference.fit(features, LABELS)
    assert model.labels == list(reference.classes_)
    np.testing.assert_allclose(model.probabilities(TEXTS), reference.predict_proba(features),
                               atol=1e-5)
    assert model.ranking("my account got hacked")[0][0] == "hacked"


def test_saved_as_json_and_arrays_and_loaded_back_unchanged(tmp_path: Path) -> None:
    model = LinearTextModel.fit(TEXTS, LABELS, SETTINGS, {"cue": [r"(?i)\bhacked\b"]})
    model.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["linear.json", "linear.npz"]
    with np.load(tmp_path / "linear.npz", allow_pickle=False) as arrays:
        assert all(arrays[name].dtype != object for name in arrays.files)
    loaded = LinearTextModel.load(tmp_path)
    probe = ["my deposit never arrived", "hacked?", "withdrawals take how long", ""]
    np.testing.assert_array_equal(loaded.probabilities(probe), model.probabilities(probe))
    assert json.loads((tmp_path / "linear.json").read_text())["patterns"] == {
        "cue": [r"(?i)\bhacked\b"]}


def test_two_labels_use_scikit_learns_single_logit() -> None:
    model = LinearTextModel.fit(TEXTS[:6], LABELS[:6], SETTINGS)
    probabilities = model.probabilities(["hacked account", "missing deposit"])
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    assert model.ranking("hacked account")[0][0] == "hacked"
    assert model.ranking("missing deposit")[0][0] == "deposit"


def test_a_regex_cue_is_a_feature_the_model_learns() -> None:
    # The same words (a bag of them cannot tell), told apart by the cue alone.
    texts = ["from my ledger to here", "from here to my ledger"] * 4
    labels = ["deposit", "withdrawal"] * 4
    cues = {"out": [r"\bhere to\b"]}
    assert RegexCues(cues).transform(texts[:2]).toarray().tolist() == [[0.0], [1.0]]
    bag = LinearSettings(c=100, word_ngrams=(1, 1), char_ngrams=(2, 2), char_min_df=1)
    model = LinearTextModel.fit(texts, labels, bag, cues)
    assert model.ranking("from here to my ledger")[0][0] == "withdrawal"
    assert model.ranking("from my ledger to here")[0][0] == "deposit"


def test_one_label_is_refused() -> None:
    with pytest.raises(ValueError, match="at least two labels"):
        LinearTextModel.fit(TEXTS[:3], LABELS[:3], SETTINGS)


@pytest.mark.parametrize("text", ["🙂🙂🙂", "...", "???!!!", "ζζζζ", ""])
def test_no_word_or_nothing_seen_gives_no_ranking(text: str) -> None:
    # The intercepts alone would name a label for a message the model knows nothing of.
    model = LinearTextModel.fit(TEXTS, LABELS, SETTINGS)
    assert model.ranking(text) == []


def test_starting_from_an_earlier_model_reaches_the_same_model() -> None:
    # `make train-quick`: an example (and a label) added to what the earlier model saw.
    cue = {"cue": [r"(?i)\bhacked\b"]}
    earlier = LinearTextModel.fit(TEXTS, LABELS, SETTINGS, cue)
    texts = [*TEXTS, "is my chat ban over", "when does the suspension end"]
    labels = [*LABELS, "suspension", "suspension"]
    tight = LinearSettings(c=10, char_min_df=1, tol=1e-6)
    cold = LinearTextModel.fit(texts, labels, tight, cue)
    warm = LinearTextModel.fit(texts, labels, tight, cue, start=earlier)
    assert warm.labels == cold.labels
    np.testing.assert_allclose(warm.probabilities(texts), cold.probabilities(texts), atol=1e-4)


def test_an_earlier_models_weights_follow_the_features_by_name() -> None:
    earlier = LinearTextModel.fit(TEXTS, LABELS, SETTINGS, {"cue": [r"(?i)\bhacked\b"]})
    later = LinearTextModel.fit(["hacked", "phishing mail", "deposit"],
                                ["hacked", "phishing", "deposit"], SETTINGS,
                                {"cue": [r"(?i)\bhacked\b"]})
    coef, intercept = earlier.weights_for(later.labels, later.vectorizers, later.cues,
                                          later.coef.shape[1])
    words = later.vectorizers[0].vocabulary_
    old_words = earlier.vectorizers[0].vocabulary_
    row, old_row = later.labels.index("hacked"), earlier.labels.index("hacked")
    assert coef[row, words["hacked"]] == pytest.approx(
        earlier.coef[old_row, old_words["hacked"]])
    assert coef[:, words["phishing"]].tolist() == [0.0, 0.0, 0.0]  # a word it never saw
    assert coef[later.labels.index("phishing")].tolist() == [0.0] * coef.shape[1]
    assert intercept[row] == pytest.approx(earlier.intercept[old_row])
    cue_column = coef.shape[1] - 1
    assert coef[row, cue_column] == pytest.approx(earlier.coef[old_row, -1])

"""The NumPy forward pass scores every training example as TensorFlow does
(bot/nlu/numpy_forward.py), and stays out of the way of models it does not reproduce."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.tensorflow.constants import FEATURIZERS, NUM_TRANSFORMER_LAYERS

from bot import rasa_speedups
from bot.nlu.numpy_forward import DENSE_PRODUCT_LIMIT, NumpyForward

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pipeline(trained_model: Path):
    from rasa.core.agent import Agent

    rasa_speedups.install()
    agent = Agent.load(str(trained_model))
    nodes = agent.processor.graph_runner._instantiated_nodes
    by_class: dict[str, list] = {}  # in pipeline order
    for node in nodes.values():
        by_class.setdefault(type(node._component).__name__, []).append(node._component)
    return by_class


@pytest.fixture(scope="module")
def featurized(pipeline) -> list[Message]:
    """Every NLU training text through the tokenizer and featurizers, as at a parse."""
    importer = TrainingDataImporter.load_from_dict({}, str(ROOT / "config.yml"),
                                                   str(ROOT / "domain"), [str(ROOT / "data")])
    texts = sorted({m.get("text") for m in importer.get_nlu_data().intent_examples})
    messages = [Message(data={"text": text}) for text in texts]
    for name in ("WhitespaceTokenizer", "RegexFeaturizer", "LexicalSyntacticFeaturizer",
                 "CountVectorsFeaturizer"):
        for component in pipeline[name]:
            component.process(messages)
    return messages


@pytest.mark.parametrize("component", ["DIETClassifier", "ResponseSelector"])
def test_scores_equal_tensorflow_on_every_training_example(pipeline, featurized, component):
    model = pipeline[component][0]
    forward = model.model._numpy_forward
    assert forward is not None, "the served model must take the NumPy path"
    data = model._create_model_data(featurized, training=False)
    expected = model.model.run_inference(data, 512, output_keys_expected=["i_scores"])["i_scores"]
    featurizers = model.component_config[FEATURIZERS]
    got = np.vstack([forward.predict(m, featurizers)["i_scores"] for m in featurized])

    assert got.shape == expected.shape == (len(featurized), len(model.index_label_id_mapping))
    np.testing.assert_allclose(got, expected, atol=2e-5)
    assert (got.argmax(axis=1) == expected.argmax(axis=1)).all()
    # a model of random weights, or one label for all, would not get here
    assert len(set(expected.argmax(axis=1))) > 10


@pytest.mark.parametrize("component", ["DIETClassifier", "ResponseSelector"])
def test_long_texts_take_the_sparse_product_with_the_same_scores(pipeline, component):
    """A pasted wall of text (and a 100,000-character message, see test_properties)
    is multiplied as a sparse matrix instead of a tokens x non-zeros dense one."""
    text = "my deposit of 0.5 BTC never arrived, I sent it from my Ledger yesterday " * 40
    message = Message(data={"text": text})
    for name in ("WhitespaceTokenizer", "RegexFeaturizer", "LexicalSyntacticFeaturizer",
                 "CountVectorsFeaturizer"):
        for featurizer in pipeline[name]:
            featurizer.process([message])
    model = pipeline[component][0]
    sequence = [f.features for f in message.features if f.type == "sequence"]
    assert sequence[0].shape[0] * sum(m.nnz for m in sequence) > DENSE_PRODUCT_LIMIT

    got = model.model._numpy_forward.predict(message, [])["i_scores"]
    expected = model._predict._rasas_own(model, message)["i_scores"]
    np.testing.assert_allclose(got, expected, atol=2e-5)


def test_served_parse_goes_through_numpy(pipeline, trained_model, monkeypatch):
    from rasa.core.agent import Agent

    calls = []
    original = NumpyForward.predict
    monkeypatch.setattr(NumpyForward, "predict",
                        lambda self, *a: calls.append(1) or original(self, *a))
    agent = Agent.load(str(trained_model))
    parsed = asyncio.run(agent.parse_message("my account was hacked"))
    assert parsed["intent"]["name"] == "report_account_hacked"
    assert len(calls) == 2  # DIET and the ResponseSelector


def test_models_it_does_not_reproduce_keep_rasas_path(pipeline):
    model = pipeline["DIETClassifier"][0].model
    assert NumpyForward.from_model(model, {**model.config, NUM_TRANSFORMER_LAYERS: 2}) is None
    assert NumpyForward.from_model(model, {**model.config, "entity_recognition": True}) is None


def test_a_message_without_features_gets_no_scores_as_in_rasa(pipeline):
    diet = pipeline["DIETClassifier"][0]
    empty = Message(data={"text": ""})
    assert diet.model._numpy_forward.predict(empty, []) is None
    assert diet._predict._rasas_own(diet, empty) is None

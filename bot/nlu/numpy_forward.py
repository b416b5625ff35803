"""DIET's and the ResponseSelector's prediction for one message, in NumPy.

With no transformer layers (config.yml) both models are, per message: each feature
type's sparse features times a kernel, an optional feed-forward stack, one row picked,
an embedding layer and a dot product with the label embeddings. The arithmetic takes
~0.1 ms; Rasa's own path spends ~2 ms per model per message around it (scipy `hstack`
and `deepcopy` to merge the featurizers' matrices, a one-message `RasaModelData` and
batch generator, the `tf.function` call's input checks), and the two models were ~a
third of the Rasa process's CPU per message (bench/results/profile.md).

`NumpyForward.from_model` copies the weights out of a loaded Rasa model and returns
None, with the reason, for any architecture it does not reproduce (transformer layers,
entity recognition, dense features, other activations); Rasa's path then stays.
tests/nlu/test_numpy_forward.py checks it against TensorFlow on every training example.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from rasa.nlu.selectors.response_selector import DIET2DIET
from rasa.shared.constants import DIAGNOSTIC_DATA
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.tensorflow.constants import (
    ENTITY_RECOGNITION,
    INTENT_CLASSIFICATION,
    LABEL,
    MODEL_CONFIDENCE,
    NUM_TRANSFORMER_LAYERS,
    SOFTMAX,
)
from rasa.utils.tensorflow.model_data import FeatureSignature
from scipy import sparse
from scipy.special import erf

logger = logging.getLogger(__name__)

Array = np.ndarray
# Above this many tokens x non-zeros (~0.8 MB of float32) a text's features are
# multiplied as a sparse matrix: a typical message has ~10 tokens and ~500 non-zeros.
DENSE_PRODUCT_LIMIT = 200_000


def _gelu(x: Array) -> Array:
    # tf.nn.gelu's default, the exact form (approximate=False)
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


ACTIVATIONS: dict[str, Callable[[Array], Array]] = {"linear": lambda x: x, "gelu": _gelu}


class Unsupported(Exception):
    """The model has a part this forward pass does not reproduce."""


@dataclass(frozen=True)
class Dense:
    kernel: Array
    bias: Array | None
    activation: Callable[[Array], Array]

    @classmethod
    def of(cls, layer: Any) -> Dense:
        name = getattr(layer.activation, "__name__", repr(layer.activation))
        if name not in ACTIVATIONS:
            raise Unsupported(f"activation {name} in {layer.name}")
        # np.asarray of the variable's value shares TensorFlow's buffer (the
        # sparse-to-dense kernels are ~60 MB): no second copy of the weights.
        kernel = np.asarray(layer.kernel.value())
        mask = getattr(layer, "kernel_mask", None)  # RandomlyConnectedDense
        if mask is not None:
            kernel = kernel * np.asarray(mask.value())  # what its call() applies first
        bias = np.asarray(layer.bias.value()) if layer.use_bias else None
        return cls(kernel, bias, ACTIVATIONS[name])

    def __call__(self, x: Array) -> Array:
        out = x @ self.kernel
        return self.activation(out if self.bias is None else out + self.bias)


def _stack(ffnn: Any) -> list[Dense]:
    """The dense layers of a Rasa `Ffnn` (its dropout layers do nothing at inference)."""
    return [Dense.of(layer) for layer in ffnn._ffn_layers if hasattr(layer, "kernel")]


def _run(stack: list[Dense], x: Array) -> Array:
    for layer in stack:
        x = layer(x)
    return x


@dataclass(frozen=True)
class SparseToDense:
    """All featurizers' sparse features of one type times one kernel, without first
    merging the matrices as Rasa does (scipy hstack + deepcopy)."""

    kernel: Array
    bias: Array | None

    def __call__(self, matrices: list[Any]) -> Array:
        rows, columns, values, start = [], [], [], 0
        for matrix in matrices:
            coo = matrix.tocoo()
            rows.append(coo.row)
            columns.append(coo.col + start)
            values.append(coo.data)
            start += coo.shape[1]
        if start != self.kernel.shape[0]:
            raise Unsupported(f"features {start} wide, the model expects {self.kernel.shape[0]}")
        # out[token] = sum of value x kernel[column] over the token's non-zeros.
        tokens, nonzeros = matrices[0].shape[0], np.concatenate(columns)
        if tokens * len(nonzeros) <= DENSE_PRODUCT_LIMIT:
            # a chat message: one small dense product, (tokens x non-zeros) @ (non-zeros
            # x units), ~4x faster than building a CSR matrix
            coefficients = np.zeros((tokens, len(nonzeros)), self.kernel.dtype)
            coefficients[np.concatenate(rows), np.arange(len(nonzeros))] = np.concatenate(values)
            out = coefficients @ self.kernel[nonzeros]
        else:
            # a long text: a CSR product in the kernel's dtype (scipy's COO product loops
            # over the kernel's columns; a float64 matrix would copy the kernel first)
            out = sparse.csr_matrix(
                (np.concatenate(values).astype(self.kernel.dtype),
                 (np.concatenate(rows), nonzeros)),
                shape=(tokens, start)) @ self.kernel
        return out if self.bias is None else out + self.bias


@dataclass(frozen=True)
class NumpyForward:
    sequence: SparseToDense
    sentence: SparseToDense
    unify_sequence: list[Dense]
    unify_sentence: list[Dense]
    hidden: list[Dense]
    embed: Dense
    label_embeddings: Array  # (labels, embedding dimension)
    cosine: bool
    # Rasa's DIET classifies from the sentence-level position (after the last token),
    # its ResponseSelector from the last token's position (`_last_token` calls).
    from_sentence_position: bool

    @classmethod
    def from_model(cls, model: Any, config: dict[str, Any]) -> NumpyForward | None:
        """The forward pass of a loaded DIET or ResponseSelector model, or None."""
        try:
            return cls._build(model, config)
        except Unsupported as reason:
            logger.info("numpy_forward.unsupported model=%s reason=%s",
                        type(model).__name__, reason)
            return None

    @classmethod
    def _build(cls, model: Any, config: dict[str, Any]) -> NumpyForward:
        layers = config[NUM_TRANSFORMER_LAYERS]
        if (layers.get(TEXT, 0) if isinstance(layers, dict) else layers) != 0:
            raise Unsupported("transformer layers")
        if config.get(ENTITY_RECOGNITION) or not config.get(INTENT_CLASSIFICATION, True):
            raise Unsupported("entity recognition, or no intent classification")
        if config[MODEL_CONFIDENCE] != SOFTMAX:
            raise Unsupported(f"model_confidence {config[MODEL_CONFIDENCE]}")
        signature: dict[str, list[FeatureSignature]] = model.data_signature[TEXT]
        for feature_type in (FEATURE_TYPE_SEQUENCE, FEATURE_TYPE_SENTENCE):
            sigs = signature.get(feature_type, [])
            if not sigs or not all(s.is_sparse for s in sigs):
                raise Unsupported(f"{feature_type} features not all sparse")
        if model.all_labels_embed is None:
            raise Unsupported("no label embeddings (prepare_for_predict not run)")

        sequence_layer = model._tf_layers[f"sequence_layer.{model.text_name}"]
        if getattr(sequence_layer, "_has_transformer", False):
            raise Unsupported("transformer layers")
        combining = sequence_layer._tf_layers[sequence_layer.FEATURE_COMBINING]

        def sparse_to_dense(feature_type: str) -> SparseToDense:
            concat = combining._tf_layers[f"sparse_dense.{feature_type}"]
            dense = Dense.of(concat._tf_layers[concat.SPARSE_TO_DENSE])
            if dense.activation is not ACTIVATIONS["linear"]:
                raise Unsupported("an activation after the sparse features")
            return SparseToDense(dense.kernel, dense.bias)

        def unify(feature_type: str) -> list[Dense]:
            ffnn = combining._tf_layers.get(f"unify_dims_before_seq_sent_concat.{feature_type}")
            return _stack(ffnn) if ffnn is not None else []

        loss = model._tf_layers[f"loss.{LABEL}"]
        return cls(
            sequence=sparse_to_dense(FEATURE_TYPE_SEQUENCE),
            sentence=sparse_to_dense(FEATURE_TYPE_SENTENCE),
            unify_sequence=unify(FEATURE_TYPE_SEQUENCE),
            unify_sentence=unify(FEATURE_TYPE_SENTENCE),
            hidden=_stack(sequence_layer._tf_layers[sequence_layer.FFNN]),
            embed=Dense.of(model._tf_layers[f"embed.{TEXT}"]._dense),
            label_embeddings=np.asarray(model.all_labels_embed),
            cosine=loss.similarity_type == "cosine",
            from_sentence_position=not isinstance(model, DIET2DIET),
        )

    def predict(self, message: Message, featurizers: list[str]) -> dict[str, Any] | None:
        """Rasa's `run_inference` output for one message: `i_scores` of shape
        (1, labels); None when the message has no features (Rasa's empty model data).
        Raises Unsupported for features the model was not built for."""
        sequence, sentence = [], []
        for f in message.features:
            if f.attribute != TEXT or (featurizers and f.origin not in featurizers):
                continue
            if not f.is_sparse():
                raise Unsupported("dense features")
            (sequence if f.type == FEATURE_TYPE_SEQUENCE else sentence).append(f.features)
        if not sequence and not sentence:
            return None  # as Rasa's path does for empty model data
        if not sequence or not sentence:
            raise Unsupported("only one feature type in this message")
        tokens = _run(self.unify_sequence, self.sequence(sequence))
        sentence_row = _run(self.unify_sentence, self.sentence(sentence))
        transformed = _run(self.hidden, np.vstack([tokens, sentence_row]))
        position = len(tokens) if self.from_sentence_position else max(0, len(tokens) - 1)
        embedded = self.embed(transformed[position])
        labels = self.label_embeddings
        if self.cosine:
            embedded = embedded / np.linalg.norm(embedded)
            labels = labels / np.linalg.norm(labels, axis=-1, keepdims=True)
        similarities = labels @ embedded
        scores = np.exp(similarities - similarities.max())
        scores /= scores.sum()
        return {
            "i_scores": scores[np.newaxis, :].astype(np.float32),
            DIAGNOSTIC_DATA: {"attention_weights": None,
                                "text_transformed": transformed[np.newaxis]},
        }


"""Entities in what users type: asset, network, amount, tx_id, account_id, email.

A Rasa graph component over two blank spaCy pipelines (`en`, `sv`) with an EntityRuler.
Its patterns are built from the tables in bot/fields.py, the same ones the report form
validates answers with, so a name added there is understood everywhere. Nothing is
trained or downloaded; a message costs well under a millisecond.

    "I sent 1 250,50 USDT on TRC20"  ->  amount "1250.50", asset "USDT", network "TRC20"

Values are normalised (canonical symbols and networks, point-decimal amounts); `start`
and `end` are character offsets of the exact span in the message.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List

import spacy
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    METADATA,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from spacy.language import Language
from spacy.tokens import Span
from spacy.util import compile_infix_regex, compile_suffix_regex

from bot.fields import ASSETS, NETWORKS, TX_ID_FORMS, WORD_LIKE_NAMES, amount_value
from bot.language import detect_language, said_language

LANGUAGES = ("en", "sv")
# Our account ids: "acct-42", "acct-se-4711".
ACCOUNT_ID = r"acct-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*"
# Exchange-style numeric user ids count only after one of these words: "UID 12345678".
UID_WORDS = (
    "uid", "user id", "user-id", "userid", "account id",
    "konto-id", "kontoid", "konto id", "användar-id", "användarid",
)
UID_DIGITS = r"\d{6,10}"
EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}"
# Kept whole by the tokenizer, whatever its punctuation rules would split.
_WHOLE_TOKEN = re.compile(rf"(?:{'|'.join((ACCOUNT_ID, EMAIL, *TX_ID_FORMS))})\Z")

# A bare number is an amount only when it reads like one: next to an asset ("250 USDT",
# "BTC 0.3"), alone in the message ("0,25"), or with decimals or thousands groups that
# are not a time of day ("14.30"), a duration ("2.5 hours") or a version ("v 2.3").
_NOT_AMOUNT_BEFORE = frozenset({
    "at", "@", "kl", "kl.", "klockan", "den",  # "den 1.5" is the first of May
    "version", "v", "#", "nr",
})
_TIME_AFTER = frozenset({
    "am", "pm", "a.m.", "p.m.", "o'clock", "h", "hrs", "hours", "tim", "timmar",
    "min", "mins", "minutes", "minuter", "days", "dagar", "%", "percent", "procent",
})
_CLOCK = re.compile(r"(?:[1-9]|[01]\d|2[0-3])[.:][0-5]\d")
_NUMBER = r"\d{1,15}(?:[.,]\d+)?"
_UID_KEY = "uid"  # pattern id of "UID 12345678": the account id is the number


def _tokens(nlp: Language, phrase: str) -> List[str]:
    return [token.lower_ for token in nlp.make_doc(phrase)]


def _name_patterns(nlp: Language, label: str, table: Dict[str, str]) -> List[Dict[str, Any]]:
    patterns = []
    for name, canonical in table.items():
        if name in WORD_LIKE_NAMES:
            token: Dict[str, Any] = {"ORTH": {"IN": sorted({name.upper(), canonical})}}
            patterns.append({"label": label, "id": canonical, "pattern": [token]})
        else:
            pattern = [{"LOWER": word} for word in _tokens(nlp, name)]
            patterns.append({"label": label, "id": canonical, "pattern": pattern})
    return patterns


def _patterns(nlp: Language) -> List[Dict[str, Any]]:
    patterns = _name_patterns(nlp, "asset", ASSETS) + _name_patterns(nlp, "network", NETWORKS)
    patterns += [
        {"label": "amount", "pattern": [{"TEXT": {"REGEX": rf"^{_NUMBER}$"}}]},
        # Thousands grouped by spaces ("1 250,50"); a no-break space is a token of its own.
        {"label": "amount", "pattern": [
            {"TEXT": {"REGEX": r"^\d{1,3}$"}},
            {"TEXT": {"REGEX": r"^(?:\d{3}|\u00a0)$"}, "OP": "*"},
            {"TEXT": {"REGEX": r"^\d{3}(?:[.,]\d+)?$"}},
        ]},
        {"label": "account_id", "pattern": [{"TEXT": {"REGEX": rf"(?i)^{ACCOUNT_ID}$"}}]},
        {"label": "email", "pattern": [{"LIKE_EMAIL": True}]},
    ]
    patterns += [
        {"label": "tx_id", "pattern": [{"TEXT": {"REGEX": rf"^(?:{form})$"}}]}
        for form in TX_ID_FORMS
    ]
    patterns += [
        {"label": "account_id", "id": _UID_KEY, "pattern": [
            *({"LOWER": word} for word in _tokens(nlp, phrase)),
            *[{"LOWER": {"IN": ["is", "är", ":", "#", "-", "=", "nr"]}, "OP": "?"}] * 2,
            {"TEXT": {"REGEX": rf"^{UID_DIGITS}$"}},
        ]}
        for phrase in UID_WORDS
    ]
    return patterns


def _tune_tokenizer(nlp: Language) -> None:
    """Split what users glue together ("0.3BTC", "tx:0x…", "USDT(TRC20)",
    "TRC20-nätverket"), and keep account ids, emails and tx ids whole."""
    symbols = sorted((name for name in ASSETS if name.isalpha()), key=len, reverse=True)
    nlp.tokenizer.suffix_search = compile_suffix_regex(
        [*nlp.Defaults.suffixes, rf"(?<=[0-9])(?i:{'|'.join(symbols)})"]
    ).search
    nlp.tokenizer.infix_finditer = compile_infix_regex([
        *nlp.Defaults.infixes,
        r"(?<=[^\W_])-(?=[^\W\d_])",  # a hyphen before a letter
        r"(?<=[^\W\d_])[:=](?=\w)",  # "tx:…", "uid=…"
        r"[()\[\]{}]",
    ]).finditer
    nlp.tokenizer.token_match = _WHOLE_TOKEN.match


def build_pipeline(language: str) -> Language:
    nlp = spacy.blank(language)
    _tune_tokenizer(nlp)
    ruler = nlp.add_pipe("entity_ruler", config={"validate": True})
    ruler.add_patterns(_patterns(nlp))
    return nlp


def _reads_as_amount(ent: Span, asset_tokens: set[int]) -> bool:
    doc = ent.doc
    if ent.end in asset_tokens or ent.start - 1 in asset_tokens:
        return True
    before = doc[ent.start - 1].lower_ if ent.start > 0 else ""
    after = doc[ent.end].lower_ if ent.end < len(doc) else ""
    if before in _NOT_AMOUNT_BEFORE or after in _TIME_AFTER:
        return False
    others = [t for t in doc if not (ent.start <= t.i < ent.end)]
    if all(t.is_punct or t.is_space for t in others):
        return True
    grouped = len(ent) > 1 or any(sep in ent.text for sep in ".,")
    return grouped and not _CLOCK.fullmatch(ent.text)


def _entities(doc: spacy.tokens.Doc) -> Iterable[Dict[str, Any]]:
    asset_tokens = {i for e in doc.ents if e.label_ == "asset" for i in range(e.start, e.end)}
    for ent in doc.ents:
        label, value = ent.label_, ent.text
        if label in ("asset", "network"):
            value = ent.ent_id_
        elif label == "amount":
            value = amount_value(ent.text) if _reads_as_amount(ent, asset_tokens) else None
        elif ent.ent_id_ == _UID_KEY:
            ent = ent[-1:]
            value = ent.text
        if value:
            yield {
                ENTITY_ATTRIBUTE_TYPE: label,
                ENTITY_ATTRIBUTE_START: ent.start_char,
                ENTITY_ATTRIBUTE_END: ent.end_char,
                ENTITY_ATTRIBUTE_VALUE: value,
                ENTITY_ATTRIBUTE_CONFIDENCE: 1.0,
            }


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class CryptoEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Rule-based entities for crypto support, in English and Swedish."""

    # Longer messages are read up to here (a prefix keeps the offsets right).
    MAX_CHARS = 20_000

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CryptoEntityExtractor:
        return cls(config)

    def __init__(self, config: Dict[str, Any] | None = None) -> None:
        self._config = {**self.get_default_config(), **(config or {})}
        self._pipelines = {language: build_pipeline(language) for language in LANGUAGES}

    def extract(self, text: str, language: str | None = None) -> List[Dict[str, Any]]:
        """The entities in `text` (in `language`, read from the text when not given),
        without the extractor's name."""
        text = text[: self.MAX_CHARS]
        language = language or detect_language(text)
        nlp = self._pipelines.get(language or "en", self._pipelines["en"])
        return list(_entities(nlp(text)))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text:
                found = []
            else:  # the channel's reading of the language when it sent one (its metadata)
                found = self.extract(text, said_language(text, message.get(METADATA)) or "en")
            message.set(
                ENTITIES,
                message.get(ENTITIES, []) + self.add_extractor_name(found),
                add_to_output=True,
            )
        return messages

"""The spaCy entity extractor as Rasa runs it: a graph component on real Messages.

spaCy (a second to import) is imported by the fixture, not when the module is collected:
the worker that does not run this file never imports it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message

from bot import fields

if TYPE_CHECKING:
    from bot.nlu.entities import CryptoEntityExtractor

EVM_TX = "0x" + "ab" * 32
HEX_TX = "1" * 64  # only digits, still a Bitcoin-style hash, never an amount
SOLANA_TX = "5" + "K" * 87


@pytest.fixture(scope="module")
def extractor(tmp_path_factory) -> CryptoEntityExtractor:
    from bot.nlu.entities import CryptoEntityExtractor

    return CryptoEntityExtractor.create(
        CryptoEntityExtractor.get_default_config(),
        LocalModelStorage(tmp_path_factory.mktemp("storage")),
        Resource("crypto_entities"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def parse(extractor: CryptoEntityExtractor, text: str) -> list[dict]:
    message = Message.build(text=text)
    extractor.process([message])
    found = message.get(ENTITIES)
    for entity in found:
        assert entity["extractor"] == "CryptoEntityExtractor"
        assert entity["confidence"] == 1.0
    return found


def spans(extractor: CryptoEntityExtractor, text: str) -> list[tuple[str, str, str]]:
    """(entity, the exact text at start:end, value) for each entity found."""
    return [(e["entity"], text[e["start"]:e["end"]], e["value"]) for e in parse(extractor, text)]


def test_english_report_gives_amount_asset_and_network(extractor):
    text = "I withdrew 1 250,50 USDT on TRC20 yesterday"
    assert spans(extractor, text) == [
        ("amount", "1 250,50", "1250.50"), ("asset", "USDT", "USDT"), ("network", "TRC20", "TRC20"),
    ]
    amount = parse(extractor, text)[0]
    assert (amount["start"], amount["end"]) == (11, 19)


def test_swedish_report_with_decimal_comma_and_compound_word(extractor):
    text = "jag skickade 0,25 btc via ERC-20-nätverket igår"
    assert spans(extractor, text) == [
        ("amount", "0,25", "0.25"), ("asset", "btc", "BTC"), ("network", "ERC-20", "ERC20"),
    ]


@pytest.mark.parametrize("text, span, value", [
    ("0,25", "0,25", "0.25"),
    ("0.3", "0.3", "0.3"),
    ("1 250,50", "1 250,50", "1250.50"),
    ("jag har skickat 1\u00a0250,50 usdt", "1\u00a0250,50", "1250.50"),
    ("250 USDT", "250", "250"),
    ("USDT 250", "250", "250"),
    ("sent 0.3BTC", "0.3", "0.3"),
    ("I sent 0.5 eth at 14.30", "0.5", "0.5"),
    ("250.", "250", "250"),
])
def test_amounts_are_normalised_to_a_point_decimal(extractor, text, span, value):
    assert [(s, v) for kind, s, v in spans(extractor, text) if kind == "amount"] == [(span, value)]


@pytest.mark.parametrize("text", [
    "yesterday at 15:00",
    "yesterday at 18",
    "igår kl 18",
    "igår kl. 14.30",
    "idag 14.30",
    "today around 9 in the morning",
    "on 2024-05-01",
    "den 1.5 i år",
    "it took 2.5 hours",
    "the app version 2.3",
    "order 12345678 is late",
    f"tx {HEX_TX}",
    f"hash {EVM_TX}",
    "1,250.50",
])
def test_times_dates_and_tx_digits_are_not_amounts(extractor, text):
    assert [e for e in parse(extractor, text) if e["entity"] == "amount"] == []


@pytest.mark.parametrize("text, span, symbol", [
    ("bitcoin", "bitcoin", "BTC"),
    ("my tether is gone", "tether", "USDT"),
    ("Ethereum", "Ethereum", "ETH"),
    ("XBT", "XBT", "BTC"),
    ("skickade SOL igår", "SOL", "SOL"),
    ("send LINK please", "LINK", "LINK"),
])
def test_assets_by_symbol_or_name_give_the_canonical_symbol(extractor, text, span, symbol):
    assert spans(extractor, text) == [("asset", span, symbol)]


@pytest.mark.parametrize("text", [
    "an ethical question about methods",  # "eth" inside words
    "I clicked a link in an email",  # LINK only when written like a symbol
    "solen sken och det var sol",  # Swedish "sol" is the sun
    "the base fee",
])
def test_words_that_contain_or_resemble_names_are_not_assets_or_networks(extractor, text):
    assert parse(extractor, text) == []


@pytest.mark.parametrize("text, span, network", [
    ("BEP-20", "BEP-20", "BEP20"),
    ("via trc 20 please", "trc 20", "TRC20"),  # "20" is part of the name, not an amount
    ("on Polygon", "Polygon", "Polygon"),
    ("the Binance Smart Chain", "Binance Smart Chain", "BEP20"),  # not the asset BNB
    ("bridged to Base", "Base", "Base"),
    ("USDT(TRC20)", "TRC20", "TRC20"),
])
def test_networks_give_the_canonical_name(extractor, text, span, network):
    assert ("network", span, network) in spans(extractor, text)
    assert [e for e in parse(extractor, text) if e["entity"] in ("amount", "asset")
            and e["value"] != "USDT"] == []


@pytest.mark.parametrize("text, tx_id", [
    (f"here it is: {EVM_TX}.", EVM_TX),
    (f"tx:{EVM_TX}", EVM_TX),
    (f"hash {HEX_TX}", HEX_TX),
    (f"signaturen är {SOLANA_TX}", SOLANA_TX),
])
def test_tx_ids_per_chain_format_with_exact_offsets(extractor, text, tx_id):
    assert spans(extractor, text) == [("tx_id", tx_id, tx_id)]


@pytest.mark.parametrize("text", ["0x1234", "g" * 64, "5" + "K" * 40])
def test_malformed_tx_ids_are_not_tx_ids(extractor, text):
    assert [e for e in parse(extractor, text) if e["entity"] == "tx_id"] == []


@pytest.mark.parametrize("text, span", [
    ("my account is acct-42.", "acct-42"),
    ("kontot acct-se-4711, tack", "acct-se-4711"),
    ("UID 12345678", "12345678"),
    ("my user id: 87654321", "87654321"),
    ("mitt konto-id är 1234567", "1234567"),
])
def test_account_ids(extractor, text, span):
    assert spans(extractor, text) == [("account_id", span, span)]


def test_a_long_number_without_uid_word_is_no_account_id(extractor):
    assert [e for e in parse(extractor, "ticket 12345678 please") if
            e["entity"] == "account_id"] == []


@pytest.mark.parametrize("text, email", [
    ("write to Anna.Berg@example.com, please", "Anna.Berg@example.com"),
    ("min e-post är anna@exempel.se", "anna@exempel.se"),
])
def test_emails(extractor, text, email):
    assert spans(extractor, text) == [("email", email, email)]


def test_everything_in_one_message(extractor):
    text = (f"acct-42 here (anna@example.com): 0,5 ETH via ERC20 at 15:00, tx {EVM_TX} "
            "never arrived")
    assert [kind for kind, _, _ in spans(extractor, text)] == [
        "account_id", "email", "amount", "asset", "network", "tx_id"]


def test_entities_of_earlier_components_are_kept(extractor):
    message = Message.build(text="0,25 BTC")
    earlier = {"entity": "other", "start": 0, "end": 1, "value": "x", "extractor": "X"}
    message.set(ENTITIES, [earlier])
    extractor.process([message])
    assert message.get(ENTITIES)[0] == earlier
    assert len(message.get(ENTITIES)) == 3


@pytest.mark.parametrize("text", ["", "   ", "\u00a0", "x" * 100_000, "\x00\x01\ufffd"])
def test_empty_odd_or_huge_messages_give_no_entities(extractor, text):
    assert parse(extractor, text) == []


def test_pipelines_are_built_once_not_per_message(extractor, monkeypatch):
    def no_new_pipelines(*args, **kwargs):
        raise AssertionError("a spaCy pipeline was built while processing messages")

    import spacy

    from bot.nlu import entities as module

    monkeypatch.setattr(module.spacy, "blank", no_new_pipelines)
    messages = [Message.build(text=t) for t in ("250 USDT", "jag skickade 250 USDT")]
    extractor.process(messages)
    assert all(m.get(ENTITIES) for m in messages)
    assert set(extractor._pipelines) == {"en", "sv"}
    assert all(isinstance(nlp, spacy.language.Language) for nlp in extractor._pipelines.values())


def test_the_language_of_the_message_picks_the_pipeline(extractor, monkeypatch):
    used = []
    for language, nlp in extractor._pipelines.items():
        monkeypatch.setitem(extractor._pipelines, language,
                            lambda text, nlp=nlp, language=language: used.append(language)
                            or nlp(text))
    extractor.extract("jag har inte fått mina pengar")
    extractor.extract("I have not got my money")
    extractor.extract("0x1234")  # no clear signal: English
    assert used == ["sv", "en", "en"]


def test_values_are_ones_the_report_form_keeps_as_they_are():
    """The form validates entity-filled slots with bot.fields: canonical values pass."""
    for symbol in set(fields.ASSETS.values()):
        assert fields.find_asset(symbol) == symbol
    for network in set(fields.NETWORKS.values()):
        assert fields.find_network(network, answering=True) == network
    for amount in ("0.25", "1250.50", "250"):
        assert fields.find_amount(amount) == amount

"""Reading report details out of free text."""

import pytest

from bot import fields


@pytest.mark.parametrize("text, amount", [
    ("0,25", "0.25"), ("0.25 BTC", "0.25"), ("1 250,50", "1250.50"), ("250", "250"),
    ("at 15:00 I sent 3 ETH", "3"),
])
def test_amounts(text, amount):
    assert fields.find_amount(text) == amount


def test_tx_ids_per_chain_format():
    assert fields.find_tx_id("0x" + "f" * 64)  # EVM
    assert fields.find_tx_id("a1" * 32)  # Bitcoin / Tron
    assert fields.find_tx_id("5" + "K" * 87)  # Solana base58 signature
    assert fields.find_tx_id("0x1234") is None
    assert fields.find_tx_id("g" * 64) is None


@pytest.mark.parametrize("text, network", [
    ("erc-20", "ERC20"), ("on trc20 please", "TRC20"), ("BSC", "BEP20"), ("Polygon", "Polygon"),
])
def test_networks(text, network):
    assert fields.find_network(text) == network


def test_chain_names_count_as_network_answers_only_when_asked():
    assert fields.find_network("bitcoin") is None
    assert fields.find_network("bitcoin", answering=True) == "Bitcoin"


@pytest.mark.parametrize("text", ["I don't have it", "dont know", "har inte", "vet inte", "nej"])
def test_no_answer(text):
    assert fields.is_no_answer(text)


def test_a_real_answer_is_not_a_no_answer():
    assert not fields.is_no_answer("0x" + "f" * 64)

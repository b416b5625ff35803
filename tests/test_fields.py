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


@pytest.mark.parametrize("text", [
    "I don't have it", "dont know", "har inte", "har den inte", "vet inte", "nej",
    "jag har inget tx id, det är ju ni som har det", "hittar den inte", "i have no hash",
    "can't find it anywhere", "haven't got one"])
def test_no_answer(text):
    assert fields.is_no_answer(text)


def test_a_real_answer_is_not_a_no_answer():
    assert not fields.is_no_answer("0x" + "f" * 64)


@pytest.mark.parametrize("text, when", [
    ("WHERE IS MY DEPOSIT. sent 500 usdt trc20 three hours ago, still nothing", "three hours ago"),
    ("Yesterday I tried to log in and my password didnt work", "Yesterday"),
    ("my withdrawl of 0.3 eth is stuck for 2 days wtf", "for 2 days"),
    ("nån har snott mina btc igår kväll runt 23", "igår kväll runt 23"),
    ("insättningen för tre dagar sedan syns inte", "för tre dagar sedan"),
    ("i natt försvann allt", "i natt"),
    ("it happened today at 9", "today at 9"),
    ("deposit 2024-06-01 missing", "2024-06-01"),
    ("det var runt kl 3 i natt", "runt kl 3 i natt"),
    ("around 3am last night they took everything", "around 3am last night"),
    ("skickade 500 igår", "igår"),  # a number before the day is no clock time
])
def test_when_it_happened_said_in_passing(text, when):
    assert fields.find_time(text) == when


@pytest.mark.parametrize("text", [
    "I sent 2 BTC", "my account got hacked", "in 3 days I sue you",
    "customer for 6 years and never had problems", "i have 2 days to pay rent",
])
def test_no_time_where_none_was_said(text):
    assert fields.find_time(text) is None


def test_a_long_first_message_is_the_description():
    long = ("Listen here. I have been a customer for 6 years. Yesterday my password stopped "
            "working and I got an email that my 2fa was reset, which I never did.")
    assert fields.prefill(long)["description"] == long
    assert fields.prefill(long)["incident_time"] == "Yesterday"
    assert "description" not in fields.prefill("idiots, my account got hacked, fix it now")


@pytest.mark.parametrize("text, asset, network", [
    ("8000 kr med Swish har inte kommit", "SEK", "Swish"),
    ("my card top-up of 50 EUR never showed up", "EUR", "card"),
    ("SEPA transfer of 1200 euro not credited", "EUR", "SEPA"),
    ("mitt uttag på 5000 kr till banken har inte kommit", "SEK", "bank transfer"),
    ("jag satte in pengar med kortet igår", "fiat", "card"),
    ("500 kronor, vet inte hur", "SEK", fields.FIAT_NETWORK),
])
def test_bank_card_and_swish_payments_need_no_network_or_tx_id(text, asset, network):
    assert fields.fiat_details(text) == {"asset": asset, "network": network,
                                         "tx_id": fields.NOT_PROVIDED}


@pytest.mark.parametrize("text", ["I withdrew 0.5 BTC to my Ledger", "my deposit is missing",
                                  "my deposit from Binance worth 500 euro is missing",
                                  "skickade krypto för 2000 kr från min plånbok",
                                  "ett kort meddelande om min insättning", "kartellen"])
def test_no_payment_method_where_none_was_named(text):
    assert fields.fiat_details(text) == {}


def test_a_coin_named_beside_a_bank_is_crypto():
    assert fields.prefill("sent 200 USDT from my bank app, not credited")["asset"] == "USDT"
    assert "tx_id" not in fields.prefill("sent 200 USDT from my bank app, not credited")


@pytest.mark.parametrize("text", ["dunno", "idk", "no clue mate", "vet ej", "vete fan"])
def test_everyday_ways_of_not_knowing(text):
    assert fields.is_no_answer(text)

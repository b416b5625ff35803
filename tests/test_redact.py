"""Secrets never stored: bot.redact on realistic messages, positives and negatives."""

from __future__ import annotations

import pytest

from bot.redact import bip39_words, find_secrets, luhn_ok, redact

SEED_12 = "abandon ability able about above absent absorb abstract absurd abuse access accident"
SEED_24 = (
    "legal winner thank year wave sausage worth useful legal winner thank yellow "
    "letter advice cage absurd amount doctor acoustic avoid letter advice cage above"
)
TX_ETH = "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"
TX_BTC = "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16"
WIF_UNCOMPRESSED = "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ"
WIF_COMPRESSED = "KwdMAjGmerYanjeui5SHS7JkmpZvVipYvB2LJGU1ZxJwYvP98617"
XPRV = (
    "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6Ln"
    "F5kejMRNNU3TGtRBeJgk33yuGBxrMPHi"
)


def test_word_list_is_the_english_bip39_list() -> None:
    words = bip39_words()
    assert len(words) == 2048
    assert {"abandon", "zoo", "legal", "winner"} <= words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"my seed phrase is {SEED_12}", "my seed phrase is [redacted seed phrase]"),
        (
            "my seed phrase is abandon ability able about above absent",
            "my seed phrase is [redacted seed phrase]",
        ),
        (f"{SEED_24}", "[redacted seed phrase]"),
        # any case and spacing, commas and new lines
        (
            "ABANDON  Ability,able\nabout above absent absorb abstract absurd abuse "
            "access accident is that ok",
            "[redacted seed phrase] is that ok",
        ),
        # numbered, as people copy them from a backup card
        (
            "1. abandon 2. ability 3. able 4. about 5. above 6. absent 7. absorb "
            "8. abstract 9. absurd 10. abuse 11. access 12. accident",
            "1. [redacted seed phrase]",
        ),
        # one misspelt word does not save the rest
        (
            "abandon abilty able about above absent absorb abstract absurd abuse access accident",
            "[redacted seed phrase]",
        ),
        # a partial phrase right after "recovery phrase" / "återställningsfras"
        (
            "my recovery phrase starts with abandon ability able about above absent",
            "my recovery phrase starts with [redacted seed phrase]",
        ),
        (
            "min återställningsfras är legal winner thank year wave sausage worth",
            "min återställningsfras är [redacted seed phrase]",
        ),
    ],
)
def test_seed_phrases_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"my private key is {TX_BTC}", "my private key is [redacted private key]"),
        (
            f"här är min privata nyckel: {TX_ETH}",
            "här är min privata nyckel: [redacted private key]",
        ),
        (
            f"{TX_BTC} <- that's the key to my wallet",
            "[redacted private key] <- that's the key to my wallet",
        ),
        (
            f"{WIF_UNCOMPRESSED} is what the app showed",
            "[redacted private key] is what the app showed",
        ),
        (f"wallet import: {WIF_COMPRESSED}", "wallet import: [redacted private key]"),
        (f"backup {XPRV} ok?", "backup [redacted private key] ok?"),
    ],
)
def test_private_keys_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my 2fa code is 482913", "my 2fa code is [redacted code]"),
        ("SMS-koden var 482 913", "SMS-koden var [redacted code]"),
        (
            "482913 is my google authenticator code",
            "[redacted code] is my google authenticator code",
        ),
        ("otp: 90210", "otp: [redacted code]"),
        ("verifieringskoden jag fick var 5521", "verifieringskoden jag fick var [redacted code]"),
    ],
)
def test_one_time_codes_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my password is Hunter2!", "my password is [redacted password]"),
        ("lösenordet är sommar2024", "lösenordet är [redacted password]"),
        ("mitt lösenord är nu Kalle#123 och det funkar inte", None),
        ('password: "correct horse battery"', "password: [redacted password]"),
        ("pw=qwerty123", "pw=[redacted password]"),
    ],
)
def test_announced_passwords_are_redacted(text: str, expected: str | None) -> None:
    if expected is None:
        assert "Kalle#123" not in redact(text)
        assert redact(text).startswith("mitt lösenord är nu [redacted password]")
    else:
        assert redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("card 4111 1111 1111 1111 was charged", "card [redacted card number] was charged"),
        ("kortnummer 5555-5555-5555-4444", "kortnummer [redacted card number]"),
        ("4012888888881881", "[redacted card number]"),
    ],
)
def test_card_numbers_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # addresses are what agents need: they survive
        "withdrawal to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq of 0.015 btc",
        "sent to 0x71C7656EC7ab88b098defB751B7401B5f6d8976F on ERC20",
        "TRC20 address TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9",
        # amounts, dates, ids, references
        "the code didn't work, I sent 5000 usdt",
        "sms code never arrived and my withdrawal of 2500 USDT is stuck",
        "I withdrew 1500 USDT, got an sms code",
        "deposit of 12 000 kr missing since 2024-06-01",
        "my account id is 10293847",
        "ticket SB-00042, any news?",
        "I sent 1234567890123 satoshi",
        "kort 4111-1111-1111-1112",  # fails the Luhn check
        # passwords talked about, not given
        "my password is not working",
        "mitt lösenord är fel",
        "I think my password was changed",
        "my PIN was blocked",
        "I want to know about my account balance because the withdrawal of 0.5 BTC is pending",
        # prose full of BIP39 words is not a seed phrase
        "I see that you guys charge for ATM withdrawal. Never notice this fee until now. "
        "Can you please explain?",
        "hej, varför är jag avstängd?",
        "",
    ],
)
def test_ordinary_messages_are_left_alone(text: str) -> None:
    assert redact(text) == text
    assert find_secrets(text) == []


@pytest.mark.parametrize(
    "text, kept",
    [
        (f"tx hash {TX_ETH} still not credited", "tx hash 0x5c504ed4…a1b22060 still not credited"),
        (f"txid {TX_BTC}", "txid f4184fc5…831e9e16"),
        (f"my withdrawal {TX_BTC} never arrived, the key question is where it went",
         "my withdrawal f4184fc5…831e9e16 never arrived, the key question is where it went"),
        # a Solana signature, and a Solana key pair as wallets export it: the same shape
        ("sig " + "5" + "K" * 87, "sig 5KKKKKKK…KKKKKKKK"),
        ("tx 0X" + TX_BTC.upper(), "tx 0xF4184FC5…831E9E16"),
    ],
)
def test_tx_ids_are_kept_short_never_whole(text: str, kept: str) -> None:
    """A key mistaken for a tx id is then no key: 16 of its 64 digits."""
    assert redact(text) == kept
    assert find_secrets(text) == []


def test_a_short_tx_id_is_left_as_it_is() -> None:
    text = "txid f4184fc5…831e9e16 or f4184fc5...831e9e16"
    assert redact(text) == text


def test_several_secrets_in_one_message() -> None:
    text = (
        f"hacked!! seed {SEED_12}, password: Tr0ub4dor&3, 2fa code 123456, tx {TX_ETH} for 0.5 ETH"
    )
    assert redact(text) == (
        "hacked!! seed [redacted seed phrase], password: [redacted password] "
        "2fa code [redacted code], tx 0x5c504ed4…a1b22060 for 0.5 ETH"
    )


def test_luhn() -> None:
    assert luhn_ok("4111111111111111")
    assert luhn_ok("79927398713")
    assert not luhn_ok("4111111111111112")

"""Read report details out of what users type: assets, networks, amounts, tx ids.

Pure functions, shared by the form's validation and by the prefill from the first
message ("250 USDT on TRC20 never arrived").
"""

from __future__ import annotations

import re

from bot.redact import Context, redact
from bot.redact.keys import is_key
from bot.redact.txids import LONG, SHORT_FORMS, shorten

# Form answers were screened by the channel already: a 64-hex there with no word about
# it was judged a transaction id, and stays one.
AS_TX_ID_ANSWER = Context(expecting_tx_id=True)
NOT_PROVIDED = "not provided"

ASSETS = {
    "btc": "BTC", "bitcoin": "BTC", "xbt": "BTC",
    "eth": "ETH", "ether": "ETH", "ethereum": "ETH",
    "usdt": "USDT", "tether": "USDT",
    "usdc": "USDC",
    "sol": "SOL", "solana": "SOL",
    "xrp": "XRP", "ripple": "XRP",
    "ada": "ADA", "cardano": "ADA",
    "doge": "DOGE", "dogecoin": "DOGE",
    "bnb": "BNB",
    "trx": "TRX", "tron": "TRX",
    "ltc": "LTC", "litecoin": "LTC",
    "dot": "DOT", "polkadot": "DOT",
    "matic": "MATIC", "pol": "POL",
    "avax": "AVAX",
    "link": "LINK",
    "dai": "DAI",
    "shib": "SHIB",
}
# Only unambiguous network names; "solana" or "bitcoin" alone name the asset first.
NETWORKS = {
    "erc20": "ERC20", "erc-20": "ERC20", "erc 20": "ERC20",
    "trc20": "TRC20", "trc-20": "TRC20", "trc 20": "TRC20",
    "bep20": "BEP20", "bep-20": "BEP20", "bep 20": "BEP20", "bsc": "BEP20",
    "binance smart chain": "BEP20", "bnb smart chain": "BEP20",
    "polygon": "Polygon", "arbitrum": "Arbitrum", "optimism": "Optimism",
    "lightning": "Lightning", "base": "Base", "spl": "Solana", "avalanche": "Avalanche",
}
# Names that are also everyday English or Swedish words ("a link", "sol" = sun): read as
# a name in running text only when written like one (LINK, SOL, Base).
WORD_LIKE_NAMES = frozenset({"link", "dot", "sol", "ada", "pol", "base", "lightning", "optimism"})
# Asked directly "which network?", these asset names are network answers too.
NETWORK_ANSWERS = {
    **NETWORKS,
    "bitcoin": "Bitcoin", "btc": "Bitcoin", "ethereum": "ERC20", "eth": "ERC20",
    "tron": "TRC20", "solana": "Solana", "sol": "Solana", "ripple": "XRP Ledger",
    "xrp": "XRP Ledger", "cardano": "Cardano", "litecoin": "Litecoin",
    "dogecoin": "Dogecoin", "doge": "Dogecoin",
}

# Money paid in or out through a bank, a card or Swish: no network to name and no tx hash
# to give, so the form does not ask for them ("8000 kr via Swish never showed up").
FIAT_METHODS = {
    "swish": "Swish", "sepa": "SEPA", "trustly": "Trustly", "apple pay": "Apple Pay",
    "google pay": "Google Pay", "bank transfer": "bank transfer", "wire transfer":
    "bank transfer", "bank": "bank transfer", "banken": "bank transfer",
    "banköverföring": "bank transfer", "banköverföringen": "bank transfer",
    "card": "card", "debit card": "card", "credit card": "card", "top-up": "card",
    "top up": "card", "kortet": "card", "bankkort": "card", "bankkortet": "card",
    "kreditkort": "card", "betalkort": "card", "kortbetalning": "card",
    "kortbetalningen": "card", "mitt kort": "card", "med kort": "card",
}
FIAT_CURRENCIES = {
    "kr": "SEK", "kronor": "SEK", "sek": "SEK", "spänn": "SEK", "eur": "EUR", "euro": "EUR",
    "euros": "EUR", "€": "EUR", "usd": "USD", "dollars": "USD", "$": "USD", "nok": "NOK",
    "dkk": "DKK", "gbp": "GBP", "£": "GBP",
}
_FIAT_METHOD = re.compile(
    "|".join(rf"(?<!\w){re.escape(name)}(?!\w)"
             for name in sorted(FIAT_METHODS, key=len, reverse=True)))
_FIAT_CURRENCY = re.compile(
    "|".join(re.escape(name) if not name.isalpha() else rf"(?<!\w){name}(?!\w)"
             for name in sorted(FIAT_CURRENCIES, key=len, reverse=True)))
# A currency alone is weak evidence: "500 euro from Binance" is crypto valued in euros.
_CRYPTO_HINT = re.compile(
    r"(?i)(?<!\w)(?:binance|coinbase|kraken|bybit|okx|kucoin|bitstamp|ledger|trezor|metamask|"
    r"phantom|wallet|plånbok\w*|address|adress\w*|blockchain|tx|hash|network|nätverk\w*|"
    r"coin|krypto\w*|crypto)(?!\w)")
# When the method is not said, the network slot says so in the report.
FIAT_NETWORK = "bank, card or Swish (not said)"
# What the slots hold once a payment was read as one (the form validates them again).
FIAT_ASSETS = frozenset({*FIAT_CURRENCIES.values(), "fiat"})
FIAT_NETWORKS = frozenset({*FIAT_METHODS.values(), FIAT_NETWORK})

# Transaction ids per chain format, most specific first (also the patterns of the
# spaCy entity extractor in bot/nlu/entities.py).
TX_ID_FORMS = (
    r"0x[0-9a-fA-F]{64}",  # EVM chains
    r"[0-9a-fA-F]{64}",  # Bitcoin, Tron, XRP, Cardano, Litecoin ...
    r"[1-9A-HJ-NP-Za-km-z]{86,88}",  # Solana signatures (base58)
    *SHORT_FORMS,  # what redaction keeps of each (bot.redact.txids)
)
_TX_PATTERNS = [re.compile(rf"\b{form}\b") for form in TX_ID_FORMS]
# An amount: decimal comma or point, thousands grouped by a space or a no-break space.
AMOUNT = re.compile(r"(\d{1,3}(?:[ \u00a0]\d{3})+|\d+)(?:[.,](\d+))?")
_AMOUNT_IN_TEXT = re.compile(rf"(?<![\w.,:]){AMOUNT.pattern}(?![\w:])")
_NO_ANSWER = re.compile(
    r"\b(i )?(do ?n[o']?t|dont|don't) (have|know)|\bno idea\b|\bnot sure\b|\bskip\b|\bn/?a\b"
    r"|\bunknown\b|\bdunno\b|\bidk\b|\bno clue\b|\bvet ej\b|\bvete fan\b|\bvet int\b"
    r"|\bhar (?:(?:det|den|dem|de) )?inte\b|\bvet inte\b|\bingen aning\b|\bhoppa över\b"
    r"|\bhar (?:ingen|inget|inga)\b|\binget (?:tx|id|hash)|\bfinns (?:inget|ingen)\b"
    r"|\bhittar (?:(?:det|den) )?inte\b|\bkan inte hitta\b"
    r"|\bhave no\b|\bhaven'?t got\b|\bno (?:tx|hash|transaction)|\bcan'?t find\b"
    r"|\bcannot find\b"
    r"|^\s*(no|nope|nej|none|inget|ingen)\s*[.!]*\s*$",
    re.IGNORECASE,
)


def find_asset(text: str) -> str | None:
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        if word in ASSETS:
            return ASSETS[word]
    return None


def find_network(text: str, answering: bool = False) -> str | None:
    """A network named in text; `answering` also accepts chain names such as "bitcoin"."""
    table = NETWORK_ANSWERS if answering else NETWORKS
    lowered = text.lower()
    for name in sorted(table, key=len, reverse=True):
        if re.search(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])", lowered):
            return table[name]
    return None


def find_tx_id(text: str) -> str | None:
    """The first transaction id in `text`, in its short form (bot.redact.txids); never a
    private key. A 64-hex is a key by the words around it ("my private key ..."), judged
    as an answer to "what is the tx id?" (bot.redact.keys): with no word about it, it
    answers the question."""
    for pattern in _TX_PATTERNS:
        for match in pattern.finditer(text):
            if not is_key(text, match.start(), match.end(), AS_TX_ID_ANSWER):
                found = match.group(0)
                return shorten(found) if LONG.fullmatch(found) else found
    return None


def find_amount(text: str) -> str | None:
    """The first amount, normalised to a point decimal: "1 250,5" -> "1250.5".

    Digits that are part of a tx id or a longer token are not amounts.
    """
    scrubbed = text
    for pattern in _TX_PATTERNS:
        scrubbed = pattern.sub(" ", scrubbed)
    for match in _AMOUNT_IN_TEXT.finditer(scrubbed):
        if amount := _normalise_amount(match):
            return amount
    return None


def amount_value(text: str) -> str | None:
    """`text` read as one amount, normalised ("1 250,50" -> "1250.50"); None if it is not."""
    match = AMOUNT.fullmatch(text.strip())
    return _normalise_amount(match) if match else None


def _normalise_amount(match: re.Match[str]) -> str | None:
    whole = re.sub(r"[ \u00a0]", "", match.group(1))
    fraction = match.group(2)
    if len(whole) > 15:
        return None
    return f"{int(whole)}.{fraction}" if fraction else str(int(whole))


def is_no_answer(text: str) -> bool:
    """The user says they do not have or know this detail."""
    return bool(_NO_ANSWER.search(text or ""))


def clip(text: str, limit: int) -> str:
    """Free text as a slot keeps it: secrets redacted (form answers are screened like any
    message, whatever path they came by), whitespace collapsed, at most `limit` chars."""
    text = " ".join(redact(text or "", AS_TX_ID_ANSWER).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_COUNT = (r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|a few|"
          r"a couple of|several|en|ett|två|tre|fyra|fem|sex|sju|åtta|nio|tio|tolv|ett par|"
          r"några)")
_UNIT = r"(?:min(?:ute)?s?|hours?|hrs?|h|days?|weeks?|minuter|timm(?:e|ar)|dagar|dygn|veckor)"
# When it happened, as users say it in passing ("yesterday", "2 hours ago", "i natt",
# "för tre dagar sedan", "at 14:30"): enough for staff, so the form need not ask.
# A clock time said before the day ("around 3am last night", "runt kl 3 i natt"); a bare
# number before a day word is as often an amount ("500 igår").
_CLOCK_FIRST = (
    r"(?:(?:(?:around|about|runt|vid|ca\.?)\s+)?(?:at|kl\.?|klockan)\s+"
    r"\d{1,2}(?:[:.]\d\d)?(?:\s*(?:am|pm))?\s+"
    r"|(?:around|about|runt|vid|ca\.?)\s+\d{1,2}(?:[:.]\d\d)?(?:\s*(?:am|pm))?\s+"
    r"|\d{1,2}(?:[:.]\d\d)?\s*(?:am|pm)\s+)?"
)
_WHEN = re.compile(
    r"(?i)(?<!\w)(?:"
    rf"{_CLOCK_FIRST}"
    r"(?:yesterday|today|tonight|this (?:morning|afternoon|evening)|last (?:night|week)|"
    r"igår|i går|idag|i dag|i morse|i förmiddags|i eftermiddags|i kväll|i natt|i helgen|"
    r"förra veckan|i (?:mån|tis|ons|tors|fre|lör|sön)dags|"
    r"(?:on|last) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))"
    r"(?:\s+(?:morning|evening|night|kväll|morgon|eftermiddag))?"
    r"(?:\s+(?:at|around|about|kl\.?|klockan|runt|vid)\s+\d{1,2}(?:[:.]\d\d)?\s*(?:am|pm)?)?"
    rf"|{_COUNT}\s+{_UNIT}\s+ago"
    rf"|för\s+{_COUNT}\s+{_UNIT}\s+sedan"
    rf"|(?:for|the last|the past|i)\s+{_COUNT}\s+{_UNIT}"
    r"|(?:at|around|kl\.?|klockan)\s+\d{1,2}[:.]\d\d"
    r"|\d{4}-\d\d-\d\d"
    r")(?!\w)"
)
# A first message this long tells what happened: the form need not ask again ("see above").
DESCRIBING_WORDS = 15


def find_time(text: str) -> str | None:
    """When it happened, if the text says in passing; the words as the user wrote them."""
    match = _WHEN.search(text)
    return " ".join(match.group(0).split()) if match else None


def fiat_details(text: str) -> dict[str, str]:
    """The details of a bank, card or Swish payment named in `text` ({} when none is):
    the currency as the asset, the method as the network, and no tx id to ask for."""
    lowered = text.lower()
    method = _FIAT_METHOD.search(lowered)
    currency = _FIAT_CURRENCY.search(lowered)
    if method is None and (currency is None or _CRYPTO_HINT.search(lowered)):
        return {}
    return {
        "asset": FIAT_CURRENCIES[currency.group(0)] if currency else "fiat",
        "network": FIAT_METHODS[method.group(0)] if method else FIAT_NETWORK,
        "tx_id": NOT_PROVIDED,
    }


def prefill(text: str) -> dict[str, str]:
    """Details a user gave unasked in their first message."""
    asset = find_asset(text)
    fiat = {} if asset else fiat_details(text)
    asset = asset or fiat.get("asset")
    found = {
        "asset": asset,
        "network": find_network(text) or fiat.get("network"),
        # A bare number in a first message is as often a time or a date as an amount.
        "amount": find_amount(text) if asset else None,
        "tx_id": find_tx_id(text) or fiat.get("tx_id"),
        "incident_time": find_time(text),
        "description": clip(text, 1000) if len(text.split()) >= DESCRIBING_WORDS else None,
    }
    return {slot: value for slot, value in found.items() if value}

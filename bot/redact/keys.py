"""Private keys: WIF, extended keys (xprv ...), and 64 hex digits.

A 64-hex private key and a transaction hash cannot be told apart by their bytes, so the
words around decide, over the whole message, the nearest word winning:
- a key word ("private key", "nyckel", "wif", ...) nearer than any transaction word: key;
- a transaction word ("tx", "hash", "deposit", "uttag", an asset or network ...): tx id;
- no word at all: what the previous message announced ("here is my key" / "the tx id:"),
  else the bot's question (asked for the transaction id: a tx id, as the form needs),
  else, first seen by the channel, a key. A tx hash pasted out of the blue is cheap to
  ask again; a key stored is a wallet lost.
Hex in groups ("c0ffee11 c0ffee11 ...", "c0:ff:ee:...") is a key: explorers and wallets
show a tx hash in one piece, key backups and paper wallets in groups.
"""

from __future__ import annotations

import hashlib
import re

from bot.redact.context import KEY, TX, Context, Secret

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}
_WIF = re.compile(r"(?<![0-9A-Za-z])[5KL9c][1-9A-HJ-NP-Za-km-z]{50,51}(?![0-9A-Za-z])")
_XPRV = re.compile(r"(?<![0-9A-Za-z])[xyztuvYZUV]prv[1-9A-HJ-NP-Za-km-z]{90,120}(?![0-9A-Za-z])")
HEX64 = re.compile(r"(?<![0-9A-Za-z])(?:0[xX])?[0-9a-fA-F]{64}(?![0-9A-Za-z])")
# Groups of hex digits joined by spaces or one separator mark: "ab12cd34 ef56...". A
# separator is required between groups: the split of a run is then unambiguous (linear).
_HEX_GROUPS = re.compile(
    r"(?<![0-9A-Za-z])(?:0[xX])?[0-9a-fA-F]{2,32}"
    r"(?:(?:[ \t\n]+|[ \t\n]*[:\-._,/|][ \t\n]*)[0-9a-fA-F]{2,32}){1,47}(?![0-9A-Za-z])"
)
_HEX_PIECE = re.compile(r"(?<![0-9A-Za-z])(?:0[xX])?[0-9a-fA-F]{16,63}(?![0-9A-Za-z])")
_KEY_WORD = (
    r"(?:\b(?:private|priv|privkey|secret|key|keys|nyckel|nyckeln|nycklar|privat[a]?|"
    r"hemlig[a]?|pk|wif|keystore|exported|exporterade?)\b|privatnyckel\w*|privatekey\w*)"
)
KEY_WORDS = re.compile("(?i)" + _KEY_WORD)
TX_WORDS = re.compile(
    r"(?i)\b(?:tx|txid|txids|txn|tx[ -]?hash|hash|hashen|transaction|transactions|"
    r"transaktion\w*|tx-id|tx-id:t|block|address|adress\w*|withdrawals?|withdrew|deposits?|"
    r"deposited|transfers?|transferred|sent|received|credited|arrived|confirmations?|"
    r"explorer|etherscan|bscscan|tronscan|solscan|blockchair|mempool|"
    r"uttag\w*|insättning\w*|överföring\w*|skickade|skickat|kom\s+fram|"
    r"usdt|usdc|btc|eth|trx|bnb|sol|xrp|ltc|doge|erc-?20|trc-?20|bep-?20|polygon|arbitrum)\b"
)


def _b58check_ok(value: str) -> bool:
    number = 0
    for ch in value:
        number = number * 58 + _B58_INDEX[ch]
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    raw = b"\x00" * (len(value) - len(value.lstrip("1"))) + raw
    if len(raw) < 5:
        return False
    body, checksum = raw[:-4], raw[-4:]
    return hashlib.sha256(hashlib.sha256(body).digest()).digest()[:4] == checksum


def _distance(pattern: re.Pattern[str], text: str, start: int, end: int) -> int | None:
    """Characters between the span and the nearest match of `pattern` in `text`."""
    best: int | None = None
    for m in pattern.finditer(text):
        if m.end() <= start:
            d = start - m.end()
        elif m.start() >= end:
            d = m.start() - end
        else:
            continue  # inside the span itself
        best = d if best is None else min(best, d)
    return best


def word_says(text: str, start: int, end: int) -> str | None:
    """KEY or TX by the nearest word about the span; None when no word says."""
    key = _distance(KEY_WORDS, text, start, end)
    tx = _distance(TX_WORDS, text, start, end)
    if key is None and tx is None:
        return None
    if tx is None or (key is not None and key <= tx):
        return KEY
    return TX


def bare_hex_is_key(context: Context) -> bool:
    """A 64-hex with no word about it in its message."""
    if context.says(KEY):
        return True
    if context.says(TX) or context.expecting_tx_id:
        return False
    return context.bare_hex_is_key


def is_key(text: str, start: int, end: int, context: Context) -> bool:
    said = word_says(text, start, end)
    if said is None:
        return bare_hex_is_key(context)
    return said == KEY


def find(text: str, context: Context) -> tuple[list[Secret], int]:
    """(keys in `text`, hex digits of a key that may go on in the next message)."""
    found = [Secret(KEY, m.start(), m.end()) for m in _XPRV.finditer(text)]
    for m in _WIF.finditer(text):
        if _b58check_ok(m.group()) or word_says(text, m.start(), m.end()) == KEY:
            found.append(Secret(KEY, m.start(), m.end()))
    for m in HEX64.finditer(text):
        if is_key(text, m.start(), m.end(), context):
            found.append(Secret(KEY, m.start(), m.end()))
    for m in _HEX_GROUPS.finditer(text):
        found += _grouped(m)
    return found + _pieces(text, context)


def _grouped(match: re.Match[str]) -> list[Secret]:
    """64 hex digits in equal groups within a run of hex-looking groups (words such as
    "added" or "cafe" may stand before them)."""
    pieces = [(p.start() + match.start(), p.end() + match.start())
              for p in re.finditer(r"[0-9a-fA-F]+", match.group())]
    found = []
    for i, (start, end) in enumerate(pieces):
        size = end - start
        if 64 % size or size == 64:
            continue
        count = 64 // size
        group = pieces[i : i + count]
        if len(group) == count and all(e - s == size for s, e in group):
            before = match.string[max(0, start - 2) : start]
            start -= 2 if before.lower() == "0x" else 0
            found.append(Secret(KEY, start, group[-1][1]))
    return found


def _pieces(text: str, context: Context) -> list[Secret]:
    """Part of a hex key: the rest after a part in the last message, or a part of one
    right after a key was announced (here or in the last message)."""
    found = []
    for m in _HEX_PIECE.finditer(text):
        digits = len(m.group().removeprefix("0x").removeprefix("0X"))
        rest = context.hex_digits and context.hex_digits + digits == 64
        announced = context.says(KEY) or word_says(text, m.start(), m.end()) == KEY
        if rest or (announced and digits >= 16):
            found.append(Secret(KEY, m.start(), m.end()))
    return found


def carried_hex(text: str, context: Context) -> int:
    """Hex digits of a key begun at the end of `text` (16 to 63): the rest may follow."""
    m = re.search(r"(?<![0-9A-Za-z])(?:0[xX])?([0-9a-fA-F]{16,63})[\s.,;:]*$", text)
    if not m:
        return 0
    said = word_says(text, m.start(), m.end())
    if said == TX:
        return 0
    return len(m.group(1)) if said == KEY or context.says(KEY) or len(m.group(1)) == 32 else 0


_ANNOUNCE_KEY = re.compile(
    r"(?i)\b(?:here(?:'s| is| it is| you go)|this is|i'?ll (?:send|give|paste)|sending|"
    r"här är|här kommer|jag skickar|det är)\b[^.!?\n]{0,30}?" + _KEY_WORD
    + r"|" + _KEY_WORD + r"(?:\s+(?:is|was|är|var)\s*[:=]?|\s*[:=])\s*$"
)
_ANNOUNCE_TX = re.compile(
    r"(?i)\b(?:tx|txid|tx[ -]?id|tx[ -]?hash|hash|transaction(?: id| hash)?|transaktions?-?id\w*|"
    r"transaktion\w*)(?:\s+(?:is|was|är|var)\s*[:=]?|\s*[:=])\s*$"
)


def announces(text: str, found: list[Secret]) -> bool:
    """The message announces a key it has not given ("here is my private key")."""
    return not found and _ANNOUNCE_KEY.search(text.strip()) is not None


def announces_tx(text: str) -> bool:
    """The message ends announcing a transaction id ("the tx hash is:")."""
    return HEX64.search(text) is None and _ANNOUNCE_TX.search(text.strip()) is not None

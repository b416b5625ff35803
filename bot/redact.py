"""Redact secrets from user text before it is stored anywhere (review inbox, queue, logs).

    redact("my seed is abandon ability able ...") -> "my seed is [redacted seed phrase]"

What counts as a secret:
- BIP39 seed phrases: 12+ consecutive words of the English BIP39 list (any case, any
  spacing, numbering such as "1. abandon 2. ability" allowed, one misspelt word per 12
  tolerated); 6+ words right after "seed phrase"/"fras"/... in the same message.
- Private keys: WIF (51/52 base58 chars starting 5/K/L, or 9/c on testnet) with a valid
  checksum or next to a key word; extended keys (xprv, yprv, zprv, tprv, ...); 64 hex
  digits (with or without 0x) only next to a key word ("private key", "nyckel"), since a
  transaction hash looks exactly the same and must survive.
- 2FA / SMS / OTP codes: 4-8 digits next to "code", "2fa", "otp", "sms", "kod", ...
- Passwords and PINs announced as such: "my password is X", "lösenordet är X", "pin: X".
- Card numbers: 13-19 digits (spaces or dashes allowed) passing the Luhn check.

Detection works on the original text; overlapping finds are merged, then replaced.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

SEED = "seed phrase"
KEY = "private key"
CODE = "code"
PASSWORD = "password"
CARD = "card number"

MIN_SEED_WORDS = 12
MIN_SEED_WORDS_ANNOUNCED = 6  # after "seed phrase", "recovery words", "fras", ...


def placeholder(kind: str) -> str:
    return f"[redacted {kind}]"


@dataclass(frozen=True)
class Secret:
    kind: str
    start: int
    end: int


@lru_cache(maxsize=1)
def bip39_words() -> frozenset[str]:
    """The English BIP39 word list (2048 words), shipped by the `mnemonic` package."""
    from mnemonic import Mnemonic

    words = frozenset(Mnemonic("english").wordlist)
    assert len(words) == 2048, "unexpected BIP39 word list"
    return words


# -- seed phrases --------------------------------------------------------------------

_WORD = re.compile(r"(?<![A-Za-z])[A-Za-z]+(?![A-Za-z0-9])")
_SENTENCE_END = re.compile(r"[^\d]*[.!?][^\d]*")
_SEED_CONTEXT = re.compile(
    r"(?i)\b(?:seed|mnemonic|recovery|backup|secret)\s*(?:phrase|words?)?\b"
    r"|\b(?:seed|återställnings|återskapnings|backup)?fras(?:en)?\b"
    r"|\b(?:\d{2}|tolv|tjugofyra|twelve|twenty[- ]four)\s+(?:ord|words)\b"
)


def _seed_phrases(text: str) -> list[Secret]:
    words = bip39_words()
    tokens = [(m.start(), m.end(), m.group().lower() in words) for m in _WORD.finditer(text)]
    found: list[Secret] = []
    i = 0
    while i < len(tokens):
        if not tokens[i][2]:
            i += 1
            continue
        # Extend a run of hits, bridging single misses (a typo) at most once per 12 hits.
        # A sentence end (". " without numbering) ends the run: prose is made of sentences.
        j, hits, misses, last_hit = i, 0, 0, i
        while j < len(tokens):
            if j > i and _SENTENCE_END.fullmatch(text[tokens[j - 1][1] : tokens[j][0]]):
                break
            if tokens[j][2]:
                hits, last_hit = hits + 1, j
            else:
                nxt = j + 1 < len(tokens) and tokens[j + 1][2]
                if not nxt or misses + 1 > max(1, (hits + 1) // MIN_SEED_WORDS):
                    break
                misses += 1
            j += 1
        run = tokens[i : last_hit + 1]
        words_in_run = [text[t[0] : t[1]].lower() for t in run]
        # "my seed phrase is abandon ...": the phrase is announced by the words before it.
        k = next((n for n, t in enumerate(run) if t[2] and words_in_run[n] not in _NAMING_WORDS), 0)
        announced = _SEED_CONTEXT.search(text[max(0, run[k][0] - 60) : run[k][0]]) is not None
        needed = MIN_SEED_WORDS_ANNOUNCED if announced else MIN_SEED_WORDS
        first, last = _tighten([t[2] for t in run], words_in_run, needed)
        # Words bridged as typos count: a 12-word phrase with one typo has 11 hits.
        if last - first + 1 >= needed:
            found.append(Secret(SEED, run[first][0], run[last][1]))
        i = last_hit + 1
    return found


# BIP39 words that name the phrase rather than belong to it ("my seed phrase: ...").
_NAMING_WORDS = frozenset({"seed", "phrase", "secret", "word", "words", "recovery", "backup"})


def _tighten(hits: list[bool], words: list[str], needed: int) -> tuple[int, int]:
    """First and last index of the phrase within a run: a bridged miss near an end, and
    any words beyond it, are dropped when enough words remain without them, and so are
    leading words that name the phrase ("seed phrase is abandon ..." -> "abandon ...")."""
    first, last = 0, len(hits) - 1
    while True:
        misses = [k for k in range(first, last + 1) if not hits[k]]
        if misses and last - misses[0] >= needed:
            first = misses[0] + 1
        elif misses and misses[-1] - first >= needed:
            last = misses[-1] - 1
        elif words[first] in _NAMING_WORDS and last - first >= needed:
            first += 1
        else:
            return first, last


# -- private keys --------------------------------------------------------------------

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}
_WIF = re.compile(r"(?<![0-9A-Za-z])[5KL9c][1-9A-HJ-NP-Za-km-z]{50,51}(?![0-9A-Za-z])")
_XPRV = re.compile(r"(?<![0-9A-Za-z])[xyztuvYZUV]prv[1-9A-HJ-NP-Za-km-z]{90,120}(?![0-9A-Za-z])")
_HEX64 = re.compile(r"(?<![0-9A-Za-z])(?:0[xX])?[0-9a-fA-F]{64}(?![0-9A-Za-z])")
_KEY_WORDS = re.compile(
    r"(?i)\b(?:private|priv|privkey|secret|key|keys|nyckel|nyckeln|nycklar|privat[a]?|"
    r"hemlig[a]?|pk|wif)\b|privatnyckel\w*|privatekey\w*"
)
_TX_WORDS = re.compile(
    r"(?i)\b(?:tx|txid|txids|txn|tx[ -]?hash|hash|hashen|transaction|transactions|"
    r"transaktion\w*|tx-id|tx-id:t|block|address|adress\w*|withdrawals?|deposits?|"
    r"transfers?|sent|received|uttag\w*|insättning\w*|överföring\w*|skickade)\b"
)
KEY_CONTEXT_BEFORE = 48
KEY_CONTEXT_AFTER = 32


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


def _nearest(pattern: re.Pattern[str], text: str, start: int, end: int) -> int | None:
    """Distance from the span to the closest match of `pattern` around it, if any."""
    best: int | None = None
    before = text[max(0, start - KEY_CONTEXT_BEFORE) : start]
    for m in pattern.finditer(before):
        distance = len(before) - m.end()
        best = distance if best is None else min(best, distance)
    after = text[end : end + KEY_CONTEXT_AFTER]
    for m in pattern.finditer(after):
        best = m.start() if best is None else min(best, m.start())
    return best


def _looks_like_key_here(text: str, start: int, end: int) -> bool:
    key = _nearest(_KEY_WORDS, text, start, end)
    if key is None:
        return False
    tx = _nearest(_TX_WORDS, text, start, end)
    return tx is None or key <= tx


def _private_keys(text: str) -> list[Secret]:
    found = [Secret(KEY, m.start(), m.end()) for m in _XPRV.finditer(text)]
    for m in _WIF.finditer(text):
        if _b58check_ok(m.group()) or _looks_like_key_here(text, m.start(), m.end()):
            found.append(Secret(KEY, m.start(), m.end()))
    for m in _HEX64.finditer(text):
        if _looks_like_key_here(text, m.start(), m.end()):
            found.append(Secret(KEY, m.start(), m.end()))
    return found


# -- one-time codes ------------------------------------------------------------------

_CODE_WORD = (
    r"(?:2fa|2-fa|mfa|otp|totp|sms|code|codes|kod|koden|koder|pin|pinkod|pinkoden|"
    r"authenticator|verification|verifieringskod(?:en)?|engångskod(?:en)?|"
    r"säkerhetskod(?:en)?|bekräftelsekod(?:en)?|sms-kod(?:en)?|2fa-kod(?:en)?|"
    r"google authenticator|bankid)"
)
# Longest form first: "7301 8264" must go whole, not as "7301" leaving "8264".
_DIGITS = r"(?P<code>\d{4}[ -]\d{4}|\d{3}[ -]\d{3}|\d{4,8})"
# What follows a number that is an amount, not a code.
_NOT_A_CODE_AFTER = (
    r"(?![.,]\d|[-/:]\d|\s*(?:%|\$|€|kr\b|sek\b|usd\b|eur\b|dollars?\b|euros?\b|kronor\b|"
    r"usdt\b|usdc\b|btc\b|eth\b|sol\b|xrp\b|ada\b|doge\b|bnb\b|trx\b|ltc\b|dot\b|matic\b|"
    r"coins?\b|tokens?\b|satoshis?\b|sats\b|gwei\b))"
)
_CODE_AFTER_WORD = re.compile(
    rf"(?i)\b{_CODE_WORD}\b[^\d\n.!?,;]{{0,20}}?(?<![\d.,]){_DIGITS}(?![\d])" + _NOT_A_CODE_AFTER
)
_CODE_BEFORE_WORD = re.compile(
    rf"(?i)(?<![\d.,]){_DIGITS}(?![\d.,])" + _NOT_A_CODE_AFTER + r"\s+(?:(?:is|was|är|var)\s+)?"
    rf"(?:(?:my|the|min|mitt|den|en|a)\s+)?(?:\w+\s+)?{_CODE_WORD}\b"
)


def _codes(text: str) -> list[Secret]:
    found = []
    for pattern in (_CODE_AFTER_WORD, _CODE_BEFORE_WORD):
        for m in pattern.finditer(text):
            found.append(Secret(CODE, m.start("code"), m.end("code")))
    return found


# -- passwords -----------------------------------------------------------------------

_PASSWORD = re.compile(
    r"(?i)\b(?:password|passwd|passcode|passphrase|pwd|pw|pass|pin|pin[- ]?code|"
    r"lösenord(?:et)?|lösen|pinkod(?:en)?|pin-kod(?:en)?)"
    r"(?:\s+(?:is|was|är|var|blev)(?:\s+(?:now|nu))?(?:\s*[:=]\s*|\s+)|\s*[:=]\s*)"
    r"(?P<secret>\"[^\"\n]{1,80}\"|'[^'\n]{1,80}'|“[^”\n]{1,80}”|\S+)"
)
# Words after "my password is" that describe it rather than reveal it.
_NOT_A_PASSWORD = frozenset(
    """not wrong incorrect invalid correct right changed reset compromised leaked stolen
    expired blocked locked gone lost weak strong too very the a an my your it that this
    same different new old working being also still now been never always definitely
    probably hacked known saved stored fine ok okay empty here there in on
    inte fel felaktigt ändrat bytt ändrad bytt återställt stulet stulen läckt spärrat
    låst borta samma nytt nya gammalt gamla för väldigt det den ett en mitt min också
    entered denied rejected accepted unlocked declined disabled refused forgotten required
    needed asked requested sent to for and or because when of but so if what who how why
    fortfarande nu aldrig alltid hackat känt sparat okej tomt här där spärrad spärrat
    nekad nekades glömt glömd godkänt avvisat avvisades till och eller för men så om vad
    som hur varför när""".split()
)


def _passwords(text: str) -> list[Secret]:
    found = []
    for m in _PASSWORD.finditer(text):
        secret = m.group("secret")
        bare = secret.strip("\"'“”.,!?;:()").lower()
        if not bare or bare in _NOT_A_PASSWORD:
            continue
        # The whole token goes, trailing punctuation included: it may be part of it.
        found.append(Secret(PASSWORD, m.start("secret"), m.end("secret")))
    return found


# -- card numbers --------------------------------------------------------------------

_CARD = re.compile(r"(?<![\w.,])\d(?:[ -]?\d){12,18}(?![\w]|[.,]\d)")


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _cards(text: str) -> list[Secret]:
    found = []
    for m in _CARD.finditer(text):
        digits = re.sub(r"[ -]", "", m.group())
        if 13 <= len(digits) <= 19 and luhn_ok(digits) and len(set(digits)) > 1:
            found.append(Secret(CARD, m.start(), m.end()))
    return found


# -- public API ----------------------------------------------------------------------

_DETECTORS = (_private_keys, _seed_phrases, _cards, _passwords, _codes)


def find_secrets(text: str) -> list[Secret]:
    """Secrets in `text`, sorted; overlapping finds merged (the earliest, longest wins)."""
    candidates: list[Secret] = []
    for detector in _DETECTORS:
        candidates.extend(detector(text))
    merged: list[Secret] = []
    for secret in sorted(candidates, key=lambda s: (s.start, -s.end)):
        if merged and secret.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Secret(last.kind, last.start, max(last.end, secret.end))
        else:
            merged.append(secret)
    return merged


def redact(text: str) -> str:
    """`text` with every secret replaced by a placeholder such as "[redacted password]"."""
    if not text:
        return text
    out, position = [], 0
    for secret in find_secrets(text):
        out.append(text[position : secret.start])
        out.append(placeholder(secret.kind))
        position = secret.end
    out.append(text[position:])
    return "".join(out)

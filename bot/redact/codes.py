"""2FA / SMS / authenticator codes: 4-8 digits next to a word for them.

The word need not be "code": "the numbers my phone just got are 123456", "siffrorna
appen visar är 123456". After a message that announced a code ("I'll give you the code"),
a short message that is mostly a 4-8 digit number is one. What follows a number that is
an amount (a currency, a decimal part) or a date, and a number that is part of a longer
digit sequence (a phone number: "070 123 4567"), is never a code.
"""

from __future__ import annotations

import re

from bot.redact.context import CODE, Context, Secret

_CODE_WORD = (
    r"(?:2fa|2-fa|mfa|otp|totp|sms|code|codes|kod|koden|koder|pin|pinkod|pinkoden|"
    r"authenticator|verification|verifieringskod(?:en)?|engångskod(?:en)?|"
    r"säkerhetskod(?:en)?|bekräftelsekod(?:en)?|sms-kod(?:en)?|2fa-kod(?:en)?|"
    r"google authenticator|bankid|"
    # without the word "code": the digits a phone or an app just showed
    r"numbers|digits|siffror|siffrorna|sifferkod(?:en)?|"
    r"(?:phone|mobile|cell|telefon(?:en)?|mobil(?:en)?|app(?:en)?)\s+(?:just\s+|nyss\s+)?"
    r"(?:got|get|gets|received|receives|showed|shows|says|said|texted|sent|"
    r"fick|får|visade|visar|sa|säger|skickade))"
)
# Longest form first: "7301 8264" must go whole, not as "7301" leaving "8264".
_DIGITS = r"(?P<code>\d{4}[ -]\d{4}|\d{3}[ -]\d{3}|\d{4,8})"
# Not the tail of a longer digit sequence ("070 123 4567": "4567" is no code).
_NOT_A_TAIL = r"(?<![\d.,])(?<!\d )(?<!\d-)"
# What follows a number that is an amount, not a code.
NOT_A_CODE_AFTER = (
    r"(?![.,]\d|[-/:]\d|\s*(?:%|\$|€|kr\b|sek\b|usd\b|eur\b|dollars?\b|euros?\b|kronor\b|"
    r"usdt\b|usdc\b|btc\b|eth\b|sol\b|xrp\b|ada\b|doge\b|bnb\b|trx\b|ltc\b|dot\b|matic\b|"
    r"coins?\b|tokens?\b|satoshis?\b|sats\b|gwei\b|\d))"
)
_CODE_AFTER_WORD = re.compile(
    rf"(?i)\b{_CODE_WORD}\b[^\d\n.!?,;]{{0,30}}?{_NOT_A_TAIL}{_DIGITS}(?![\d])" + NOT_A_CODE_AFTER
)
_CODE_BEFORE_WORD = re.compile(
    rf"(?i){_NOT_A_TAIL}{_DIGITS}(?![\d.,])" + NOT_A_CODE_AFTER + r"\s+(?:(?:is|was|är|var)\s+)?"
    rf"(?:(?:my|the|min|mitt|den|en|a)\s+)?(?:\w+\s+){{0,2}}{_CODE_WORD}\b"
)
_ANY_CODE = re.compile(rf"(?i){_NOT_A_TAIL}{_DIGITS}(?![\d])" + NOT_A_CODE_AFTER)
_ANNOUNCE = re.compile(
    rf"(?i)\b(?:here(?:'s| is| are)|this is|these are|i'?ll (?:send|give)|sending|"
    rf"här är|här kommer|det är|jag skickar)\b[^.!?\n]{{0,30}}\b{_CODE_WORD}\b"
    rf"|\b{_CODE_WORD}(?:\s+(?:is|are|was|är|var|blev)\s*[:=]?|\s*[:=])\s*$"
)
MAX_WORDS_BESIDE_ANNOUNCED_CODE = 4


def find(text: str, context: Context) -> list[Secret]:
    found = []
    for pattern in (_CODE_AFTER_WORD, _CODE_BEFORE_WORD):
        for m in pattern.finditer(text):
            found.append(Secret(CODE, m.start("code"), m.end("code")))
    words = len(re.findall(r"[^\W\d_]+", text))
    if context.says(CODE) and words <= MAX_WORDS_BESIDE_ANNOUNCED_CODE:
        for m in _ANY_CODE.finditer(text):
            found.append(Secret(CODE, m.start("code"), m.end("code")))
    return found


def announces(text: str, found: list[Secret]) -> bool:
    """The message names a code it has not given (yet)."""
    return not found and _ANNOUNCE.search(text.strip()) is not None

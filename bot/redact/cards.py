"""Payment card numbers, and the expiry date and CVV given beside them.

- 13-19 digits passing the Luhn check, in one piece or in groups joined by spaces (any
  Unicode space: the text is folded first), dashes or dots; also four-digit groups inside
  a longer run of digit groups ("00000 4111 1111 1111 1111").
- Part of a number after a card word ("card 4111 1111", "kortnummer 5555 5555"), or a
  message that is nothing but four-digit groups: the start of a number split over two
  messages. Its Luhn sums go on to the next message (bot.redact.context.CardStart), so
  the rest is recognised there.
- Beside a card (here or in the last message): an expiry ("12/27", "12-2027") and a 3-4
  digit CVV; anywhere: digits after "cvv", "cvc", "säkerhetskod", "exp", "giltig t.o.m.".
"""

from __future__ import annotations

import re

from bot.redact.context import CARD, CardStart, Context, Secret, luhn_sum

# Digit groups joined by one space, dash or dot: the candidates for a card number.
_GROUPS = re.compile(r"(?<![\w.,])\d+(?:[ .\-]\d+)*(?![\w]|[.,]\d)")
CARD_WORDS = re.compile(
    r"(?i)\b(?:card|cards|credit|debit|visa|mastercard|master card|amex|maestro|"
    r"kort|kortet|kortnummer|kortnumret|kreditkort\w*|bankkort\w*|betalkort\w*)\b"
)
_EXPIRY = r"(?:0?[1-9]|1[0-2])\s?[/\-.]\s?(?:20)?\d{2}"
_CVV = r"\d{3,4}"
_LABELLED = re.compile(
    rf"(?i)\b(?:cvv2?|cvc2?|cid|csc|security code|card code|säkerhetskod(?:en)?|"
    rf"kontrollsiffror(?:na)?|cvv-kod(?:en)?|cvc-kod(?:en)?)\b\W{{0,6}}(?P<cvv>{_CVV})(?!\d)"
    rf"|\b(?:exp|expiry|expires|expiration|exp\.? date|valid thru|valid until|"
    rf"utgångsdatum|giltig t\.?o\.?m\.?|giltigt till|går ut)\b\W{{0,6}}(?P<exp>{_EXPIRY})(?![\d/])"
)
# Within this many characters after (or before) a card: its expiry and CVV.
_BESIDE = re.compile(rf"^(?:[\s,;:|/\-]|\b(?:exp\w*|cvv2?|cvc2?|and|och)\b)*"
                     rf"(?P<value>{_EXPIRY}(?![\d/])|{_CVV}(?!\d))")
BESIDE_CHARS = 40
_AMOUNT_AFTER = re.compile(
    r"\s*(?:%|\$|€|kr\b|sek\b|usd\b|eur\b|dollars?\b|euros?\b|kronor\b|usdt\b|usdc\b|"
    r"btc\b|eth\b)", re.IGNORECASE)
MIN_START_DIGITS = 6  # of a card number after a card word
MAX_START_DIGITS = 12  # longer is a whole number, and failed the Luhn check


def luhn_ok(digits: str) -> bool:
    return luhn_sum(digits) % 10 == 0


def _is_card(digits: str) -> bool:
    return 13 <= len(digits) <= 19 and luhn_ok(digits) and len(set(digits)) > 1


def find(text: str, context: Context) -> tuple[list[Secret], CardStart | None]:
    """(card numbers and their details in `text`, the start of a card ending `text`)."""
    found: list[Secret] = []
    carried: CardStart | None = None
    for i, m in enumerate(_GROUPS.finditer(text)):
        pieces = [(p.start() + m.start(), p.end() + m.start())
                  for p in re.finditer(r"\d+", m.group())]
        digits = re.sub(r"\D", "", m.group())
        if i == 0 and context.card_start and context.card_start.completes(digits):
            found.append(Secret(CARD, m.start(), m.end()))  # the rest of the last message's
            continue
        if _is_card(digits):
            found.append(Secret(CARD, m.start(), m.end()))
            continue
        if inner := _card_in_groups(text, pieces):
            found.append(inner)
            continue
        ends_text = not text[m.end() :].strip(" .,;:-\n\t")
        if _starts_a_card(text, m, digits, pieces, context):
            found.append(Secret(CARD, m.start(), m.end()))
            carried = CardStart.of(digits) if ends_text else carried
        elif ends_text and (_read_out(digits, pieces) or _run_of_groups(digits, pieces)):
            # Not redacted (the first 8 digits name the bank, not the card; a lone 8-digit
            # run may be an order number), but the rest is recognised if it comes next.
            carried = CardStart.of(digits)
    found += _details(text, found, context)
    return found, carried


def _card_in_groups(text: str, pieces: list[tuple[int, int]]) -> Secret | None:
    """Four-digit groups making a card inside a longer run of groups."""
    for i in range(len(pieces)):
        for j in range(i, len(pieces)):
            group = pieces[i : j + 1]
            digits = "".join(text[s:e] for s, e in group)
            if len(digits) > 19:
                break
            if all(e - s == 4 for s, e in group[:-1]) and _is_card(digits):
                return Secret(CARD, group[0][0], group[-1][1])
    return None


def _starts_a_card(text: str, m: re.Match[str], digits: str, pieces: list[tuple[int, int]],
                   context: Context) -> bool:
    if not MIN_START_DIGITS <= len(digits) <= MAX_START_DIGITS or len(set(digits)) == 1:
        return False
    # Four-digit groups (the last may be shorter) or one piece: "1 250 000" is an amount.
    if not all(e - s == 4 for s, e in pieces[:-1]) or _AMOUNT_AFTER.match(text, m.end()):
        return False
    before = text[max(0, m.start() - 40) : m.start()]
    if CARD_WORDS.search(before) or context.says(CARD):
        return True
    # Nothing but two or three four-digit groups: how a card number is read out.
    alone = not re.sub(r"[\s.,;:!?-]", "", text[: m.start()] + text[m.end() :])
    return alone and _read_out(digits, pieces)


def _read_out(digits: str, pieces: list[tuple[int, int]]) -> bool:
    """Two or three four-digit groups, as the start of a card number is read out."""
    return 2 <= len(pieces) <= 3 and all(e - s == 4 for s, e in pieces) and digits[0] != "0"


def _run_of_groups(digits: str, pieces: list[tuple[int, int]]) -> bool:
    """Two or three four-digit groups typed without spaces: "45391488"."""
    return len(pieces) == 1 and len(digits) in (8, 12) and digits[0] != "0"


def _details(text: str, cards: list[Secret], context: Context) -> list[Secret]:
    """Expiry dates and CVVs beside a card found here (or in the last message), and any
    labelled as such."""
    found = []
    for m in _LABELLED.finditer(text):
        group = "cvv" if m.group("cvv") else "exp"
        found.append(Secret(CARD, m.start(group), m.end(group)))
    anchors = [c.end for c in cards]
    if context.says(CARD) and len(re.findall(r"[^\W\d_]+", text)) <= 4:
        anchors.append(0)  # a short message after a card: "12/27 123"
    for end in anchors:
        position = end
        for _ in range(2):  # an expiry and a CVV, in either order
            beside = _BESIDE.match(text[position : end + BESIDE_CHARS])
            if not beside:
                break
            found.append(Secret(CARD, position + beside.start("value"),
                                position + beside.end("value")))
            position += beside.end()
    return found


def announces(text: str, found: list[Secret]) -> bool:
    """A card word, or a card given: the next message may hold its details or its rest."""
    return bool(found) or CARD_WORDS.search(text) is not None

"""What one message tells the redaction of the next: the kinds of secret just announced
("here is my password"), a secret that may go on (6 of 12 seed words, the first 8 digits
of a card) and what the bot asked for.

Never the secret itself: a seed phrase is carried as a count of words, a card as the
Luhn sums of its first digits (enough to check the whole number once the rest comes,
not enough to rebuild any digit), a split hex key as a count of hex digits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SEED = "seed phrase"
KEY = "private key"
CODE = "code"
PASSWORD = "password"
CARD = "card number"
KINDS = (SEED, KEY, CODE, PASSWORD, CARD)
TX = "tx id"  # not a secret: "here is the tx hash" makes the next 64 hex a tx id


def placeholder(kind: str) -> str:
    return f"[redacted {kind}]"


@dataclass(frozen=True)
class Secret:
    kind: str
    start: int
    end: int


def luhn_sum(digits: str, doubled_when: int = 1) -> int:
    """The Luhn sum of `digits`, doubling those whose position from the right (0-based)
    has parity `doubled_when`: 1 for a whole number, 0 for the start of one whose rest
    has an odd number of digits."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == doubled_when:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total


@dataclass(frozen=True)
class CardStart:
    """The first digits of a card number, as Luhn partial sums (mod 10).

    `sums[p]` is the first digits' Luhn contribution when the rest of the number has
    p % 2 == 0 (even) or 1 (odd) digits: digit positions count from the right.
    """

    length: int
    sums: tuple[int, int]

    @classmethod
    def of(cls, digits: str) -> CardStart:
        # Rest of even length: the first digits keep their parity (last one undoubled).
        return cls(len(digits), (luhn_sum(digits, 1) % 10, luhn_sum(digits, 0) % 10))

    def completes(self, rest: str) -> bool:
        """Whether these first digits followed by `rest` are a Luhn-valid card number."""
        if not 13 <= self.length + len(rest) <= 19:
            return False
        return (self.sums[len(rest) % 2] + luhn_sum(rest)) % 10 == 0


@dataclass(frozen=True)
class Context:
    """What redaction knows beyond the message itself."""

    announced: frozenset[str] = field(default_factory=frozenset)  # kinds, and TX
    seed_words: int = 0  # seed words given so far, when the phrase may go on
    hex_digits: int = 0  # hex digits of a key given so far, when it may go on
    card_start: CardStart | None = None  # the message ended with the start of a card
    expecting_tx_id: bool = False  # the bot's last question asked for a transaction id
    # A 64-hex with no word around it: a key when seen first by the channel; a tx id when
    # screening text the channel already screened (outbox, review, evidence, form answers).
    bare_hex_is_key: bool = False

    def says(self, kind: str) -> bool:
        return kind in self.announced


FIRST_SIGHT = Context(bare_hex_is_key=True)
AGAIN = Context()

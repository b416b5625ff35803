"""Redact secrets from user text before it is stored anywhere (tracker, outbox, queue,
review inbox, abuse evidence, logs).

    redact("my seed is abandon ability able ...") -> "my seed is [redacted seed phrase]"

What counts as a secret (each module says how it decides):
- seed phrases (bot.redact.seeds): BIP39 words, whatever joins them;
- private keys (bot.redact.keys): WIF, xprv..., 64 hex decided by the words around;
- one-time codes (bot.redact.codes), passwords and PINs (bot.redact.passwords);
- card numbers with their expiry and CVV (bot.redact.cards).
What is judged a transaction id is kept short, never whole (bot.redact.txids): a key
mistaken for one is then no key.

Detection reads a folded copy of the text (bot.redact.text: Unicode spaces, dashes and
fullwidth digits as ASCII, same offsets); overlapping finds are merged, then cut out of
the original. A secret split over two messages is caught with what the first left in the
sender's window (bot.redact.window, bot.redact.context): `scan` returns it as `carry`.

Two ways to call it: the channel sees a message first (`FIRST_SIGHT`: a 64-hex with no
word about it is a key unless the bot asked for a tx id); everything later re-screens
text the channel already screened (`redact(text)`: such a hex was judged a tx id then).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.redact import cards, codes, keys, passwords, seeds, txids
from bot.redact.cards import luhn_ok
from bot.redact.context import (
    AGAIN,
    CARD,
    CODE,
    FIRST_SIGHT,
    KEY,
    KINDS,
    PASSWORD,
    SEED,
    TX,
    Context,
    Secret,
    placeholder,
)
from bot.redact.seeds import bip39_words
from bot.redact.text import fold

__all__ = [
    "AGAIN", "CARD", "CODE", "FIRST_SIGHT", "KEY", "KINDS", "PASSWORD", "SEED", "Context",
    "Scan", "Secret", "bip39_words", "cut", "find_secrets", "kinds", "luhn_ok", "placeholder",
    "redact", "redact_with_kinds", "scan",
]


@dataclass(frozen=True)
class Scan:
    secrets: list[Secret]  # sorted, merged; tx ids among them, to be kept short
    carry: Context  # what the sender's next message is read with


def scan(text: str, context: Context = AGAIN) -> Scan:
    if not text:
        return Scan([], Context())
    folded = fold(text)
    seed_found, seed_words = seeds.find(folded, context)
    key_found = keys.find(folded, context)
    card_found, card_start = cards.find(folded, context)
    code_found = codes.find(folded, context)
    password_found = passwords.find(folded, context)
    announced = {
        SEED: not seed_found and seeds.announces(folded),
        KEY: keys.announces(folded, key_found),
        TX: keys.announces_tx(folded),
        CODE: codes.announces(folded, code_found),
        PASSWORD: passwords.announces(folded, password_found),
        CARD: cards.announces(folded, card_found),
    }
    carry = Context(
        announced=frozenset(kind for kind, said in announced.items() if said),
        seed_words=seed_words,
        hex_digits=keys.carried_hex(folded, context),
        card_start=card_start,
    )
    secrets = key_found + seed_found + card_found + password_found + code_found
    found = _merge(secrets + txids.find(folded, secrets))
    return Scan(found, carry)


def _merge(candidates: list[Secret]) -> list[Secret]:
    """Sorted, overlapping finds merged (the earliest, longest wins the kind)."""
    merged: list[Secret] = []
    for secret in sorted(candidates, key=lambda s: (s.start, -s.end)):
        if merged and secret.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Secret(last.kind, last.start, max(last.end, secret.end))
        else:
            merged.append(secret)
    return merged


def find_secrets(text: str, context: Context = AGAIN) -> list[Secret]:
    """Secrets in `text`, sorted; overlapping finds merged (tx ids are no secret)."""
    return [s for s in scan(text, context).secrets if s.kind in KINDS]


def cut(text: str, secrets: list[Secret]) -> str:
    """Each secret replaced by its placeholder, each tx id by its short form."""
    out, position = [], 0
    for secret in secrets:
        found = text[secret.start : secret.end]
        out += [text[position : secret.start],
                txids.shorten(found) if secret.kind == TX else placeholder(secret.kind)]
        position = secret.end
    out.append(text[position:])
    return "".join(out)


def kinds(secrets: list[Secret]) -> tuple[str, ...]:
    """The kinds of secret among `secrets`, in order of appearance (a tx id is none)."""
    return tuple(dict.fromkeys(s.kind for s in secrets if s.kind in KINDS))


def redact_with_kinds(text: str, context: Context = AGAIN) -> tuple[str, tuple[str, ...]]:
    """(text with placeholders, the kinds found in order of appearance)."""
    secrets = scan(text, context).secrets
    return cut(text, secrets), kinds(secrets)


def redact(text: str, context: Context = AGAIN) -> str:
    """`text` with every secret replaced by a placeholder such as "[redacted password]"."""
    return cut(text, scan(text, context).secrets) if text else text

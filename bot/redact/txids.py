"""Transaction ids are kept short: their first and last 8 characters ("3f5a9c21…e0d2c4b1").

A transaction id and a private key can have the same shape: 64 hex digits (a Bitcoin txid
or an EVM tx hash; a raw secp256k1 key), or 86-88 base58 characters (a Solana signature;
a Solana key pair as wallets export it). The words around decide which one a user sent
(bot.redact.keys), but words can be wrong: "here is the tx" before a pasted key, or a
bare key typed where the form asks for the tx id. So whatever is judged a tx id is kept
only in part: 16 characters of a 256-bit key leave 192 bits unknown, while staff still
find the transaction among the account's own deposits and withdrawals by its start and
end, which is where they look.
"""

from __future__ import annotations

import re

from bot.redact.context import TX, Secret

KEPT = 8  # characters kept at each end
_B58 = "1-9A-HJ-NP-Za-km-z"
LONG = re.compile(
    rf"(?<![0-9A-Za-z])(?:(?:0[xX])?[0-9a-fA-F]{{64}}|[{_B58}]{{86,88}})(?![0-9A-Za-z])"
)
# What `shorten` writes, and what a user may type themselves ("3f5a9c21...e0d2c4b1").
SHORT_FORMS = (
    r"(?:0x)?[0-9a-fA-F]{8}(?:…|\.\.\.)[0-9a-fA-F]{8}",
    rf"[{_B58}]{{8}}(?:…|\.\.\.)[{_B58}]{{8}}",
)


def shorten(value: str) -> str:
    prefix = value[:2] if value[:2] in ("0x", "0X") else ""
    core = value[len(prefix):]
    return f"{prefix.lower()}{core[:KEPT]}…{core[-KEPT:]}"


def find(text: str, taken: list[Secret]) -> list[Secret]:
    """Tx-shaped strings in `text` that no other finding covers (those are secrets)."""
    found = []
    for m in LONG.finditer(text):
        if not any(s.start < m.end() and m.start() < s.end for s in taken):
            found.append(Secret(TX, m.start(), m.end()))
    return found

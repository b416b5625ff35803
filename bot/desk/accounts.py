"""Account ids in one canonical form, so "Alice01", "alice01" and "ＡＬＩＣＥ01" are one user.

The exchange's account ids are case-insensitive: a suspension issued for "Alice01" must
hold when the same person writes as "alice01". The desk therefore stores and compares
only the canonical form: Unicode NFKC (full-width and other compatibility look-alikes
become their plain letters), then case folding, then NFKC again (folding can
un-normalise), without surrounding white space. For the ASCII ids the channels accept
this is plain lower case.

`AccountId` is the column type of every account-id column: it canonicalises every value
bound to it, on INSERT and UPDATE and in WHERE clauses, so no query can store or look up
an id in another spelling. Ids stored before were normalised by the migration
0005_account_ids_and_chat_suspended.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def canonical_account_id(value: str) -> str:
    """The one spelling of an account id the desk stores and compares."""
    folded = unicodedata.normalize("NFKC", value).casefold()
    return unicodedata.normalize("NFKC", folded).strip()


class AccountId(TypeDecorator):
    """A String column holding canonical account ids (see the module's docstring)."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return canonical_account_id(value) if isinstance(value, str) else value

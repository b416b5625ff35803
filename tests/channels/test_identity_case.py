"""The channels name a conversation by the account's canonical id, the one the desk
stores: "Alice01" and "alice01" are one conversation, one suspension, one ticket list,
and an agent's transcript and pushed decision reach the conversation the user is in."""

from __future__ import annotations

import pytest

from bot.channels.identity import issue_token, resolve_sender
from bot.desk import canonical_account_id
from bot.settings import Settings

KEY = "k" * 40
PROD = Settings.from_env({"SUPPORTBOT_IDENTITY_KEY": KEY}).identity
DEV = Settings.from_env({"SUPPORTBOT_DEV_LOGIN": "1"}).identity


@pytest.mark.parametrize("account", ["Alice01", "ALICE01", "alice01", "aLiCe01"])
def test_signed_and_development_senders_are_canonical(account: str) -> None:
    assert resolve_sender(issue_token(account, KEY), None, PROD) == "alice01"
    assert resolve_sender(issue_token(account, KEY), account, PROD) == "alice01"
    assert resolve_sender(None, account, DEV) == "alice01"
    assert resolve_sender(None, account, DEV) == canonical_account_id(account)


def test_a_canonical_id_is_left_as_it_is() -> None:
    assert resolve_sender(None, "acct-42", DEV) == "acct-42"

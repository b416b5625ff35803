"""The running bot (Rasa, action server, SQLite tracker, desk and outbox): generated
secret variants sent over REST, some as answers inside a report form, then every table
of every database, every WAL file and every log searched: 0 found. Slow: few examples.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.desk import Desk, make_engine
from bot.redact.txids import shorten
from tests.support.live import say
from tests.support.redact_variants import Variant, leaks, stored_texts, variants

pytestmark = pytest.mark.e2e
TX = "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16"
SENT: list[Variant] = []


def stack_folder(stack) -> Path:
    return Path(stack.db.removeprefix("sqlite:///")).parent


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(variant=variants, in_form=st.booleans())
def test_variants_sent_to_the_running_bot_are_stored_nowhere(stack, variant, in_form):
    sender = f"acct-live-variant-{len(SENT)}"
    SENT.append(variant)
    if in_form:  # the secret typed as the answers of a missing-deposit report
        say(stack, sender, "my deposit of 50 USDT on TRC20 has not arrived")
    for text in variant.messages:
        say(stack, sender, text)
    found = leaks(variant, stored_texts(stack_folder(stack)))
    assert not found, (variant, found)


def test_a_tx_hash_answering_the_form_reaches_the_ticket(stack):
    """The other side of the key rule: a bare 64-hex given where the form asks for the
    tx id is kept as the tx id, in its short form (a key given there is then no key); the
    same hex called a key is not kept at all."""
    sender = "acct-live-txid"
    say(stack, sender, "my deposit of 50 USDT on TRC20 has not arrived")
    say(stack, sender, TX)
    say(stack, sender, "yesterday evening")
    [ticket] = Desk(make_engine(stack.db)).tickets_for_user(sender)
    assert ticket.fields["tx_id"] == shorten(TX)
    assert not leaks(Variant("tx", (), (TX[:32], TX[32:])), stored_texts(stack_folder(stack)))

    keyed = "acct-live-key-as-txid"
    key = "3a1076bf45ab87712ad64ccb3b10217737f7faacbf2872e88fdd9a537d8fe266"
    say(stack, keyed, "my deposit of 50 USDT on TRC20 has not arrived")
    replies = say(stack, keyed, f"this is my private key {key}")
    assert any("private key" in r for r in replies)
    stored = stored_texts(stack_folder(stack))
    assert not leaks(Variant("key", (), (key,)), stored)


def test_the_search_finds_what_the_running_bot_stored(stack):
    say(stack, "acct-live-search", "my favourite word is ultramarine4711 today")
    found = leaks(Variant("x", (), ("ultramarine4711",)), stored_texts(stack_folder(stack)))
    assert any(place.startswith("tracker.db") for place in found), found

"""Did the bot just ask this sender for a transaction id?

A 64-hex with no word about it is a transaction id when it answers that question and a
private key anywhere else (bot.redact.keys). Only the conversation knows which question
is open, so the channel asks the tracker store, and only when the message holds such a
hex (rarely): other messages cost nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.logs import log_event
from bot.redact.keys import HEX64

logger = logging.getLogger(__name__)
FORM = "report_form"
TX_ID_SLOT = "tx_id"


def may_need_the_question(text: str) -> bool:
    return HEX64.search(text) is not None


async def bot_asked_for_tx_id(app: Any, sender: str) -> bool:
    """The sender's report form is open and waiting for the tx id. False when unknown
    (no agent, no tracker, a store error): the hex is then redacted as a key, and the
    form asks again, which is the cheaper mistake."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    store = getattr(agent, "tracker_store", None)
    if store is None:
        return False
    try:
        tracker = await store.retrieve(sender)
    except Exception as error:  # noqa: BLE001 - any store failure means "don't know"
        log_event(logger, "tx_question_unknown", logging.WARNING, user=sender,
                  error=type(error).__name__)
        return False
    if tracker is None:
        return False
    return (tracker.active_loop_name == FORM
            and tracker.get_slot("requested_slot") == TX_ID_SLOT)

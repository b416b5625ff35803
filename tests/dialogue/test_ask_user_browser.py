"""The ask-the-user round trip on the chat page in a real browser: an agent's question
appears without a reload, the user's answer lands in the ticket, the page says so."""

from __future__ import annotations

import json

from bot.desk import Desk, make_engine
from tests.support.live import chat_url, supportbot

USER = "acct-web-ask"


def test_question_appears_live_and_the_answer_goes_to_the_ticket(stack, chat_page):
    chat_page.goto(chat_url(stack, USER))
    chat_page.wait_for_selector(".state.on")
    chat_page.fill("#text", "hello")
    chat_page.click("#send button")
    chat_page.wait_for_selector("li.bot")
    engine = make_engine(stack.db)
    try:
        ticket = Desk(engine).file_report(USER, "missing_withdrawal", {"asset": "ETH"},
                                          "k-web-ask").ticket
    finally:
        engine.dispose()
    out = supportbot(stack, "queue", "ask", ticket.reference, "--macro", "ask_tx_id",
                     "--agent", "lena")
    assert "The question is shown in their chat." in out
    chat_page.wait_for_selector(f"li.bot >> text=transfer in {ticket.reference}")

    chat_page.fill("#text", "0x5a1b9c")
    chat_page.click("#send button")
    chat_page.wait_for_selector(f"li.bot >> text=Your answer is added to {ticket.reference}")
    shown = json.loads(supportbot(stack, "queue", "show", ticket.reference, "--json"))
    assert shown["ticket"]["status"] == "claimed"
    answered = [e for e in shown["events"] if e["kind"] == "answered"]
    assert len(answered) == 1 and answered[0]["detail"]["text"].startswith("0x5a1b")

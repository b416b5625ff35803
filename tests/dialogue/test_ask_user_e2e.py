"""On the real stack, in English and Swedish: an agent asks, the bot shows the question
(at the next message over REST, pushed to an open page), the user's answer is attached
to the ticket, redacted, and the ticket goes back to the agent. No live chat."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from bot.desk import Desk, make_engine
from bot.notify import push_ticket_update
from tests.support.chat import Page
from tests.support.live import say, token_for


@pytest.fixture
def desk(stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[Desk]:
    """The desk as the console has it, pushing to the stack's Rasa."""
    monkeypatch.setenv("SUPPORTBOT_RASA_TOKEN", stack.env["SUPPORTBOT_RASA_TOKEN"])
    monkeypatch.setenv("SUPPORTBOT_RASA_URL", stack.env["SUPPORTBOT_RASA_URL"])
    engine = make_engine(stack.db)
    yield Desk(engine)
    engine.dispose()


def answers(desk: Desk, ticket_id: int) -> list[dict]:
    return [e.detail for e in desk.history("ticket", ticket_id) if e.kind == "answered"]


def test_english_rest_round_trip_with_a_macro(stack, desk):
    user = "acct-ask-en"
    say(stack, user, "hello")
    ticket = desk.file_report(user, "missing_deposit", {"asset": "USDT"}, "k-ask-en").ticket
    desk.claim(ticket.id, "alice")
    desk.ask_user(ticket.id, "alice", macro="ask_which_wallet")
    assert push_ticket_update(user) is False  # REST: nothing to push to

    shown = say(stack, user, "hi, any news?")
    assert any(f"Which wallet is this about in {ticket.reference}?" in t and "USDT" in t
               for t in shown), shown
    assert any("Your next message here goes to the agent" in t for t in shown), shown

    reply = say(stack, user, "It went to my Ledger wallet, password: Sockpuppet#99")
    acks = [t for t in reply if f"Your answer is added to {ticket.reference}" in t]
    assert len(acks) == 1, reply
    assert not any("Sorry" in t or "didn't" in t for t in reply), reply
    [answer] = answers(desk, ticket.id)
    assert "Ledger" in answer["text"] and "Sockpuppet#99" not in answer["text"]
    back = desk.get_ticket(ticket.id).ticket
    assert (back.status, back.assignee) == ("claimed", "alice")
    # Only the answer: the next message is an ordinary one again.
    later = say(stack, user, "thanks")
    assert not any("Your answer is added" in t for t in later), later
    assert len(answers(desk, ticket.id)) == 1


def test_swedish_page_round_trip_free_text_then_i_dont_know(stack, desk):
    user = "acct-ask-sv"

    async def scenario() -> dict[str, list[str]]:
        page = Page(stack, token_for(stack, user))
        assert await page.connect()
        await page.client.emit("session_request", {})
        await page.wait_for("session_confirm")
        seen: dict[str, list[str]] = {}

        async def step(name: str, send: str | None, action=None) -> None:
            before = len(page.received["bot_uttered"])
            if send is not None:
                await page.client.emit("user_uttered", {"message": send})
            if action is not None:
                await asyncio.to_thread(action)
            await page.wait_for("bot_uttered", before + 1)
            await asyncio.sleep(1.5)
            seen[name] = [m.get("text", "") for m in page.received["bot_uttered"][before:]]

        await step("hello", "Hej! Tack för att du finns, jag har en fråga.")
        await step("asked", None, lambda: ask(free_text=True))
        await step("answer", "Det var den tredje december, ungefär klockan tre")
        await step("asked_again", None, lambda: ask(free_text=False))
        await step("skip", "vet inte")
        await page.close()
        return seen

    ticket = desk.file_report(user, "missing_deposit", {"asset": "BTC"}, "k-ask-sv").ticket
    pushed: list[bool] = []

    def ask(free_text: bool) -> None:
        if free_text:
            desk.ask_user(ticket.id, "bob", text="Vilket datum gjorde du insättningen?")
        else:
            desk.ask_user(ticket.id, "bob", macro="ask_tx_id")
        pushed.append(push_ticket_update(user))

    seen = asyncio.run(scenario())
    assert pushed == [True, True]
    assert any(f"En handläggare som arbetar med {ticket.reference}" in t
               and "Vilket datum gjorde du insättningen?" in t for t in seen["asked"]), seen
    assert any(f"Ditt svar är tillagt i {ticket.reference}" in t for t in seen["answer"]), seen
    assert any("transaktions-id" in t and "BTC" in t for t in seen["asked_again"]), seen
    assert any(f"Jag har noterat i {ticket.reference} att du inte vet" in t
               for t in seen["skip"]), seen
    first, second = answers(desk, ticket.id)
    assert "tredje december" in first["text"] and not first["skipped"]
    assert second["skipped"] is True
    kinds = [e.kind for e in desk.history("ticket", ticket.id)]
    assert kinds.count("question_told") == 2  # each shown once, on the open page
    assert desk.get_ticket(ticket.id).ticket.status == "claimed"

"""Delivery marks a decision told when it passes the reply on, never when it only keeps
it for later (bot/tells.py): a real outbox and a real desk on SQLite."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot import tells
from bot.channels.buffered_output import BufferedOutput
from bot.channels.delivery import Delivery
from bot.channels.outbox import Outbox
from bot.desk import open_desk

USER = "acct-tells"


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SUPPORTBOT_DB_URL", f"sqlite:///{tmp_path / 'desk.db'}")
    tells.shared_desk.cache_clear()
    opened = open_desk()
    yield opened
    opened.close()
    tells.shared_desk.cache_clear()


def told(desk, ticket_id: int) -> int:
    return [e.kind for e in desk.history("ticket", ticket_id)].count("user_told")


def test_told_when_passed_on_not_when_kept(desk, tmp_path: Path) -> None:
    ticket = desk.file_report(USER, "missing_deposit", {}, "k1").ticket
    desk.resolve(ticket.id, "resolved", "", "lena")
    decision = {"text": "Update on it", tells.KEY: tells.decision(ticket.id)}

    async def handler(message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, dict(decision))

    async def scenario() -> list[int]:
        delivery = Delivery(Outbox.open(f"sqlite:///{tmp_path / 'outbox.db'}"))
        counts = []
        # A replay's reply with nobody listening is kept for the next message: untold.
        kept = BufferedOutput("rest")
        kept.messages.append((USER, dict(decision)))
        await delivery._pass_on(USER, kept, None)
        counts.append(told(desk, ticket.id))
        # The next message takes the kept reply to the user: told now, once.
        out = CollectingOutputChannel()
        await delivery.deliver(UserMessage("hi", out, USER, message_id="m1"), handler)
        counts.append(told(desk, ticket.id))
        counts.append(sum(m.get("text") == "Update on it" for m in out.messages))
        await delivery.stop()
        return counts

    assert asyncio.run(scenario()) == [0, 1, 2]  # the kept one and this turn's one
    assert desk.untold_decisions(USER) == []


def test_markers_are_read_once_each() -> None:
    payloads = [{"tells": tells.decision(3)}, {"tells": tells.decision(3)},
                {"tells": tells.question(4, 9)}, {"text": "no marker"}]
    assert tells.carried(payloads) == tells.decision(3) + tells.question(4, 9)

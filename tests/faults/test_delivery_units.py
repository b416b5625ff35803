"""`deliver` with a stand-in for Rasa's handler: kept, replayed in order, exactly once,
never silent. The real processes are killed in test_action_server_faults.py."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sqlalchemy import event

from bot.channels.action_guard import ActionServerUnavailable
from bot.channels.delivery import Delivery
from bot.channels.delivery_texts import TEXTS
from bot.channels.outbox import Outbox


class FakeRasa:
    """Answers "echo: <text>"; `down` makes the next turns fail like a dead action server."""

    def __init__(self) -> None:
        self.down = False
        self.silent = False
        self.buggy = False
        self.handled: list[str] = []

    async def __call__(self, message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {"text": "partial"})
        if self.down:
            raise ActionServerUnavailable("down", "action_file_report")
        if self.buggy:
            raise ValueError("a bug")
        self.handled.append(message.text)
        if not self.silent:
            await message.output_channel.send_response(
                message.sender_id, {"text": f"echo: {message.text}"})


@pytest.fixture
def outbox(tmp_path: Path) -> Outbox:
    return Outbox.open(f"sqlite:///{tmp_path / 'outbox.db'}")


def send(service: Delivery, rasa: FakeRasa, text: str, sender: str = "acct-1") -> list[str]:
    collector = CollectingOutputChannel()
    asyncio.run(service.deliver(UserMessage(text, collector, sender, input_channel="rest"),
                                rasa))
    return [m.get("text") for m in collector.messages]


@pytest.fixture
def service(outbox: Outbox, monkeypatch: pytest.MonkeyPatch) -> Delivery:
    async def no_worker(self: Delivery) -> None:  # the tests drive replays themselves
        return None
    monkeypatch.setattr(Delivery, "_run", no_worker)
    return Delivery(outbox)


def test_handled_message_passes_replies_and_leaves_no_row(service, outbox):
    rasa = FakeRasa()
    assert send(service, rasa, "hello") == ["partial", "echo: hello"]
    assert outbox.counts() == {} and rasa.handled == ["hello"]


def test_a_handled_message_costs_two_outbox_transactions(service, outbox):
    """Admit (store + claim + waiting replies) and done: the per-message price of the
    outbox, which was six transactions before (issue 6's profile)."""
    commits: list[int] = []
    event.listen(outbox.engine, "commit", lambda _conn: commits.append(1))
    send(service, FakeRasa(), "hello")
    send(service, FakeRasa(), "hello again")
    assert len(commits) == 4


def test_admit_claims_only_when_nothing_of_the_sender_waits(outbox):
    outbox.keep_reply("acct-1", {"text": "an answer from a replay"})
    first = outbox.admit("acct-1", "m1", "one", "rest", None, lease=60)
    assert first.claimed is not None and first.claimed.tries == 1
    assert first.replies == [{"text": "an answer from a replay"}]
    assert outbox.take_replies("acct-1") == []  # taken once

    second = outbox.admit("acct-1", "m2", "two", "rest", None, lease=60)
    assert second.claimed is None  # "one" is ahead of it
    down = outbox.admit("acct-2", "m3", "three", "rest", None, lease=None)
    assert down.claimed is None  # action server known down: it waits for the replay
    assert outbox.counts() == {"claimed": 1, "pending": 2}
    outbox.done(first.row_id)
    assert outbox.claim_next("acct-1", lease=60).text == "two"


def test_failed_turn_is_kept_told_and_replayed_before_the_next_message(service, outbox):
    rasa = FakeRasa()
    rasa.down = True
    # The half turn's output is dropped; the user hears that the message is kept.
    assert send(service, rasa, "my deposit is missing") == [TEXTS["kept"]["en"]]
    assert send(service, rasa, "min insättning saknas") == [TEXTS["kept"]["sv"]]
    service.up = False  # known down: no attempt at all, straight to the outbox
    assert send(service, rasa, "still there?") == [TEXTS["kept"]["en"]]
    assert outbox.counts() == {"pending": 3} and rasa.handled == []

    rasa.down, service.up = False, True
    replies = send(service, rasa, "hello again")
    assert [r for r in replies if r.startswith("echo")] == [
        "echo: my deposit is missing", "echo: min insättning saknas", "echo: still there?",
        "echo: hello again"]
    assert rasa.handled == ["my deposit is missing", "min insättning saknas",
                            "still there?", "hello again"]  # in order, each once
    assert outbox.counts() == {}


def test_replay_without_the_user_keeps_replies_for_their_next_message(service, outbox):
    rasa = FakeRasa()
    rasa.down = True
    send(service, rasa, "this morning at 8")
    rasa.down = False
    service.up = True  # the pinger saw /health answer again
    asyncio.run(service._drain("acct-1", None, rasa))  # what the worker does when back
    assert rasa.handled == ["this morning at 8"] and outbox.counts() == {}
    assert send(service, rasa, "thanks")[:2] == ["partial", "echo: this morning at 8"]
    assert send(service, rasa, "bye") == ["partial", "echo: bye"]  # told once


def test_a_turn_without_a_reply_gets_an_apology(service):
    rasa = FakeRasa()
    rasa.silent = True
    collector = CollectingOutputChannel()

    async def silent(message: UserMessage) -> None:
        rasa.handled.append(message.text)
    asyncio.run(service.deliver(UserMessage("hm", collector, "acct-2"), silent))
    assert [m["text"] for m in collector.messages] == [TEXTS["no_reply"]["en"]]


def test_a_bug_is_parked_not_looped_and_does_not_block_later_messages(service, outbox):
    rasa = FakeRasa()
    rasa.buggy = True
    assert send(service, rasa, "crash me") == [TEXTS["failed"]["en"]]
    assert outbox.counts() == {"failed": 1}  # kept for operators
    rasa.buggy = False
    assert send(service, rasa, "hello") == ["partial", "echo: hello"]


def test_a_slow_turn_counts_and_backs_off_before_the_next_try(service, outbox):
    rasa = FakeRasa()

    async def slow(message: UserMessage) -> None:
        raise ActionServerUnavailable("slow", "validate_report_form")
    send(service, rasa, "first")
    asyncio.run(service.deliver(UserMessage("x", CollectingOutputChannel(), "acct-1"), slow))
    [row] = outbox.engine.connect().exec_driver_sql(
        "SELECT failures, not_before IS NOT NULL FROM delivery_outbox").all()
    assert tuple(row) == (1, 1)  # counted, and waits before the next try


def test_two_instances_never_claim_the_same_message(outbox):
    outbox.add("acct-1", "m1", "one", "rest", None)
    outbox.add("acct-1", "m2", "two", "rest", None)
    first = outbox.claim_next("acct-1", lease=60)
    assert first is not None and first.text == "one"
    assert outbox.claim_next("acct-1", lease=60) is None  # order: "two" waits for "one"
    outbox.done(first.id)
    assert outbox.claim_next("acct-1", lease=60).text == "two"


@pytest.mark.parametrize("store", ["add", "admit"])
def test_outbox_never_stores_a_secret(outbox, store):
    text = "my password is hunter2hunter2 help"
    if store == "add":
        outbox.add("acct-1", "m1", text, "rest", None)
    else:
        outbox.admit("acct-1", "m1", text, "rest", None, lease=60)
    text = outbox.engine.connect().exec_driver_sql("SELECT text FROM delivery_outbox").scalar()
    assert "hunter2" not in text

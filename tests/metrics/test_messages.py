"""The per-process message metrics, through the real intake and delivery (an SQLite
outbox) with a stand-in for Rasa's handler; the live Rasa is in test_metrics_live.py."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from prometheus_client import REGISTRY
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels import delivery as delivery_module
from bot.channels.action_guard import ActionServerUnavailable
from bot.channels.buffered_output import BufferedOutput
from bot.channels.delivery import Delivery
from bot.channels.delivery_texts import TEXTS
from bot.channels.guard import Limits
from bot.channels.intake import Intake
from bot.channels.outbox import Outbox
from bot.metrics.messages import LATENCY_BUCKETS, Turn, is_fallback

DEFAULT = {"text": "Sorry, I'm not sure I understood.", "utter_action": "utter_default"}


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


class StandInRasa:
    """Replies like Rasa (bot messages carry their response's name); "down" fails the turn
    the way an unreachable action server does."""

    def __init__(self) -> None:
        self.down = False

    async def __call__(self, message: UserMessage) -> None:
        if message.text == "down" or self.down:
            raise ActionServerUnavailable("down", "action_file_report")
        reply = DEFAULT if message.text == "blorf" else {"text": "hi", "utter_action": "utter_hi"}
        await message.output_channel.send_response(message.sender_id, dict(reply))


@pytest.fixture
def intake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Intake:
    async def no_worker(self: Delivery) -> None:
        return None
    monkeypatch.setattr(Delivery, "_run", no_worker)
    service = Delivery(Outbox.open(f"sqlite:///{tmp_path / 'outbox.db'}"))
    monkeypatch.setattr(delivery_module, "_delivery", service)
    return Intake(Limits(max_chars=50, rate_messages=100, rate_seconds=1))


def receive(intake: Intake, text: str, channel: str, rasa: StandInRasa | None = None
            ) -> list[str]:
    out = CollectingOutputChannel()
    asyncio.run(intake.receive(None, text, "acct-m1", out, channel, rasa or StandInRasa()))
    return [m.get("text") for m in out.messages]


def test_each_outcome_is_counted_and_timed(intake: Intake):
    channel = "unit_outcomes"
    before = {o: value("supportbot_messages_total", channel=channel, outcome=o)
              for o in ("handled", "refused", "kept")}

    assert receive(intake, "hello", channel) == ["hi"]
    assert receive(intake, "x" * 51, channel) != []  # over the size limit: refused
    assert receive(intake, "down", channel) == [TEXTS["kept"]["en"]]

    for outcome in ("handled", "refused", "kept"):
        assert value("supportbot_messages_total", channel=channel,
                     outcome=outcome) == before[outcome] + 1
        assert value("supportbot_message_duration_seconds_count", channel=channel,
                     outcome=outcome) == before[outcome] + 1
        # A stand-in turn takes well under the largest bucket.
        assert value("supportbot_message_duration_seconds_bucket", channel=channel,
                     outcome=outcome, le="5.0") == before[outcome] + 1
    assert value("supportbot_fallback_replies_total", channel=channel) == 0


def test_a_fallback_reply_is_counted_once_per_message(intake: Intake):
    channel = "unit_fallback"
    receive(intake, "hello", channel)
    assert value("supportbot_fallback_replies_total", channel=channel) == 0
    assert receive(intake, "blorf", channel) == [DEFAULT["text"]]
    assert value("supportbot_fallback_replies_total", channel=channel) == 1
    assert value("supportbot_messages_total", channel=channel, outcome="handled") == 2


def test_older_kept_messages_replayed_first_do_not_count_as_this_one(intake: Intake):
    channel = "unit_replay"
    rasa = StandInRasa()
    rasa.down = True
    assert receive(intake, "blorf", channel, rasa) == [TEXTS["kept"]["en"]]
    rasa.down = False
    delivery_module.delivery().up = True  # the action server is back
    # The next message first replays the kept one (a fallback reply), then is handled:
    # one handled message, and the replayed fallback is not counted as this one's.
    assert receive(intake, "hello", channel, rasa) == [DEFAULT["text"], "hi"]
    assert value("supportbot_messages_total", channel=channel, outcome="kept") == 1
    assert value("supportbot_messages_total", channel=channel, outcome="handled") == 1
    assert value("supportbot_fallback_replies_total", channel=channel) == 0


def test_turn_records_once_and_reads_fallback_from_either_output():
    buffered = BufferedOutput("rest")
    asyncio.run(buffered.send_response("u", dict(DEFAULT)))
    assert is_fallback(buffered)
    collecting = CollectingOutputChannel()
    collecting.messages.append(dict(DEFAULT))
    assert is_fallback(collecting) and not is_fallback(CollectingOutputChannel())
    assert not is_fallback(None)

    turn = Turn("unit_once")
    assert turn.end("refused") == "refused"
    turn.end("handled")
    assert value("supportbot_messages_total", channel="unit_once", outcome="refused") == 1
    assert value("supportbot_messages_total", channel="unit_once", outcome="handled") == 0


def test_buckets_span_10_ms_to_5_s():
    assert LATENCY_BUCKETS[0] == 0.01 and LATENCY_BUCKETS[-1] == 5.0
    assert list(LATENCY_BUCKETS) == sorted(LATENCY_BUCKETS)
    assert {0.02, 0.25} <= set(LATENCY_BUCKETS)  # the issue's p50 and p95 targets

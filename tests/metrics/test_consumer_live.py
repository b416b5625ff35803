"""The whole scale-out path on one machine: a real Rasa with Rasa's pika event broker
(endpoints: event_broker) publishing to RabbitMQ, and `python -m bot.metrics.consumer`
counting the same messages and fallbacks that Rasa's own /metrics counts."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.serve import Stack, write_endpoints
from tests.support.live import say
from tests.support.metrics import sample, scrape_rasa, wait_for_sample
from tests.support.tools import ROOT, free_port

# It starts its own Rasa and consumer (servers: e2e); the trained model marks it `rasa`.
pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("rabbitmq_server")]


@pytest.fixture
def brokered(trained_model: Path, tmp_path: Path, names):
    """Rasa and the action server with an event broker to this test's queue, and the
    consumer on it."""
    queue, exchange = names
    actions_port, port = free_port(), free_port()
    # The repository's endpoints (bot.serve.write_endpoints) plus Rasa's pika broker.
    endpoints = write_endpoints(tmp_path / "endpoints.yml", actions_port,
                                tmp_path / "tracker.db")
    with endpoints.open("a") as extra:
        extra.write(f"event_broker:\n  type: pika\n  url: localhost\n  username: guest\n"
                    f"  password: guest\n  queues: [{queue}]\n  exchange_name: {exchange}\n")
    db = f"sqlite:///{tmp_path / 'desk.db'}"
    env = {
        "SUPPORTBOT_DB_URL": db,
        "SUPPORTBOT_TRACKER_DB_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
        "SUPPORTBOT_RASA_TOKEN": "test-rasa-token",
        "SUPPORTBOT_IDENTITY_KEY": "test-identity-key-" + "k" * 32,
        "SUPPORTBOT_DEV_LOGIN": "0",
    }
    stack = Stack(rasa_port=free_port(), actions_port=actions_port, model=str(trained_model),
                  endpoints=str(endpoints), log_dir=tmp_path / "log", env=env)
    consumer = subprocess.Popen(
        [sys.executable, "-m", "bot.metrics.consumer"], cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "SUPPORTBOT_EVENTS_QUEUE": queue,
             "SUPPORTBOT_METRICS_PORT": str(port), "SUPPORTBOT_DB_URL": db},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        stack.start(supervise=False)
        yield stack, port
    finally:
        stack.stop()
        consumer.send_signal(signal.SIGTERM)
        consumer.communicate(timeout=30)


def test_consumer_counts_what_rasa_counts(brokered):
    stack, port = brokered
    _, before = scrape_rasa(stack)
    say(stack, "acct-broker-1", "hi")
    say(stack, "acct-broker-1", "why am I suspended?")
    say(stack, "acct-broker-1", "🙂🙂🙂")
    _, after = scrape_rasa(stack)
    handled = (sample(after, "supportbot_messages_total", channel="rest", outcome="handled")
               - sample(before, "supportbot_messages_total", channel="rest", outcome="handled"))
    fallbacks = (sample(after, "supportbot_fallback_replies_total", channel="rest")
                 - sample(before, "supportbot_fallback_replies_total", channel="rest"))
    assert (handled, fallbacks) == (3, 1)

    samples = asyncio.run(wait_for_sample(port, "supportbot_user_messages_total",
                                   {"channel": "rest"}, handled))
    counted = sum(v for (name, _), v in samples.items() if name == "supportbot_fallbacks_total")
    assert counted == fallbacks
    assert not any("acct-broker" in str(key) for key in samples)

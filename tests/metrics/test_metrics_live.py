"""GET /metrics on the real Rasa server (the session's `stack`, credentials.yml) moves
with real messages: handled, refused, and a fallback."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from bot.serve import Stack
from tests.support.live import say
from tests.support.metrics import sample, scrape_rasa


def test_metrics_count_real_messages(stack: Stack):
    content_type, before = scrape_rasa(stack)
    assert content_type.startswith("text/plain; version=")  # Prometheus text format

    say(stack, "acct-metrics-1", "hi")
    say(stack, "acct-metrics-1", "why am I suspended?")
    fallback = say(stack, "acct-metrics-1", "🙂🙂🙂")
    assert any(text.startswith("Sorry, I'm not sure I understood") for text in fallback)
    with pytest.raises(urllib.error.HTTPError):  # no token: refused before the intake
        urllib.request.urlopen(urllib.request.Request(
            f"http://localhost:{stack.rasa_port}/webhooks/rest/webhook",
            data=json.dumps({"message": "hi"}).encode()), timeout=30)
    say(stack, "acct-metrics-1", "x" * 2001)  # over the size limit: refused by the intake

    _, after = scrape_rasa(stack)
    labels = {"channel": "rest"}

    def moved(name: str, **extra: str) -> float:
        return sample(after, name, **labels, **extra) - sample(before, name, **labels, **extra)

    assert moved("supportbot_messages_total", outcome="handled") == 3
    assert moved("supportbot_messages_total", outcome="refused") == 1
    assert moved("supportbot_message_duration_seconds_count", outcome="handled") == 3
    assert moved("supportbot_message_duration_seconds_bucket", outcome="handled",
                 le="+Inf") == 3
    assert moved("supportbot_message_duration_seconds_sum", outcome="handled") > 0
    assert moved("supportbot_fallback_replies_total") == 1
    # The process collector: memory is what issue 6 budgets.
    assert sample(after, "process_resident_memory_bytes") > 100e6
    # The desk's gauges are the consumer's unless SUPPORTBOT_METRICS_DESK=1.
    assert not any(name.startswith("supportbot_tickets") for name, _ in after)
    # No user data in any label.
    assert not any("acct-metrics" in str(key) for key in after)

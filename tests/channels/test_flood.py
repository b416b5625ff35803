"""A flood of large messages from one sender is refused, and another user is still
answered while it goes on (the real stack; how fast is measured by bench/flood.py)."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

from bot.channels.body_limits import BodyLimits
from tests.support.chat import post, raw_post, user_events
from tests.support.live import say, token_for

LIMITS = BodyLimits()
HUGE = 30 * 1024 * 1024


def flood(stack, token: str, kind: str) -> tuple[int, object]:
    """One large message from the flooding sender; the HTTP status and answer it got."""
    auth = {"Authorization": f"Bearer {token}"}
    if kind == "huge":  # declares 30 MB, starts sending it
        return raw_post(stack, "/webhooks/rest/webhook", auth,
                        b'{"message": "' + b"a" * 262144, HUGE)
    size = {"over_message": LIMITS.message_bytes + 1000, "under_message": 30000}[kind]
    body = json.dumps({"message": "where is my deposit " * (size // 20)}).encode()
    return post(stack, body, token)


def test_a_flood_of_large_messages_is_refused_and_others_are_still_answered(stack):
    flooder, victim = "acct-flooder", "acct-flood-victim"
    token = token_for(stack, flooder)
    kinds = ["huge"] * 3 + ["over_message"] * 3 + ["under_message"] * 2
    stop = threading.Event()
    answers: list[tuple[int, object]] = []

    def keep_flooding(kind: str) -> None:
        while not stop.is_set():
            answers.append(flood(stack, token, kind))

    with ThreadPoolExecutor(max_workers=len(kinds)) as pool:
        workers = [pool.submit(keep_flooding, kind) for kind in kinds]
        replies = [say(stack, victim, text) for text in
                   ("hello", "why am I suspended?", "thanks")]
        stop.set()
        for worker in workers:
            worker.result()

    assert all(replies), replies  # every message of the other user was answered
    assert [e["text"] for e in user_events(stack, victim)] == [
        "hello", "why am I suspended?", "thanks"]
    # The flood: refused by size (413) or by the sender's limits (429). Messages under
    # the byte limit that still fit the sender's 64 KiB a window (two of them) are
    # answered "too long" (200) without being read; none reached Rasa.
    statuses = [status for status, _ in answers]
    assert statuses and set(statuses) <= {200, 413, 429}, set(statuses)
    assert statuses.count(413) > 0 and statuses.count(429) > 0
    assert all("too long" in body[0]["text"] for status, body in answers if status == 200)
    assert statuses.count(200) < statuses.count(429)
    assert user_events(stack, flooder) == []

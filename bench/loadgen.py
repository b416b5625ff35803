"""Closed-loop load over Rasa's REST channel: each simulated user sends a message, waits
for the reply, and sends the next at once (no think time), so N users keep N messages in
flight and the server's capacity shows as throughput, queueing as latency."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import aiohttp

from bench.conversations import Conversation, Turn
from bench.stats import Sample

# Called with a fresh sender id before its conversation starts (not timed): e.g. suspend
# the account in the desk, as an agent would have done before the user writes.
BeforeConversation = Callable[[str], Awaitable[None]]


@dataclass(frozen=True)
class Target:
    base_url: str  # http://localhost:PORT
    conversations: tuple[Conversation, ...]
    before: BeforeConversation | None = None
    degraded: tuple[str, ...] = ()  # reply texts that mean "no real answer"

    @property
    def webhook(self) -> str:
        return f"{self.base_url}/webhooks/rest/webhook"


async def run_phase(
    target: Target,
    users: int,
    duration: float,
    tag: str,
    timeout: float = 30.0,
    think: float = 0.0,
) -> tuple[float, list[Sample]]:
    """`users` users chat for `duration` seconds; (start time, one sample per message).
    A message started before the deadline is waited for; none starts after it."""
    connector = aiohttp.TCPConnector(limit=0)  # one connection per user, reused
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    samples: list[Sample] = []
    async with aiohttp.ClientSession(connector=connector, timeout=client_timeout) as session:
        started = time.monotonic()
        deadline = started + duration
        await asyncio.gather(*(
            _user(session, target, u, deadline, f"{tag}-u{u}", think, samples)
            for u in range(users)
        ))
    return started, samples


async def _user(
    session: aiohttp.ClientSession,
    target: Target,
    index: int,
    deadline: float,
    prefix: str,
    think: float,
    samples: list[Sample],
) -> None:
    count = len(target.conversations)
    n = 0
    while time.monotonic() < deadline:
        # Users start at different scripts, so the mix is even from the first second.
        conversation = target.conversations[(index + n) % count]
        sender = f"{prefix}-c{n}"
        n += 1
        if target.before:
            await target.before(sender)
        for turn in conversation.turns:
            if time.monotonic() >= deadline:
                return
            samples.append(await send(session, target.webhook, sender, turn, target.degraded))
            if think:
                await asyncio.sleep(think)


async def send(
    session: aiohttp.ClientSession, url: str, sender: str, turn: Turn,
    degraded: tuple[str, ...] = (),
) -> Sample:
    sent = time.monotonic()
    try:
        async with session.post(url, json={"sender": sender, "message": turn.text}) as response:
            body = await response.json(content_type=None) if response.status == 200 else None
            status = response.status
    except asyncio.TimeoutError:
        return Sample(sent, time.monotonic() - sent, error="timeout")
    except (aiohttp.ClientError, ValueError) as error:
        return Sample(sent, time.monotonic() - sent, error=type(error).__name__)
    latency = time.monotonic() - sent
    if status != 200:
        return Sample(sent, latency, error=f"http_{status}")
    return Sample(sent, latency, check=_check(body, turn, degraded))


def _check(body: object, turn: Turn, degraded: tuple[str, ...]) -> str | None:
    if not isinstance(body, list) or not body:
        return "no_reply"
    replies = " ".join(str(m.get("text") or "") for m in body if isinstance(m, dict)).lower()
    if any(marker.lower() in replies for marker in degraded):
        return "degraded"
    if turn.expect is None or turn.expect.lower() in replies:
        return None
    return f"missing:{turn.expect}"


async def parse_latency(
    base_url: str, token: str, texts: Sequence[str], rounds: int, timeout: float = 30.0
) -> list[float]:
    """Seconds per POST /model/parse, one at a time (NLU alone, no dialogue)."""
    url = f"{base_url}/model/parse"
    latencies: list[float] = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        for i in range(rounds):
            sent = time.monotonic()
            async with session.post(url, params={"token": token},
                                    json={"text": texts[i % len(texts)]}) as response:
                response.raise_for_status()
                await response.read()
            latencies.append(time.monotonic() - sent)
    return latencies

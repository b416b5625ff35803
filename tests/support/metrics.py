"""Reading Prometheus' text format from a running server: Rasa's /metrics (the `stack`)
and the metrics consumer's."""

from __future__ import annotations

import asyncio
import time
import urllib.request

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bot.serve import Stack

Samples = dict[tuple[str, tuple], float]


def _parse(text: str) -> Samples:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def scrape_rasa(stack: Stack) -> tuple[str, Samples]:
    """GET /metrics on the stack's Rasa: its Content-Type and its samples."""
    with urllib.request.urlopen(f"http://localhost:{stack.rasa_port}/metrics",
                                timeout=30) as response:
        content_type = response.headers["Content-Type"]
        text = response.read().decode()
    return content_type, _parse(text)


def sample(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def scrape_consumer(port: int) -> Samples:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{port}/metrics") as response:
            assert response.status == 200
            text = await response.text()
    return _parse(text)


async def wait_for_sample(port: int, name: str, labels: dict, value: float,
                          timeout: float = 30) -> Samples:
    """Scrape the consumer on `port` until `name{labels}` is `value`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            samples = await scrape_consumer(port)
        except aiohttp.ClientError:
            samples = {}
        if samples.get((name, tuple(sorted(labels.items())))) == value:
            return samples
        if time.monotonic() > deadline:
            raise AssertionError(f"{name}{labels} never reached {value}: {samples}")
        await asyncio.sleep(0.2)

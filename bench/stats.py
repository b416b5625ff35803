"""Summaries of one load phase: throughput, latency percentiles, errors."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Sample:
    """One message: when it was sent (monotonic s), how long the reply took, what failed."""

    sent: float
    latency: float
    error: str | None = None  # transport or HTTP failure: the message got no reply
    check: str | None = None  # a reply came, but not the one the script expects


def percentile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), q in [0, 100]."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(samples: Sequence[Sample], started: float, users: int) -> dict[str, Any]:
    """Throughput over the phase's wall time: from its start to the last reply."""
    ok = [s for s in samples if s.error is None]
    end = max((s.sent + s.latency for s in samples), default=started)
    wall = max(end - started, 1e-9)
    ms = [1000 * s.latency for s in ok]
    return {
        "users": users,
        "messages": len(samples),
        "wall_s": round(wall, 2),
        "throughput_msg_s": round(len(ok) / wall, 2),
        "p50_ms": _round(percentile(ms, 50)),
        "p95_ms": _round(percentile(ms, 95)),
        "p99_ms": _round(percentile(ms, 99)),
        "max_ms": _round(max(ms, default=math.nan)),
        "errors": len(samples) - len(ok),
        "error_kinds": dict(Counter(s.error for s in samples if s.error)),
        "check_failures": sum(1 for s in ok if s.check),
        "check_kinds": dict(Counter(s.check for s in ok if s.check)),
    }


def ratio(ours: float | None, stock: float | None) -> float | None:
    if not ours or not stock or math.isnan(ours) or math.isnan(stock):
        return None
    return round(ours / stock, 2)


def _round(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 1)

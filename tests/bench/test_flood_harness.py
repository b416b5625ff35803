"""bench/flood.py's bodies hit the limits they are meant to, and its table renders."""

from __future__ import annotations

import json

from bench.flood import FLOODS, flood_bodies, markdown
from bot.channels.body_limits import BodyLimits


def test_each_body_lands_on_its_side_of_a_limit():
    limits = BodyLimits()
    bodies = flood_bodies("bench-flooder", limits)
    assert len(bodies["huge_30mb"]) > 30 * 10**6 > limits.body_bytes
    assert limits.message_bytes < len(bodies["over_message_limit"]) < limits.body_bytes
    assert len(bodies["under_message_limit"]) < limits.message_bytes
    for body in bodies.values():
        assert json.loads(body)["sender"] == "bench-flooder"
    assert {kind for _, kinds in FLOODS.values() for kind in kinds} == set(bodies)


def test_the_table_shows_every_phase_and_its_ratio():
    phase = {"messages": 60, "errors": 0, "p50_ms": 30.0, "p95_ms": 50.0, "max_ms": 70.0,
             "server_cpu_s": 2.0}
    flooded = {**phase, "p95_ms": 80.0, "p95_ratio": 1.6, "p50_ratio": 1.1,
               "flood_outcomes": {"huge_30mb: 413": 12}}
    results = {"date": "2026-12-07", "machine": {"cpus": 2},
               "settings": {"users": 4, "messages": 15, "interval": 1.5},
               "phases": {"baseline": phase, **dict.fromkeys(FLOODS, flooded)},
               "load_average_after": [1.0, 1.0, 1.0], "body_bytes": {"huge_30mb": 1}}
    text = markdown(results)
    assert "| alone (baseline) | 60 | 0 | 30.0 | 50.0 | 70.0 | - | 2.0 |" in text
    assert all(f"| flood: {name} |" in text and f"| {name} | huge_30mb: 413 | 12 |" in text
               for name in FLOODS)
    assert "| 1.6 |" in text

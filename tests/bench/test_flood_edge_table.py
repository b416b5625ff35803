"""bench/flood.py --edge nginx: the report keeps the direct table as it was and adds the
same phases through nginx, with nginx's CPU shown apart."""

from __future__ import annotations

from bench.flood import FLOODS, markdown


def results(with_edge: bool) -> dict:
    phase = {"messages": 60, "errors": 0, "p50_ms": 30.0, "p95_ms": 50.0, "max_ms": 70.0,
             "server_cpu_s": 2.0}
    flooded = {**phase, "p95_ms": 80.0, "p95_ratio": 1.6, "p50_ratio": 1.1,
               "flood_outcomes": {"huge_30mb: 413": 12}}
    direct = {"phases": {"baseline": phase, **dict.fromkeys(FLOODS, flooded)},
              "load_average_after": [1.0, 1.0, 1.0], "body_bytes": {"huge_30mb": 1}}
    edge_phase = {**phase, "server_cpu_s": 2.5, "edge_cpu_s": 0.3}
    edge_flooded = {**edge_phase, "p95_ms": 55.0, "p95_ratio": 1.1,
                    "flood_outcomes": {"huge_30mb: 429": 900}}
    edge = {"limits": {"requests_per_second": 10, "requests_burst": 40,
                       "connections_per_address": 20},
            "phases": {"baseline": edge_phase, **dict.fromkeys(FLOODS, edge_flooded)},
            "load_average_after": [2.0, 2.0, 2.0], "body_bytes": {"huge_30mb": 1}}
    return {"date": "2026-12-07", "machine": {"cpus": 2},
            "settings": {"users": 4, "messages": 15, "interval": 1.5},
            **direct, **({"edges": {"nginx": edge}} if with_edge else {})}


def test_without_an_edge_the_report_has_no_nginx_section():
    text = markdown(results(with_edge=False))
    assert "nginx" not in text and "## Direct to Rasa" not in text
    assert "| alone (baseline) | 60 | 0 | 30.0 | 50.0 | 70.0 | - | 2.0 |" in text


def test_with_nginx_both_tables_are_in_one_report():
    text = markdown(results(with_edge=True))
    direct, through = text.split("## Through nginx")
    assert "| alone (baseline) | 60 | 0 | 30.0 | 50.0 | 70.0 | - | 2.0 |" in direct
    assert "| alone (baseline) | 60 | 0 | 30.0 | 50.0 | 70.0 | - | 2.5 (nginx 0.3) |" in through
    assert all(f"| {name} | huge_30mb: 429 | 900 |" in through for name in FLOODS)
    assert "| 1.1 | 2.5 (nginx 0.3) |" in through and "| 1.6 | 2.0 |" in direct
    assert "10 requests a second with bursts of 40, 20 connections" in through

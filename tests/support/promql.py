"""Which metrics exist (what bot/metrics/ registers, as Prometheus names the samples) and
which metric names a PromQL expression reads, for the checks of deploy/observability."""

from __future__ import annotations

import re
from collections.abc import Iterable

from prometheus_client import REGISTRY, CollectorRegistry, ProcessCollector
from prometheus_client.metrics_core import Metric

import bot.metrics.messages  # noqa: F401 - registers Rasa's message metrics in REGISTRY
from bot.metrics.desk import DeskCollector
from bot.metrics.events import EventMetrics

# Sample names per metric type, as the text format exposes them.
SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_sum", "_count", "_created"),
    "summary": ("_sum", "_count", "_created", ""),
    "info": ("_info",),
}
PROMETHEUS_OWN = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}

FUNCTIONS_AND_KEYWORDS = {
    "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile",
    "count_values", "group", "by", "without", "on", "ignoring", "group_left", "group_right",
    "and", "or", "unless", "bool", "offset", "rate", "irate", "increase", "delta", "idelta",
    "deriv", "histogram_quantile", "label_replace", "label_join", "abs", "absent",
    "absent_over_time", "clamp_min", "clamp_max", "round", "time", "vector", "scalar",
    "avg_over_time", "max_over_time", "min_over_time", "sum_over_time", "count_over_time",
    "changes", "resets", "sort", "sort_desc", "predict_linear", "inf", "nan", "e",
}


def _names(family: Metric) -> set[str]:
    return {family.name + suffix for suffix in SUFFIXES.get(family.type, ("",))}


def _families(registry: CollectorRegistry) -> Iterable[Metric]:
    return registry.collect()


def exposed_metric_names() -> set[str]:
    """Every sample name a supportbot process serves: Rasa's REGISTRY (messages, process,
    platform, GC), the consumer's event counters and process, and the desk's gauges."""
    consumer = CollectorRegistry()
    EventMetrics(consumer)
    ProcessCollector(registry=consumer)
    names = set(PROMETHEUS_OWN)
    for family in [*_families(REGISTRY), *_families(consumer),
                   *DeskCollector("sqlite://").describe()]:
        names |= _names(family)
    return names


def metric_names(expr: str) -> set[str]:
    """The metric names `expr` reads: what is left once strings, label matchers, ranges,
    grouping clauses, Grafana's $variables, numbers and PromQL's words are taken out."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', "", expr)
    text = re.sub(r"\{[^}]*\}", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    text = re.sub(r"\$\{?\w+\}?", " ", text)
    text = re.sub(r"\b\d+(\.\d+)?([eE][+-]?\d+)?\b", " ", text)
    words = set(re.findall(r"[A-Za-z_:][A-Za-z0-9_:]*", text))
    return words - FUNCTIONS_AND_KEYWORDS

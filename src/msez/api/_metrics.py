"""Prometheus metrics: request counts and latencies by route template, served at ``/metrics``.

With several worker processes ``msez serve`` sets ``PROMETHEUS_MULTIPROC_DIR`` before the workers start;
prometheus-client then keeps each worker's samples in files there and ``/metrics`` aggregates them.
"""

from __future__ import annotations

import os
from typing import Final

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS: Final = Counter("msez_http_requests", "HTTP requests handled", ["method", "route", "status"])
LATENCY: Final = Histogram(
    "msez_http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)


def observe(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


def render() -> tuple[bytes, str]:
    """The exposition text and its content type (aggregated across workers in multi-process mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST

"""Zone node load test (issue 9, acceptance 5): ``msez serve --workers 2`` on loopback, driven by wrk.

Per backend (SQLite, then PostgreSQL in a database made for this run and dropped after): GET
``/health/liveness`` is the ceiling (the cheapest request the stack can serve), then POST receipt append on an
ACTIVE corridor (the bundled swift corridor, the zone's public demo key) and POST of a primitive write. Each
figure is requests/s or p99 beside the ceiling measured in the same run. Target: receipt append >= 1,000/s with
p99 under 50 ms on PostgreSQL.

The primitive write is ``POST /v1/entities``: an orchestrated registration (sanctions screening over the zone's
pinned regpack, persistence, a signed formation credential and its attestation in one transaction).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

from bench._harness import Report
from bench._node import Load, Node, active_swift_corridor, load, postgres_database, serve

CONNECTIONS: Final = 16
SECONDS: Final = 5
WARMUP_SECONDS: Final = 3
TARGET_RPS: Final = 1000
TARGET_P99_MS: Final = 50
TRANSITION: Final = {"transition": {"kind": "settle.swift.pacs008.v1", "amount": "250000", "currency": "USD"}}
PRIMITIVE_WRITE: Final = (
    "POST entity create",
    "/v1/entities",
    {"entity_type": "company", "legal_name": "Indus Valley Clean Traders Ltd"},
)


def run(report: Report) -> None:
    for backend in ("sqlite", "postgres"):
        with _database(backend) as url, serve(url, workers=2) as node:
            _measure(report, backend, node)


@contextmanager
def _database(backend: str) -> Iterator[str]:
    if backend == "postgres":
        with postgres_database() as url:
            yield url
        return
    with tempfile.TemporaryDirectory(prefix="msez-bench-") as folder:
        yield f"sqlite:///{Path(folder) / 'msez.db'}"


def _measure(report: Report, backend: str, node: Node) -> None:
    ceiling = _drive(node, "GET", "/health/liveness", None)
    corridor = active_swift_corridor(node)
    label, path, body = PRIMITIVE_WRITE
    routes = [("POST receipt append", f"/v1/corridors/{corridor}/receipts", TRANSITION), (label, path, body)]
    _add(report, f"{backend}, 2 workers: GET /health/liveness (ceiling)", ceiling, None)
    for name, route, payload in routes:
        measured = _drive(node, "POST", route, payload)
        targeted = backend == "postgres" and name == "POST receipt append"
        _add(report, f"{backend}, 2 workers: {name}", measured, ceiling, targeted=targeted)


def _drive(node: Node, method: str, path: str, body: Any) -> Load:
    load(node.url + path, method=method, body=body, seconds=WARMUP_SECONDS, connections=CONNECTIONS)
    measured = load(node.url + path, method=method, body=body, seconds=SECONDS, connections=CONNECTIONS)
    if measured.errors:
        raise RuntimeError(f"{method} {path}: {measured.errors} of {measured.requests} requests failed")
    return measured


def _add(report: Report, name: str, measured: Load, ceiling: Load | None, *, targeted: bool = False) -> None:
    rps_target = f">= {TARGET_RPS:,}/s" if targeted else ""
    p99_target = f"< {TARGET_P99_MS} ms" if targeted else ""
    report.add(
        f"{name}, {CONNECTIONS} connections",
        measured.requests_per_s,
        "req/s",
        floor=ceiling.requests_per_s if ceiling else None,
        floor_name="liveness ceiling",
        target=rps_target,
        met=measured.requests_per_s >= TARGET_RPS if targeted else None,
    )
    report.add(
        f"{name}, p99",
        measured.p99_ms,
        "ms",
        floor=ceiling.p99_ms if ceiling else None,
        floor_name="liveness p99",
        target=p99_target,
        met=measured.p99_ms < TARGET_P99_MS if targeted else None,
    )

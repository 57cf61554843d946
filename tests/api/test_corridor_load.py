"""Acceptance 2 and 3 of issue 9: ``msez serve --workers 2`` under 8 concurrent appending clients, then SIGKILL.

Per backend, one node (two worker processes, the bundled swift corridor, the zone's public demo key) takes 2,000
appends from 8 clients: sequences are exactly 0..1999, every acknowledged receipt is stored as acknowledged, and
the chain verifies with ``msez.corridor``. Then the clients keep appending and the whole process group is killed
with SIGKILL; after a restart every acknowledged receipt is still there, the chain is gap-free and verifies, every
audit stream's hash chain verifies, and the corridor takes the next receipt.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2
import pytest
from bench._node import SWIFT, Node, postgres_database, serve

from msez.corridor import ChainVerifier, StateChannelPolicy
from tests.store.conftest import BACKENDS

CLIENTS = 8
RECEIPTS = 2000
BEFORE_KILL = 200


class Clients:
    """``CLIENTS`` threads appending to one corridor; every 201 is recorded as ``sequence -> next_root``."""

    def __init__(self, node: Node, corridor: str) -> None:
        self.url = f"{node.url}/v1/corridors/{corridor}/receipts"
        self.headers = node.headers()
        self.acked: dict[int, str] = {}
        self.refused: list[str] = []
        self._lock = threading.Lock()

    def run(self, each: int | None, *, stop: threading.Event | None = None) -> list[threading.Thread]:
        """Start the clients (``each`` appends per client, or until a transport error / ``stop``)."""
        threads = [threading.Thread(target=self._client, args=(i, each, stop)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        return threads

    def _client(self, index: int, each: int | None, stop: threading.Event | None) -> None:
        with httpx2.Client(headers=self.headers, timeout=30) as http:
            n = 0
            while (each is None or n < each) and not (stop and stop.is_set()):
                body = {"transition": {"kind": "load.transfer", "client": index, "n": n, "amount": str(n * 100)}}
                try:
                    response = http.post(self.url, json=body)
                except httpx2.TransportError:
                    return  # the server is gone; this request was never acknowledged
                with self._lock:
                    if response.status_code == 201:
                        ack = response.json()
                        self.acked[ack["sequence"]] = ack["next_root"]
                    else:
                        self.refused.append(f"{response.status_code} {response.text[:200]}")
                n += 1


@contextmanager
def _database(backend: str, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'msez.db'}"
        return
    with postgres_database() as url:
        yield url


def _stored(node: Node, corridor: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    while True:
        page = httpx2.get(
            f"{node.url}/v1/corridors/{corridor}/receipts",
            params={"from": len(out), "limit": 1000},
            headers=node.headers(),
            timeout=60,
        ).json()
        if not page:
            return out
        out.extend(r["receipt"] for r in page)


def _check(node: Node, corridor: str, acked: dict[int, str]) -> list[dict[str, Any]]:
    """Every acknowledged receipt is stored; the chain is gap-free and verifies; every audit stream verifies."""
    stored = _stored(node, corridor)
    assert [r["sequence"] for r in stored] == list(range(len(stored)))
    assert {s: stored[s]["next_root"] for s in acked} == acked
    detail = httpx2.get(f"{node.url}/v1/corridors/{corridor}", headers=node.headers(), timeout=60).json()
    verifier = ChainVerifier(StateChannelPolicy.from_json(detail["policy"]))
    for receipt in stored:
        verifier.append(receipt)
    assert (verifier.head.receipt_count, verifier.head.mmr_root) == (len(stored), detail["head"]["mmr_root"])
    streams = httpx2.get(f"{node.url}/v1/audit/streams", headers=node.headers(), timeout=60).json()
    assert f"corridor:{corridor}" in streams
    for stream in streams:
        report = httpx2.get(f"{node.url}/v1/audit/streams/{stream}/verify", headers=node.headers(), timeout=60).json()
        assert report["ok"], report
    return stored


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_workers_eight_clients_then_sigkill(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    if backend == "postgres":
        request.getfixturevalue("postgres_url")  # skips (or fails under CI) without a PostgreSQL server
    with _database(backend, tmp_path) as url:
        with serve(url, workers=2, data_dir=tmp_path) as node:
            corridor = node.post("/v1/corridors", {"corridor_id": SWIFT, "jurisdiction_b": "ae-difc"})["id"]
            node.post(
                f"/v1/corridors/{corridor}/transitions", {"to_state": "PENDING", "include_module_credentials": True}
            )
            clients = Clients(node, corridor)
            for thread in clients.run(RECEIPTS // CLIENTS):  # acceptance 2
                thread.join()
            assert clients.refused == []
            assert sorted(clients.acked) == list(range(RECEIPTS))
            _check(node, corridor, clients.acked)
            stop = threading.Event()
            threads = clients.run(None, stop=stop)  # acceptance 3: appends in flight when the node dies
            deadline = time.monotonic() + 60
            while len(clients.acked) < RECEIPTS + BEFORE_KILL and time.monotonic() < deadline:
                time.sleep(0.01)
            node.kill(signal.SIGKILL)
            stop.set()
            for thread in threads:
                thread.join()
        assert len(clients.acked) >= RECEIPTS + BEFORE_KILL and clients.refused == []
        with serve(url, workers=2, data_dir=tmp_path) as restarted:
            stored = _check(restarted, corridor, clients.acked)
            after = restarted.post(f"/v1/corridors/{corridor}/receipts", {})
            assert after["sequence"] == len(stored)

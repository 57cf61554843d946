"""Running a zone node for load tests: a throw-away PostgreSQL database, ``msez serve`` in its own process group,
and ``wrk`` (or, without it, a small threaded load generator) with its requests/s and p99.

The node runs the bundled Pakistan zone with the public demo key of its zone authority
(``examples/keys/pk-rsez-zone-authority.jwk.json``), so it may sign receipts of the bundled swift corridor.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import httpx2
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

REPO: Final = Path(__file__).resolve().parent.parent
ZONE: Final = REPO / "jurisdictions" / "pk-rsez" / "zone.yaml"
ZONE_KEY: Final = REPO / "examples" / "keys" / "pk-rsez-zone-authority.jwk.json"
SWIFT: Final = "org.momentum.msez.corridor.swift.iso20022-cross-border"
PG_MAINTENANCE_URL: Final = os.environ.get("MSEZ_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ADMIN: Final = "bench-admin-" + secrets.token_hex(8)


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database (dropped afterwards); yields its URL."""
    engine = create_engine(PG_MAINTENANCE_URL, isolation_level="AUTOCOMMIT")
    name = f"msez_bench_{os.getpid()}_{secrets.token_hex(4)}"
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_MAINTENANCE_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Node:
    """A running ``msez serve``; ``url`` is its base URL."""

    process: subprocess.Popen[bytes]
    url: str

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {ADMIN}"}

    def post(self, path: str, body: Any = None) -> dict[str, Any]:
        response = httpx2.post(self.url + path, json=body, headers=self.headers(), timeout=60)
        if response.status_code >= 300:
            raise RuntimeError(f"POST {path}: {response.status_code} {response.text[:300]}")
        result: dict[str, Any] = response.json()
        return result

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the whole process group (the server and its workers)."""
        try:
            os.killpg(self.process.pid, sig)
        except ProcessLookupError:
            return
        self.process.wait(timeout=30)


@contextmanager
def serve(database_url: str, *, workers: int = 2, data_dir: Path | None = None) -> Iterator[Node]:
    """``msez serve`` on a free port until the block ends (SIGTERM, then SIGKILL, to its process group)."""
    folder = data_dir or Path(tempfile.mkdtemp(prefix="msez-node-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MSEZ_")}
    env.update(
        MSEZ_ADMIN_TOKEN=ADMIN,
        MSEZ_ZONE_KEY_FILE=str(ZONE_KEY),
        MSEZ_RATE_LIMIT="100000000/60",
        MSEZ_ACCESS_LOG="0",
        PYTHONUNBUFFERED="1",
    )
    command = [str(Path(sys.executable).parent / "msez"), "serve", "--zone", str(ZONE), "--data-dir", str(folder)]
    command += ["--db", database_url, "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    node = Node(process, f"http://127.0.0.1:{port}")
    try:
        wait_ready(node)
        yield node
    finally:
        node.kill(signal.SIGTERM)
        node.kill(signal.SIGKILL)
        if data_dir is None:
            shutil.rmtree(folder, ignore_errors=True)


def wait_ready(node: Node, *, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if node.process.poll() is not None:
            raise RuntimeError(f"msez serve exited with {node.process.returncode}")
        try:
            if httpx2.get(node.url + "/health/readiness", timeout=2).status_code == 200:
                return
        except httpx2.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("msez serve did not become ready")


def active_swift_corridor(node: Node) -> str:
    """Open the bundled swift corridor, submit it, append one receipt and activate it; returns its id."""
    corridor = node.post("/v1/corridors", {"corridor_id": SWIFT, "jurisdiction_b": "ae-difc"})["id"]
    node.post(f"/v1/corridors/{corridor}/transitions", {"to_state": "PENDING", "include_module_credentials": True})
    node.post(f"/v1/corridors/{corridor}/receipts", {"transition": {"kind": "bench.open"}})
    node.post(f"/v1/corridors/{corridor}/transitions", {"to_state": "ACTIVE", "include_module_credentials": True})
    return str(corridor)


@dataclass(frozen=True)
class Load:
    requests_per_s: float
    p99_ms: float
    requests: int
    errors: int


_WRK_SCRIPT: Final = """
wrk.method = "{method}"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format('WRK {{"requests": %d, "seconds": %f, "p99_us": %f, "errors": %d}}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(99), errors))
end
"""


def load(
    url: str, *, method: str = "GET", body: Any = None, seconds: int = 5, connections: int = 8, threads: int = 1
) -> Load:
    """Drive ``url`` for ``seconds`` with ``connections`` keep-alive connections: wrk if installed."""
    if shutil.which("wrk") is None:
        return _threaded_load(url, method=method, body=body, seconds=seconds, connections=connections)
    payload = "nil" if body is None else json.dumps(json.dumps(body))
    script = _WRK_SCRIPT.format(method=method, body=payload, token=ADMIN)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", handle.name, url]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(handle.name)
    line = next(x for x in output.splitlines() if x.startswith("WRK "))
    figures = json.loads(line[4:])
    return Load(
        figures["requests"] / figures["seconds"], figures["p99_us"] / 1000, figures["requests"], figures["errors"]
    )


def _threaded_load(url: str, *, method: str, body: Any, seconds: int, connections: int) -> Load:
    """The fallback without wrk: one thread and one keep-alive client per connection (itself CPU-bound)."""
    latencies: list[float] = []
    errors = [0]
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def client() -> None:
        mine: list[float] = []
        with httpx2.Client(headers={"Authorization": f"Bearer {ADMIN}"}, timeout=30) as http:
            while time.monotonic() < stop:
                started = time.perf_counter()
                response = http.request(method, url, json=body)
                mine.append(time.perf_counter() - started)
                if response.status_code >= 400:
                    with lock:
                        errors[0] += 1
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=client) for _ in range(connections)]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else 0.0
    return Load(len(latencies) / elapsed, p99, len(latencies), errors[0])

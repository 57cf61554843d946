"""``msez node``: the client commands against a real ``msez serve`` process (SQLite in a temporary data dir):
answers on stdout, refusals as the envelope on stdout plus one stderr line and exit 1, bad input exit 2."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest

from msez.cli import run
from tests.conftest import REPO

ZONE_KEY = REPO / "examples" / "keys" / "pk-rsez-zone-authority.jwk.json"
SWIFT = "org.momentum.msez.corridor.swift.iso20022-cross-border"
REGULATOR = "regulator::client-test-regulator"
EVIDENCE = "registrar_approval=" + "ab" * 32


@dataclass
class Node:
    url: str
    data_dir: Path

    @property
    def admin(self) -> str:
        return (self.data_dir / "admin-token").read_text().strip()


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    data_dir = tmp_path_factory.mktemp("node")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MSEZ_")}
    env.update(MSEZ_ZONE_KEY_FILE=str(ZONE_KEY), MSEZ_API_TOKENS=REGULATOR, MSEZ_ACCESS_LOG="0")
    command = [str(Path(sys.executable).parent / "msez"), "serve", "--data-dir", str(data_dir), "--port", str(port)]
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_ready(url, process)
        yield Node(url, data_dir)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MSEZ_TOKEN", "MSEZ_NODE_URL", "MSEZ_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)


def msez(capsys: pytest.CaptureFixture[str], node: Node, *args: str, token: str | None = None) -> tuple[int, Any, str]:
    """Run ``msez node --url ... [--token|--data-dir] ARGS``; the exit code, decoded stdout and stderr."""
    auth = ["--token", token] if token else ["--data-dir", str(node.data_dir)]
    code = run(["node", "--url", node.url, *auth, *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def test_an_entity_is_registered_approved_and_listed(capsys: pytest.CaptureFixture[str], node: Node) -> None:
    code, created, _ = msez(
        capsys, node, "entity", "create", "--type", "company", "--name", "Indus Client Traders Ltd",
        "--ntn", "7654321", "--owner", "Ayesha Noor=60",
    )  # fmt: skip
    assert code == 0
    entity = created["id"]
    assert created["state"] == "Applied"
    assert created["beneficial_owners"][0]["ownership_percentage"] == "60.00"
    assert created["orchestration"]["credential"]["type"][-1] == "MsezFormationComplianceCredential"

    code, moved, _ = msez(capsys, node, "entity", "transition", entity, "approve", "--evidence", EVIDENCE)
    assert code == 0
    assert moved["entity"]["state"] == "Active"

    code, fetched, _ = msez(capsys, node, "entity", "get", entity)
    assert (code, fetched["legal_name"], fetched["state"]) == (0, "Indus Client Traders Ltd", "Active")
    code, listed, _ = msez(capsys, node, "entity", "list", "--state", "Active")
    assert code == 0
    assert entity in [e["id"] for e in listed]


def test_a_body_file_is_sent_with_options_overriding_its_fields(
    capsys: pytest.CaptureFixture[str], node: Node, tmp_path: Path
) -> None:
    body = tmp_path / "entity.yaml"
    body.write_text("entity_type: company\nlegal_name: From The File Ltd\nregistration_number: RS-42\n")
    code, created, _ = msez(capsys, node, "entity", "create", "--body", str(body), "--name", "From The Option Ltd")
    assert code == 0
    assert (created["legal_name"], created["registration_number"]) == ("From The Option Ltd", "RS-42")


def test_a_sanctioned_party_is_refused_with_the_envelope_and_exit_1(
    capsys: pytest.CaptureFixture[str], node: Node
) -> None:
    code, envelope, err = msez(capsys, node, "entity", "create", "--type", "company", "--name", "Karim Soomro")
    assert code == 1
    assert envelope["error"]["code"] == "FORBIDDEN"
    assert envelope["error"]["details"]["results"]["sanctions"]["reason"] == "sanctions_match"
    assert err.count("\n") == 1
    assert err.startswith("error: node answered 403 FORBIDDEN: refused: sanctions")


def test_a_corridor_is_opened_activated_appended_and_checkpointed(
    capsys: pytest.CaptureFixture[str], node: Node
) -> None:
    code, opened, _ = msez(capsys, node, "corridor", "open", "--module", SWIFT, "--counterparty", "ae-difc")
    assert code == 0
    corridor = opened["id"]
    assert opened["state"] == "DRAFT"
    assert msez(capsys, node, "corridor", "transition", corridor, "PENDING", "--module-credentials")[0] == 0
    code, appended, _ = msez(
        capsys, node, "corridor", "append", corridor, "--kind", "settle.swift.pacs008.v1",
        "--set", "amount=250000", "--set", "currency=USD",
    )  # fmt: skip
    assert (code, appended["sequence"]) == (0, 0)
    code, moved, _ = msez(capsys, node, "corridor", "transition", corridor, "ACTIVE", "--module-credentials")
    assert (code, moved["corridor"]["state"]) == (0, "ACTIVE")
    code, checkpoint, _ = msez(capsys, node, "corridor", "checkpoint", corridor)
    assert (code, checkpoint["receipt_count"]) == (0, 1)

    code, receipts, _ = msez(capsys, node, "corridor", "receipts", corridor)
    assert code == 0
    assert [r["sequence"] for r in receipts] == [0]
    assert receipts[0]["receipt"]["next_root"] == appended["next_root"]
    code, fetched, _ = msez(capsys, node, "corridor", "get", corridor)
    assert (code, fetched["state"]) == (0, "ACTIVE")
    code, listed, _ = msez(capsys, node, "corridor", "list", "--state", "ACTIVE")
    assert corridor in [c["id"] for c in listed]


def test_a_regulator_reads_and_cannot_write_and_is_audited(capsys: pytest.CaptureFixture[str], node: Node) -> None:
    code, summary, _ = msez(capsys, node, "regulator", "summary", token=REGULATOR)
    assert code == 0
    assert summary["jurisdiction_id"] == "pk-rsez"
    code, page, _ = msez(capsys, node, "regulator", "attestations", "--limit", "5", token=REGULATOR)
    assert (code, page["limit"]) == (0, 5)
    assert msez(capsys, node, "regulator", "dashboard", token=REGULATOR)[0] == 0

    code, envelope, err = msez(capsys, node, "entity", "create", "--type", "company", "--name", "X", token=REGULATOR)
    assert (code, envelope["error"]["code"]) == (1, "FORBIDDEN")
    assert "regulators have read-only access" in err

    trail = httpx2.get(
        f"{node.url}/v1/audit/streams/regulator/entries", headers={"Authorization": f"Bearer {node.admin}"}, timeout=60
    ).json()
    decisions = {(e["details"]["method"], e["details"]["path"], e["details"]["decision"]) for e in trail}
    assert ("GET", "/v1/regulator/summary", "allowed") in decisions
    assert ("POST", "/v1/entities", "denied") in decisions


def test_a_wrong_token_is_refused_with_401(capsys: pytest.CaptureFixture[str], node: Node) -> None:
    code, envelope, err = msez(capsys, node, "health", token="not-the-secret")
    assert code == 0  # readiness needs no token
    code, envelope, err = msez(capsys, node, "entity", "list", token="not-the-secret")
    assert (code, envelope["error"]["code"]) == (1, "UNAUTHORIZED")
    assert err == "error: node answered 401 UNAUTHORIZED: invalid bearer token\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--url", "file:///etc/passwd", "health"], "--url must be an http:// or https:// URL", id="url"),
        pytest.param(["--data-dir", "/nonexistent", "health"], "no token: pass --token", id="no-token"),
        pytest.param(["--url", "http://127.0.0.1:1", "--token", "t", "health"], "cannot reach the node", id="down"),
        pytest.param(
            ["--token", "t", "entity", "create", "--owner", "no-percent"], "--owner takes KEY=VALUE", id="pair"
        ),
        pytest.param(["--token", "t", "corridor", "open", "--counterparty", "x"], "exactly one of", id="source"),
        pytest.param(["--token", "t", "entity", "get", "../audit"], "not an id", id="segment"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    assert run(["node", *args]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert message in err


def test_help_needs_no_token(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["node", "--data-dir", "/nonexistent", "corridor", "append", "--help"]) == 0
    assert "--kind" in capsys.readouterr().out


def _wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx2.get(f"{url}/health/readiness", timeout=10).status_code == 200:
                return
        except httpx2.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"msez serve did not become ready at {url} (exit code {process.poll()})")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])

"""Cross-cutting node behaviour: health, error envelopes, request ids, metrics, regulator audit, write hooks."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping
from typing import Any

import pytest
from fastapi.testclient import TestClient

from msez.api import JsonFormatter, Tx, create_app
from msez.core import IntegrityError, NotFoundError, PolicyError
from msez.store import Database, audit
from tests.api.conftest import Api, error, node_settings


def test_liveness_and_readiness(api: Api) -> None:
    assert api.client.get("/health/liveness").text == "ok"
    ready = api.client.get("/health/readiness")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


def test_readiness_is_503_without_a_database(zone: str) -> None:
    unreachable = Database("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2")
    app = create_app(node_settings(unreachable, zone, str(uuid.uuid4()), str(uuid.uuid4())), database=unreachable)
    with TestClient(app) as client:
        response = client.get("/health/readiness")
    assert response.status_code == 503
    assert error(response) == {"code": "SERVICE_UNAVAILABLE", "message": "database unreachable: OperationalError"}


@pytest.mark.parametrize(
    ("request_line", "role", "status", "message"),
    [
        pytest.param("GET /v1/nowhere", "admin", 404, "Not Found", id="unknown-v1"),
        pytest.param("GET /nowhere", None, 404, "Not Found", id="unknown"),
        pytest.param("DELETE /v1/fiscal/accounts", "admin", 405, "Method Not Allowed", id="method"),
        pytest.param("GET /v1/fiscal/accounts?limit=5000", "admin", 422, "query.limit", id="query"),
        pytest.param("GET /v1/ownership/cap-tables/not-a-uuid", "admin", 422, "path.cap_table_id", id="path"),
    ],
)
def test_errors_use_the_envelope(api: Api, request_line: str, role: str | None, status: int, message: str) -> None:
    method, path = request_line.split(" ")
    response = api.client.request(method, path, headers=api.headers(role))
    assert response.status_code == status
    assert message in error(response)["message"]


def test_malformed_json_is_422(api: Api) -> None:
    response = api.client.post(
        "/v1/consent",
        content=b'{"consent_type": ',
        headers={**api.headers("admin"), "content-type": "application/json"},
    )
    assert response.status_code == 422
    assert error(response)["details"][0]["type"] == "json_invalid"


@pytest.mark.parametrize(
    ("exception", "logged"),
    [
        pytest.param(RuntimeError("database password is hunter2"), "hunter2", id="foreign"),
        pytest.param(IntegrityError("digest mismatch in secret.bin"), None, id="integrity"),
    ],
)
def test_internal_errors_hide_their_message(
    api: Api, caplog: pytest.LogCaptureFixture, exception: Exception, logged: str | None
) -> None:
    def boom() -> None:
        raise exception

    api.client.app.add_api_route("/v1/boom", boom)  # type: ignore[attr-defined]
    with caplog.at_level(logging.ERROR):
        response = api.get("/v1/boom", headers={"X-Request-Id": "req-500"})
    assert response.status_code == 500
    assert error(response) == {"code": "INTERNAL_ERROR", "message": "An internal error occurred"}
    assert response.headers["x-request-id"] == "req-500"
    if logged:
        assert any(
            logged in (r.exc_text or "") or (r.exc_info and logged in str(r.exc_info[1])) for r in caplog.records
        )


@pytest.mark.parametrize(
    ("sent", "echoed"),
    [
        pytest.param("abc-123.x", True, id="kept"),
        pytest.param("bad id with spaces", False, id="replaced"),
        pytest.param(None, False, id="generated"),
    ],
)
def test_request_ids(api: Api, sent: str | None, echoed: bool) -> None:
    response = api.client.get("/health/liveness", headers={"X-Request-Id": sent} if sent else {})
    returned = response.headers["x-request-id"]
    assert (returned == sent) is echoed
    assert returned and len(returned) <= 128


def test_every_regulator_request_is_audited(api: Api, db: Database, zone: str) -> None:
    assert api.get("/v1/fiscal/trial-balance", role="regulator", headers={"X-Request-Id": "r1"}).status_code == 200
    assert api.post("/v1/fiscal/payments", {}, role="regulator", headers={"X-Request-Id": "r2"}).status_code == 403
    assert api.get(f"/v1/identity/{uuid.uuid4()}", role="regulator").status_code == 404
    with db.read() as session:
        entries = audit.read_stream(session, zone, "regulator")
        report = audit.verify_stream(session, zone, "regulator")
    assert [(e.details["method"], e.details["decision"], e.request_id) for e in entries] == [
        ("GET", "allowed", "r1"),
        ("POST", "denied", "r2"),
        ("GET", "allowed", entries[2].request_id),
    ]
    assert report.ok and report.entries == 3
    assert api.get("/v1/audit/streams/regulator/verify", role="regulator").json()["entries"] == 4


def test_metrics_count_requests_by_route_template(api: Api) -> None:
    api.get(f"/v1/ownership/cap-tables/{uuid.uuid4()}")
    text = api.client.get("/metrics").text
    assert 'msez_http_requests_total{method="GET",route="/v1/ownership/cap-tables/{cap_table_id}",status="404"}' in text
    assert "msez_http_request_duration_seconds_bucket" in text


class _Hooks:
    """A write hook that refuses one entity and decorates every other write."""

    def __init__(self, refused: str) -> None:
        self.refused = refused

    def before(self, tx: Tx) -> None:
        if tx.op.entity_id == self.refused:
            raise PolicyError("sanctions: entity is non_compliant")

    def after(self, tx: Tx, result: Any) -> Mapping[str, Any]:
        return {"attestation_id": f"att-{tx.op.action}", "credential": {"type": ["VerifiableCredential"]}}


def test_write_hooks_run_in_the_write_transaction(api: Api, zone: str) -> None:
    api.client.app.state.node.add_hook(_Hooks(refused=api.other))  # type: ignore[attr-defined]
    body = {"account_type": "operating", "currency": "PKR"}
    refused = api.post("/v1/fiscal/accounts", {"entity_id": api.other, **body})
    assert refused.status_code == 403 and error(refused)["message"] == "sanctions: entity is non_compliant"
    assert api.get("/v1/fiscal/accounts", params={"entity_id": api.other}).json() == []
    created = api.post("/v1/fiscal/accounts", {"entity_id": api.entity, **body}).json()
    assert created["orchestration"]["attestation_id"] == "att-account.open"


class _Registry:
    def require(self, session: Any, zone_id: str, entity_id: str) -> None:
        raise NotFoundError(f"entity {entity_id} not found")


def test_the_entity_directory_seam(api: Api) -> None:
    api.client.app.state.node.entities = _Registry()  # type: ignore[attr-defined]
    response = api.post("/v1/identity/verify", {"entity_id": api.entity, "identity_type": "kyb"})
    assert response.status_code == 404 and error(response)["message"] == f"entity {api.entity} not found"


def test_json_log_lines_carry_the_request_id() -> None:
    from msez.api._logging import request_id_var

    token = request_id_var.set("req-7")
    try:
        record = logging.LogRecord("msez.test", logging.INFO, __file__, 1, "hello %s", ("world",), None)
        record.status = 201
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert {k: line[k] for k in ("level", "logger", "message", "request_id", "status")} == {
        "level": "info",
        "logger": "msez.test",
        "message": "hello world",
        "request_id": "req-7",
        "status": 201,
    }

"""/v1/regulator: the attestation query, summary and dashboard; read-only, RBAC-gated, every request audited,
data-minimised (ids, states and digests; no names or national identifiers)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api, created, error, new_entity

OWNER = {"name": "Ayesha Private Person", "ownership_percentage": "100", "cnic": "35202-7654321-3"}


def _query(api: Api, role: str = "regulator", **body: Any) -> dict[str, Any]:
    return created(api.post("/v1/regulator/query/attestations", body, role=role), 200)


def _regulator_entries(api: Api) -> list[dict[str, Any]]:
    return created(api.get("/v1/audit/streams/regulator/entries", params={"limit": 1000}), 200)


def test_attestations_are_queried_with_filters_and_pages(api: Api) -> None:
    made = [new_entity(api, f"Query Test {n} Ltd")["id"] for n in range(3)]
    everything = _query(api)
    assert (everything["total"], everything["count"]) == (3, 3)
    assert [a["entity_id"] for a in everything["results"]] == made[::-1]  # newest first
    page = _query(api, limit=1, offset=1)
    assert (page["total"], page["count"], page["results"][0]["entity_id"]) == (3, 1, made[1])
    one = _query(api, entity_id=made[0], attestation_type="MsezFormationComplianceCredential", status="ACTIVE")
    assert [a["entity_id"] for a in one["results"]] == [made[0]]
    assert _query(api, jurisdiction_id="ae-difc")["total"] == 0
    assert _query(api, issued_since="2099-01-01T00:00:00Z")["total"] == 0
    result = everything["results"][0]
    assert set(result["details"]) == {
        "aggregate",
        "domain_states",
        "blocking_domains",
        "tensor_commitment",
        "evaluated_at",
    }
    assert len(result["digest"]) == 64


def test_summary_and_dashboard_count_the_registry_without_pii(api: Api) -> None:
    entity = new_entity(api, "Secret Name Holdings Ltd", ntn="9988776", beneficial_owners=[OWNER])
    created(api.post(f"/v1/credentials/{entity['orchestration']['credential']['id']}/revoke"), 200)
    summary = created(api.get("/v1/regulator/summary", role="regulator"), 200)
    assert (summary["total_entities"], summary["entities_by_state"]) == (3, {"Applied": 3})
    assert (summary["total_credentials"], summary["credentials_by_status"]) == (1, {"revoked": 1})
    assert (summary["total_attestations"], summary["attested_entities"]) == (1, 1)
    response = api.get("/v1/regulator/dashboard", role="regulator")
    dashboard = created(response, 200)
    zone = dashboard["zone"]
    assert zone["applicable_domains"] == sorted(zone["applicable_domains"]) and zone["domain_count"] == 10
    assert {p["domain"] for p in zone["packs"]} == {"financial", "sanctions"}
    assert zone["zone_did"].startswith("did:key:") and zone["zone_public_key"]["kty"] == "OKP"
    assert dashboard["health"]["credentials_revoked"] == 1
    assert dashboard["activity"]["recent_attestations"][0]["status"] == "REVOKED"
    assert dashboard["activity"]["audit_streams"]["entities"] == 1
    for secret in ("Secret Name", "Ayesha", "3520276543213", "9988776", "Operator Test"):
        assert secret not in response.text


def test_every_regulator_request_is_audited_allowed_or_denied(api: Api) -> None:
    before = len(_regulator_entries(api))
    _query(api)
    api.get("/v1/regulator/summary", role="regulator")
    denied = api.post(f"/v1/entities/{api.entity}/transitions", {"transition": "approve"}, role="regulator")
    assert denied.status_code == 403
    entries = _regulator_entries(api)[before:]
    assert [(e["details"]["method"], e["details"]["path"], e["details"]["decision"]) for e in entries] == [
        ("POST", "/v1/regulator/query/attestations", "allowed"),
        ("GET", "/v1/regulator/summary", "allowed"),
        ("POST", f"/v1/entities/{api.entity}/transitions", "denied"),
    ]
    assert created(api.get("/v1/audit/streams/regulator/verify"), 200)["ok"] is True


@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("POST", "/v1/regulator/query/attestations", id="query"),
        pytest.param("GET", "/v1/regulator/summary", id="summary"),
        pytest.param("GET", "/v1/regulator/dashboard", id="dashboard"),
    ],
)
def test_entity_operators_have_no_regulator_console(api: Api, method: str, path: str) -> None:
    response = api.client.request(method, path, json={}, headers=api.headers("operator"))
    assert (
        response.status_code == 403
        and error(response)["message"] == "role 'regulator' required, caller has 'entity_operator'"
    )
    assert api.client.request(method, path, json={}, headers=api.headers("admin")).status_code == 200


@pytest.mark.parametrize(
    ("body", "where"),
    [
        pytest.param({"limit": 0}, "body.limit", id="limit"),
        pytest.param({"status": "DELETED"}, "body.status", id="status"),
        pytest.param({"entity_id": "robert'); DROP TABLE"}, "body.entity_id", id="entity"),
        pytest.param({"filter": {}}, "body.filter", id="unknown-field"),
    ],
)
def test_invalid_queries_are_422(api: Api, body: dict[str, Any], where: str) -> None:
    response = api.post("/v1/regulator/query/attestations", body, role="regulator")
    assert response.status_code == 422 and where in error(response)["message"]

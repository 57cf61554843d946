"""/v1/credentials: entity compliance credentials from the node's own evidence, verification of any credential,
revocation and suspension through signed Bitstring status lists served at a public URL."""

from __future__ import annotations

from typing import Any

import pytest

from msez.store import Database
from msez.vc import DidKeyResolver, StatusList, verify_credential
from tests.api.conftest import SANCTIONED_NAME, Api, created, error, new_entity, register

TAX_DOMAINS = ["sanctions", "kyc", "aml", "tax"]


def _verified(api: Api, credential: dict[str, Any]) -> dict[str, Any]:
    return created(api.post("/v1/credentials/verify", credential, role="regulator"), 200)


def _attest(api: Api, identity: str, kind: str, **fields: Any) -> None:
    body = {"attestation_type": kind, "issuer": "did:web:verifier.example.pk", "outcome": "verified", **fields}
    created(api.post(f"/v1/identity/{identity}/attestations", body))


def _evidence(api: Api, entity_id: str, *, filer: str = "filer", expires_at: str | None = None) -> None:
    """KYB verified by SECP, CDD (AML) done, and an FBR Active Taxpayer List entry for the entity's NTN."""
    identity = created(api.post("/v1/identity/verify", {"entity_id": entity_id, "identity_type": "kyb"}))["id"]
    created(api.post(f"/v1/identity/{identity}/ntn", {"ntn": "4455667"}), 200)
    _attest(api, identity, "secp_kyb", expires_at=expires_at)
    _attest(api, identity, "cdd")
    _attest(api, identity, "fbr_atl", details={"filer_status": filer, "ntn": "4455667"})


def _issue(api: Api, entity_id: str, **body: Any) -> Any:
    return api.post("/v1/credentials/compliance", {"entity_id": entity_id, "domains": TAX_DOMAINS, **body})


def test_an_entity_with_evidence_gets_a_compliance_credential(api: Api) -> None:
    _evidence(api, api.entity)
    issued = created(_issue(api, api.entity))
    results = issued["evaluation"]["domain_results"]
    assert {d: r["reason"] for d, r in results.items()} == {
        "sanctions": "sanctions_clear",
        "kyc": "attested",
        "aml": "attested",
        "tax": "active_filer",
    }
    assert "NTN 4455667 is an active filer" in results["tax"]["detail"]
    credential = issued["credential"]
    assert credential["credentialSubject"]["entity_id"] == api.entity
    assert _verified(api, credential)["verified"] is True
    listed = created(api.get("/v1/credentials", params={"entity_id": api.entity}), 200)
    assert [c["id"] for c in listed] == [credential["id"]]
    assert created(api.get(f"/v1/credentials/{credential['id']}", role="operator"), 200)["status"] == "active"


@pytest.mark.parametrize(
    ("evidence", "blocking", "why"),
    [
        pytest.param({"filer": "non_filer"}, ["tax"], "tax: non_compliant (non_filer)", id="non-filer"),
        pytest.param({"filer": "late_filer"}, ["tax"], "tax: pending (late_filer)", id="late-filer"),
        pytest.param(
            {"expires_at": "2020-01-01T00:00:00Z"},
            ["kyc"],
            "kyc: non_compliant (attestation_expired)",
            id="expired-kyb",
        ),
    ],
)
def test_a_failing_evaluation_is_409_and_says_why(
    api: Api, evidence: dict[str, Any], blocking: list[str], why: str
) -> None:
    _evidence(api, api.entity, **evidence)
    response = _issue(api, api.entity)
    assert response.status_code == 409
    details = error(response)["details"]
    assert details["blocking_domains"] == blocking and details["explanations"][0].startswith(why)
    assert created(api.get("/v1/credentials", params={"entity_id": api.entity}), 200) == []


def test_a_sanctioned_entity_is_refused_a_credential(api: Api, db: Database, zone: str) -> None:
    listed = "0b8f7f44-0000-4000-8000-000000000002"
    register(db, zone, {listed: SANCTIONED_NAME})
    response = _issue(api, listed)
    assert response.status_code == 403 and error(response)["details"]["results"]["sanctions"]["evidence_ids"] == [
        "SYN-000005"
    ]


def test_revocation_and_suspension_are_reflected_by_verify(api: Api) -> None:
    credential = new_entity(api)["orchestration"]["credential"]
    key = credential["id"]
    suspended = created(api.post(f"/v1/credentials/{key}/suspend", {"reason": "under review"}), 200)
    assert suspended["status"] == "suspended"
    assert _verified(api, credential)["reasons"] == ["suspended"]
    assert created(api.post(f"/v1/credentials/{key}/reinstate"), 200)["status"] == "active"
    assert _verified(api, credential)["verified"] is True
    assert created(api.post(f"/v1/credentials/{key}/revoke"), 200)["status"] == "revoked"
    report = _verified(api, credential)
    assert (report["verified"], report["reasons"], report["results"][0]["valid"]) == (False, ["revoked"], True)
    assert api.post(f"/v1/credentials/{key}/suspend").status_code == 409
    again = api.post(f"/v1/credentials/{key}/reinstate")
    assert again.status_code == 409
    assert error(again)["details"] == {"from_state": "revoked", "to_state": "active", "valid_targets": []}
    attestations = created(api.post("/v1/regulator/query/attestations", {"status": "REVOKED"}, role="regulator"), 200)
    assert [a["credential_id"] for a in attestations["results"]] == [key]


def test_the_status_lists_are_public_signed_and_current(api: Api) -> None:
    credential = new_entity(api)["orchestration"]["credential"]
    revocation, suspension = credential["credentialStatus"]
    assert (revocation["statusPurpose"], suspension["statusPurpose"]) == ("revocation", "suspension")
    assert revocation["statusListCredential"] == "http://localhost:8080/status-lists/revocation/1"
    created(api.post(f"/v1/credentials/{credential['id']}/revoke"), 200)
    listed = api.client.get("/status-lists/revocation/1")
    assert listed.status_code == 200
    document = listed.json()
    assert verify_credential(document, resolver=DidKeyResolver()).ok
    bits = StatusList.decode(document["credentialSubject"]["encodedList"])
    assert bits.get(int(revocation["statusListIndex"])) is True
    assert api.client.get("/status-lists/suspension/2").status_code == 404
    assert api.client.get("/status-lists/other/1").status_code == 422


def test_verify_reports_every_proof_and_tampering(api: Api) -> None:
    credential = new_entity(api)["orchestration"]["credential"]
    tampered = {**credential, "credentialSubject": {**credential["credentialSubject"], "legal_name": "Someone Else"}}
    report = _verified(api, tampered)
    assert report["verified"] is False and report["results"][0]["reason"] == "bad-signature"
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    assert _verified(api, unsigned)["reasons"] == ["no-proofs"]
    assert _verified(api, {"hello": "world"})["verified"] is False
    assert api.post("/v1/credentials/verify", ["not", "an", "object"]).status_code == 422


def test_operators_see_only_their_own_credentials(api: Api) -> None:
    theirs = created(_issue(api, api.other, domains=["sanctions"]))["credential"]
    assert api.get(f"/v1/credentials/{theirs['id']}", role="operator").status_code == 403
    assert created(api.get("/v1/credentials", role="operator"), 200) == []
    assert api.get("/v1/credentials", role="operator", params={"entity_id": api.other}).status_code == 403
    assert api.post(f"/v1/credentials/{theirs['id']}/revoke", role="operator").status_code == 403
    assert _issue(api, api.entity, domains=["sanctions"]).status_code == 201
    assert api.post("/v1/credentials/compliance", {"entity_id": api.entity}, role="operator").status_code == 403


@pytest.mark.parametrize("action", ["", "/revoke", "/suspend", "/reinstate"])
def test_unknown_credentials_are_404(api: Api, action: str) -> None:
    key = "urn:msez:vc:formation:missing"
    response = api.get(f"/v1/credentials/{key}") if not action else api.post(f"/v1/credentials/{key}{action}")
    assert response.status_code == 404 and error(response)["message"] == f"credential {key} not found"


def test_invalid_requests_are_422(api: Api) -> None:
    assert api.post("/v1/credentials/compliance", {"entity_id": "x"}).status_code == 422
    assert api.get("/v1/credentials", params={"status": "lost"}).status_code == 422
    response = _issue(api, api.entity, domains=["astrology"])
    assert response.status_code == 422 and "astrology" in error(response)["message"]
    unknown = _issue(api, "0b8f7f44-0000-4000-8000-00000000dead")
    assert unknown.status_code == 404

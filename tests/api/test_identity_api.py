"""/v1/identity: KYC/KYB verifications, CNIC/NTN links, attestations."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.api.conftest import Api, error

MISSING = str(uuid.uuid4())


def _identity(api: Api, **extra: Any) -> dict[str, Any]:
    response = api.post(
        "/v1/identity/verify", {"entity_id": api.entity, "identity_type": "kyc", **extra}, role="operator"
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_verification_is_linked_and_attested(api: Api) -> None:
    record = _identity(api, linked_ids=[{"id_type": "passport", "id_value": " ab1234567 "}])
    assert record["status"] == "pending" and record["links"][0]["id_value"] == "AB1234567"
    base = f"/v1/identity/{record['id']}"
    assert api.post(f"{base}/cnic", {"cnic": "35202-1234567-1"}, role="operator").status_code == 200
    assert api.post(f"{base}/ntn", {"ntn": "1234567"}, role="operator").status_code == 200
    attested = api.post(
        f"{base}/attestations",
        {
            "attestation_type": "nadra_verisys",
            "issuer": "did:web:nadra.gov.pk",
            "outcome": "verified",
            "details": {"match": True},
        },
    )
    assert attested.status_code == 201 and attested.json()["status"] == "verified"
    stored = api.get(base, role="regulator").json()
    assert sorted((link["id_type"], link["id_value"]) for link in stored["links"]) == [
        ("cnic", "3520212345671"),
        ("ntn", "1234567"),
        ("passport", "AB1234567"),
    ]
    assert stored["attestations"][0]["details"] == {"match": True}
    trail = api.get("/v1/audit/streams/identity/entries").json()
    assert all("3520212345671" not in str(entry["details"]) for entry in trail)


def test_a_rejected_verification_is_final(api: Api) -> None:
    base = f"/v1/identity/{_identity(api)['id']}/attestations"
    body = {"attestation_type": "sanctions_screen", "issuer": "zone", "outcome": "rejected"}
    assert api.post(base, body).status_code == 201
    again = api.post(base, {**body, "outcome": "verified"})
    assert again.status_code == 409
    assert error(again)["details"] == {"from_state": "rejected", "to_state": "verified", "valid_targets": []}


def test_an_identifier_belongs_to_one_identity(api: Api) -> None:
    first = _identity(api, linked_ids=[{"id_type": "cnic", "id_value": "3520212345671"}])
    second = _identity(api)
    clash = api.post(f"/v1/identity/{second['id']}/cnic", {"cnic": "35202-1234567-1"}, role="operator")
    assert clash.status_code == 409
    assert error(clash)["message"] == f"cnic 3520212345671 is already linked to identity {first['id']}"
    again = api.post(f"/v1/identity/{first['id']}/cnic", {"cnic": "3520212345671"}, role="operator")
    assert again.status_code == 200 and len(again.json()["links"]) == 1


@pytest.mark.parametrize(
    ("suffix", "body"),
    [
        pytest.param("", None, id="get"),
        pytest.param("/cnic", {"cnic": "3520212345671"}, id="cnic"),
        pytest.param("/ntn", {"ntn": "1234567"}, id="ntn"),
        pytest.param("/attestations", {"attestation_type": "kyc", "issuer": "z", "outcome": "verified"}, id="attest"),
    ],
)
def test_unknown_identities_are_404(api: Api, suffix: str, body: dict[str, Any] | None) -> None:
    path = f"/v1/identity/{MISSING}{suffix}"
    response = api.get(path) if body is None else api.post(path, body)
    assert response.status_code == 404
    assert error(response) == {"code": "NOT_FOUND", "message": f"identity {MISSING} not found"}


def test_operators_touch_only_their_own_identities_and_never_attest(api: Api) -> None:
    base = f"/v1/identity/{_identity(api)['id']}"
    denied = [
        api.post("/v1/identity/verify", {"entity_id": api.entity, "identity_type": "kyc"}, role="stranger"),
        api.get(base, role="stranger"),
        api.post(f"{base}/cnic", {"cnic": "3520212345671"}, role="stranger"),
        api.post(f"{base}/ntn", {"ntn": "1234567"}, role="stranger"),
        api.post(
            f"{base}/attestations", {"attestation_type": "kyc", "issuer": "me", "outcome": "verified"}, role="operator"
        ),
    ]
    assert [r.status_code for r in denied] == [403] * 5
    assert error(denied[-1])["message"] == "role 'zone_admin' required, caller has 'entity_operator'"


@pytest.mark.parametrize(
    ("body", "where"),
    [
        pytest.param({"identity_type": "kyx"}, "body.identity_type", id="type"),
        pytest.param({"linked_ids": [{"id_type": "cnic", "id_value": "123"}]}, "invalid CNIC", id="cnic"),
        pytest.param({"linked_ids": [{"id_type": "ssn", "id_value": "1"}]}, "id_type", id="id-type"),
        pytest.param(
            {"linked_ids": [{"id_type": "ntn", "id_value": "12345678"}]}, "expected exactly 7 digits", id="ntn"
        ),
    ],
)
def test_invalid_verifications_are_422(api: Api, body: dict[str, Any], where: str) -> None:
    response = api.post("/v1/identity/verify", {"entity_id": api.entity, "identity_type": "kyc", **body})
    assert response.status_code == 422
    assert where in error(response)["message"]

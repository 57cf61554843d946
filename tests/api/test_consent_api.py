"""/v1/consent: multi-party requests, Ed25519-signed decisions verified by the node, the audit trail."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from msez.core import canonical_bytes
from msez.crypto import SigningKey
from msez.store import consent
from tests.api.conftest import Api, error

MISSING = str(uuid.uuid4())
KEYS = [SigningKey.from_seed(bytes([i]) * 32) for i in (1, 2)]


def _request(api: Api, role: str = "operator") -> dict[str, Any]:
    parties = [
        {"entity_id": api.entity, "role": "shareholder", "signer_did": KEYS[0].verifying_key.did},
        {"entity_id": api.other, "role": "director", "signer_did": KEYS[1].verifying_key.did},
    ]
    response = api.post(
        "/v1/consent",
        {"consent_type": "board_resolution", "description": "Approve the share issuance", "parties": parties},
        role=role,
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _sign(
    api: Api,
    record: dict[str, Any],
    index: int,
    decision: str = "approve",
    *,
    role: str | None = None,
    key: SigningKey | None = None,
):  # type: ignore[no-untyped-def]
    entity = [api.entity, api.other][index]
    payload = consent.signing_payload(record["id"], record["payload_digest"], entity, decision)
    signature = (key or KEYS[index]).sign(canonical_bytes(payload)).b64url()
    body = {"entity_id": entity, "decision": decision, "signature": signature}
    return api.post(f"/v1/consent/{record['id']}/sign", body, role=role or ["operator", "stranger"][index])


def test_every_party_signs_and_the_trail_verifies(api: Api) -> None:
    record = _request(api)
    served = api.get(
        f"/v1/consent/{record['id']}/signing-payload",
        params={"entity_id": api.entity, "decision": "approve"},
        role="operator",
    ).json()
    assert (
        served["canonical"]
        == canonical_bytes(
            consent.signing_payload(record["id"], record["payload_digest"], api.entity, "approve")
        ).text()
    )
    first = _sign(api, record, 0)
    assert first.status_code == 200 and first.json()["status"] == "pending"
    second = _sign(api, record, 1)
    assert second.json()["status"] == "approved"
    assert [p["decision"] for p in second.json()["parties"]] == ["approve", "approve"]
    trail = api.get(f"/v1/consent/{record['id']}/audit-trail", role="regulator").json()
    assert [e["action"] for e in trail["entries"]] == ["consent.request", "consent.sign", "consent.sign"]
    assert trail["verification"]["ok"] is True and trail["verification"]["entries"] == 3
    revoked = api.post(f"/v1/consent/{record['id']}/revoke", role="stranger")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"


def test_one_rejection_rejects_the_request(api: Api) -> None:
    record = _request(api, role="admin")
    assert _sign(api, record, 1, "reject").json()["status"] == "rejected"
    late = _sign(api, record, 0)
    assert late.status_code == 409
    assert error(late)["details"]["from_state"] == "rejected"
    revoke = api.post(f"/v1/consent/{record['id']}/revoke")
    assert revoke.status_code == 409


def test_a_party_signs_once(api: Api) -> None:
    record = _request(api)
    assert _sign(api, record, 0).status_code == 200
    again = _sign(api, record, 0)
    assert again.status_code == 409
    assert error(again)["message"] == f"party {api.entity} already signed consent {record['id']} (approve)"


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        pytest.param({"key": KEYS[1]}, "Ed25519 signature does not verify", id="wrong-key"),
        pytest.param(
            {"decision": "reject", "resign": "approve"}, "Ed25519 signature does not verify", id="other-decision"
        ),
    ],
)
def test_signatures_are_verified(api: Api, tamper: dict[str, Any], message: str) -> None:
    record = _request(api)
    if "resign" in tamper:
        payload = consent.signing_payload(record["id"], record["payload_digest"], api.entity, tamper["resign"])
        body = {
            "entity_id": api.entity,
            "decision": tamper["decision"],
            "signature": KEYS[0].sign(canonical_bytes(payload)).b64url(),
        }
        response = api.post(f"/v1/consent/{record['id']}/sign", body, role="operator")
    else:
        response = _sign(api, record, 0, key=tamper["key"])
    assert response.status_code == 422
    assert error(response)["message"] == message
    assert api.get(f"/v1/consent/{record['id']}").json()["parties"][0]["decision"] is None


@pytest.mark.parametrize(
    ("suffix", "method"),
    [
        pytest.param("", "GET", id="get"),
        pytest.param("/audit-trail", "GET", id="trail"),
        pytest.param("/revoke", "POST", id="revoke"),
        pytest.param("/signing-payload?entity_id=" + MISSING + "&decision=approve", "GET", id="payload"),
    ],
)
def test_unknown_requests_are_404(api: Api, suffix: str, method: str) -> None:
    response = api.client.request(method, f"/v1/consent/{MISSING}{suffix}", headers=api.headers("admin"))
    assert response.status_code == 404
    assert error(response) == {"code": "NOT_FOUND", "message": f"consent {MISSING} not found"}


def test_no_signing_payload_for_an_entity_that_is_not_a_party(api: Api) -> None:
    record = _request(api)
    outsider = str(uuid.uuid4())
    response = api.get(
        f"/v1/consent/{record['id']}/signing-payload", params={"entity_id": outsider, "decision": "approve"}
    )
    assert response.status_code == 422
    assert error(response)["message"] == f"entity {outsider} is not a party to consent {record['id']}"


def test_signing_an_unknown_request_is_404(api: Api) -> None:
    body = {"entity_id": api.entity, "decision": "approve", "signature": "A" * 86}
    response = api.post(f"/v1/consent/{MISSING}/sign", body, role="operator")
    assert response.status_code == 404


def test_only_parties_see_and_sign(api: Api) -> None:
    parties = [{"entity_id": api.entity, "role": "owner", "signer_did": KEYS[0].verifying_key.did}]
    record = api.post(
        "/v1/consent", {"consent_type": "t", "description": "d", "parties": parties}, role="operator"
    ).json()
    denied = [
        api.get(f"/v1/consent/{record['id']}", role="stranger"),
        api.get(f"/v1/consent/{record['id']}/audit-trail", role="stranger"),
        api.post(f"/v1/consent/{record['id']}/revoke", role="stranger"),
        _sign(api, record, 0, role="stranger"),
        api.post("/v1/consent", {"consent_type": "t", "description": "d", "parties": parties}, role="stranger"),
    ]
    assert [r.status_code for r in denied] == [403] * 5
    assert error(denied[0])["message"] == f"entity operator of {api.other} is not a party to consent {record['id']}"


@pytest.mark.parametrize(
    ("body", "where"),
    [
        pytest.param({"parties": []}, "body.parties", id="no-parties"),
        pytest.param(
            {"parties": [{"entity_id": MISSING, "role": "r", "signer_did": "did:web:example.org"}]},
            "signer_did",
            id="not-did-key",
        ),
        pytest.param(
            {"parties": [{"entity_id": MISSING, "role": "r", "signer_did": KEYS[0].verifying_key.did}] * 2},
            "each party may appear once",
            id="duplicate",
        ),
        pytest.param({"description": ""}, "body.description", id="empty-description"),
    ],
)
def test_invalid_requests_are_422(api: Api, body: dict[str, Any], where: str) -> None:
    base = {
        "consent_type": "t",
        "description": "d",
        "parties": [{"entity_id": MISSING, "role": "r", "signer_did": KEYS[0].verifying_key.did}],
    }
    registered = json.loads(json.dumps({**base, **body}).replace(MISSING, api.entity))  # invalid, not unknown
    response = api.post("/v1/consent", registered)
    assert response.status_code == 422
    assert where in error(response)["message"]


def test_a_malformed_signature_is_422(api: Api) -> None:
    record = _request(api)
    body = {"entity_id": api.entity, "decision": "approve", "signature": "not-base64"}
    response = api.post(f"/v1/consent/{record['id']}/sign", body, role="operator")
    assert response.status_code == 422 and "body.signature" in error(response)["message"]

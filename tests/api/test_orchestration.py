"""The write orchestration (reference-impl §12.8): evaluate -> refuse sanctioned parties (403, explained) ->
persist -> issue the signed credential -> record the attestation, all in one transaction."""

from __future__ import annotations

from typing import Any

import pytest

from msez.core import Timestamp
from msez.store import Database
from msez.vc import DidKeyResolver, Signer, verify_credential
from tests.api.conftest import (
    CLEAN_NAME,
    SANCTIONED_CNIC,
    SANCTIONED_NAME,
    ZONE_KEY,
    Api,
    created,
    error,
    new_entity,
    persisted,
    register,
)

ZONE_DID = str(Signer.from_key(ZONE_KEY).did)


def _verifies_against_the_zone_key(credential: dict[str, Any]) -> None:
    report = verify_credential(credential, resolver=DidKeyResolver(), status_source=None)
    proofs = [p for p in report.proofs if p.ok]
    assert [p.verification_method for p in proofs] == [f"{ZONE_DID}#key-1"]
    assert credential["issuer"] == ZONE_DID
    # Without the node's status lists only the status check is left open.
    assert [f.reason.value for f in report.findings] == ["status-unresolvable", "status-unresolvable"]


def test_a_clean_entity_gets_a_formation_credential_that_verifies(api: Api, db: Database, zone: str) -> None:
    entity = new_entity(api, ntn="1234567", beneficial_owners=[{"name": "Ayesha Noor", "ownership_percentage": "60"}])
    orchestration = entity["orchestration"]
    credential = orchestration["credential"]
    assert credential["type"] == ["VerifiableCredential", "MsezFormationComplianceCredential"]
    subject = credential["credentialSubject"]
    assert (subject["entity_id"], subject["legal_name"], subject["domain_states"]["sanctions"]) == (
        entity["id"],
        CLEAN_NAME,
        "compliant",
    )
    assert subject["tensor_commitment"] == orchestration["compliance"]["tensor_commitment"]
    _verifies_against_the_zone_key(credential)
    verified = created(api.post("/v1/credentials/verify", credential), 200)
    assert (verified["verified"], verified["issued_by_zone"]) == (True, True)
    compliance = orchestration["compliance"]
    assert compliance["domains"] == ["sanctions", "kyc", "aml", "corporate", "tax"]
    assert compliance["results"]["sanctions"]["reason"] == "sanctions_clear"
    assert compliance["results"]["kyc"]["reason"] == "missing_attestation"
    attestation = created(
        api.post("/v1/regulator/query/attestations", {"entity_id": entity["id"]}, role="regulator"), 200
    )
    assert [a["id"] for a in attestation["results"]] == [orchestration["attestation_id"]]
    assert attestation["results"][0]["credential_id"] == credential["id"]
    assert persisted(db, zone)["credentials"] == 1


@pytest.mark.parametrize(
    ("body", "party"),
    [
        pytest.param({"legal_name": SANCTIONED_NAME}, SANCTIONED_NAME, id="listed-name"),
        pytest.param(
            {
                "legal_name": CLEAN_NAME,
                "beneficial_owners": [
                    {"name": "Nobody Special", "ownership_percentage": "10", "cnic": SANCTIONED_CNIC}
                ],
            },
            "beneficial_owner 'Nobody Special'",
            id="owner-by-cnic",
        ),
        pytest.param(
            {"legal_name": "Bolan Dune Money Exchange"},
            "SYN-000003",
            id="listed-alias",
        ),
    ],
)
def test_a_sanctioned_party_is_refused_with_the_explanation_and_nothing_is_stored(
    api: Api, db: Database, zone: str, body: dict[str, Any], party: str
) -> None:
    before = persisted(db, zone)
    response = api.post("/v1/entities", {"entity_type": "company", **body})
    assert response.status_code == 403
    refusal = error(response)
    assert refusal["code"] == "FORBIDDEN"
    assert refusal["message"].startswith("refused: sanctions: non_compliant (sanctions_match)")
    assert party in refusal["message"]
    sanctions = refusal["details"]["results"]["sanctions"]
    assert (sanctions["state"], sanctions["rule"]) == ("non_compliant", "regpack.sanctions_screening")
    assert sanctions["pack_digest"] == "3342a031bb6ae8cdba6330494b8d01c7d829d6e4ef2ebb4dd5593fe82c1cf152"
    assert "sanctions" in refusal["details"]["blocking_domains"]
    assert persisted(db, zone) == before  # no entity, credential, attestation or audit entry


def test_cap_table_writes_issue_ownership_credentials(api: Api) -> None:
    table = created(
        api.post(
            "/v1/ownership/cap-tables",
            {"entity_id": api.entity, "share_classes": [{"name": "common", "authorized_shares": 1000}]},
            role="operator",
        )
    )
    credential = table["orchestration"]["credential"]
    assert credential["type"][-1] == "MsezOwnershipComplianceCredential"
    assert credential["credentialSubject"]["share_classes"] == [
        {"name": "common", "authorized_shares": 1000, "issued_shares": 0}
    ]
    issued = created(
        api.post(
            f"/v1/ownership/cap-tables/{table['id']}/issuances",
            {"share_class": "common", "to_holder": "Ayesha Noor", "shares": 600},
            role="operator",
        )
    )
    later = issued["orchestration"]["credential"]
    assert later["credentialSubject"]["share_classes"][0]["issued_shares"] == 600
    assert later["id"] != credential["id"]
    _verifies_against_the_zone_key(later)


def test_issuing_shares_to_a_sanctioned_holder_is_refused(api: Api, db: Database, zone: str) -> None:
    table = created(
        api.post(
            "/v1/ownership/cap-tables",
            {"entity_id": api.entity, "share_classes": [{"name": "common", "authorized_shares": 10}]},
        )
    )
    before = persisted(db, zone)
    response = api.post(
        f"/v1/ownership/cap-tables/{table['id']}/issuances",
        {"share_class": "common", "to_holder": SANCTIONED_NAME, "shares": 1},
    )
    assert response.status_code == 403 and "holder 'Karim Soomro'" in error(response)["message"]
    assert persisted(db, zone) == before
    stored = created(api.get(f"/v1/ownership/cap-tables/{table['id']}"), 200)
    assert stored["share_classes"][0]["issued_shares"] == 0


def test_linking_a_sanctioned_cnic_is_refused(api: Api) -> None:
    identity = created(api.post("/v1/identity/verify", {"entity_id": api.entity, "identity_type": "kyc"}))
    assert identity["orchestration"]["compliance"]["aggregate"] == "pending"
    response = api.post(f"/v1/identity/{identity['id']}/cnic", {"cnic": SANCTIONED_CNIC})
    assert response.status_code == 403 and "linked_identifier" in error(response)["message"]
    assert created(api.get(f"/v1/identity/{identity['id']}"), 200)["links"] == []


def test_other_primitives_carry_their_compliance_summary(api: Api) -> None:
    account = created(
        api.post("/v1/fiscal/accounts", {"entity_id": api.entity, "account_type": "operating", "currency": "PKR"})
    )
    summary = account["orchestration"]["compliance"]
    assert summary["domains"] == ["sanctions", "aml", "tax", "payments"]
    assert account["orchestration"]["credential"] is None


def test_actions_that_reduce_rights_are_never_blocked(api: Api, db: Database, zone: str) -> None:
    listed = "0b8f7f44-0000-4000-8000-000000000001"
    register(db, zone, {listed: SANCTIONED_NAME})  # registered before the regpack listed it
    refused = api.post(f"/v1/entities/{listed}/transitions", {"transition": "approve"})
    assert refused.status_code == 403
    rejected = created(
        api.post(f"/v1/entities/{listed}/transitions", {"transition": "reject", "reason": "listed"}), 200
    )
    assert rejected["entity"]["state"] == "Rejected"


def test_the_evaluation_time_is_the_credential_time(api: Api) -> None:
    entity = new_entity(api)
    credential = entity["orchestration"]["credential"]
    assert credential["issuanceDate"] == credential["credentialSubject"]["evaluated_at"]
    assert Timestamp.parse(credential["issuanceDate"])


def test_a_listed_registration_number_or_ntn_is_refused(api: Api) -> None:
    by_ntn = api.post("/v1/entities", {"entity_type": "company", "legal_name": CLEAN_NAME, "ntn": "3105003"})
    assert by_ntn.status_code == 403 and "SYN-000003 on identifier" in error(by_ntn)["message"]
    by_registration = api.post(
        "/v1/entities", {"entity_type": "company", "legal_name": CLEAN_NAME, "registration_number": "4741457"}
    )
    assert by_registration.status_code == 403 and "SYN-000003 on identifier" in error(by_registration)["message"]

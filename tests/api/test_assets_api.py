"""/v1/assets: genesis (asset id = msez.vc.compute_asset_id of the genesis), registry credential, compliance
evaluation with explanations, and the compliance credential only when the evaluation passes."""

from __future__ import annotations

from typing import Any

import pytest

from msez.store import Database
from msez.vc import Credential, compute_asset_id, verify_asset_id_binding
from tests.api.conftest import Api, created, error, persisted

MISSING = "0" * 64
PASSING = {
    "domains": ["sanctions", "trade", "corporate"],
    "attestations": {"trade": {"status": "compliant"}, "corporate": {"status": "exempt"}},
}


def _genesis(api: Api, role: str = "operator", **fields: Any) -> dict[str, Any]:
    body = {"asset_type": "warehouse_receipt", "asset_name": "Rashakai Cotton Lot 7", "owner_entity_id": api.entity}
    return created(api.post("/v1/assets/genesis", {**body, **fields}, role=role))


def test_genesis_names_the_asset_by_its_genesis_digest(api: Api) -> None:
    asset = _genesis(api, asset_class="commodity", metadata={"bales": 400, "grade": "A"}, identifiers={"lot": "RC-7"})
    genesis = asset["genesis"]
    assert asset["id"] == genesis["asset_id"] == compute_asset_id(genesis).hex
    assert (genesis["type"], genesis["home_harbor_id"], genesis["owner_entity_id"]) == (
        "SmartAssetGenesis",
        asset["zone_id"],
        api.entity,
    )
    assert (asset["status"], asset["compliance_status"]) == ("GENESIS", "unevaluated")
    assert asset["orchestration"]["compliance"]["results"]["sanctions"]["state"] == "compliant"
    assert created(api.get(f"/v1/assets/{asset['id']}", role="regulator"), 200)["genesis"] == genesis


def test_a_sanctioned_vessel_is_refused(api: Api, db: Database, zone: str) -> None:
    before = persisted(db, zone)
    response = api.post(
        "/v1/assets/genesis",
        {"asset_type": "vessel", "asset_name": "Cargo Ship One", "identifiers": {"imo": "IMO 9384297"}},
    )
    assert response.status_code == 403 and "SYN-000001" in error(response)["message"]
    assert persisted(db, zone) == before


def test_operators_work_only_with_their_own_assets(api: Api) -> None:
    mine = _genesis(api)
    theirs = _genesis(api, role="admin", owner_entity_id=api.other, asset_name="Other Lot")
    assert [a["id"] for a in created(api.get("/v1/assets", role="operator"), 200)] == [mine["id"]]
    assert api.get(f"/v1/assets/{theirs['id']}", role="operator").status_code == 403
    assert api.get("/v1/assets", role="operator", params={"owner_entity_id": api.other}).status_code == 403
    assert api.post("/v1/assets/genesis", {"asset_type": "t", "asset_name": "n"}, role="operator").status_code == 403
    evaluated = api.post(f"/v1/assets/{theirs['id']}/compliance/evaluate", {}, role="operator")
    assert evaluated.status_code == 403
    asserted = api.post(f"/v1/assets/{mine['id']}/compliance/evaluate", PASSING, role="operator")
    assert asserted.status_code == 403 and "zone_admin" in error(asserted)["message"]


def test_the_registry_credential_binds_the_asset_id(api: Api) -> None:
    asset = _genesis(api)
    registered = created(api.post(f"/v1/assets/{asset['id']}/credentials/registry", {"notes": "first registration"}))
    credential = registered["credential"]
    verify_asset_id_binding(Credential.from_json(credential), asset["genesis"])
    subject = credential["credentialSubject"]
    assert subject["asset_genesis"]["digest_sha256"] == asset["id"]
    assert [b["harbor_id"] for b in subject["jurisdiction_bindings"]] == [asset["zone_id"]]
    assert len(subject["jurisdiction_bindings"][0]["lawpacks"]) == 4
    assert (registered["asset"]["status"], registered["asset"]["registry_credential_id"]) == (
        "REGISTERED",
        credential["id"],
    )
    assert created(api.post("/v1/credentials/verify", credential), 200)["verified"] is True
    again = api.post(f"/v1/assets/{asset['id']}/credentials/registry")
    assert again.status_code == 409 and "already registered" in error(again)["message"]
    assert api.post(f"/v1/assets/{asset['id']}/credentials/registry", role="operator").status_code == 403


def test_evaluation_explains_every_domain_and_is_recorded(api: Api) -> None:
    asset = _genesis(api)
    evaluation = created(api.post(f"/v1/assets/{asset['id']}/compliance/evaluate", {"activity": "warehousing"}), 200)
    assert evaluation["domain_count"] == 20 and evaluation["overall_status"] == "non_compliant"  # no licence
    results = evaluation["domain_results"]
    assert results["licensing"]["reason"] == "no_valid_licence"
    assert results["securities"]["reason"] == "not_applicable_in_jurisdiction"
    assert results["trade"]["reason"] == "not_implemented"
    assert set(evaluation["blocking_domains"]) == {
        "kyc",
        "aml",
        "tax",
        "licensing",
        "corporate",
        "trade",
        "payments",
        "employment",
        "arbitration",
    }
    stored = created(api.get(f"/v1/assets/{asset['id']}"), 200)
    assert stored["compliance_status"] == "non_compliant"
    assert stored["last_evaluation"]["tensor_commitment"] == evaluation["tensor_commitment"]
    assert "detail" not in str(stored["last_evaluation"])  # the stored summary holds states, not explanations


def test_the_compliance_credential_needs_a_passing_evaluation(api: Api) -> None:
    asset = _genesis(api)
    path = f"/v1/assets/{asset['id']}/credentials/compliance"
    refused = api.post(path, {"domains": ["sanctions", "trade"]})
    assert refused.status_code == 409
    body = error(refused)
    assert body["details"]["blocking_domains"] == ["trade"]
    assert body["details"]["explanations"][0].startswith("trade: pending (not_implemented)")
    issued = created(api.post(path, PASSING))
    credential = issued["credential"]
    assert credential["type"][-1] == "MsezComplianceAttestationCredential"
    assert (credential["credentialSubject"]["asset_id"], credential["credentialSubject"]["evaluation_aggregate"]) == (
        asset["id"],
        "exempt",  # the meet of compliant and exempt
    )
    assert issued["evaluation"]["passing_domains"] == ["sanctions", "trade", "corporate"]
    assert created(api.get(f"/v1/assets/{asset['id']}"), 200)["compliance_status"] == "exempt"
    expired = api.post(
        path,
        {
            **PASSING,
            "attestations": {
                **PASSING["attestations"],
                "trade": {"status": "compliant", "expires_at": "2020-01-01T00:00:00Z"},
            },
        },
    )
    assert expired.status_code == 409 and "attestation_expired" in error(expired)["details"]["explanations"][0]


@pytest.mark.parametrize(
    ("body", "where"),
    [
        pytest.param({"domains": ["astrology"]}, "astrology", id="unknown-domain"),
        pytest.param({"attestations": {"trade": {"status": "great"}}}, "great", id="unknown-status"),
        pytest.param({"activity": "Not An Activity"}, "body.activity", id="bad-activity"),
    ],
)
def test_invalid_evaluation_requests_are_422(api: Api, body: dict[str, Any], where: str) -> None:
    asset = _genesis(api)
    response = api.post(f"/v1/assets/{asset['id']}/compliance/evaluate", body)
    assert response.status_code == 422 and where in error(response)["message"]


def test_metadata_must_be_canonical_json(api: Api) -> None:
    response = api.post("/v1/assets/genesis", {"asset_type": "t", "asset_name": "n", "metadata": {"weight": 1.5}})
    assert response.status_code == 422 and "float" in error(response)["message"]


@pytest.mark.parametrize("suffix", ["", "/credentials/registry", "/compliance/evaluate", "/credentials/compliance"])
def test_unknown_assets_are_404(api: Api, suffix: str) -> None:
    response = api.get(f"/v1/assets/{MISSING}") if not suffix else api.post(f"/v1/assets/{MISSING}{suffix}", {})
    assert response.status_code == 404 and error(response)["message"] == f"asset {MISSING} not found"
    assert api.get("/v1/assets/not-a-digest").status_code == 422

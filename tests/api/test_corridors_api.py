"""/v1/corridors: opening corridors (posted module, library module), reading them, and the v2 lifecycle."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from msez.api._bootstrap import read_zone_key
from msez.store import Database
from msez.vc import verify_credential
from tests.api.conftest import Api, error, make_api
from tests.api.corridor_world import ZONE, Corridor, append, open_corridor, transition
from tests.conftest import REPO

SWIFT = "org.momentum.msez.corridor.swift.iso20022-cross-border"
MISSING = str(uuid.uuid4())


@pytest.fixture
def swift_api(db: Database, zone: str) -> Iterator[Api]:
    """A node of the Rashakai zone with its (public demo) zone-authority key and the repository's module library."""
    key = read_zone_key(REPO / "examples" / "keys" / "pk-rsez-zone-authority.jwk.json")
    yield from make_api(db, zone, zone_key=key, library_root=REPO)


def test_a_posted_module_opens_a_draft_corridor(api: Api, corridor_module: Corridor) -> None:
    opened = open_corridor(api, corridor_module)
    assert (opened["corridor_id"], opened["state"], opened["source"]) == (
        corridor_module.corridor_id,
        "DRAFT",
        "posted",
    )
    assert (opened["jurisdiction_a"], opened["jurisdiction_b"]) == ("pk-rsez", "ae-difc")
    assert opened["head"] == {
        "receipt_count": 0,
        "sequence": None,
        "next_root": opened["genesis_root"],
        "mmr_root": "",
        "mmr_size": 0,
        "last_timestamp": None,
    }
    detail = api.get(f"/v1/corridors/{opened['id']}", role="regulator").json()
    assert detail["policy"]["corridor_id"] == corridor_module.corridor_id
    assert str(ZONE.did) in detail["policy"]["authorized_receipt_signers"]
    assert "corridor.yaml" in detail["module_files"] and detail["history"] == []
    assert [c["id"] for c in api.get("/v1/corridors").json()] == [opened["id"]]
    assert api.get("/v1/corridors", params={"state": "ACTIVE"}).json() == []
    legacy = api.get("/v1/corridors", params={"state": "OPERATIONAL"})
    assert legacy.status_code == 422 and error(legacy)["message"].startswith("query.state:")
    trail = api.get(f"/v1/audit/streams/corridor:{opened['id']}/verify").json()
    assert (trail["ok"], trail["entries"]) == (True, 1)


def test_the_bundled_swift_corridor_opens_from_the_library(swift_api: Api) -> None:
    opened = swift_api.post("/v1/corridors", {"corridor_id": SWIFT, "jurisdiction_b": "ae-difc"})
    assert opened.status_code == 201, opened.text
    body = opened.json()
    assert (body["source"], body["module_path"]) == ("library", "modules/corridors/swift")
    corridor = body["id"]
    transition(swift_api, corridor, "PENDING", include_module_credentials=True)
    append(swift_api, corridor, {"kind": "settle.swift.pacs008.v1", "uetr": str(uuid.uuid4())})
    active = transition(swift_api, corridor, "ACTIVE", include_module_credentials=True)
    assert active["corridor"]["state"] == "ACTIVE"
    assert active["transition"]["finality_level"] == "receipt_signed"


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        pytest.param({"jurisdiction_b": "ae-difc"}, 422, "give exactly one of corridor_id", id="no-source"),
        pytest.param(
            {"corridor_id": SWIFT, "files": {"corridor.yaml": "x"}, "jurisdiction_b": "ae-difc"},
            422,
            "give exactly one of corridor_id",
            id="two-sources",
        ),
        pytest.param({"corridor_id": SWIFT, "jurisdiction_b": "PK-RSEZ"}, 422, "must differ", id="same-jurisdiction"),
        pytest.param(
            {"files": {"../corridor.yaml": "x"}, "jurisdiction_b": "ae-difc"}, 422, "must not contain '..'", id="dotdot"
        ),
        pytest.param(
            {"files": {"corridor.yaml": "corridor_id: x\n"}, "jurisdiction_b": "ae-difc"},
            422,
            "corridor x does not verify",
            id="does-not-verify",
        ),
        pytest.param(
            {"corridor_id": "org.example.nowhere", "jurisdiction_b": "ae-difc"},
            404,
            "no corridor module in the zone's library declares corridor org.example.nowhere",
            id="not-in-library",
        ),
        pytest.param(
            {"corridor_id": SWIFT, "jurisdiction_b": "ae-difc"},
            422,
            "may not sign receipts of corridor " + SWIFT,
            id="zone-key-not-a-receipt-signer",
        ),
    ],
)
def test_opening_refusals(db: Database, zone: str, body: dict[str, Any], status: int, message: str) -> None:
    for api in make_api(db, zone, library_root=REPO):
        response = api.post("/v1/corridors", body)
        assert response.status_code == status, response.text
        assert message in error(response)["message"]


def test_a_tampered_module_and_a_second_opening_are_refused(api: Api, corridor_module: Corridor) -> None:
    tampered = {**corridor_module.files, "trust-anchors.yaml": corridor_module.files["trust-anchors.yaml"] + "\n#\n"}
    refused = api.post("/v1/corridors", {"files": tampered, "jurisdiction_b": "ae-difc"})
    assert refused.status_code == 422 and "does not verify" in error(refused)["message"]
    opened = open_corridor(api, corridor_module)
    again = api.post("/v1/corridors", {"files": corridor_module.files, "jurisdiction_b": "ae-difc"})
    assert again.status_code == 409
    assert error(again)["message"] == (
        f"corridor {corridor_module.corridor_id} already exists in this zone (id {opened['id']})"
    )


def test_corridors_are_for_zone_admins_and_regulators(api: Api, corridor_module: Corridor) -> None:
    opened = open_corridor(api, corridor_module)
    for path in ("/v1/corridors", f"/v1/corridors/{opened['id']}"):
        denied = api.get(path, role="operator")
        assert denied.status_code == 403
        assert error(denied)["message"] == "role 'regulator' required, caller has 'entity_operator'"
    refused = api.post("/v1/corridors", {"files": corridor_module.files, "jurisdiction_b": "x"}, role="operator")
    assert refused.status_code == 403
    assert api.get(f"/v1/corridors/{MISSING}").status_code == 404
    assert error(api.get(f"/v1/corridors/{MISSING}"))["message"] == f"corridor {MISSING} not found"


def test_the_v2_lifecycle_with_evidence_and_finality(api: Api, corridor_module: Corridor) -> None:
    corridor = open_corridor(api, corridor_module)["id"]
    bare = api.post(f"/v1/corridors/{corridor}/transitions", {"to_state": "PENDING"})
    assert bare.status_code == 409 and "MSEZCorridorDefinitionCredential" in error(bare)["message"]
    definition = json.loads(corridor_module.files["corridor.vc.json"])
    submitted = transition(api, corridor, "PENDING", evidence=[definition], reason="submit for activation")
    step = submitted["transition"]
    assert (step["from_state"], step["to_state"], step["transition"]) == ("DRAFT", "PENDING", "submit")
    assert step["finality_level"] == "proposed" and step["reason"] == "submit for activation"
    assert {"MSEZCorridorDefinitionCredential", "MSEZCorridorLifecycleTransitionCredential"} <= {
        e["type"] for e in step["evidence"]
    }
    assert verify_credential(step["credential"]).ok and step["credential"]["issuer"] == str(ZONE.did)
    early = api.post(
        f"/v1/corridors/{corridor}/transitions", {"to_state": "ACTIVE", "include_module_credentials": True}
    )
    assert early.status_code == 409 and "finality receipt_signed required" in error(early)["message"]
    append(api, corridor)
    transition(api, corridor, "ACTIVE", include_module_credentials=True)
    transition(api, corridor, "SUSPENDED", reason="key rotation")
    paused = api.post(f"/v1/corridors/{corridor}/receipts", {})
    assert paused.status_code == 409
    assert error(paused)["message"] == (
        f"corridor {corridor} is SUSPENDED; receipts are accepted only in PENDING or ACTIVE"
    )
    transition(api, corridor, "ACTIVE")
    transition(api, corridor, "DEPRECATED")
    terminal = api.post(f"/v1/corridors/{corridor}/transitions", {"to_state": "ACTIVE"})
    assert terminal.status_code == 409
    assert error(terminal)["details"] == {"from_state": "DEPRECATED", "to_state": "ACTIVE", "valid_targets": []}
    detail = api.get(f"/v1/corridors/{corridor}").json()
    assert [(h["from_state"], h["to_state"]) for h in detail["history"]] == [
        ("DRAFT", "PENDING"),
        ("PENDING", "ACTIVE"),
        ("ACTIVE", "SUSPENDED"),
        ("SUSPENDED", "ACTIVE"),
        ("ACTIVE", "DEPRECATED"),
    ]
    assert detail["state"] == "DEPRECATED" and detail["since"] == detail["history"][-1]["transitioned_at"][:19] + "Z"
    trail = api.get(f"/v1/audit/streams/corridor:{corridor}/verify").json()
    assert trail["ok"] and trail["entries"] == 1 + 5 + 1


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        pytest.param({"to_state": "OPERATIONAL"}, 422, "to_state", id="legacy-state"),
        pytest.param({"to_state": "ACTIVE"}, 409, "not a transition of the v2 corridor table", id="draft-to-active"),
        pytest.param({"to_state": "PENDING", "evidence": [{"type": "x"}]}, 422, "evidence", id="not-a-credential"),
        pytest.param({"to_state": "PENDING", "surprise": 1}, 422, "surprise", id="unknown-field"),
    ],
)
def test_transition_refusals(
    api: Api, corridor_module: Corridor, body: dict[str, Any], status: int, message: str
) -> None:
    corridor = open_corridor(api, corridor_module)["id"]
    response = api.post(f"/v1/corridors/{corridor}/transitions", body)
    assert response.status_code == status, response.text
    assert message in error(response)["message"]


def test_a_tampered_evidence_credential_is_refused(api: Api, corridor_module: Corridor) -> None:
    corridor = open_corridor(api, corridor_module)["id"]
    definition = json.loads(corridor_module.files["corridor.vc.json"])
    definition["credentialSubject"]["version"] = "tampered"
    response = api.post(f"/v1/corridors/{corridor}/transitions", {"to_state": "PENDING", "evidence": [definition]})
    assert response.status_code == 422 and "does not verify" in error(response)["message"]


def test_transitions_need_a_zone_admin_and_a_corridor(api: Api, corridor_module: Corridor) -> None:
    corridor = open_corridor(api, corridor_module)["id"]
    denied = api.post(f"/v1/corridors/{corridor}/transitions", {"to_state": "PENDING"}, role="operator")
    assert denied.status_code == 403
    missing = api.post(f"/v1/corridors/{MISSING}/transitions", {"to_state": "PENDING"})
    assert missing.status_code == 404 and error(missing)["message"] == f"corridor {MISSING} not found"

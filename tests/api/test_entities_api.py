"""/v1/entities: registration, listing, reads, updates, beneficial owners and the lifecycle with evidence."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from msez.core import digest_of
from tests.api.conftest import Api, created, error, new_entity, send

MISSING = str(uuid.uuid4())


def _evidence(kind: str) -> dict[str, str]:
    return {"type": kind, "digest": digest_of({"document": kind}).hex}


def _move(api: Api, entity_id: str, transition: str, **body: Any) -> dict[str, Any]:
    return created(api.post(f"/v1/entities/{entity_id}/transitions", {"transition": transition, **body}), 200)


def test_registration_normalises_identifiers_and_starts_applied(api: Api) -> None:
    owner = {"name": "Ayesha Noor", "ownership_percentage": "60.5", "cnic": "35202-1234567-1", "passport": " ab12345 "}
    entity = new_entity(api, ntn="0012345", registration_number="SECP-0042", beneficial_owners=[owner])
    assert (entity["state"], entity["jurisdiction_id"], entity["ntn"]) == ("Applied", "pk-rsez", "0012345")
    assert entity["beneficial_owners"] == [
        {
            "name": "Ayesha Noor",
            "ownership_percentage": "60.50",
            "cnic": "3520212345671",
            "ntn": None,
            "passport": "AB12345",
        }
    ]
    assert created(api.get(f"/v1/entities/{entity['id']}", role="regulator"), 200)["legal_name"] == entity["legal_name"]


def test_listing_pages_and_filters(api: Api) -> None:
    made = [new_entity(api, f"Pager Test {n} Ltd")["id"] for n in range(3)]
    listed = [e["id"] for e in created(api.get("/v1/entities", params={"limit": 1000}), 200)]
    assert listed[-3:] == made  # oldest first, after the two operator entities
    page = created(api.get("/v1/entities", params={"limit": 2, "offset": 3}), 200)
    assert [e["id"] for e in page] == made[1:3]
    applied = created(api.get("/v1/entities", params={"state": "Active"}), 200)
    assert applied == []
    assert api.get("/v1/entities", params={"limit": 0}).status_code == 422


def test_an_operator_sees_and_changes_only_its_own_entity(api: Api) -> None:
    assert [e["id"] for e in created(api.get("/v1/entities", role="operator"), 200)] == [api.entity]
    assert api.get(f"/v1/entities/{api.entity}", role="operator").status_code == 200
    assert api.get(f"/v1/entities/{api.other}", role="operator").status_code == 403
    changed = created(send(api, "PATCH", f"/v1/entities/{api.entity}", {"ntn": "7654321"}, role="operator"), 200)
    assert changed["ntn"] == "7654321" and changed["orchestration"]["compliance"]["domains"][0] == "sanctions"
    refused = send(api, "PATCH", f"/v1/entities/{api.other}", {"ntn": "7654321"}, role="operator")
    assert refused.status_code == 403
    assert error(refused)["message"] == f"entity operator of {api.entity} may not act for entity {api.other}"
    assert api.post("/v1/entities", {"entity_type": "company", "legal_name": "X"}, role="operator").status_code == 403


def test_beneficial_owners_are_replaced_and_capped_at_100_percent(api: Api) -> None:
    path = f"/v1/entities/{api.entity}/beneficial-owners"
    owners = [{"name": "A One", "ownership_percentage": "50"}, {"name": "B Two", "ownership_percentage": "50"}]
    assert [
        o["name"] for o in created(send(api, "PUT", path, {"beneficial_owners": owners}), 200)["beneficial_owners"]
    ] == [
        "A One",
        "B Two",
    ]
    too_much = send(api, "PUT", path, {"beneficial_owners": [*owners, {"name": "C", "ownership_percentage": "0.01"}]})
    assert too_much.status_code == 422 and "sums to 100.01" in error(too_much)["message"]


@pytest.mark.parametrize(
    ("body", "where"),
    [
        pytest.param({"entity_type": "Company!", "legal_name": "X"}, "body.entity_type", id="entity-type"),
        pytest.param({"entity_type": "company", "legal_name": ""}, "body.legal_name", id="empty-name"),
        pytest.param({"entity_type": "company", "legal_name": "X", "ntn": "12"}, "body.ntn", id="bad-ntn"),
        pytest.param({"entity_type": "company", "legal_name": "X", "did": "web:x"}, "body.did", id="bad-did"),
        pytest.param(
            {
                "entity_type": "company",
                "legal_name": "X",
                "beneficial_owners": [{"name": "A", "ownership_percentage": "101"}],
            },
            "ownership_percentage must be in (0, 100]",
            id="percentage",
        ),
        pytest.param(
            {
                "entity_type": "company",
                "legal_name": "X",
                "beneficial_owners": [{"name": "A", "ownership_percentage": "1", "cnic": "123"}],
            },
            "cnic",
            id="bad-cnic",
        ),
        pytest.param({"entity_type": "company", "legal_name": "X", "extra": 1}, "body.extra", id="unknown-field"),
    ],
)
def test_invalid_registrations_are_422(api: Api, body: dict[str, Any], where: str) -> None:
    response = api.post("/v1/entities", body)
    assert response.status_code == 422 and where in error(response)["message"]


@pytest.mark.parametrize(
    ("body", "where"),
    [
        pytest.param({}, "name at least one field", id="empty"),
        pytest.param({"legal_name": None}, "legal_name cannot be null", id="null-name"),
        pytest.param({"state": "Active"}, "body.state", id="not-updatable"),
    ],
)
def test_invalid_updates_are_422(api: Api, body: dict[str, Any], where: str) -> None:
    response = send(api, "PATCH", f"/v1/entities/{api.entity}", body)
    assert response.status_code == 422 and where in error(response)["message"]


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        pytest.param("GET", "", None, id="get"),
        pytest.param("PATCH", "", {"ntn": "1234567"}, id="patch"),
        pytest.param("PUT", "/beneficial-owners", {"beneficial_owners": []}, id="owners"),
        pytest.param("POST", "/transitions", {"transition": "approve"}, id="transition"),
        pytest.param("GET", "/transitions", None, id="history"),
    ],
)
def test_unknown_entities_are_404(api: Api, method: str, suffix: str, body: dict[str, Any] | None) -> None:
    response = send(api, method, f"/v1/entities/{MISSING}{suffix}", body)
    assert response.status_code == 404 and error(response) == {
        "code": "NOT_FOUND",
        "message": f"entity {MISSING} not found",
    }


def test_the_lifecycle_is_recorded_with_evidence(api: Api) -> None:
    entity = new_entity(api)["id"]
    approved = _move(api, entity, "approve", evidence=[_evidence("registrar_approval")])
    assert (approved["entity"]["state"], approved["transition"]["from_state"]) == ("Active", "Applied")
    assert approved["orchestration"]["compliance"]["results"]["sanctions"]["state"] == "compliant"
    _move(api, entity, "suspend", reason="late filing")
    _move(api, entity, "reinstate")
    history = created(api.get(f"/v1/entities/{entity}/transitions", role="regulator"), 200)
    assert [(h["seq"], h["transition"], h["to_state"]) for h in history] == [
        (0, "approve", "Active"),
        (1, "suspend", "Suspended"),
        (2, "reinstate", "Active"),
    ]
    assert history[0]["evidence"] == [_evidence("registrar_approval")] and history[1]["reason"] == "late filing"
    assert history[0]["actor"] == "zone_admin"
    audit = created(api.get("/v1/audit/streams/entities/entries", role="regulator"), 200)
    assert [e["action"] for e in audit if e["subject"] == entity] == [
        "entity.create",
        "entity.approve",
        "entity.suspend",
        "entity.reinstate",
    ]


def test_a_voluntary_dissolution_walks_ten_stages_with_their_evidence(api: Api) -> None:
    entity = new_entity(api)["id"]
    _move(api, entity, "approve")
    assert _move(api, entity, "initiate_dissolution")["entity"]["dissolution_stage"] == 1
    stages = [
        "board_resolution",
        "shareholder_resolution",
        "liquidator_appointment",
        "gazette_notice",
        "asset_realization_report",
        "liabilities_settlement",
        "final_distribution_statement",
        "final_meeting_minutes",
        "final_documents_filing",
    ]
    missing = api.post(f"/v1/entities/{entity}/transitions", {"transition": "advance_dissolution"})
    assert missing.status_code == 409 and "missing: board_resolution" in error(missing)["message"]
    for number, kind in enumerate(stages, start=1):
        facts = {"shareholder_approval_bps": 8000} if kind == "shareholder_resolution" else {}
        moved = _move(api, entity, "advance_dissolution", evidence=[_evidence(kind)], **facts)
        assert moved["entity"]["dissolution_stage"] == number + 1
    done = _move(api, entity, "advance_dissolution", evidence=[_evidence("dissolution_certificate")])
    assert (done["entity"]["state"], done["transition"]["transition"]) == ("Dissolved", "complete_dissolution")
    late = send(api, "PATCH", f"/v1/entities/{entity}", {"ntn": "1234567"})
    assert late.status_code == 409 and "Dissolved" in error(late)["message"]
    owners = send(api, "PUT", f"/v1/entities/{entity}/beneficial-owners", {"beneficial_owners": []})
    assert owners.status_code == 409 and "can no longer change" in error(owners)["message"]
    cap_table = api.post("/v1/ownership/cap-tables", {"entity_id": entity, "share_classes": []})
    assert cap_table.status_code == 409 and "takes no new records" in error(cap_table)["message"]


def test_refused_transitions_are_409_with_the_valid_targets(api: Api) -> None:
    entity = new_entity(api)["id"]
    response = api.post(f"/v1/entities/{entity}/transitions", {"transition": "suspend", "reason": "x"})
    assert response.status_code == 409
    assert error(response)["details"] == {
        "from_state": "Applied",
        "to_state": "Suspended",
        "valid_targets": ["Active", "Rejected"],
    }
    _move(api, entity, "approve")
    _move(api, entity, "initiate_dissolution")
    low = api.post(
        f"/v1/entities/{entity}/transitions",
        {"transition": "advance_dissolution", "evidence": [_evidence("board_resolution")]},
    )
    assert low.status_code == 200
    supermajority = api.post(
        f"/v1/entities/{entity}/transitions",
        {
            "transition": "advance_dissolution",
            "evidence": [_evidence("shareholder_resolution")],
            "shareholder_approval_bps": 7000,
        },
    )
    assert supermajority.status_code == 409 and "shareholder_approval_bps >= 7500" in error(supermajority)["message"]


def test_only_zone_admins_apply_transitions(api: Api) -> None:
    response = api.post(f"/v1/entities/{api.entity}/transitions", {"transition": "approve"}, role="operator")
    assert (
        response.status_code == 403
        and error(response)["message"] == "role 'zone_admin' required, caller has 'entity_operator'"
    )
    bad = api.post(f"/v1/entities/{api.entity}/transitions", {"transition": "explode"})
    assert bad.status_code == 422
    digest = api.post(
        f"/v1/entities/{api.entity}/transitions", {"transition": "approve", "evidence": [{"type": "x", "digest": "ab"}]}
    )
    assert digest.status_code == 422 and "body.evidence.0.digest" in error(digest)["message"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        pytest.param("/v1/ownership/cap-tables", {"share_classes": []}, id="ownership"),
        pytest.param("/v1/fiscal/accounts", {"account_type": "operating", "currency": "PKR"}, id="fiscal"),
        pytest.param("/v1/identity/verify", {"identity_type": "kyb"}, id="identity"),
        pytest.param("/v1/licences", {"licence_type": "t", "activities": ["x"]}, id="licences"),
    ],
)
def test_the_primitives_know_only_registered_entities(api: Api, path: str, body: dict[str, Any]) -> None:
    key = "holder_entity_id" if path == "/v1/licences" else "entity_id"
    response = api.post(path, {key: MISSING, **body})
    assert response.status_code == 404 and error(response)["message"] == f"entity {MISSING} not found"
    assert api.post(path, {key: api.entity, **body}).status_code == 201

"""/v1/licences: applications, the licence lifecycle, and checks against the zone's licensepack plus the node's
own licences."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.api.conftest import Api, created, error, new_entity

MISSING = str(uuid.uuid4())
BOLAN = "did:web:rsez.example.pk:entities:bolan-bridge"  # an active SECP asset management licence (licensepack)


def _body(api: Api) -> dict[str, Any]:
    return {"holder_entity_id": api.entity, "licence_type": "t", "activities": ["x"]}


def _apply(api: Api, role: str = "operator", **fields: Any) -> dict[str, Any]:
    body = {"holder_entity_id": api.entity, "licence_type": "trade_licence", "activities": ["warehousing", "export"]}
    return created(api.post("/v1/licences", {**body, **fields}, role=role))


def _move(api: Api, licence_id: str, transition: str, role: str = "admin", **body: Any) -> Any:
    return api.post(f"/v1/licences/{licence_id}/transitions", {"transition": transition, **body}, role=role)


def _check(api: Api, role: str = "operator", **params: Any) -> dict[str, Any]:
    return created(api.get("/v1/licences/check", role=role, params=params), 200)


def test_an_issued_licence_permits_its_activities(api: Api) -> None:
    licence = _apply(api, expiry_date="2099-12-31")
    assert (licence["state"], licence["activities"]) == ("Applied", ["export", "warehousing"])
    assert licence["orchestration"]["compliance"]["results"]["sanctions"]["state"] == "compliant"
    pending = _check(api, entity_id=api.entity, activity="warehousing")
    assert (pending["valid"], pending["state"], pending["source"]) == (False, "PENDING", "node")
    for step in ("review", "issue"):
        assert created(_move(api, licence["id"], step), 200)["licence"]["state"] != "Applied"
    check = _check(api, entity_id=api.entity, activity="warehousing")
    assert (check["valid"], check["state"], check["licence_id"]) == (
        True,
        "COMPLIANT",
        f"urn:msez:licence:{licence['id']}",
    )
    assert _check(api, entity_id=api.entity, activity="banking")["state"] == "NON_COMPLIANT"
    late = _check(api, entity_id=api.entity, activity="warehousing", on="2100-01-01")
    assert late["valid"] is False  # past the expiry date


def test_suspension_needs_a_reason_and_shows_in_checks(api: Api) -> None:
    licence = _apply(api)["id"]
    _move(api, licence, "review")
    _move(api, licence, "issue")
    refused = _move(api, licence, "suspend")
    assert refused.status_code == 409 and "a reason is required to suspend" in error(refused)["message"]
    suspended = created(_move(api, licence, "suspend", reason="unpaid fee"), 200)["licence"]
    assert (suspended["state"], suspended["state_reason"]) == ("Suspended", "unpaid fee")
    assert _check(api, entity_id=api.entity, activity="export")["state"] == "SUSPENDED"
    history = created(api.get(f"/v1/licences/{licence}/transitions"), 200)
    assert [h["transition"] for h in history] == ["review", "issue", "suspend"]


def test_holders_may_surrender_but_not_issue(api: Api) -> None:
    licence = _apply(api)["id"]
    assert _move(api, licence, "review", role="operator").status_code == 403
    _move(api, licence, "review")
    _move(api, licence, "issue")
    assert created(_move(api, licence, "surrender", role="operator"), 200)["licence"]["state"] == "Surrendered"
    again = _move(api, licence, "reinstate")
    assert again.status_code == 409 and error(again)["details"]["from_state"] == "Surrendered"


def test_licensepack_holders_are_checked_by_did(api: Api) -> None:
    check = _check(api, holder_did=BOLAN, activity="asset_management", on="2026-01-15")
    assert (check["valid"], check["source"]) == (True, "licensepack")
    assert check["licensepack_digest"] == "09d8bb03724b7bafb08df4f20ba85b946a5ac7b5dd2b72c8fa2a38fcab52797c"
    entity = new_entity(api, "Bolan Bridge Asset Management Ltd", did=BOLAN)
    by_entity = _check(api, role="admin", entity_id=entity["id"], activity="asset_management", on="2026-01-15")
    assert by_entity["valid"] is True and by_entity["holder"] == BOLAN


def test_operators_see_only_their_own_licences(api: Api) -> None:
    mine = _apply(api)
    theirs = _apply(api, role="admin", holder_entity_id=api.other)
    assert [x["id"] for x in created(api.get("/v1/licences", role="operator"), 200)] == [mine["id"]]
    assert api.get(f"/v1/licences/{theirs['id']}", role="operator").status_code == 403
    assert api.get(f"/v1/licences/{theirs['id']}/transitions", role="operator").status_code == 403
    assert api.post("/v1/licences", {**_body(api), "holder_entity_id": api.other}, role="operator").status_code == 403
    assert (
        api.get("/v1/licences/check", role="operator", params={"entity_id": api.other, "activity": "x"}).status_code
        == 403
    )
    assert [x["id"] for x in created(api.get("/v1/licences", params={"state": "Applied"}), 200)] == [
        mine["id"],
        theirs["id"],
    ]


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        pytest.param({"activities": []}, "body.activities", id="no-activities"),
        pytest.param({"activities": ["Not Valid"]}, "body.activities.0", id="bad-activity"),
        pytest.param(
            {"effective_date": "2026-02-01", "expiry_date": "2026-01-01"}, "expiry_date is before", id="dates"
        ),
    ],
)
def test_invalid_applications_are_422(api: Api, fields: dict[str, Any], where: str) -> None:
    response = api.post("/v1/licences", {**_body(api), **fields})
    assert response.status_code == 422 and where in error(response)["message"]


def test_checks_name_exactly_one_holder(api: Api) -> None:
    for params in ({"activity": "x"}, {"activity": "x", "entity_id": api.entity, "holder_did": BOLAN}):
        response = api.get("/v1/licences/check", params=params)
        assert response.status_code == 422 and "exactly one of entity_id and holder_did" in error(response)["message"]


def test_unknown_licences_and_holders_are_404(api: Api) -> None:
    assert api.post("/v1/licences", {**_body(api), "holder_entity_id": MISSING}).status_code == 404
    for response in (
        api.get(f"/v1/licences/{MISSING}"),
        api.get(f"/v1/licences/{MISSING}/transitions"),
        _move(api, MISSING, "review"),
    ):
        assert response.status_code == 404 and error(response)["message"] == f"licence {MISSING} not found"
    assert api.get("/v1/licences/check", params={"entity_id": MISSING, "activity": "x"}).status_code == 404

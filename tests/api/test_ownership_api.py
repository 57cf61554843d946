"""/v1/ownership: cap tables, share classes, issuances, transfers."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.api.conftest import Api, error

MISSING = str(uuid.uuid4())


def _cap_table(api: Api, *, role: str = "operator", authorised: int = 1000) -> dict[str, Any]:
    response = api.post(
        "/v1/ownership/cap-tables",
        {"entity_id": api.entity, "share_classes": [{"name": "common", "authorized_shares": authorised}]},
        role=role,
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_an_operator_builds_its_cap_table(api: Api) -> None:
    table = _cap_table(api)
    base = f"/v1/ownership/cap-tables/{table['id']}"
    added = api.post(
        f"{base}/share-classes",
        {"name": "preferred", "authorized_shares": 50, "par_value": "10.00", "voting_rights": False},
        role="operator",
    )
    assert added.status_code == 201 and [c["name"] for c in added.json()["share_classes"]] == ["common", "preferred"]
    issued = api.post(
        f"{base}/issuances", {"share_class": "common", "to_holder": "alice", "shares": 700}, role="operator"
    )
    assert issued.status_code == 201 and issued.json()["kind"] == "issuance"
    moved = api.post(
        f"{base}/transfers",
        {"share_class": "common", "from_holder": "alice", "to_holder": "bob", "shares": 200, "reference": "SPA-1"},
        role="operator",
    )
    assert moved.status_code == 201 and moved.json()["from_holder"] == "alice"
    stored = api.get(base, role="regulator").json()
    common = stored["share_classes"][0]
    assert (common["issued_shares"], common["holdings"]) == (
        700,
        [{"holder_id": "alice", "shares": 500}, {"holder_id": "bob", "shares": 200}],
    )
    movements = api.get(f"{base}/movements", role="operator", params={"limit": 10}).json()
    assert [(m["kind"], m["shares"]) for m in movements] == [("issuance", 700), ("transfer", 200)]
    trail = api.get("/v1/audit/streams/ownership/entries", role="regulator").json()
    assert [e["action"] for e in trail] == ["cap_table.create", "share_class.create", "shares.issue", "shares.transfer"]


@pytest.mark.parametrize(
    ("suffix", "body"),
    [
        pytest.param("", None, id="get"),
        pytest.param("/movements", None, id="movements"),
        pytest.param("/share-classes", {"name": "x", "authorized_shares": 1}, id="share-class"),
        pytest.param("/issuances", {"share_class": "common", "to_holder": "a", "shares": 1}, id="issue"),
        pytest.param(
            "/transfers", {"share_class": "common", "from_holder": "a", "to_holder": "b", "shares": 1}, id="transfer"
        ),
    ],
)
def test_unknown_cap_tables_are_404(api: Api, suffix: str, body: dict[str, Any] | None) -> None:
    path = f"/v1/ownership/cap-tables/{MISSING}{suffix}"
    response = api.get(path) if body is None else api.post(path, body)
    assert response.status_code == 404
    assert error(response) == {"code": "NOT_FOUND", "message": f"cap table {MISSING} not found"}


def test_an_unknown_share_class_is_404(api: Api) -> None:
    table = _cap_table(api)
    response = api.post(
        f"/v1/ownership/cap-tables/{table['id']}/issuances", {"share_class": "gold", "to_holder": "a", "shares": 1}
    )
    assert response.status_code == 404
    assert "no share class named 'gold'" in error(response)["message"]


def test_operators_touch_only_their_own_entity(api: Api) -> None:
    table = _cap_table(api)
    base = f"/v1/ownership/cap-tables/{table['id']}"
    denied = [
        api.post("/v1/ownership/cap-tables", {"entity_id": api.entity}, role="stranger"),
        api.post(f"{base}/issuances", {"share_class": "common", "to_holder": "a", "shares": 1}, role="stranger"),
        api.post(f"{base}/share-classes", {"name": "x", "authorized_shares": 1}, role="stranger"),
        api.get(base, role="stranger"),
        api.get(f"{base}/movements", role="stranger"),
    ]
    assert [r.status_code for r in denied] == [403] * 5
    assert error(denied[0])["message"] == f"entity operator of {api.other} may not act for entity {api.entity}"
    assert api.get(f"{base}/movements", role="operator").json() == []


@pytest.mark.parametrize(
    ("suffix", "body", "message"),
    [
        pytest.param(
            "/issuances",
            {"share_class": "common", "to_holder": "a", "shares": 1001},
            "would exceed its authorised shares: 0 of 1000",
            id="over-authorised",
        ),
        pytest.param(
            "/transfers",
            {"share_class": "common", "from_holder": "a", "to_holder": "b", "shares": 1},
            "holder 'a' has 0 shares",
            id="overdrawn-holder",
        ),
        pytest.param(
            "/share-classes",
            {"name": "common", "authorized_shares": 5},
            "already has a share class named 'common'",
            id="duplicate-class",
        ),
    ],
)
def test_conflicts_are_409_and_change_nothing(api: Api, suffix: str, body: dict[str, Any], message: str) -> None:
    table = _cap_table(api)
    response = api.post(f"/v1/ownership/cap-tables/{table['id']}{suffix}", body)
    assert response.status_code == 409
    assert message in error(response)["message"]
    assert api.get(f"/v1/ownership/cap-tables/{table['id']}").json()["share_classes"] == table["share_classes"]


def test_one_cap_table_per_entity(api: Api) -> None:
    first = _cap_table(api)
    second = api.post("/v1/ownership/cap-tables", {"entity_id": api.entity})
    assert second.status_code == 409
    assert error(second)["message"] == f"entity {api.entity} already has cap table {first['id']}"


@pytest.mark.parametrize(
    ("body", "where"),
    [
        pytest.param({"entity_id": "nope"}, "body.entity_id", id="bad-uuid"),
        pytest.param({}, "body.entity_id", id="missing"),
        pytest.param(
            {"entity_id": MISSING, "share_classes": [{"name": "a", "authorized_shares": 0}]},
            "authorized_shares",
            id="zero-authorised",
        ),
        pytest.param(
            {"entity_id": MISSING, "share_classes": [{"name": "a", "authorized_shares": 1, "par_value": "1e3"}]},
            "par_value",
            id="par-value",
        ),
        pytest.param({"entity_id": MISSING, "extra": 1}, "body.extra", id="unknown-field"),
        pytest.param(
            {
                "entity_id": MISSING,
                "share_classes": [{"name": "a", "authorized_shares": 1}, {"name": "a", "authorized_shares": 2}],
            },
            "share class names must be unique",
            id="duplicate-names",
        ),
    ],
)
def test_invalid_cap_tables_are_422(api: Api, body: dict[str, Any], where: str) -> None:
    registered = {**body, "entity_id": api.entity} if body.get("entity_id") == MISSING else body  # not unknown
    response = api.post("/v1/ownership/cap-tables", registered)
    assert response.status_code == 422
    assert error(response)["code"] == "VALIDATION_ERROR"
    assert where in error(response)["message"]


def test_a_transfer_needs_two_holders(api: Api) -> None:
    table = _cap_table(api)
    response = api.post(
        f"/v1/ownership/cap-tables/{table['id']}/transfers",
        {"share_class": "common", "from_holder": "a", "to_holder": "a", "shares": 1},
    )
    assert response.status_code == 422
    assert error(response)["message"] == "a transfer needs two different holders"

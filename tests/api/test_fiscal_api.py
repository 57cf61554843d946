"""/v1/fiscal: accounts, payments, balances, ledger entries, NTN links, trial balance."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.api.conftest import Api, error

MISSING = str(uuid.uuid4())


def _account(api: Api, *, role: str = "operator", entity: str | None = None, **extra: Any) -> dict[str, Any]:
    body = {"entity_id": entity or api.entity, "account_type": "operating", "currency": "PKR", **extra}
    response = api.post("/v1/fiscal/accounts", body, role=role)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _pay(api: Api, role: str = "admin", **body: Any):  # type: ignore[no-untyped-def]
    return api.post("/v1/fiscal/payments", {"currency": "PKR", **body}, role=role)


def test_money_moves_by_double_entry(api: Api) -> None:
    mine = _account(api, ntn="1234567")
    theirs = _account(api, role="admin", entity=api.other)
    deposit = _pay(api, to_account_id=mine["id"], amount=10_000, reference="capital")
    assert deposit.status_code == 201, deposit.text
    paid = _pay(api, "operator", from_account_id=mine["id"], to_account_id=theirs["id"], amount=2_500)
    assert paid.status_code == 201
    assert api.get(f"/v1/fiscal/accounts/{mine['id']}/balance", role="operator").json() == {
        "account_id": mine["id"],
        "currency": "PKR",
        "balance": 7_500,
    }
    entries = api.get(f"/v1/fiscal/accounts/{mine['id']}/entries", role="operator").json()
    assert [e["amount"] for e in entries] == [10_000, -2_500]
    payment = api.get(f"/v1/fiscal/payments/{paid.json()['id']}", role="stranger").json()
    assert (payment["amount"], payment["entry_id"]) == (2_500, paid.json()["entry_id"])
    assert api.get("/v1/fiscal/trial-balance", role="regulator").json()["balanced"] is True
    listed = api.get("/v1/fiscal/accounts", role="operator").json()
    assert [a["id"] for a in listed] == [mine["id"]] and listed[0]["ntn"] == "1234567"
    withdrawn = _pay(api, "operator", from_account_id=mine["id"], amount=500)
    assert withdrawn.status_code == 201
    assert api.get(f"/v1/fiscal/accounts/{mine['id']}").json()["balance"] == 7_000


def test_ntn_link(api: Api) -> None:
    account = _account(api)
    linked = api.post(f"/v1/fiscal/accounts/{account['id']}/ntn", {"ntn": "0012345"}, role="operator")
    assert linked.status_code == 200 and linked.json()["ntn"] == "0012345"
    clash = api.post(f"/v1/fiscal/accounts/{account['id']}/ntn", {"ntn": "7654321"}, role="operator")
    assert clash.status_code == 409
    assert error(clash)["message"] == f"account {account['id']} is already linked to NTN 0012345"
    bad = api.post(f"/v1/fiscal/accounts/{account['id']}/ntn", {"ntn": "12-34"}, role="operator")
    assert bad.status_code == 422 and "expected exactly 7 digits" in error(bad)["message"]


def test_insufficient_funds_is_409_and_books_nothing(api: Api) -> None:
    mine, theirs = _account(api), _account(api, role="admin", entity=api.other)
    response = _pay(api, "operator", from_account_id=mine["id"], to_account_id=theirs["id"], amount=1)
    assert response.status_code == 409
    assert error(response)["message"] == f"insufficient funds in account {mine['id']}: balance 0 PKR, debit 1"
    assert api.get(f"/v1/fiscal/accounts/{mine['id']}/entries").json() == []


@pytest.mark.parametrize(
    ("path", "body"),
    [
        pytest.param(f"/v1/fiscal/accounts/{MISSING}", None, id="account"),
        pytest.param(f"/v1/fiscal/accounts/{MISSING}/balance", None, id="balance"),
        pytest.param(f"/v1/fiscal/accounts/{MISSING}/entries", None, id="entries"),
        pytest.param(f"/v1/fiscal/payments/{MISSING}", None, id="payment"),
        pytest.param(f"/v1/fiscal/accounts/{MISSING}/ntn", {"ntn": "1234567"}, id="ntn"),
        pytest.param("/v1/fiscal/payments", {"to_account_id": MISSING, "amount": 1, "currency": "PKR"}, id="pay-to"),
    ],
)
def test_unknown_records_are_404(api: Api, path: str, body: dict[str, Any] | None) -> None:
    response = api.get(path) if body is None else api.post(path, body)
    assert response.status_code == 404
    assert error(response)["code"] == "NOT_FOUND"
    assert "not found" in error(response)["message"]


def test_operators_touch_only_their_own_accounts(api: Api) -> None:
    mine = _account(api)
    base = f"/v1/fiscal/accounts/{mine['id']}"
    denied = [
        api.get(base, role="stranger"),
        api.get(f"{base}/balance", role="stranger"),
        api.get(f"{base}/entries", role="stranger"),
        api.post(f"{base}/ntn", {"ntn": "1234567"}, role="stranger"),
        _pay(api, "stranger", from_account_id=mine["id"], amount=1),
        api.post(
            "/v1/fiscal/accounts", {"entity_id": api.entity, "account_type": "x", "currency": "PKR"}, role="stranger"
        ),
        api.get("/v1/fiscal/accounts", role="stranger", params={"entity_id": api.entity}),
        api.get("/v1/fiscal/trial-balance", role="operator"),
    ]
    assert [r.status_code for r in denied] == [403] * len(denied)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(
            {"to_account_id": MISSING, "amount": 5},
            "role 'zone_admin' required, caller has 'entity_operator'",
            id="deposit",
        ),
    ],
)
def test_deposits_and_overdrafts_are_for_zone_admins(api: Api, body: dict[str, Any], message: str) -> None:
    response = _pay(api, "operator", **body)
    assert response.status_code == 403 and error(response)["message"] == message
    overdraft = api.post(
        "/v1/fiscal/accounts",
        {"entity_id": api.entity, "account_type": "credit", "currency": "PKR", "allow_overdraft": True},
        role="operator",
    )
    assert overdraft.status_code == 403


@pytest.mark.parametrize(
    ("body", "where"),
    [
        pytest.param({"amount": 0}, "body.amount", id="zero"),
        pytest.param({"amount": "10.5"}, "body.amount", id="string"),
        pytest.param({"amount": 1.5}, "body.amount", id="float"),
        pytest.param({"amount": 1, "currency": "pkr"}, "body.currency", id="currency"),
        pytest.param({"amount": 1}, "a payment needs from_account_id, to_account_id or both", id="no-accounts"),
        pytest.param(
            {"amount": 1, "from_account_id": MISSING, "to_account_id": MISSING},
            "two different accounts",
            id="same-account",
        ),
    ],
)
def test_invalid_payments_are_422(api: Api, body: dict[str, Any], where: str) -> None:
    response = _pay(api, **body)
    assert response.status_code == 422
    assert where in error(response)["message"]


def test_currency_must_match_the_account(api: Api) -> None:
    account = _account(api)
    response = _pay(api, to_account_id=account["id"], amount=1, currency="USD")
    assert response.status_code == 422
    assert error(response)["message"] == f"account {account['id']} holds PKR, the payment is in USD"

"""Every corridor-scoped route: entity operators are refused (403), a corridor that does not exist is 404, and a
malformed corridor id is 422 (401, 413, 429 and regulators' read-only access are in test_contract.py)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.api.conftest import Api, error

MISSING = str(uuid.uuid4())
OBLIGATION = {"from_party": "A", "to_party": "B", "amount": 1, "currency": "USD"}
ACCOUNT = {"name": "A", "agent_bic": "DEUTDEFF"}
ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "", None),
    ("POST", "/transitions", {"to_state": "PENDING"}),
    ("POST", "/receipts", {}),
    ("GET", "/receipts", None),
    ("GET", "/receipts/0", None),
    ("GET", "/receipts/0/inclusion-proof", None),
    ("POST", "/checkpoints", None),
    ("GET", "/checkpoints", None),
    ("GET", f"/checkpoints/{'0' * 64}", None),
    ("GET", f"/consistency-proof?old={'0' * 64}&new={'1' * 64}", None),
    ("GET", "/finality", None),
    ("POST", "/watcher-attestations", {}),
    ("GET", "/watcher-attestations", None),
    ("GET", "/watcher-comparison", None),
    ("POST", "/forks", {"receipt_a": {}, "receipt_b": {}}),
    ("GET", "/forks", None),
    ("POST", "/settlement/compute", {"obligations": [OBLIGATION]}),
    ("GET", "/settlement/plans", None),
    ("GET", f"/settlement/plans/{MISSING}", None),
    ("POST", f"/settlement/plans/{MISSING}/instruct", {"parties": {"A": ACCOUNT, "B": ACCOUNT}}),
]
CASES = [
    pytest.param(method, suffix, body, id=f"{method} {suffix.split('?')[0].replace(MISSING, '{plan}') or '/'}")
    for method, suffix, body in ROUTES
]


def _call(api: Api, method: str, corridor: str, suffix: str, body: Any, *, role: str) -> Any:
    return api.client.request(method, f"/v1/corridors/{corridor}{suffix}", json=body, headers=api.headers(role))


@pytest.mark.parametrize(("method", "suffix", "body"), CASES)
def test_corridor_routes_refuse_entity_operators(api: Api, method: str, suffix: str, body: Any) -> None:
    response = _call(api, method, MISSING, suffix, body, role="operator")
    assert response.status_code == 403
    needed = "regulator" if method == "GET" else "zone_admin"
    assert error(response)["message"] == f"role '{needed}' required, caller has 'entity_operator'"


@pytest.mark.parametrize(("method", "suffix", "body"), CASES)
def test_corridor_routes_need_an_existing_corridor(api: Api, method: str, suffix: str, body: Any) -> None:
    response = _call(api, method, MISSING, suffix, body, role="admin")
    assert response.status_code == 404, response.text
    assert error(response) == {"code": "NOT_FOUND", "message": f"corridor {MISSING} not found"}


@pytest.mark.parametrize(("method", "suffix", "body"), CASES)
def test_corridor_ids_are_uuids(api: Api, method: str, suffix: str, body: Any) -> None:
    response = _call(api, method, "not-a-uuid", suffix, body, role="admin")
    assert response.status_code == 422
    assert error(response)["message"].startswith("path.corridor:")

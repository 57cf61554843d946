"""/v1/corridors: settlement plans over ACTIVE corridors, pacs.008 instructions for their legs, and routing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from msez.core import payload_digest
from msez.settlement import SettlementPlan, parse_pacs008
from msez.vc import verify_proofs
from tests.api.conftest import Api, error
from tests.api.corridor_world import (
    ZONE,
    Corridor,
    active_corridor,
    make_corridor,
    open_corridor,
)

MISSING = str(uuid.uuid4())
OBLIGATIONS = [
    {"from_party": "ACME", "to_party": "GLOBEX", "amount": 100_000, "currency": "USD"},
    {"from_party": "GLOBEX", "to_party": "INITECH", "amount": 60_000, "currency": "USD"},
    {"from_party": "INITECH", "to_party": "ACME", "amount": 30_000, "currency": "USD"},
]
PARTIES = {
    "ACME": {"name": "Acme Exports (Pvt) Ltd", "agent_bic": "HABBPKKA", "iban": "PK36SCBL0000001123456702"},
    "GLOBEX": {"name": "Globex FZE", "agent_bic": "DEUTDEFF", "account": "GLOBEX-001"},
    "INITECH": {"name": "Initech LLC", "agent_bic": "CHASUS33", "account": "INI-9"},
}


def _plan(api: Api, corridor: str, **body: Any) -> dict[str, Any]:
    response = api.post(f"/v1/corridors/{corridor}/settlement/compute", {"obligations": OBLIGATIONS, **body})
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def test_a_signed_plan_and_its_pacs008(api: Api, corridor_module: Corridor) -> None:
    corridor = active_corridor(api, corridor_module)["id"]
    stored = _plan(api, corridor)
    plan = SettlementPlan.from_json(stored["plan"])
    assert (plan.gross_total, plan.net_total, plan.corridor_id) == (190_000, 70_000, corridor_module.corridor_id)
    assert stored["digest"] == payload_digest(stored["plan"]).hex
    report = verify_proofs(stored["plan"])
    assert report.ok and report.valid_methods == (ZONE.verification_method,)
    sent = api.post(f"/v1/corridors/{corridor}/settlement/plans/{stored['id']}/instruct", {"parties": PARTIES})
    assert sent.status_code == 201, sent.text
    message = parse_pacs008(sent.json()["xml"].encode())
    assert [(leg.from_party, leg.to_party, leg.amount) for leg in message.legs] == [
        (leg.from_party, leg.to_party, leg.amount) for leg in plan.legs
    ]
    assert message.instructing_agent == "MSEZUS33" and sent.json()["transactions"] == len(plan.legs)
    detail = api.get(f"/v1/corridors/{corridor}/settlement/plans/{stored['id']}", role="regulator").json()
    assert [i["message_id"] for i in detail["instructions"]] == [message.message_id]
    assert _plan(api, corridor, mode="min-legs")["plan"]["mode"] == "min-legs"
    listed = api.get(f"/v1/corridors/{corridor}/settlement/plans").json()
    assert [p["plan"]["mode"] for p in listed] == ["greedy", "min-legs"] and listed[0]["id"] == stored["id"]
    assert api.get(f"/v1/corridors/{corridor}/settlement/plans", role="operator").status_code == 403


@pytest.mark.parametrize(
    ("obligations", "message"),
    [
        pytest.param([], "obligations", id="none"),
        pytest.param([{**OBLIGATIONS[0], "amount": 0}], "amount", id="zero-amount"),
        pytest.param([{**OBLIGATIONS[0], "to_party": "ACME"}], "owes itself", id="self"),
        pytest.param([OBLIGATIONS[0], OBLIGATIONS[0]], "duplicate_obligation", id="duplicate"),
        pytest.param([{**OBLIGATIONS[0], "currency": "usd"}], "currency", id="currency"),
    ],
)
def test_bad_obligations(api: Api, corridor_module: Corridor, obligations: list[Any], message: str) -> None:
    corridor = active_corridor(api, corridor_module)["id"]
    response = api.post(f"/v1/corridors/{corridor}/settlement/compute", {"obligations": obligations})
    assert response.status_code == 422, response.text
    assert message in error(response)["message"]


def test_settlement_needs_an_active_corridor_a_plan_and_every_party(api: Api, corridor_module: Corridor) -> None:
    draft = open_corridor(api, corridor_module)["id"]
    refused = api.post(f"/v1/corridors/{draft}/settlement/compute", {"obligations": OBLIGATIONS})
    assert refused.status_code == 409
    assert error(refused)["message"] == f"corridor {draft} is DRAFT; settlement needs an ACTIVE corridor"
    assert api.post(f"/v1/corridors/{MISSING}/settlement/compute", {"obligations": OBLIGATIONS}).status_code == 404
    assert (
        api.post(f"/v1/corridors/{draft}/settlement/compute", {"obligations": OBLIGATIONS}, role="operator").status_code
        == 403
    )


def test_instruction_refusals(api: Api, corridor_module: Corridor) -> None:
    corridor = active_corridor(api, corridor_module)["id"]
    plan = _plan(api, corridor)["id"]
    path = f"/v1/corridors/{corridor}/settlement/plans/{plan}/instruct"
    partial = api.post(path, {"parties": {k: v for k, v in PARTIES.items() if k != "INITECH"}})
    assert partial.status_code == 422
    assert error(partial)["message"] == "parties: leg USD:000002: no account details for party 'INITECH'"
    bad_bic = api.post(path, {"parties": {**PARTIES, "ACME": {**PARTIES["ACME"], "agent_bic": "HABBXXKA"}}})
    assert bad_bic.status_code == 422 and "invalid BIC" in error(bad_bic)["message"]
    absent = api.post(f"/v1/corridors/{corridor}/settlement/plans/{MISSING}/instruct", {"parties": PARTIES})
    assert absent.status_code == 404
    assert error(absent)["message"] == f"corridor {corridor} has no settlement plan {MISSING}"
    assert api.get(f"/v1/corridors/{corridor}/settlement/plans/{MISSING}").status_code == 404


def test_routes_go_over_active_corridors_only(api: Api) -> None:
    first = active_corridor(api, make_corridor(), jurisdiction_b="ae-difc")
    second = active_corridor(
        api, make_corridor(corridor_id="org.momentum.msez.corridor.test.second"), jurisdiction_b="sg"
    )
    body = {"source": "ae-difc", "target": "sg", "default_fee_bps": 25}
    routed = api.post("/v1/corridors/route", body, role="operator")
    assert routed.status_code == 200, routed.text
    route = routed.json()
    assert (route["hop_count"], route["total_fee_bps"], route["total_settlement_time_secs"]) == (2, 50, 7200)
    assert [(h["source"], h["target"], h["corridor"]) for h in route["hops"]] == [
        ("ae-difc", "pk-rsez", first["id"]),
        ("pk-rsez", "sg", second["id"]),
    ]
    assert api.post("/v1/corridors/route", body, role="regulator").status_code == 200
    api.post(f"/v1/corridors/{second['id']}/transitions", {"to_state": "SUSPENDED"})
    gone = api.post("/v1/corridors/route", body)
    assert gone.status_code == 404
    assert error(gone)["message"] == "no route from ae-difc to sg over this zone's ACTIVE corridors"
    same = api.post("/v1/corridors/route", {"source": "sg", "target": "sg"})
    assert same.status_code == 422 and "must differ" in error(same)["message"]

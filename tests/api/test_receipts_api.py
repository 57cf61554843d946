"""/v1/corridors/{id}: receipts (built, signed and appended by the node), checkpoints, inclusion and consistency
proofs, each checked with msez.corridor's own verifiers."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from msez.corridor import (
    ReceiptChecker,
    StateChannelPolicy,
    transition_envelope,
    verify_chain,
    verify_checkpoint,
    verify_consistency,
    verify_inclusion,
)
from tests.api.conftest import Api, error
from tests.api.corridor_world import Corridor, active_corridor, append, open_corridor

MISSING = str(uuid.uuid4())


def _policy(api: Api, corridor: str) -> StateChannelPolicy:
    return StateChannelPolicy.from_json(api.get(f"/v1/corridors/{corridor}").json()["policy"])


def _receipts(api: Api, corridor: str) -> list[dict[str, Any]]:
    return [r["receipt"] for r in api.get(f"/v1/corridors/{corridor}/receipts", params={"limit": 1000}).json()]


def test_appended_receipts_form_a_chain_that_verifies(api: Api, corridor_module: Corridor) -> None:
    corridor = active_corridor(api, corridor_module)["id"]
    envelope = transition_envelope("msez.example.transfer.v1", payload={"amount": "100", "currency": "USD"})
    acks = [append(api, corridor, t) for t in (envelope, {"kind": "attest", "subject": "kyb"}, None, {"n": 7})]
    assert [a["sequence"] for a in acks] == [1, 2, 3, 4]
    assert all(a["prev_root"] == b["next_root"] for a, b in zip(acks[1:], acks, strict=False))
    assert [a["mmr_size"] for a in acks] == [2, 3, 4, 5]
    stored = _receipts(api, corridor)
    head = verify_chain(stored, _policy(api, corridor))
    assert (head.receipt_count, head.final_state_root, head.mmr_root) == (
        5,
        acks[-1]["next_root"],
        acks[-1]["mmr_root"],
    )
    assert stored[1]["transition"] == envelope and stored[3]["transition"]["kind"] == "noop"
    assert stored[4]["transition"]["kind"] == "generic" and stored[4]["transition"]["payload"] == {"n": 7}
    one = api.get(f"/v1/corridors/{corridor}/receipts/2", role="regulator").json()
    assert (one["sequence"], one["next_root"], one["receipt"]) == (2, acks[1]["next_root"], stored[2])
    assert [r["sequence"] for r in api.get(f"/v1/corridors/{corridor}/receipts", params={"from": 3}).json()] == [3, 4]
    assert api.get(f"/v1/corridors/{corridor}/receipts", params={"from": -1}).status_code == 422
    assert api.get(f"/v1/corridors/{corridor}/receipts/-1").status_code == 422
    corridor_head = api.get(f"/v1/corridors/{corridor}").json()["head"]
    assert (corridor_head["sequence"], corridor_head["mmr_root"]) == (4, acks[-1]["mmr_root"])
    trail = api.get(f"/v1/audit/streams/corridor:{corridor}/verify").json()
    assert trail["ok"] and trail["entries"] == 1 + 2 + 5
    entries = api.get(f"/v1/audit/streams/corridor:{corridor}/entries", params={"limit": 100}).json()
    appends = [e for e in entries if e["action"] == "receipt.append"]
    assert [e["details"]["sequence"] for e in appends] == [0, 1, 2, 3, 4]
    assert appends[-1]["actor"] == {"role": "zone_admin", "entity_id": None}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param({"transition": {"kind": "x", "amount": 1.5}}, "float", id="float"),
        pytest.param(
            {"transition": {"type": "MSEZTransitionEnvelope", "kind": "x", "payload": {}, "payload_sha256": "00" * 32}},
            "does not match the inline payload",
            id="wrong-payload-digest",
        ),
        pytest.param({"transition": {"type": "MSEZTransitionEnvelope", "kind": ""}}, "kind", id="empty-kind"),
        pytest.param({"receipt": {}}, "receipt", id="unknown-field"),
        pytest.param({"transition": 7}, "valid dictionary", id="not-an-object"),
    ],
)
def test_append_refusals(api: Api, corridor_module: Corridor, body: dict[str, Any], message: str) -> None:
    corridor = active_corridor(api, corridor_module)["id"]
    response = api.post(f"/v1/corridors/{corridor}/receipts", body)
    assert response.status_code == 422, response.text
    assert message in error(response)["message"]


def test_appends_need_a_zone_admin_an_open_corridor_and_a_corridor(api: Api, corridor_module: Corridor) -> None:
    corridor = open_corridor(api, corridor_module)["id"]
    draft = api.post(f"/v1/corridors/{corridor}/receipts", {})
    assert draft.status_code == 409
    assert error(draft)["message"] == f"corridor {corridor} is DRAFT; receipts are accepted only in PENDING or ACTIVE"
    assert api.post(f"/v1/corridors/{corridor}/receipts", {}, role="operator").status_code == 403
    missing = api.post(f"/v1/corridors/{MISSING}/receipts", {})
    assert missing.status_code == 404 and error(missing)["message"] == f"corridor {MISSING} not found"
    absent = api.get(f"/v1/corridors/{corridor}/receipts/0")
    assert absent.status_code == 404 and error(absent)["message"] == f"corridor {corridor} has no receipt 0"


def test_checkpoints_and_proofs_verify(api: Api, corridor_module: Corridor) -> None:
    corridor = active_corridor(api, corridor_module)["id"]
    policy = _policy(api, corridor)
    assert api.get(f"/v1/corridors/{corridor}/receipts/0/inclusion-proof").status_code == 404
    for n in range(4):
        append(api, corridor, {"kind": "tick", "n": n})
    first = api.post(f"/v1/corridors/{corridor}/checkpoints")
    assert first.status_code == 201, first.text
    old = first.json()
    assert (old["receipt_count"], old["document"]["mmr"]["root"]) == (5, old["mmr_root"])
    again = api.post(f"/v1/corridors/{corridor}/checkpoints")
    assert again.status_code == 409
    assert error(again)["message"] == f"checkpoint {old['digest']} already covers the head (5 receipts)"
    verified_old = verify_checkpoint(old["document"], policy)
    assert verified_old.digest.hex == old["digest"]
    proved = api.get(f"/v1/corridors/{corridor}/receipts/2/inclusion-proof", role="regulator").json()
    checked = verify_inclusion(proved["receipt"], proved["proof"], verified_old, ReceiptChecker(policy))
    assert checked.sequence == 2 and proved["checkpoint"] == old["document"]
    for n in range(3):
        append(api, corridor, {"kind": "tock", "n": n})
    new = api.post(f"/v1/corridors/{corridor}/checkpoints").json()
    later = api.get(f"/v1/corridors/{corridor}/receipts/6/inclusion-proof", params={"checkpoint": old["digest"]})
    assert later.status_code == 409 and "is after checkpoint" in error(later)["message"]
    latest = api.get(f"/v1/corridors/{corridor}/receipts/6/inclusion-proof").json()
    assert latest["proof"]["checkpoint_digest_sha256"] == new["digest"]
    consistency = api.get(
        f"/v1/corridors/{corridor}/consistency-proof", params={"old": old["digest"], "new": new["digest"]}
    )
    assert consistency.status_code == 200, consistency.text
    verify_consistency(consistency.json()["proof"], verified_old, verify_checkpoint(new["document"], policy))
    backwards = api.get(
        f"/v1/corridors/{corridor}/consistency-proof", params={"old": new["digest"], "new": old["digest"]}
    )
    assert backwards.status_code == 422 and "more than" in error(backwards)["message"]
    listed = api.get(f"/v1/corridors/{corridor}/checkpoints").json()
    assert [c["receipt_count"] for c in listed] == [5, 8]
    assert api.get(f"/v1/corridors/{corridor}/checkpoints/{new['digest']}").json()["document"] == new["document"]
    unknown = api.get(f"/v1/corridors/{corridor}/checkpoints/{'0' * 64}")
    assert (
        unknown.status_code == 404 and error(unknown)["message"] == f"corridor {corridor} has no checkpoint {'0' * 64}"
    )


def test_an_empty_chain_has_nothing_to_checkpoint(api: Api, corridor_module: Corridor) -> None:
    corridor = open_corridor(api, corridor_module)["id"]
    empty = api.post(f"/v1/corridors/{corridor}/checkpoints")
    assert empty.status_code == 409 and error(empty)["message"] == f"corridor {corridor} has no receipts to checkpoint"
    assert api.post(f"/v1/corridors/{corridor}/checkpoints", role="operator").status_code == 403
    assert api.get(f"/v1/corridors/{corridor}/checkpoints", role="operator").status_code == 403
    bad = api.get(f"/v1/corridors/{corridor}/consistency-proof", params={"old": "xyz", "new": "0" * 64})
    assert bad.status_code == 422

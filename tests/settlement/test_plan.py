"""The settlement plan artifact: canonical, float-free, digest without proof, stored, verified, tamper-evident."""

from __future__ import annotations

from typing import Any

import pytest

from msez.core import ContentDigest, IntegrityError, SchemaValidationError, canonical_bytes, load_json
from msez.crypto import MemoryArtifactStore
from msez.settlement import (
    NettingMode,
    Obligation,
    PartyLimit,
    PlanWindow,
    SettlementPlan,
    build_plan,
    check_plan,
    net,
    plan_digest,
    store_plan,
    verify_plan,
)

from .conftest import T0


def sample_plan() -> SettlementPlan:
    obligations = [
        Obligation("A", "B", 100, "USD"),
        Obligation("B", "A", 60, "USD"),
        Obligation("C", "A", 500, "JPY", corridor_id="corridor-pk-ae", priority=2),
        Obligation("A", "C", 900, "JPY"),
    ]
    result = net(obligations, mode=NettingMode.MIN_LEGS, limits=[PartyLimit("A", "JPY", max_leg_amount=300)])
    window = PlanWindow(window_id="w-1", opens_at="2026-01-15T00:00:00Z", closes_at="2026-01-15T12:00:00Z")
    return build_plan(result, plan_id="urn:msez:settlement-plan:test", created_at=T0, window=window)


def test_plan_is_canonical_float_free_and_verifies() -> None:
    plan = sample_plan()
    document = plan.to_json()
    canonical_bytes(document)  # raises on any float
    assert document["type"] == "MSEZCorridorSettlementPlan"
    assert [leg["amount"] for leg in document["legs"] if leg["currency"] == "JPY"] == [300, 100]
    assert (document["gross_total"], document["net_total"], document["reduction_bps"]) == (1560, 440, 7179)
    assert verify_plan(plan) == plan_digest(plan)
    assert SettlementPlan.from_json(load_json(canonical_bytes(document).data)) == plan


def test_digest_excludes_proof_and_unknown_fields_round_trip() -> None:
    document = sample_plan().to_json()
    signed = {**document, "proof": {"type": "DataIntegrityProof", "proofValue": "z..."}, "x_extension": {"k": 1}}
    reloaded = SettlementPlan.from_json(signed)
    assert reloaded.to_json() == signed
    assert plan_digest(reloaded) != plan_digest(sample_plan())  # the extension is payload
    without_proof = {k: v for k, v in signed.items() if k != "proof"}
    assert plan_digest(reloaded) == plan_digest(SettlementPlan.from_json(without_proof))


def test_store_uses_the_payload_digest() -> None:
    store = MemoryArtifactStore()
    plan = sample_plan()
    ref = store_plan(store, plan)
    assert (ref.artifact_type, ref.digest_sha256) == ("settlement-plan", plan_digest(plan))
    assert SettlementPlan.from_json(load_json(store.resolve("settlement-plan", ref.digest_sha256))) == plan


def _tampered(change: Any) -> SettlementPlan:
    document = sample_plan().to_json()
    change(document)
    return SettlementPlan.from_json(document)


@pytest.mark.parametrize(
    ("change", "failure"),
    [
        pytest.param(lambda d: d["legs"][0].update(amount=39), "legs do not balance for A in JPY", id="leg-amount"),
        pytest.param(lambda d: d["legs"][0].update(to_party="B"), "legs do not balance for B in JPY", id="leg-payee"),
        pytest.param(lambda d: d["obligations"].pop(0), "position A/USD: recorded", id="dropped-obligation"),
        pytest.param(lambda d: d.update(reduction_bps=9000), "plan totals (gross, net, bps)", id="reduction"),
        pytest.param(lambda d: d["legs"][1].update(leg_id=d["legs"][0]["leg_id"]), "appears 2 times", id="leg-ids"),
        pytest.param(
            lambda d: d["limits"][0].update(max_leg_amount=200), "above A's leg limit 200", id="leg-limit-breached"
        ),
        pytest.param(lambda d: d["obligations"].append(d["obligations"][0]), "appears 2 times", id="duplicate"),
    ],
)
def test_tampered_plans_fail_with_the_reason(change: Any, failure: str) -> None:
    plan = _tampered(change)
    report = check_plan(plan)
    assert not report.ok
    assert any(failure in f for f in report.failures), report.failures
    with pytest.raises(IntegrityError, match="does not verify"):
        verify_plan(plan)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(lambda d: d["legs"][0].update(amount=1.5), "1.5 is not of type 'integer'", id="float-amount"),
        pytest.param(lambda d: d["legs"][0].update(amount=0), "less than the minimum of 1", id="zero-leg"),
        pytest.param(lambda d: d.pop("net_positions"), "'net_positions' is a required property", id="missing"),
    ],
)
def test_schema_rejects_malformed_plans(change: Any, message: str) -> None:
    document = sample_plan().to_json()
    change(document)
    with pytest.raises(SchemaValidationError, match=message):
        SettlementPlan.from_json(document, source="plan.json")


def test_digest_is_a_content_digest_of_the_payload() -> None:
    plan = sample_plan()
    assert isinstance(plan_digest(plan), ContentDigest)
    assert plan_digest(plan) == plan_digest(SettlementPlan.from_json(plan.to_json()))

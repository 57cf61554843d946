"""Settlement anchors and proof bindings: plan and checkpoints linked by digest, resolvable from the store."""

from __future__ import annotations

import pytest

from msez.core import ContentDigest, SchemaValidationError, ValidationError, digest_of, sha256_bytes
from msez.crypto import MemoryArtifactStore
from msez.settlement import (
    AnchorSide,
    Commitment,
    Obligation,
    ProofBinding,
    SettlementAnchor,
    anchor_digest,
    binding_digest,
    build_plan,
    check_anchor_refs,
    load_anchor,
    load_binding,
    net,
    plan_digest,
    store_plan,
)

from .conftest import T0


def _checkpoint(corridor: str) -> dict[str, object]:
    return {"type": "MSEZCorridorStateCheckpoint", "corridor_id": corridor, "height": 7, "root": "ab" * 32}


def test_anchor_links_plan_to_both_checkpoints_and_resolves() -> None:
    store = MemoryArtifactStore()
    plan = build_plan(net([Obligation("A", "B", 5, "USD")]), plan_id="p-1", created_at=T0)
    plan_ref = store_plan(store, plan)
    obligation_cp = store.put_json("checkpoint", _checkpoint("corridor-a"))
    settlement_cp = store.put_json("checkpoint", _checkpoint("corridor-b"))
    evidence = store.put_blob(b"pacs.002 ACSC", suffix=".xml")
    binding = ProofBinding(
        binding_purpose="settlement.confirmation",
        proof_ref=evidence,
        commitments=(
            Commitment(kind="checkpoint", digest_sha256=settlement_cp.digest_sha256),
            Commitment(kind="settlement-plan", digest_sha256=plan_digest(plan)),
        ),
        issued_at=str(T0),
    )
    binding_ref = store.put_json("proof-binding", binding.to_json())
    assert binding_ref.digest_sha256 == binding_digest(binding)
    anchor = SettlementAnchor(
        settlement_id="urn:uuid:1b0e5c1e-5d7a-4e36-9d51-4a1f7a0f0c11",
        created_at=str(T0),
        obligation=AnchorSide(corridor_id="corridor-a", checkpoint_ref=obligation_cp, receipt_sequence=3),
        settlement=AnchorSide(corridor_id="corridor-b", checkpoint_ref=settlement_cp.digest_sha256.hex),
        settlement_plan_ref=plan_ref,
        proof_bindings=(binding_ref,),
    )
    document = anchor.to_json()
    assert document["settlement"]["checkpoint_ref"]["artifact_type"] == "checkpoint"
    assert load_anchor(document) == anchor
    assert load_binding(binding.to_json()) == binding
    assert check_anchor_refs(anchor, store) == ()
    anchor_ref = store.put_json("settlement-anchor", {**document, "proof": {"type": "later"}})
    assert anchor_ref.digest_sha256 == anchor_digest(anchor)


def test_missing_artifacts_are_reported() -> None:
    missing = digest_of({"not": "stored"})
    anchor = SettlementAnchor(
        settlement_id="s-1",
        created_at=str(T0),
        obligation=AnchorSide(corridor_id="a", checkpoint_ref=missing.hex),
        settlement=AnchorSide(corridor_id="b", checkpoint_ref=missing.hex),
    )
    failures = check_anchor_refs(anchor, MemoryArtifactStore())
    assert len(failures) == 2
    assert f"checkpoint/{missing.hex}: artifact checkpoint/{missing.hex} not found" == failures[0]


def test_wrong_artifact_type_is_refused() -> None:
    with pytest.raises(ValidationError, match="artifact_type must be 'checkpoint', got 'blob'"):
        AnchorSide(corridor_id="a", checkpoint_ref={"artifact_type": "blob", "digest_sha256": "ab" * 32})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"commitments": []}, "should be non-empty", id="no-commitments"),
        pytest.param({"binding_purpose": ""}, "should be non-empty", id="no-purpose"),
        pytest.param({"type": "Other"}, "'MSEZProofBinding' was expected", id="wrong-type"),
    ],
)
def test_binding_schema(change: dict[str, object], message: str) -> None:
    binding = ProofBinding(
        binding_purpose="settlement.confirmation",
        proof_ref={"artifact_type": "blob", "digest_sha256": sha256_bytes(b"x").hex},  # type: ignore[arg-type]
        commitments=(Commitment(kind="receipt-root", digest_sha256=ContentDigest("cd" * 32)),),
        issued_at=str(T0),
    )
    with pytest.raises(SchemaValidationError, match=message):
        load_binding({**binding.to_json(), **change})

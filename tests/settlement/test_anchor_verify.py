"""A settlement anchor verified end to end: both corridors' checkpoints resolved from the store and verified under
their policies, the named receipts and inclusion proofs, the proof binding, the signed plan, the anchor's signer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest

from msez.core import payload_digest
from msez.crypto import MemoryArtifactStore, SigningKey
from msez.settlement import (
    AnchorEvidence,
    AnchorSide,
    Commitment,
    Obligation,
    ProofBinding,
    SettlementAnchor,
    build_plan,
    check_anchor,
    net,
    sign_artifact,
    store_binding,
    store_plan,
)
from msez.vc import Signer

from .conftest import T0, Corridor


@dataclass
class Settled:
    """An obligation receipt in corridor A, settled by the head receipt of corridor B, linked by a signed anchor."""

    anchor: SettlementAnchor
    obligation: AnchorEvidence
    settlement: AnchorEvidence
    store: MemoryArtifactStore
    issuer: Signer

    def check(self, **changes: Any) -> tuple[str, ...]:
        anchor = changes.pop("anchor", self.anchor)
        args: dict[str, Any] = {
            "obligation": self.obligation,
            "settlement": self.settlement,
            "store": self.store,
            "required_signers": [str(self.issuer.did)],
            **changes,
        }
        return check_anchor(anchor, **args).all_failures()


@pytest.fixture
def settled(corridor_a: Corridor, corridor_b: Corridor) -> Settled:
    issuer = Signer.from_key(SigningKey.generate())
    store = MemoryArtifactStore()
    obligation_receipt = corridor_a.extend(3)[1]
    checkpoint_a = corridor_a.checkpoint()
    settlement_receipt = corridor_b.extend(2)[1]
    checkpoint_b = corridor_b.checkpoint()
    for checkpoint in (checkpoint_a, checkpoint_b):
        store.put_json("checkpoint", dict(checkpoint.document))
    plan = build_plan(net([Obligation("A", "B", 100, "USD")]), plan_id="p-1", created_at=T0, issuer=str(issuer.did))
    plan_ref = store_plan(store, sign_artifact(plan, issuer, created=T0))
    evidence = store.put_blob(b"<pacs.002 ACSC/>", suffix=".xml")
    binding = ProofBinding(
        binding_purpose="settlement.confirmation",
        proof_ref=evidence,
        commitments=(Commitment(kind="checkpoint", digest_sha256=checkpoint_b.digest),),
        issued_at=str(T0),
    )
    binding_ref = store_binding(store, sign_artifact(binding, issuer, created=T0))
    anchor = SettlementAnchor(
        settlement_id="stl-1",
        created_at=str(T0),
        obligation=AnchorSide(
            corridor_id=corridor_a.corridor_id,
            checkpoint_ref=checkpoint_a.digest.hex,
            receipt_root=obligation_receipt["next_root"],
            receipt_sequence=1,
        ),
        settlement=AnchorSide(
            corridor_id=corridor_b.corridor_id,
            checkpoint_ref=checkpoint_b.digest.hex,
            receipt_root=settlement_receipt["next_root"],
            receipt_sequence=1,
        ),
        settlement_plan_ref=plan_ref,
        proof_bindings=(binding_ref,),
        proofs=(evidence,),
    )
    return Settled(
        sign_artifact(anchor, issuer, created=T0),
        AnchorEvidence(
            corridor_a.policy, receipt=obligation_receipt, inclusion_proof=corridor_a.log.inclusion_proof(1)
        ),
        AnchorEvidence(corridor_b.policy, receipt=settlement_receipt),
        store,
        issuer,
    )


def test_a_sound_anchor_verifies(settled: Settled) -> None:
    report = check_anchor(
        settled.anchor,
        obligation=settled.obligation,
        settlement=settled.settlement,
        store=settled.store,
        required_signers=[str(settled.issuer.did)],
    )
    assert report.ok, report.all_failures()
    assert report.digest == payload_digest(settled.anchor.to_json())
    assert set(report.checkpoints) == {"obligation", "settlement"}
    assert report.plan is not None and report.plan.signatures.signers == {str(settled.issuer.did)}


def _other_receipt(s: Settled) -> dict[str, Any]:
    return {"obligation": replace(s.obligation, receipt=s.settlement.receipt)}


@pytest.mark.parametrize(
    ("change", "failure"),
    [
        pytest.param(
            lambda s: {"obligation": replace(s.settlement, inclusion_proof=None)},
            "obligation checkpoint: the policy is for 'org.example.corridor.b', the anchor names 'org.example",
            id="wrong-policy",
        ),
        pytest.param(
            lambda s: {"store": MemoryArtifactStore()},
            "obligation checkpoint: artifact checkpoint/",
            id="checkpoint-not-stored",
        ),
        pytest.param(
            lambda s: {"store": None},
            "obligation checkpoint: checkpoint ",
            id="no-store",
        ),
        pytest.param(
            _other_receipt,
            "obligation receipt: its next_root is not the anchor's receipt_root",
            id="receipt-not-named",
        ),
        pytest.param(
            lambda s: {"obligation": replace(s.obligation, inclusion_proof=None)},
            "obligation receipt: it is not the checkpoint's head and no inclusion proof was supplied",
            id="no-inclusion-proof",
        ),
        pytest.param(
            lambda s: {"obligation": replace(s.obligation, receipt={**s.obligation.receipt, "proof": []})},
            "obligation receipt: receipt 1: malformed-receipt",
            id="unsigned-receipt",
        ),
        pytest.param(
            lambda s: {"plan": {**s.anchor.to_json(), "plan_id": "x"}},
            "plan: its digest is",
            id="another-plan",
        ),
        pytest.param(
            lambda s: {"required_signers": ["did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"]},
            "no valid proof by required signer did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            id="required-signer",
        ),
        pytest.param(
            lambda s: {"anchor": {**s.anchor.to_json(), "notes": "edited after signing"}},
            "proof[0] by did:key:",
            id="edited-after-signing",
        ),
    ],
)
def test_failures_are_reported(settled: Settled, change: Callable[[Settled], dict[str, Any]], failure: str) -> None:
    failures = settled.check(**change(settled))
    assert any(f.startswith(failure) for f in failures), failures


def test_binding_to_an_unverified_commitment(settled: Settled, corridor_a: Corridor) -> None:
    stray = ProofBinding(
        binding_purpose="settlement.confirmation",
        proof_ref=settled.anchor.proofs[0],
        commitments=(Commitment(kind="checkpoint", digest_sha256="ee" * 32),),
        issued_at=str(T0),
    )
    document = {**settled.anchor.to_json(), "proof_bindings": [store_binding(settled.store, stray).to_json()]}
    failures = settled.check(anchor=document)
    assert f"anchor: proof binding commits to checkpoint {'ee' * 32}, which is not verified" in failures

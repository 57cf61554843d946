"""Settlement anchors and proof bindings (spec 40.12) against verified checkpoints."""

from __future__ import annotations

from typing import Any

import pytest

from msez.core import VerificationError, payload_digest
from msez.corridor import build_inclusion_proof, verify_proof_binding, verify_settlement_anchor
from msez.crypto import MemoryArtifactStore
from msez.crypto.mmr import MerkleMountainRange
from tests.corridor.state.conftest import CORRIDOR, T0, World, verified


def _anchor(obligation: Any, settlement: Any, **obligation_side: Any) -> dict[str, Any]:
    return {
        "type": "MSEZCorridorSettlementAnchor",
        "settlement_id": "stl-1",
        "relationship": "settles",
        "created_at": str(T0),
        "obligation": {
            "corridor_id": CORRIDOR,
            "checkpoint_ref": {"artifact_type": "checkpoint", "digest_sha256": obligation.digest.hex},
            **obligation_side,
        },
        "settlement": {
            "corridor_id": CORRIDOR,
            "checkpoint_ref": {"artifact_type": "checkpoint", "digest_sha256": settlement.digest.hex},
        },
    }


def _binding(purpose: str, *commitments: tuple[str, str]) -> dict[str, Any]:
    return {
        "type": "MSEZProofBinding",
        "binding_purpose": purpose,
        "proof_ref": {"artifact_type": "blob", "digest_sha256": "5e" * 32},
        "commitments": [{"kind": k, "digest_sha256": d} for k, d in commitments],
        "issued_at": str(T0),
    }


def test_anchor_with_receipt_inclusion_and_binding(
    world: World, thousand: list[dict[str, Any]], every_hundred: list[dict[str, Any]]
) -> None:
    obligation, settlement = verified(world, every_hundred[-1]), verified(world, every_hundred[4])
    mmr = MerkleMountainRange.from_next_roots(r["next_root"] for r in thousand)
    proof = build_inclusion_proof(mmr, thousand[42], checkpoint=obligation)
    anchor = _anchor(obligation, settlement, receipt_root=thousand[42]["next_root"], receipt_sequence=42)
    binding = _binding("settlement.confirmation", ("checkpoint", settlement.digest.hex))
    anchor["proof_bindings"] = [{"artifact_type": "proof-binding", "digest_sha256": payload_digest(binding).hex}]
    digest = verify_settlement_anchor(
        anchor,
        obligation=obligation,
        settlement=settlement,
        inclusion_proofs={"obligation": proof},
        proof_bindings=[binding],
    )
    assert digest == payload_digest(anchor)
    with pytest.raises(VerificationError, match="an inclusion proof is needed"):
        verify_settlement_anchor(anchor, obligation=obligation, settlement=settlement, proof_bindings=[binding])
    with pytest.raises(VerificationError, match="which was not supplied"):
        verify_settlement_anchor(
            anchor, obligation=obligation, settlement=settlement, inclusion_proofs={"obligation": proof}
        )
    with pytest.raises(VerificationError, match="settlement: checkpoint_ref"):
        verify_settlement_anchor(
            anchor,
            obligation=obligation,
            settlement=obligation,
            inclusion_proofs={"obligation": proof},
            proof_bindings=[binding],
        )


def test_the_head_needs_no_inclusion_proof(
    world: World, thousand: list[dict[str, Any]], every_hundred: list[dict[str, Any]]
) -> None:
    obligation = verified(world, every_hundred[-1])
    anchor = _anchor(obligation, obligation, receipt_root=thousand[-1]["next_root"], receipt_sequence=999)
    verify_settlement_anchor(anchor, obligation=obligation, settlement=obligation)


def test_bindings_cannot_be_replayed(world: World, every_hundred: list[dict[str, Any]]) -> None:
    checkpoint = verified(world, every_hundred[0])
    binding = _binding("settlement.confirmation", ("checkpoint", checkpoint.digest.hex))
    known = {"checkpoint": [checkpoint.digest.hex]}
    verify_proof_binding(binding, verified=known, purpose="settlement.confirmation")
    with pytest.raises(VerificationError, match=r"is for 'settlement\.confirmation', not 'refund'"):
        verify_proof_binding(binding, verified=known, purpose="refund")
    with pytest.raises(VerificationError, match="which is not verified"):
        verify_proof_binding(binding, verified={"checkpoint": [verified(world, every_hundred[1]).digest.hex]})
    with pytest.raises(VerificationError, match="evidence does not resolve"):
        verify_proof_binding(binding, verified=known, store=MemoryArtifactStore())

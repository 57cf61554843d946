"""Receipt inclusion proofs (spec 40.10, reference-impl B 6.5): building them and verifying them against a checkpoint.

The JSON is the reference's: the MMR fields of :class:`msez.crypto.mmr.InclusionProof` with ``size`` and
``root`` inside an ``mmr`` envelope, plus the optional checkpoint binding (``checkpoint_digest_sha256`` and an
ArtifactRef ``checkpoint_ref``). :func:`verify_inclusion` checks, in order:

1. the receipt itself (every per-receipt check, signatures and signer authorisation included);
2. the proof is for this corridor, this receipt's ``next_root`` and its ``sequence`` as leaf index;
3. the proof's MMR size and root are the verified checkpoint's (and ``receipt_count == size``);
4. a checkpoint binding, when present, names that checkpoint;
5. the MMR path verifies, with the trusted size and root.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from msez.core import MsezError, Timestamp, ValidationError
from msez.corridor._check import CheckedReceipt, ReceiptChecker
from msez.corridor._checkpoint import CheckpointError, VerifiedCheckpoint
from msez.corridor._names import INCLUSION_PROOF_TYPE, INCLUSION_PROOF_TYPES, MMR_TYPE, MMR_TYPES
from msez.crypto.mmr import InclusionProof, MerkleMountainRange, verify_inclusion_proof


def build_inclusion_proof(
    mmr: MerkleMountainRange,
    receipt: Mapping[str, Any],
    *,
    checkpoint: VerifiedCheckpoint | None = None,
    generated_at: Timestamp | None = None,
) -> dict[str, Any]:
    """The inclusion proof of ``receipt`` in ``mmr`` (at its current size), bound to ``checkpoint`` if given.

    Raises:
        ValidationError: the receipt is not a leaf of ``mmr``, or ``mmr`` disagrees with the checkpoint's size or
            root (the reference refuses that too).
    """
    if checkpoint is not None and (mmr.size != checkpoint.size or mmr.root() != checkpoint.root):
        raise ValidationError(f"the receipts give an MMR of size {mmr.size} that is not the checkpoint's")
    proof = mmr.inclusion_proof(int(receipt["sequence"]), str(receipt["next_root"])).to_json()
    document: dict[str, Any] = {
        "type": INCLUSION_PROOF_TYPE,
        "corridor_id": receipt["corridor_id"],
        "generated_at": str(generated_at or Timestamp.now()),
        "mmr": {"type": MMR_TYPE, "algorithm": "sha256", "size": proof.pop("size"), "root": proof.pop("root")},
        **proof,
    }
    if checkpoint is not None:
        document["checkpoint_digest_sha256"] = checkpoint.digest.hex
        document["checkpoint_ref"] = {
            "artifact_type": "checkpoint",
            "digest_sha256": checkpoint.digest.hex,
            "media_type": "application/json",
        }
    return document


def verify_inclusion(
    receipt: Mapping[str, Any], proof: Mapping[str, Any], checkpoint: VerifiedCheckpoint, checker: ReceiptChecker
) -> CheckedReceipt:
    """Run steps 1-5 of the module docstring; return the checked receipt.

    Raises:
        ReceiptRejectedError: step 1. CheckpointError: steps 2-5, ``reason`` naming the step.
    """
    checked = checker.check(receipt)  # (1)
    checker.check_thresholds(checked.sequence, checked.signers)
    if proof.get("type") not in INCLUSION_PROOF_TYPES:  # (2)
        raise CheckpointError("malformed", f"type must be {INCLUSION_PROOF_TYPE}, got {proof.get('type')!r}")
    if proof.get("corridor_id") != checkpoint.head.corridor_id:
        raise CheckpointError("wrong-corridor", f"proof is for corridor {proof.get('corridor_id')!r}")
    if proof.get("receipt_next_root") != checked.next_root or proof.get("leaf_index") != checked.sequence:
        raise CheckpointError("wrong-receipt", "the proof's leaf is not this receipt (next_root and sequence)")
    mmr = proof.get("mmr")
    if not isinstance(mmr, Mapping) or mmr.get("type") not in MMR_TYPES or mmr.get("algorithm") != "sha256":
        raise CheckpointError("malformed", f"mmr must be a {MMR_TYPE} sha256 envelope")
    if mmr.get("size") != checkpoint.size or mmr.get("root") != checkpoint.root:  # (3)
        raise CheckpointError("wrong-checkpoint", f"the proof's MMR (size {mmr.get('size')}) is not the checkpoint's")
    _check_binding(proof, checkpoint)  # (4)
    try:
        parsed = InclusionProof.from_json({**proof, "size": mmr["size"], "root": mmr["root"]})
    except MsezError as e:
        raise CheckpointError("malformed", e.message) from e
    if not verify_inclusion_proof(parsed, root=checkpoint.root, size=checkpoint.size):  # (5)
        raise CheckpointError("not-included", f"receipt {checked.sequence} is not in the checkpoint's MMR")
    return checked


def _check_binding(proof: Mapping[str, Any], checkpoint: VerifiedCheckpoint) -> None:
    named = [proof.get("checkpoint_digest_sha256")]
    ref = proof.get("checkpoint_ref")
    if isinstance(ref, Mapping):
        if ref.get("artifact_type") != "checkpoint":
            raise CheckpointError("checkpoint-binding", "checkpoint_ref must have artifact_type checkpoint")
        named.append(ref.get("digest_sha256"))
    for digest in named:
        if digest is not None and digest != checkpoint.digest.hex:
            raise CheckpointError("checkpoint-binding", f"the proof is bound to checkpoint {digest}, not this one")

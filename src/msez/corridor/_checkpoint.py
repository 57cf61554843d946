"""Checkpoints (spec 40.10): a signed snapshot of the chain head and its MMR, and consistency between two.

A checkpoint commits to the genesis root, the head (``final_state_root``, ``receipt_count``), the digest sets used
so far and the MMR (``size = receipt_count``, ``root``, and the ``peaks`` a verifier bootstraps from). Its digest
is the payload digest (everything but ``proof``), which is also its name in the artifact store (type
``checkpoint``). :func:`verify_checkpoint` checks, in order:

1. the ``corridor.checkpoint`` schema;
2. the corridor and the genesis root (msez or mez tag) are the policy's;
3. ``mmr.size == receipt_count``; peaks, when present, fit the size and bag to ``mmr.root``;
4. every proof verifies, every signer may sign receipts, and the checkpointing thresholds are met.

Consistency proofs (ours; the reference has none) show that the MMR of an older checkpoint is a prefix of a newer
one's; both sizes and roots come from the verified checkpoints (decision D8).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from msez.core import ContentDigest, Timestamp, ValidationError, VerificationError, payload_digest
from msez.corridor._chain import ChainHead
from msez.corridor._channel import StateChannelPolicy, base_did
from msez.corridor._genesis import genesis_roots
from msez.corridor._names import CHECKPOINT_TYPE, CONSISTENCY_PROOF_TYPE, CONSISTENCY_PROOF_TYPES, MMR_TYPE
from msez.crypto.mmr import ConsistencyProof, MerkleMountainRange, Peak, bag_peaks, peak_plan, verify_consistency_proof
from msez.schema import validate
from msez.vc import KeyResolver, Signer, add_proof, verify_proofs


class CheckpointError(VerificationError):
    """A checkpoint, inclusion proof or consistency proof did not verify; ``reason`` names the failed check."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class VerifiedCheckpoint:
    """A checkpoint that passed :func:`verify_checkpoint`; only these feed trusted sizes and roots onward."""

    document: Mapping[str, Any]
    digest: ContentDigest
    head: ChainHead
    signers: frozenset[str]

    @property
    def size(self) -> int:
        return self.head.receipt_count

    @property
    def root(self) -> str:
        return str(self.document["mmr"]["root"])


def build_checkpoint(head: ChainHead, *, timestamp: Timestamp | None = None) -> dict[str, Any]:
    """An unsigned checkpoint of ``head`` (its peaks included).

    Raises:
        ValidationError: the chain is empty.
    """
    if head.receipt_count < 1:
        raise ValidationError("a checkpoint needs at least one receipt")
    return {
        "type": CHECKPOINT_TYPE,
        "corridor_id": head.corridor_id,
        "timestamp": str(timestamp or Timestamp.now()),
        "genesis_root": head.genesis_root,
        "final_state_root": head.final_state_root,
        "receipt_count": head.receipt_count,
        "lawpack_digest_set": list(head.lawpack_digest_set),
        "ruleset_digest_set": list(head.ruleset_digest_set),
        "mmr": {
            "type": MMR_TYPE,
            "algorithm": "sha256",
            "size": head.receipt_count,
            "root": head.mmr_root,
            "peaks": [p.to_json() for p in head.peaks],
        },
    }


def checkpoint_digest(checkpoint: Mapping[str, Any]) -> ContentDigest:
    """``SHA256(MCF(checkpoint minus proof))``: its name in the artifact store and in attestations."""
    return payload_digest(checkpoint)


def sign_checkpoint(
    checkpoint: Mapping[str, Any], signer: Signer, *, created: Timestamp | None = None
) -> dict[str, Any]:
    """A copy with a proof by ``signer`` appended."""
    return add_proof(checkpoint, signer, created=created)


def verify_checkpoint(
    checkpoint: Any, policy: StateChannelPolicy, *, resolver: KeyResolver | None = None
) -> VerifiedCheckpoint:
    """Run checks 1-4 of the module docstring.

    Raises:
        SchemaValidationError: step 1. CheckpointError: steps 2-4, ``reason`` naming the step.
    """
    validate(checkpoint, "corridor.checkpoint")  # (1)
    if checkpoint["corridor_id"] != policy.corridor_id:  # (2)
        raise CheckpointError("wrong-corridor", f"checkpoint is for {checkpoint['corridor_id']!r}")
    if checkpoint["genesis_root"] not in {d.hex for d in genesis_roots(policy)}:
        raise CheckpointError("wrong-genesis", f"genesis_root {checkpoint['genesis_root']} is not the corridor's")
    peaks = _peaks(checkpoint)  # (3)
    signers = _signers(checkpoint, policy, resolver)  # (4)
    head = ChainHead(
        policy.corridor_id,
        checkpoint["genesis_root"],
        checkpoint["receipt_count"],
        checkpoint["final_state_root"],
        peaks,
        tuple(sorted(set(checkpoint["lawpack_digest_set"]))),
        tuple(sorted(set(checkpoint["ruleset_digest_set"]))),
        checkpoint["timestamp"],
    )
    return VerifiedCheckpoint(checkpoint, checkpoint_digest(checkpoint), head, signers)


def _peaks(checkpoint: Mapping[str, Any]) -> tuple[Peak, ...]:
    mmr, count = checkpoint["mmr"], checkpoint["receipt_count"]
    if mmr["size"] != count:
        raise CheckpointError("mmr-size", f"mmr.size {mmr['size']} differs from receipt_count {count}")
    peaks = tuple(Peak(p["height"], p["hash"]) for p in mmr.get("peaks", []))
    if peaks:
        if [p.height for p in peaks] != [h for h, _ in peak_plan(count)]:
            raise CheckpointError("mmr-peaks", f"peak heights {[p.height for p in peaks]} do not fit size {count}")
        if bag_peaks(peaks) != mmr["root"]:
            raise CheckpointError("mmr-peaks", "the peaks do not bag to mmr.root")
    return peaks


def _signers(checkpoint: Mapping[str, Any], policy: StateChannelPolicy, resolver: KeyResolver | None) -> frozenset[str]:
    report = verify_proofs(checkpoint, resolver=resolver)
    if not report.ok:
        raise CheckpointError("bad-signature", report.summary())
    signers = frozenset(base_did(m) for m in report.valid_methods)
    outsiders = sorted(signers - policy.authorized_receipt_signers)
    if outsiders:
        raise CheckpointError("unauthorised-signer", f"{', '.join(outsiders)} may not sign checkpoints")
    for threshold in policy.checkpointing.thresholds:
        have = sum(1 for did in signers if policy.role_of(did) == threshold.role)
        if have < threshold.required:
            raise CheckpointError("threshold-not-met", f"{threshold.role} {have} of {threshold.required} required")
    return signers


def trusted_head(checkpoint: VerifiedCheckpoint) -> ChainHead:
    """The head a verifier may start from (``--from-checkpoint``).

    Raises:
        CheckpointError: the checkpoint carries no peaks, so the tail cannot be appended to its MMR.
    """
    if not checkpoint.head.peaks:
        raise CheckpointError("no-peaks", "a checkpoint to verify from must carry mmr.peaks")
    return checkpoint.head


def build_consistency_proof(
    mmr: MerkleMountainRange, old: VerifiedCheckpoint, new: VerifiedCheckpoint
) -> dict[str, Any]:
    """The proof that ``old``'s MMR is a prefix of ``new``'s; ``mmr`` holds exactly ``new``'s receipts.

    Raises:
        ValidationError: ``mmr`` does not reproduce the two checkpoints' roots.
    """
    if mmr.size != new.size or mmr.root() != new.root or mmr.root(old.size) != old.root:
        raise ValidationError("the receipts do not reproduce both checkpoints' MMR roots")
    proof = mmr.consistency_proof(old.size)
    return {
        "type": CONSISTENCY_PROOF_TYPE,
        "corridor_id": new.head.corridor_id,
        "old_checkpoint_digest_sha256": old.digest.hex,
        "new_checkpoint_digest_sha256": new.digest.hex,
        "mmr": {"type": MMR_TYPE, "algorithm": "sha256"},
        **proof.to_json(),
    }


def verify_consistency(document: Mapping[str, Any], old: VerifiedCheckpoint, new: VerifiedCheckpoint) -> None:
    """Check a consistency proof between two verified checkpoints (sizes and roots taken from them).

    Raises:
        CheckpointError: the proof names other checkpoints, or does not verify.
    """
    if document.get("type") not in CONSISTENCY_PROOF_TYPES:
        raise CheckpointError("malformed", f"type must be {CONSISTENCY_PROOF_TYPE}")
    if old.head.corridor_id != new.head.corridor_id or old.head.genesis_root != new.head.genesis_root:
        raise CheckpointError("different-chains", "the two checkpoints are not of one corridor chain")
    for name, checkpoint in (("old", old), ("new", new)):
        if document.get(f"{name}_checkpoint_digest_sha256") != checkpoint.digest.hex:
            raise CheckpointError("checkpoint-binding", f"the proof does not name the {name} checkpoint")
    proof = ConsistencyProof.from_json(dict(document))
    if not verify_consistency_proof(proof, old_root=old.root, new_root=new.root, old_size=old.size, new_size=new.size):
        raise CheckpointError("not-consistent", f"size {old.size} is not shown to be a prefix of size {new.size}")

"""Settlement anchors and proof bindings (spec 40.12) verified against corridor checkpoints.

The objects themselves (schemas ``corridor.settlement-anchor`` and ``proof-binding``) are produced by the
settlement layer; here they are plain JSON checked against checkpoints that were verified under each corridor's
own policy.

:func:`verify_settlement_anchor`, in order:

1. the ``corridor.settlement-anchor`` schema;
2. each side's ``checkpoint_ref`` is the digest of that side's verified checkpoint, for that side's corridor;
3. a side's ``receipt_root`` (with ``receipt_sequence``) is in its checkpoint: it is the checkpoint's head, or an
   inclusion proof of that root at that leaf verifies against the checkpoint's MMR;
4. every proof binding the anchor lists is supplied and verifies with the anchor and both checkpoints as the
   known commitments.

:func:`verify_proof_binding` checks the ``proof-binding`` schema, the purpose (so evidence bound for one purpose
cannot be replayed for another), that every commitment is among the caller's verified ones (fail closed), and,
given an artifact store, that the bound evidence resolves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from msez.core import ContentDigest, MsezError, VerificationError, payload_digest
from msez.corridor._checkpoint import VerifiedCheckpoint
from msez.crypto import ArtifactStore
from msez.crypto.mmr import InclusionProof, verify_inclusion_proof
from msez.schema import validate

SIDES = ("obligation", "settlement")


def verify_settlement_anchor(
    anchor: Mapping[str, Any],
    *,
    obligation: VerifiedCheckpoint,
    settlement: VerifiedCheckpoint,
    inclusion_proofs: Mapping[str, Mapping[str, Any]] | None = None,
    proof_bindings: Iterable[Mapping[str, Any]] = (),
    store: ArtifactStore | None = None,
) -> ContentDigest:
    """Run steps 1-4 of the module docstring; return the anchor's digest (its payload digest).

    Args:
        inclusion_proofs: by side (``obligation``/``settlement``), the MMR inclusion proof of that side's
            ``receipt_root`` (the reference JSON shape, ``mmr`` envelope included).
        proof_bindings: the binding documents the anchor lists.

    Raises:
        SchemaValidationError: step 1. VerificationError: steps 2-4, naming the side or binding.
    """
    validate(anchor, "corridor.settlement-anchor")  # (1)
    checkpoints = {"obligation": obligation, "settlement": settlement}
    for side in SIDES:
        _check_side(side, anchor[side], checkpoints[side], (inclusion_proofs or {}).get(side))  # (2), (3)
    digest = payload_digest(anchor)
    listed = {ref["digest_sha256"] for ref in anchor.get("proof_bindings", [])}
    supplied = {payload_digest(b).hex: b for b in proof_bindings}
    known = {
        "checkpoint": {obligation.digest.hex, settlement.digest.hex},
        "settlement-anchor": {digest.hex},
        "receipt-root": {str(anchor[s]["receipt_root"]) for s in SIDES if "receipt_root" in anchor[s]},
    }
    for binding_digest in sorted(listed):  # (4)
        if binding_digest not in supplied:
            raise VerificationError(f"settlement anchor lists proof binding {binding_digest}, which was not supplied")
        verify_proof_binding(supplied[binding_digest], verified=known, store=store)
    return digest


def _check_side(
    side: str, value: Mapping[str, Any], checkpoint: VerifiedCheckpoint, proof: Mapping[str, Any] | None
) -> None:
    ref = value["checkpoint_ref"]
    if ref.get("artifact_type") != "checkpoint" or ref.get("digest_sha256") != checkpoint.digest.hex:
        raise VerificationError(f"{side}: checkpoint_ref {ref.get('digest_sha256')} is not the verified checkpoint")
    if value["corridor_id"] != checkpoint.head.corridor_id:
        raise VerificationError(f"{side}: corridor {value['corridor_id']!r} is not the checkpoint's")
    root, sequence = value.get("receipt_root"), value.get("receipt_sequence")
    if root is None:
        return
    head = checkpoint.head
    if root == head.final_state_root and sequence in (None, head.receipt_count - 1):
        return
    if proof is None:
        raise VerificationError(f"{side}: receipt_root {root} is not the checkpoint head; an inclusion proof is needed")
    if proof.get("receipt_next_root") != root or (sequence is not None and proof.get("leaf_index") != sequence):
        raise VerificationError(f"{side}: the inclusion proof is not for receipt_root {root}")
    mmr = proof.get("mmr")
    if not isinstance(mmr, Mapping):
        raise VerificationError(f"{side}: the inclusion proof has no mmr envelope")
    try:
        parsed = InclusionProof.from_json({**proof, "size": mmr.get("size"), "root": mmr.get("root")})
    except MsezError as e:
        raise VerificationError(f"{side}: malformed inclusion proof: {e.message}") from e
    if not verify_inclusion_proof(parsed, root=checkpoint.root, size=checkpoint.size):
        raise VerificationError(f"{side}: receipt_root {root} is not in the checkpoint's MMR")


def verify_proof_binding(
    binding: Mapping[str, Any],
    *,
    verified: Mapping[str, Iterable[str]],
    purpose: str | None = None,
    store: ArtifactStore | None = None,
) -> ContentDigest:
    """Check a proof binding against what the caller has verified; return its digest (payload digest).

    Args:
        verified: by commitment kind (``checkpoint``, ``receipt-root``, ``settlement-anchor``, ...), the digests
            the caller has verified; every commitment must be among them.
        purpose: the ``binding_purpose`` the evidence must be bound for (e.g. ``settlement.confirmation``).

    Raises:
        SchemaValidationError: not a proof binding. VerificationError: wrong purpose, an unverified commitment, or
            evidence that does not resolve.
    """
    validate(binding, "proof-binding")
    if purpose is not None and binding["binding_purpose"] != purpose:
        raise VerificationError(f"proof binding is for {binding['binding_purpose']!r}, not {purpose!r}")
    known = {kind: set(digests) for kind, digests in verified.items()}
    for commitment in binding["commitments"]:
        if commitment["digest_sha256"] not in known.get(commitment["kind"], set()):
            raise VerificationError(
                f"proof binding commits to {commitment['kind']} {commitment['digest_sha256']}, which is not verified"
            )
    if store is not None:
        ref = binding["proof_ref"]
        try:
            store.resolve(ref["artifact_type"], ref["digest_sha256"])
        except MsezError as e:
            raise VerificationError(f"proof binding evidence does not resolve: {e.message}") from e
    return payload_digest(binding)

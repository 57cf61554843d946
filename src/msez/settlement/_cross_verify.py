"""Verifying a cross-corridor anchor from either side (spec 40.10, 40.12).

From the **anchored** corridor, :func:`verify_anchor_inclusion` shows that its checkpoint is in the anchoring
corridor's log:

1. the anchoring corridor's checkpoint verifies under that corridor's policy (signers, thresholds, MMR);
2. the anchoring receipt verifies under that policy (signatures, authorised signers, receipt thresholds) and the
   inclusion proof places it in that checkpoint's MMR;
3. the receipt is a ``msez.anchor.checkpoint.v1`` anchor whose payload and checkpoint attachment agree;
4. what it anchors is the anchored corridor's own verified checkpoint (corridor, digest and size).

From the **anchoring** corridor, :func:`verify_anchor_checkpoint` shows that a receipt of its own commits to a
valid checkpoint of the other corridor:

1. the receipt verifies under the anchoring corridor's policy (thresholds enforced);
2. it is a well-formed checkpoint anchor (step 3 above);
3. the anchored checkpoint verifies under the anchored corridor's policy, and its payload digest, corridor and
   size are those the receipt commits to.

Both raise :class:`~msez.core.VerificationError` naming the step, with the corridor error chained.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from msez.core import ContentDigest, MsezError, VerificationError
from msez.corridor import (
    ReceiptChecker,
    StateChannelPolicy,
    VerifiedCheckpoint,
    verify_checkpoint,
    verify_inclusion,
)
from msez.settlement._cross_anchor import AnchoredCheckpoint, anchored_checkpoint
from msez.vc import KeyResolver


@dataclass(frozen=True, slots=True)
class CrossAnchor:
    """A verified cross-corridor anchor: what was anchored, where, and (from the anchored side) under which
    checkpoint of the anchoring corridor."""

    anchored: AnchoredCheckpoint
    anchoring_corridor: str
    sequence: int
    next_root: str
    signers: frozenset[str]
    anchoring_checkpoint: ContentDigest | None = None


def verify_anchor_inclusion(
    receipt: Mapping[str, Any],
    proof: Mapping[str, Any],
    checkpoint: Mapping[str, Any],
    *,
    anchoring_policy: StateChannelPolicy,
    anchored: VerifiedCheckpoint,
    resolver: KeyResolver | None = None,
) -> CrossAnchor:
    """Steps 1-4 for the anchored corridor (module docstring).

    Args:
        receipt: the anchoring corridor's receipt. proof: its inclusion proof. checkpoint: the anchoring corridor's
            checkpoint the proof is against. anchored: the anchored corridor's checkpoint, verified by the caller.

    Raises:
        VerificationError: naming the failed step.
    """
    corridor = anchoring_policy.corridor_id
    try:
        verified = verify_checkpoint(checkpoint, anchoring_policy, resolver=resolver)  # (1)
    except MsezError as e:
        raise VerificationError(f"cross-corridor anchor: checkpoint of {corridor} does not verify: {e}") from e
    checker = ReceiptChecker(anchoring_policy, resolver=resolver, enforce_thresholds=True)
    try:
        checked = verify_inclusion(receipt, proof, verified, checker)  # (2)
    except MsezError as e:
        raise VerificationError(f"cross-corridor anchor: the receipt is not in {corridor}'s log: {e}") from e
    found = anchored_checkpoint(receipt)  # (3)
    expected = AnchoredCheckpoint(anchored.head.corridor_id, anchored.digest, anchored.size)
    if found != expected:  # (4)
        raise VerificationError(
            f"cross-corridor anchor: receipt {checked.sequence} of {corridor} anchors {found.corridor_id} "
            f"checkpoint {found.digest.hex} (size {found.receipt_count}), not {expected.corridor_id} "
            f"checkpoint {expected.digest.hex} (size {expected.receipt_count})"
        )
    return CrossAnchor(found, corridor, checked.sequence, checked.next_root, checked.signers, verified.digest)


def verify_anchor_checkpoint(
    receipt: Mapping[str, Any],
    checkpoint: Mapping[str, Any],
    *,
    anchoring_policy: StateChannelPolicy,
    anchored_policy: StateChannelPolicy,
    resolver: KeyResolver | None = None,
) -> CrossAnchor:
    """Steps 1-3 for the anchoring corridor (module docstring).

    Args:
        receipt: the anchoring corridor's own receipt. checkpoint: the anchored corridor's checkpoint document.

    Raises:
        VerificationError: naming the failed step.
    """
    checker = ReceiptChecker(anchoring_policy, resolver=resolver, enforce_thresholds=True)
    try:
        checked = checker.check(receipt)  # (1)
        checker.check_thresholds(checked.sequence, checked.signers)
    except MsezError as e:
        raise VerificationError(f"cross-corridor anchor: {e}") from e
    found = anchored_checkpoint(receipt)  # (2)
    if found.corridor_id != anchored_policy.corridor_id:
        raise VerificationError(
            f"cross-corridor anchor: the receipt anchors {found.corridor_id}, not {anchored_policy.corridor_id}"
        )
    try:
        verified = verify_checkpoint(checkpoint, anchored_policy, resolver=resolver)  # (3)
    except MsezError as e:
        raise VerificationError(f"cross-corridor anchor: checkpoint of {found.corridor_id} does not verify: {e}") from e
    if (verified.digest, verified.size) != (found.digest, found.receipt_count):
        raise VerificationError(
            f"cross-corridor anchor: the receipt commits to checkpoint {found.digest.hex} "
            f"(size {found.receipt_count}), given {verified.digest.hex} (size {verified.size})"
        )
    return CrossAnchor(found, anchoring_policy.corridor_id, checked.sequence, checked.next_root, checked.signers)

"""Cross-corridor anchoring in a world of two corridors: A's checkpoint anchored as a receipt in B's log, verified
from A's side (inclusion in B's log) and from B's side (the committed checkpoint verifies under A's policy)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from msez.core import NotFoundError, ValidationError, VerificationError, digest_of
from msez.corridor import VerifiedCheckpoint, new_receipt, sign_receipt, transition_envelope
from msez.schema import validate
from msez.settlement import (
    ANCHOR_KIND,
    AnchorCommitment,
    AnchoredCheckpoint,
    AnchorError,
    AnchorStatus,
    CorridorAnchorTarget,
    anchored_checkpoint,
    checkpoint_anchor_envelope,
    verify_anchor_checkpoint,
    verify_anchor_inclusion,
)

from .conftest import Corridor, make_corridor


@dataclass
class Anchored:
    """A's checkpoint anchored at ``sequence`` in B's log, B checkpointed after it."""

    a: Corridor
    b: Corridor
    checkpoint_a: VerifiedCheckpoint
    checkpoint_b: VerifiedCheckpoint
    sequence: int

    @property
    def receipt(self) -> dict[str, Any]:
        return dict(self.b.log.receipt(self.sequence))

    @property
    def proof(self) -> dict[str, Any]:
        return self.b.log.inclusion_proof(self.sequence, self.checkpoint_b)


@pytest.fixture
def anchored(corridor_a: Corridor, corridor_b: Corridor) -> Anchored:
    corridor_a.extend(5)
    checkpoint_a = corridor_a.checkpoint()
    corridor_b.extend(3)
    target = CorridorAnchorTarget(corridor_b.log, corridor_b.signers, clock=corridor_b.clock)
    anchor = target.anchor(AnchorCommitment.of_checkpoint(checkpoint_a))
    assert (anchor.chain_id, anchor.block_number, anchor.status) == (corridor_b.corridor_id, 3, AnchorStatus.CONFIRMED)
    corridor_b.extend(2)
    checkpoint_b = corridor_b.checkpoint()
    assert target.check_status(anchor.transaction_id) is AnchorStatus.FINALIZED
    return Anchored(corridor_a, corridor_b, checkpoint_a, checkpoint_b, anchor.block_number)


def test_anchor_receipt_commits_to_the_checkpoint(anchored: Anchored) -> None:
    receipt = anchored.receipt
    envelope = receipt["transition"]
    assert envelope["kind"] == ANCHOR_KIND
    assert envelope["payload"] == {
        "corridor_id": anchored.a.corridor_id,
        "checkpoint_digest_sha256": anchored.checkpoint_a.digest.hex,
        "receipt_count": 5,
    }
    validate(envelope["attachments"][0], "corridor.checkpoint.attachment")
    assert envelope["attachments"][0]["digest_sha256"] == anchored.checkpoint_a.digest.hex
    assert len(receipt["proof"]) == 2  # both of B's zone authorities


def test_verified_from_the_anchored_corridor(anchored: Anchored) -> None:
    found = verify_anchor_inclusion(
        anchored.receipt,
        anchored.proof,
        dict(anchored.checkpoint_b.document),
        anchoring_policy=anchored.b.policy,
        anchored=anchored.checkpoint_a,
    )
    assert found.anchored == AnchoredCheckpoint(anchored.a.corridor_id, anchored.checkpoint_a.digest, 5)
    assert (found.anchoring_corridor, found.sequence) == (anchored.b.corridor_id, 3)
    assert found.anchoring_checkpoint == anchored.checkpoint_b.digest
    assert found.signers == {str(s.did) for s in anchored.b.signers}


def test_verified_from_the_anchoring_corridor(anchored: Anchored) -> None:
    found = verify_anchor_checkpoint(
        anchored.receipt,
        dict(anchored.checkpoint_a.document),
        anchoring_policy=anchored.b.policy,
        anchored_policy=anchored.a.policy,
    )
    assert found.anchored.digest == anchored.checkpoint_a.digest
    assert found.anchoring_checkpoint is None


def _later_checkpoint(w: Anchored) -> VerifiedCheckpoint:
    w.a.extend(1)
    return w.a.checkpoint()


def _forked_receipt(w: Anchored) -> dict[str, Any]:
    """A receipt B's signers signed at the anchor's position, anchoring the same checkpoint, that the log never saw."""
    original = w.receipt
    forked = new_receipt(
        corridor_id=w.b.corridor_id,
        sequence=w.sequence,
        prev_root=original["prev_root"],
        timestamp="2026-01-15T13:00:00Z",
        lawpack_digest_set=original["lawpack_digest_set"],
        ruleset_digest_set=original["ruleset_digest_set"],
        transition=original["transition"],
    )
    for signer in w.b.signers:
        forked = sign_receipt(forked, signer)
    return forked


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(
            lambda w: {"anchored": _later_checkpoint(w)},
            r"anchors org\.example\.corridor\.a checkpoint \w+ \(size 5\), not org\.example\.corridor\.a checkpoint",
            id="wrong-digest",
        ),
        pytest.param(
            lambda w: {"receipt": _forked_receipt(w)},
            "is not in org.example.corridor.b's log: wrong-receipt: the proof's leaf is not this receipt",
            id="receipt-not-in-log",
        ),
        pytest.param(
            lambda w: {"receipt": dict(w.b.log.receipt(w.sequence - 1))},
            "the proof's leaf is not this receipt",
            id="another-receipt-of-the-log",
        ),
        pytest.param(
            lambda w: {"checkpoint": dict(w.checkpoint_a.document)},
            "checkpoint of org.example.corridor.b does not verify: wrong-corridor",
            id="anchoring-checkpoint-from-another-corridor",
        ),
        pytest.param(
            lambda w: {"checkpoint": {**w.checkpoint_b.document, "receipt_count": 7}},
            "checkpoint of org.example.corridor.b does not verify: mmr-size",
            id="tampered-anchoring-checkpoint",
        ),
        pytest.param(
            lambda w: {"receipt": {**w.receipt, "proof": w.receipt["proof"][:1]}},
            "threshold-not-met: zone_authority 1 of 2 required",
            id="one-signer-only",
        ),
    ],
)
def test_tampering_seen_from_the_anchored_corridor(
    anchored: Anchored, change: Callable[[Anchored], dict[str, Any]], message: str
) -> None:
    args: dict[str, Any] = {
        "receipt": anchored.receipt,
        "proof": anchored.proof,
        "checkpoint": dict(anchored.checkpoint_b.document),
        "anchored": anchored.checkpoint_a,
    }
    args.update(change(anchored))
    with pytest.raises(VerificationError, match=message):
        verify_anchor_inclusion(
            args["receipt"],
            args["proof"],
            args["checkpoint"],
            anchoring_policy=anchored.b.policy,
            anchored=args["anchored"],
        )


def test_tampering_seen_from_the_anchoring_corridor(anchored: Anchored) -> None:
    def verify(receipt: Any, checkpoint: Any, **policies: Any) -> None:
        options = {"anchoring_policy": anchored.b.policy, "anchored_policy": anchored.a.policy, **policies}
        verify_anchor_checkpoint(receipt, checkpoint, **options)

    receipt, checkpoint = anchored.receipt, dict(anchored.checkpoint_a.document)
    with pytest.raises(VerificationError, match=r"commits to checkpoint \w+ \(size 5\), given \w+ \(size 6\)"):
        verify(receipt, dict(_later_checkpoint(anchored).document))
    other = make_corridor("org.example.corridor.c")
    other.extend(5)
    with pytest.raises(
        VerificationError, match=r"checkpoint of org.example.corridor.a does not verify: wrong-corridor"
    ):
        verify(receipt, dict(other.checkpoint().document))
    with pytest.raises(VerificationError, match=r"anchors org.example.corridor.a, not org.example.corridor.c"):
        verify(receipt, checkpoint, anchored_policy=other.policy)
    with pytest.raises(VerificationError, match=r"next-root-mismatch"):
        verify({**receipt, "timestamp": "2026-01-15T14:00:00Z"}, checkpoint)
    with pytest.raises(
        VerificationError, match=r"is not a checkpoint anchor: transition kind 'msez.example.transfer.v1'"
    ):
        verify(dict(anchored.b.log.receipt(0)), checkpoint)


def test_payload_and_attachment_must_agree(corridor_a: Corridor, corridor_b: Corridor) -> None:
    corridor_a.extend(2)
    checkpoint = corridor_a.checkpoint()
    envelope = checkpoint_anchor_envelope(AnchoredCheckpoint(corridor_a.corridor_id, checkpoint.digest, 2))
    envelope = transition_envelope(
        ANCHOR_KIND,
        payload=envelope["payload"],
        attachments=[{**envelope["attachments"][0], "digest_sha256": "ee" * 32}],
    )
    receipt = corridor_b.receipt({})
    receipt = new_receipt(
        **{k: receipt[k] for k in ("corridor_id", "sequence", "prev_root", "timestamp")},
        lawpack_digest_set=receipt["lawpack_digest_set"],
        ruleset_digest_set=receipt["ruleset_digest_set"],
        transition=envelope,
    )
    with pytest.raises(VerificationError, match=f"the checkpoint attachment names {'ee' * 32}, the payload"):
        anchored_checkpoint(receipt)
    no_attachment = {**receipt, "transition": transition_envelope(ANCHOR_KIND, payload=envelope["payload"])}
    with pytest.raises(VerificationError, match=r"expected one checkpoint attachment, found 0"):
        anchored_checkpoint(no_attachment)
    bad_payload = {**receipt, "transition": transition_envelope(ANCHOR_KIND, payload={"corridor_id": "x"})}
    with pytest.raises(
        VerificationError, match=r"malformed checkpoint anchor: .*'checkpoint_digest_sha256' is a required"
    ):
        anchored_checkpoint(bad_payload)


@pytest.mark.parametrize(
    ("commitment", "message"),
    [
        pytest.param(AnchorCommitment(digest_of({}), 3), "needs the anchored corridor's id", id="no-corridor"),
        pytest.param(
            AnchorCommitment(digest_of({}), 3, corridor_id="org.example.corridor.b"),
            "does not anchor its own checkpoints",
            id="own-corridor",
        ),
        pytest.param(
            AnchorCommitment(digest_of({}), 3, chain_id="l1", corridor_id="org.example.corridor.a"),
            "commitment is for chain 'l1'",
            id="other-chain",
        ),
        pytest.param(
            AnchorCommitment(digest_of({}), 0, corridor_id="org.example.corridor.a"),
            "covers at least one receipt",
            id="empty-checkpoint",
        ),
    ],
)
def test_target_rejects(corridor_b: Corridor, commitment: AnchorCommitment, message: str) -> None:
    target = CorridorAnchorTarget(corridor_b.log, corridor_b.signers)
    with pytest.raises(AnchorError, match=f"anchor rejected on org.example.corridor.b: .*{message}") as caught:
        target.anchor(commitment)
    assert caught.value.chain_id == corridor_b.corridor_id
    assert corridor_b.log.head.receipt_count == 0


def test_the_log_refuses_an_under_signed_anchor(corridor_b: Corridor) -> None:
    target = CorridorAnchorTarget(corridor_b.log, corridor_b.signers[:1])
    commitment = AnchorCommitment(digest_of({}), 3, corridor_id="org.example.corridor.a")
    with pytest.raises(AnchorError, match=r"transaction_failed on org.example.corridor.b: .*threshold-not-met"):
        target.anchor(commitment)
    with pytest.raises(NotFoundError, match=r"no anchoring receipt with next_root 'ab'"):
        target.check_status("ab")
    with pytest.raises(ValidationError, match=r"needs the anchoring corridor's receipt signers"):
        CorridorAnchorTarget(corridor_b.log, [])

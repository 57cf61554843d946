"""Cross-corridor anchoring: a corridor checkpoint digest recorded as a receipt in another corridor's log.

The anchoring corridor appends a receipt whose transition envelope has kind ``msez.anchor.checkpoint.v1``; its
payload (schema ``transition.payload.msez.anchor.checkpoint.v1``) names the anchored corridor, the checkpoint's
payload digest and its receipt count, and a typed attachment ``artifact_type = checkpoint``
(``corridor.checkpoint.attachment``, spec 40.12) carries the same digest, so the anchored checkpoint is one of the
artifacts the receipt commits to. The receipt is signed by the anchoring corridor's authorised receipt signers and
appended through its :class:`~msez.settlement.CorridorLog`, which verifies it like any other receipt (signatures,
signer authorisation, thresholds, link), so the anchor is exactly as strong as the anchoring corridor's chain.

As an :class:`~msez.settlement.AnchorTarget`: the chain id is the anchoring corridor's id, the transaction id the
receipt's ``next_root`` and the block number its sequence. An anchor is ``confirmed`` once the receipt is in the
log and ``finalized`` once a verified checkpoint of the anchoring corridor covers it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from msez.core import ContentDigest, MsezError, NotFoundError, ValidationError, VerificationError
from msez.corridor import check_envelope, new_receipt, sign_receipt, transition_envelope
from msez.schema import validate
from msez.settlement._anchoring import (
    AnchorCommitment,
    AnchorError,
    AnchorProblem,
    AnchorReceipt,
    AnchorStatus,
    AnchorTarget,
)
from msez.settlement._hops import Clock, SystemClock
from msez.settlement._log import CorridorLog
from msez.vc import Signer

ANCHOR_KIND: Final = "msez.anchor.checkpoint.v1"
ANCHOR_PAYLOAD_SCHEMA: Final = "transition.payload.msez.anchor.checkpoint.v1"
ATTACHMENT_SCHEMA: Final = "corridor.checkpoint.attachment"
_SCHEMA_ID: Final = f"https://schemas.momentum-sez.org/msez/{ANCHOR_PAYLOAD_SCHEMA}.schema.json"


@dataclass(frozen=True, slots=True)
class AnchoredCheckpoint:
    """What an anchoring receipt commits to: a checkpoint of ``corridor_id`` by payload digest and size."""

    corridor_id: str
    digest: ContentDigest
    receipt_count: int


def checkpoint_anchor_envelope(anchored: AnchoredCheckpoint) -> dict[str, Any]:
    """The ``msez.anchor.checkpoint.v1`` transition envelope recording ``anchored``."""
    payload = {
        "corridor_id": anchored.corridor_id,
        "checkpoint_digest_sha256": anchored.digest.hex,
        "receipt_count": anchored.receipt_count,
    }
    attachment = {
        "artifact_type": "checkpoint",
        "digest_sha256": anchored.digest.hex,
        "media_type": "application/json",
        "corridor_id": anchored.corridor_id,
    }
    return transition_envelope(ANCHOR_KIND, payload=payload, schema=_SCHEMA_ID, attachments=[attachment])


def anchored_checkpoint(receipt: Mapping[str, Any]) -> AnchoredCheckpoint:
    """Read what an anchoring receipt anchors; the envelope, payload and attachment must all agree.

    Raises:
        VerificationError: not an anchoring receipt, or its payload and attachment disagree or are malformed.
    """
    envelope = receipt.get("transition")
    where = f"receipt {receipt.get('sequence')} of {receipt.get('corridor_id')}"
    if not isinstance(envelope, Mapping) or envelope.get("kind") != ANCHOR_KIND:
        kind = envelope.get("kind") if isinstance(envelope, Mapping) else None
        raise VerificationError(f"{where} is not a checkpoint anchor: transition kind {kind!r}, expected {ANCHOR_KIND}")
    try:
        check_envelope(envelope)
        if "payload" not in envelope:
            raise ValidationError("the anchor payload must be inline")
        payload = envelope["payload"]
        validate(payload, ANCHOR_PAYLOAD_SCHEMA)
        listed = envelope.get("attachments", [])
        attachments = [a for a in listed if isinstance(a, Mapping) and a.get("artifact_type") == "checkpoint"]
        if len(attachments) != 1:
            raise ValidationError(f"expected one checkpoint attachment, found {len(attachments)}")
        validate(attachments[0], ATTACHMENT_SCHEMA)
    except MsezError as e:
        raise VerificationError(f"{where}: malformed checkpoint anchor: {e}") from e
    attachment = attachments[0]
    if attachment["digest_sha256"] != payload["checkpoint_digest_sha256"]:
        raise VerificationError(
            f"{where}: the checkpoint attachment names {attachment['digest_sha256']}, "
            f"the payload {payload['checkpoint_digest_sha256']}"
        )
    if attachment.get("corridor_id", payload["corridor_id"]) != payload["corridor_id"]:
        raise VerificationError(f"{where}: the checkpoint attachment names another corridor than the payload")
    if payload["corridor_id"] == receipt.get("corridor_id"):
        raise VerificationError(f"{where} anchors a checkpoint of its own corridor")
    return AnchoredCheckpoint(
        payload["corridor_id"], ContentDigest(payload["checkpoint_digest_sha256"]), payload["receipt_count"]
    )


class CorridorAnchorTarget(AnchorTarget):
    """Anchors other corridors' checkpoints as receipts in ``log`` (see the module docstring)."""

    def __init__(self, log: CorridorLog, signers: Iterable[Signer], *, clock: Clock | None = None) -> None:
        """Args:
        log: the anchoring corridor's log; it verifies every receipt appended.
        signers: the anchoring corridor's receipt signers; together they must meet its receipt thresholds.
        clock: receipt timestamps (default: system time).

        Raises:
            ValidationError: no signers.
        """
        self._log = log
        self._signers = tuple(signers)
        if not self._signers:
            raise ValidationError("a corridor anchor target needs the anchoring corridor's receipt signers")
        self._clock = clock or SystemClock()

    @property
    def chain_id(self) -> str:
        return self._log.policy.corridor_id

    def anchor(self, commitment: AnchorCommitment) -> AnchorReceipt:
        """Append a signed ``msez.anchor.checkpoint.v1`` receipt for ``commitment`` to the log.

        Raises:
            AnchorError: ``rejected`` (no anchored corridor, this corridor's own checkpoint, another target chain,
                height 0) or ``transaction_failed`` (the log refused the receipt, e.g. thresholds not met).
        """
        anchored = self._anchored(commitment)
        head, policy = self._log.head, self._log.policy
        receipt = new_receipt(
            corridor_id=policy.corridor_id,
            sequence=head.receipt_count,
            prev_root=head.final_state_root,
            timestamp=self._clock.now(),
            lawpack_digest_set=[d.hex for d in policy.lawpack_digest_set],
            ruleset_digest_set=[d.hex for d in policy.ruleset_digest_set],
            transition=checkpoint_anchor_envelope(anchored),
        )
        for signer in self._signers:
            receipt = sign_receipt(receipt, signer)
        try:
            sequence = self._log.append(receipt)
        except MsezError as e:
            raise AnchorError(AnchorProblem.TRANSACTION_FAILED, str(e), chain_id=self.chain_id) from e
        return AnchorReceipt(commitment, self.chain_id, receipt["next_root"], sequence, self._status(sequence))

    def _anchored(self, commitment: AnchorCommitment) -> AnchoredCheckpoint:
        problem = None
        if commitment.chain_id is not None and commitment.chain_id != self.chain_id:
            problem = f"commitment is for chain {commitment.chain_id!r}"
        elif commitment.corridor_id is None:
            problem = "a cross-corridor anchor needs the anchored corridor's id"
        elif commitment.corridor_id == self.chain_id:
            problem = "a corridor does not anchor its own checkpoints"
        elif commitment.checkpoint_height < 1:
            problem = "a checkpoint covers at least one receipt"
        if problem is not None:
            raise AnchorError(AnchorProblem.REJECTED, problem, chain_id=self.chain_id)
        corridor_id = str(commitment.corridor_id)
        return AnchoredCheckpoint(corridor_id, commitment.checkpoint_digest, commitment.checkpoint_height)

    def check_status(self, transaction_id: str) -> AnchorStatus:
        sequence = self._log.sequence_of(transaction_id)
        if sequence is None:
            raise NotFoundError(f"no anchoring receipt with next_root {transaction_id!r} on {self.chain_id}")
        return self._status(sequence)

    def _status(self, sequence: int) -> AnchorStatus:
        checkpoint = self._log.latest_checkpoint()
        covered = checkpoint is not None and checkpoint.size > sequence
        return AnchorStatus.FINALIZED if covered else AnchorStatus.CONFIRMED

"""Why a receipt was refused: stable reason codes and the typed errors that carry them with the sequence number.

VerificationError (msez.core)
└── ReceiptRejectedError        .reason, .detail, .sequence
    └── ForkDetectedError       two valid receipts extend one (sequence, prev_root): .prev_root, .receipts
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from msez.core import VerificationError


class RejectReason(StrEnum):
    """The stable code of a refusal; tests and callers match on these values."""

    MALFORMED = "malformed-receipt"
    WRONG_CORRIDOR = "wrong-corridor"
    SEQUENCE_GAP = "sequence-gap"
    REPEATED_SEQUENCE = "repeated-sequence"
    PREV_ROOT_MISMATCH = "prev-root-mismatch"
    NEXT_ROOT_MISMATCH = "next-root-mismatch"
    NO_PROOF = "no-proof"
    BAD_SIGNATURE = "bad-signature"
    UNAUTHORISED_SIGNER = "unauthorised-signer"
    THRESHOLD_NOT_MET = "threshold-not-met"
    LAWPACK_SET = "lawpack-digest-set-mismatch"
    RULESET_SET = "ruleset-digest-set-mismatch"
    TRANSITION = "invalid-transition"
    MISSING_ARTIFACT = "missing-artifact"
    FORK = "fork"


class ReceiptRejectedError(VerificationError):
    """A receipt failed a check; ``sequence`` is the receipt's own (``None`` if it had none)."""

    def __init__(self, reason: RejectReason, detail: str, *, sequence: int | None) -> None:
        where = "receipt" if sequence is None else f"receipt {sequence}"
        super().__init__(f"{where}: {reason.value}: {detail}")
        self.reason = reason
        self.detail = detail
        self.sequence = sequence


class ForkDetectedError(ReceiptRejectedError):
    """Two or more valid receipts at ``sequence`` extend ``prev_root`` with different ``next_root`` values."""

    def __init__(
        self, *, sequence: int, prev_root: str, receipts: Sequence[Mapping[str, Any]], detail: str = ""
    ) -> None:
        roots = [str(r.get("next_root")) for r in receipts]
        text = detail or f"{len(roots)} valid receipts extend {prev_root[:16]}... ({', '.join(r[:16] for r in roots)})"
        super().__init__(RejectReason.FORK, text, sequence=sequence)
        self.prev_root = prev_root
        self.receipts = tuple(receipts)

    @property
    def next_roots(self) -> tuple[str, ...]:
        return tuple(str(r.get("next_root")) for r in self.receipts)

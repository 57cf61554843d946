"""Streaming receipt-chain verification (spec 40.7, 40.10): one receipt at a time, never the whole chain.

:class:`ChainVerifier` keeps only the head: the expected sequence, the head root, the MMR peaks (O(log n)), the
digest-set unions for checkpoints and the last receipt (to tell a fork from a replay). Each appended receipt is
checked by a :class:`~msez.corridor.ReceiptChecker` (steps 1-7 there), then:

8. thresholds: the receipt-signing thresholds when enforced (40.4 rule 9);
9. link (I-RECEIPT-LINK): ``sequence`` is the expected one (``sequence-gap`` if higher, ``repeated-sequence`` if
   lower); ``prev_root`` is the head, for sequence 0 the genesis root under the msez or mez tag. A second valid
   receipt for the last (sequence, prev_root) with another ``next_root`` raises :class:`ForkDetectedError`; an
   identical copy is ignored;
10. extend: ``next_root`` joins the MMR and becomes the head.

A verifier may start from a trusted head (a checkpoint's peaks, ``--from-checkpoint``): it then skips receipts
before the head and verifies only the tail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from msez.core import ValidationError
from msez.corridor._channel import StateChannelPolicy
from msez.corridor._check import CheckedReceipt, ReceiptChecker
from msez.corridor._genesis import genesis_roots
from msez.corridor._rejection import ForkDetectedError, ReceiptRejectedError, RejectReason
from msez.crypto.mmr import Peak, PeakAccumulator, bag_peaks


@dataclass(frozen=True, slots=True)
class ChainHead:
    """Where a chain stands: its receipt count, head root and MMR peaks, plus the digest sets it used."""

    corridor_id: str
    genesis_root: str
    receipt_count: int
    final_state_root: str
    peaks: tuple[Peak, ...] = ()
    lawpack_digest_set: tuple[str, ...] = ()
    ruleset_digest_set: tuple[str, ...] = ()
    last_timestamp: str | None = None

    @property
    def mmr_root(self) -> str:
        """The bagged MMR root (``""`` for an empty chain)."""
        return bag_peaks(self.peaks)


class ChainVerifier:
    """Verifies receipts appended in order; see the module docstring. Not thread-safe."""

    def __init__(
        self,
        policy: StateChannelPolicy,
        *,
        checker: ReceiptChecker | None = None,
        start: ChainHead | None = None,
        on_extend: Callable[[CheckedReceipt], None] | None = None,
    ) -> None:
        """Args:
        checker: the per-receipt checks (default: a plain :class:`ReceiptChecker` of ``policy``).
        start: a trusted head (from a verified checkpoint); receipts before it are skipped.
        on_extend: called with each receipt that becomes the head (e.g. to build a full MMR for proofs).

        Raises:
            ValidationError: ``start`` belongs to another corridor or its peaks do not fit its size.
        """
        self.policy = policy
        self.checker = checker or ReceiptChecker(policy)
        genesis = tuple(d.hex for d in genesis_roots(policy))
        if start is None:
            start = ChainHead(policy.corridor_id, genesis[0], 0, genesis[0])
            self._genesis = genesis
        else:
            if start.corridor_id != policy.corridor_id:
                raise ValidationError(f"start head is for corridor {start.corridor_id!r}, not {policy.corridor_id!r}")
            self._genesis = (start.genesis_root,)
        self._start = start.receipt_count
        self._count = start.receipt_count
        self._head_root = start.final_state_root
        self._mmr = PeakAccumulator(start.receipt_count, start.peaks)
        self._lawpacks = set(start.lawpack_digest_set)
        self._rulesets = set(start.ruleset_digest_set)
        self._timestamp = start.last_timestamp
        self._last: CheckedReceipt | None = None
        self.skipped = 0
        self.duplicates = 0
        self._on_extend = on_extend

    @property
    def head(self) -> ChainHead:
        genesis = self._genesis[0]
        return ChainHead(
            self.policy.corridor_id,
            genesis,
            self._count,
            self._head_root if self._count else genesis,
            tuple(self._mmr.peaks()),
            tuple(sorted(self._lawpacks)),
            tuple(sorted(self._rulesets)),
            self._timestamp,
        )

    def append(self, receipt: Mapping[str, Any]) -> CheckedReceipt | None:
        """Verify ``receipt`` against the head and extend the chain with it.

        Returns:
            The checked receipt, or ``None`` when it was skipped (before a trusted start) or a repeat of the last.

        Raises:
            ReceiptRejectedError: any failed step, with reason and sequence. ForkDetectedError: a fork at the head.
        """
        sequence = receipt.get("sequence") if isinstance(receipt, Mapping) else None
        if type(sequence) is int and sequence < self._start:
            self.skipped += 1
            return None
        checked = self.checker.check(receipt)
        self.checker.check_thresholds(checked.sequence, checked.signers)  # (8)
        if not self._links(checked):  # (9)
            self.duplicates += 1
            return None
        self.extend(checked)  # (10)
        return checked

    def _links(self, checked: CheckedReceipt) -> bool:
        last = self._last
        if last is not None and checked.sequence == last.sequence and checked.prev_root == last.prev_root:
            if checked.next_root == last.next_root:
                return False
            raise ForkDetectedError(
                sequence=checked.sequence, prev_root=last.prev_root, receipts=(last.receipt, checked.receipt)
            )
        self.check_link(checked.sequence, checked.prev_root)
        return True

    def check_link(self, sequence: int, prev_root: str) -> None:
        """Check that a receipt at ``sequence`` with ``prev_root`` extends the head (step 9, without forks).

        Raises:
            ReceiptRejectedError: ``sequence-gap``, ``repeated-sequence`` or ``prev-root-mismatch``.
        """
        if sequence == self._count:
            expected = self._genesis if sequence == 0 else (self._head_root,)
            if prev_root not in expected:
                raise ReceiptRejectedError(
                    RejectReason.PREV_ROOT_MISMATCH,
                    f"prev_root {prev_root} does not extend the head {expected[0]}",
                    sequence=sequence,
                )
            return
        if sequence < self._count:
            reason, detail = RejectReason.REPEATED_SEQUENCE, f"sequence {sequence} is already taken"
        else:
            reason, detail = RejectReason.SEQUENCE_GAP, f"receipts {self._count}..{sequence - 1} are missing"
        raise ReceiptRejectedError(reason, f"{detail}; expected sequence {self._count}", sequence=sequence)

    def extend(self, checked: CheckedReceipt) -> None:
        """Make ``checked`` the head (after its link was checked by the caller).

        Side effects: appends to the MMR and moves the head.
        """
        if self._count == 0 and len(self._genesis) > 1:
            self._genesis = (checked.prev_root,)
        self._mmr.append(checked.next_root)
        self._count += 1
        self._head_root = checked.next_root
        self._lawpacks.update(checked.lawpack_digest_set)
        self._rulesets.update(checked.ruleset_digest_set)
        self._timestamp = checked.timestamp
        self._last = checked
        if self._on_extend is not None:
            self._on_extend(checked)

    @property
    def expected_sequence(self) -> int:
        return self._count

    @property
    def head_root(self) -> str:
        return self._head_root if self._count else self._genesis[0]


def verify_chain(
    receipts: Iterable[Mapping[str, Any]],
    policy: StateChannelPolicy,
    *,
    checker: ReceiptChecker | None = None,
    start: ChainHead | None = None,
    on_extend: Callable[[CheckedReceipt], None] | None = None,
) -> ChainHead:
    """Stream ``receipts`` (in sequence order) through a :class:`ChainVerifier`; return the verified head.

    Raises:
        ReceiptRejectedError: the first receipt that fails, with its reason and sequence.
    """
    verifier = ChainVerifier(policy, checker=checker, start=start, on_extend=on_extend)
    for receipt in receipts:
        verifier.append(receipt)
    return verifier.head

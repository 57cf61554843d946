"""A corridor's receipt log as seen by anchoring: the interface and its in-memory twin.

:class:`CorridorLog` is what a cross-corridor anchor target needs from the corridor it writes to: the corridor's
policy and head, appending a receipt (which the log verifies), finding a receipt by ``next_root``, and the latest
checkpoint that covers it. :class:`InMemoryCorridorLog` verifies every receipt with ``msez.corridor``'s streaming
:class:`~msez.corridor.ChainVerifier` (receipt-signing thresholds enforced), keeps the full MMR so it can build
inclusion proofs against any of its checkpoints, and accepts only checkpoints whose MMR it reproduces. A
persistent log belongs to the node (``msez.store``); this one serves tests, demos and single-process use.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from typing import Any

from msez.core import NotFoundError, Timestamp, ValidationError
from msez.corridor import (
    ChainHead,
    ChainVerifier,
    CheckedReceipt,
    ReceiptChecker,
    StateChannelPolicy,
    VerifiedCheckpoint,
    build_checkpoint,
    build_inclusion_proof,
    sign_checkpoint,
    verify_checkpoint,
)
from msez.crypto.mmr import MerkleMountainRange
from msez.vc import KeyResolver, Signer


class CorridorLog(ABC):
    """A corridor's append-only, verified receipt log."""

    @property
    @abstractmethod
    def policy(self) -> StateChannelPolicy: ...

    @property
    @abstractmethod
    def head(self) -> ChainHead: ...

    @abstractmethod
    def append(self, receipt: Mapping[str, Any]) -> int:
        """Verify ``receipt`` against the head and append it; returns its sequence (an identical copy of the last
        receipt is accepted again).

        Raises:
            ReceiptRejectedError: the receipt does not extend the log (bad signature, threshold, link, ...).
        """

    @abstractmethod
    def receipt(self, sequence: int) -> Mapping[str, Any]:
        """The receipt at ``sequence``.

        Raises:
            NotFoundError: no such receipt.
        """

    @abstractmethod
    def sequence_of(self, next_root: str) -> int | None:
        """The sequence of the receipt with this ``next_root``, if the log holds it."""

    @abstractmethod
    def latest_checkpoint(self) -> VerifiedCheckpoint | None:
        """The newest verified checkpoint of the log, if any."""


class InMemoryCorridorLog(CorridorLog):
    """A verified receipt log held in memory (see the module docstring). Not thread-safe."""

    def __init__(self, policy: StateChannelPolicy, *, resolver: KeyResolver | None = None) -> None:
        self._policy = policy
        self._resolver = resolver
        checker = ReceiptChecker(policy, resolver=resolver, enforce_thresholds=True)
        self._verifier = ChainVerifier(policy, checker=checker, on_extend=self._record)
        self._receipts: list[Mapping[str, Any]] = []
        self._by_root: dict[str, int] = {}
        self._mmr = MerkleMountainRange()
        self._checkpoints: list[VerifiedCheckpoint] = []

    @property
    def policy(self) -> StateChannelPolicy:
        return self._policy

    @property
    def head(self) -> ChainHead:
        return self._verifier.head

    def append(self, receipt: Mapping[str, Any]) -> int:
        checked = self._verifier.append(receipt)
        return len(self._receipts) - 1 if checked is None else checked.sequence

    def _record(self, checked: CheckedReceipt) -> None:
        self._by_root[checked.next_root] = len(self._receipts)
        self._receipts.append(checked.receipt)
        self._mmr.append(checked.next_root)

    def receipt(self, sequence: int) -> Mapping[str, Any]:
        if not 0 <= sequence < len(self._receipts):
            raise NotFoundError(f"corridor {self._policy.corridor_id} has no receipt {sequence}")
        return self._receipts[sequence]

    def sequence_of(self, next_root: str) -> int | None:
        return self._by_root.get(next_root)

    def latest_checkpoint(self) -> VerifiedCheckpoint | None:
        return self._checkpoints[-1] if self._checkpoints else None

    def checkpoint(self, signers: Iterable[Signer], *, timestamp: Timestamp | None = None) -> VerifiedCheckpoint:
        """Build a checkpoint of the head, sign it with each of ``signers``, verify and record it.

        Raises:
            ValidationError: the log is empty. CheckpointError: the signers do not meet the checkpoint policy.
        """
        document = build_checkpoint(self.head, timestamp=timestamp)
        for signer in signers:
            document = sign_checkpoint(document, signer, created=timestamp)
        return self.add_checkpoint(document)

    def add_checkpoint(self, document: Mapping[str, Any]) -> VerifiedCheckpoint:
        """Verify a checkpoint of this log under its policy and record it.

        Raises:
            CheckpointError, SchemaValidationError: it does not verify. ValidationError: its MMR or head is not
                this log's at its size.
        """
        checkpoint = verify_checkpoint(document, self._policy, resolver=self._resolver)
        size = checkpoint.size
        if size > self._mmr.size or self._mmr.root(size) != checkpoint.root:
            raise ValidationError(f"checkpoint of size {size} does not match corridor {self._policy.corridor_id}'s log")
        if self._receipts[size - 1]["next_root"] != checkpoint.head.final_state_root:
            raise ValidationError(f"checkpoint head is not receipt {size - 1} of the log")
        self._checkpoints.append(checkpoint)
        return checkpoint

    def inclusion_proof(self, sequence: int, checkpoint: VerifiedCheckpoint | None = None) -> dict[str, Any]:
        """The inclusion proof of receipt ``sequence`` against ``checkpoint`` (default: the latest).

        Raises:
            NotFoundError: no such receipt, no checkpoint, or the checkpoint does not cover the receipt.
        """
        receipt = self.receipt(sequence)
        checkpoint = checkpoint or self.latest_checkpoint()
        if checkpoint is None or sequence >= checkpoint.size:
            raise NotFoundError(f"no checkpoint of {self._policy.corridor_id} covers receipt {sequence}")
        mmr = self._mmr
        if checkpoint.size != mmr.size:
            mmr = MerkleMountainRange.from_next_roots(str(r["next_root"]) for r in self._receipts[: checkpoint.size])
        return build_inclusion_proof(mmr, receipt, checkpoint=checkpoint)

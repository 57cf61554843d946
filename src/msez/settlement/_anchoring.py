"""Anchoring checkpoint digests in an external log: the target interface and an in-memory target.

Reference-impl A §5.5 (``anchor.rs``). :class:`AnchorTarget` is the interface every target implements;
:class:`InMemoryAnchorTarget` is the reference's ``MockAnchorTarget`` behaviour under an honest name: a block
counter from 1, transaction id ``mock-tx-`` + the first 16 hex of the checkpoint digest, every anchor
``finalized``. Unlike the reference, asking for an unknown transaction is a :class:`NotFoundError` rather than
"finalized". The real target, :class:`~msez.settlement.CorridorAnchorTarget`, records a checkpoint digest as a
receipt in another corridor's log.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import StrEnum

from msez.core import ContentDigest, MsezError, NotFoundError, ValidationError
from msez.corridor import VerifiedCheckpoint


class AnchorStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    FINALIZED = "finalized"
    FAILED = "failed"


class AnchorProblem(StrEnum):
    REJECTED = "rejected"
    CHAIN_UNAVAILABLE = "chain_unavailable"
    TRANSACTION_FAILED = "transaction_failed"
    VERIFICATION_FAILED = "verification_failed"


class AnchorError(MsezError):
    """An anchor target refused or failed; ``problem`` and ``chain_id`` say which and where."""

    def __init__(self, problem: AnchorProblem, message: str, *, chain_id: str) -> None:
        super().__init__(f"anchor {problem.value} on {chain_id}: {message}")
        self.problem = problem
        self.chain_id = chain_id


@dataclass(frozen=True, slots=True)
class AnchorCommitment:
    """What is anchored: a checkpoint digest at a height, optionally for a named target chain.

    ``corridor_id`` names the corridor whose checkpoint this is; a cross-corridor target requires it.
    """

    checkpoint_digest: ContentDigest
    checkpoint_height: int
    chain_id: str | None = None
    corridor_id: str | None = None

    def __post_init__(self) -> None:
        if type(self.checkpoint_height) is not int or self.checkpoint_height < 0:
            raise ValidationError(f"checkpoint_height must be an integer >= 0, got {self.checkpoint_height!r}")

    @classmethod
    def of_checkpoint(cls, checkpoint: VerifiedCheckpoint, *, chain_id: str | None = None) -> AnchorCommitment:
        """The commitment to a verified corridor checkpoint: its payload digest, receipt count and corridor."""
        return cls(checkpoint.digest, checkpoint.size, chain_id=chain_id, corridor_id=checkpoint.head.corridor_id)


@dataclass(frozen=True, slots=True)
class AnchorReceipt:
    """Where and how a commitment was anchored."""

    commitment: AnchorCommitment
    chain_id: str
    transaction_id: str
    block_number: int
    status: AnchorStatus


class AnchorTarget(ABC):
    """An external log that records checkpoint digests."""

    @property
    @abstractmethod
    def chain_id(self) -> str: ...

    @abstractmethod
    def anchor(self, commitment: AnchorCommitment) -> AnchorReceipt:
        """Record ``commitment``.

        Raises:
            AnchorError: the target refused the commitment or is unavailable.
        """

    @abstractmethod
    def check_status(self, transaction_id: str) -> AnchorStatus:
        """The current status of an anchoring transaction.

        Raises:
            NotFoundError: no such transaction.
        """


class InMemoryAnchorTarget(AnchorTarget):
    """The reference's mock target: instant, always final, held in memory (tests and single-node demos)."""

    def __init__(self, chain_id: str = "in-memory") -> None:
        if not chain_id.strip():
            raise ValidationError("an anchor target needs a chain id")
        self._chain_id = chain_id
        self._next_block = 1
        self._receipts: dict[str, AnchorReceipt] = {}

    @property
    def chain_id(self) -> str:
        return self._chain_id

    def anchor(self, commitment: AnchorCommitment) -> AnchorReceipt:
        if commitment.chain_id is not None and commitment.chain_id != self._chain_id:
            raise AnchorError(
                AnchorProblem.REJECTED,
                f"commitment is for chain {commitment.chain_id!r}",
                chain_id=self._chain_id,
            )
        receipt = AnchorReceipt(
            commitment=commitment,
            chain_id=self._chain_id,
            transaction_id="mock-tx-" + commitment.checkpoint_digest.hex[:16],
            block_number=self._next_block,
            status=AnchorStatus.FINALIZED,
        )
        self._next_block += 1
        self._receipts[receipt.transaction_id] = receipt
        return receipt

    def check_status(self, transaction_id: str) -> AnchorStatus:
        receipt = self._receipts.get(transaction_id)
        if receipt is None:
            raise NotFoundError(f"no anchoring transaction {transaction_id!r} on {self._chain_id}")
        return receipt.status

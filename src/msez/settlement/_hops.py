"""Hop participants of a multi-hop transfer: the interface, its receipts and an in-memory participant.

A participant is one corridor's settlement side. ``prepare`` locks the amount and returns a
:class:`PrepareReceipt`; ``commit`` turns the lock into a transfer and returns a :class:`CommitReceipt`;
``abort`` releases the lock (idempotent). Receipt digests cover the reference's fixed field subsets
(reference-impl B §12.4), with amounts as strings.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from msez.core import ContentDigest, MsezError, NotFoundError, Timestamp, ValidationError, digest_of


class Clock(Protocol):
    """Where a transfer reads the time; injected so timeouts can be tested."""

    def now(self) -> Timestamp: ...


class SystemClock:
    """The wall clock (``SOURCE_DATE_EPOCH`` honoured, as :meth:`Timestamp.now` does)."""

    def now(self) -> Timestamp:
        return Timestamp.now()


class ManualClock:
    """A clock that moves only when told to."""

    def __init__(self, start: Timestamp) -> None:
        self._now = start

    def now(self) -> Timestamp:
        return self._now

    def advance(self, seconds: int) -> None:
        self._now = self._now + timedelta(seconds=seconds)


class HopError(MsezError):
    """A participant refused or failed a step of a hop."""

    def __init__(self, message: str, *, corridor_id: str, hop_index: int) -> None:
        super().__init__(f"hop {hop_index} ({corridor_id}): {message}")
        self.corridor_id = corridor_id
        self.hop_index = hop_index
        self.reason = message


@dataclass(frozen=True, slots=True)
class HopRequest:
    """Lock ``amount`` of ``asset_id`` on ``corridor_id`` for ``transfer_id`` until ``lock_expiry``."""

    transfer_id: str
    hop_index: int
    corridor_id: str
    asset_id: str
    amount: int
    lock_expiry: Timestamp


@dataclass(frozen=True, slots=True)
class PrepareReceipt:
    receipt_id: str
    hop_index: int
    corridor_id: str
    asset_id: str
    lock_id: str
    locked_amount: int
    lock_expiry: Timestamp
    prepared_at: Timestamp


@dataclass(frozen=True, slots=True)
class CommitReceipt:
    receipt_id: str
    hop_index: int
    corridor_id: str
    asset_id: str
    prepare_receipt_digest: ContentDigest
    transfer_amount: int
    settlement_tx_id: str
    committed_at: Timestamp


def prepare_receipt_digest(r: PrepareReceipt) -> ContentDigest:
    """SHA-256 of the canonical reference field subset of a prepare receipt."""
    return digest_of(
        {
            "receipt_id": r.receipt_id,
            "hop_index": r.hop_index,
            "corridor_id": r.corridor_id,
            "asset_id": r.asset_id,
            "lock_id": r.lock_id,
            "locked_amount": str(r.locked_amount),
            "lock_expiry": str(r.lock_expiry),
            "prepared_at": str(r.prepared_at),
        }
    )


def commit_receipt_digest(r: CommitReceipt) -> ContentDigest:
    """SHA-256 of the canonical reference field subset of a commit receipt."""
    return digest_of(
        {
            "receipt_id": r.receipt_id,
            "hop_index": r.hop_index,
            "corridor_id": r.corridor_id,
            "asset_id": r.asset_id,
            "prepare_receipt_digest": r.prepare_receipt_digest.hex,
            "transfer_amount": str(r.transfer_amount),
            "settlement_tx_id": r.settlement_tx_id,
            "committed_at": str(r.committed_at),
        }
    )


class HopParticipant(ABC):
    """One corridor's side of a hop."""

    @property
    @abstractmethod
    def corridor_id(self) -> str: ...

    @abstractmethod
    def prepare(self, request: HopRequest) -> PrepareReceipt:
        """Lock the amount. Raises: HopError (refused)."""

    @abstractmethod
    def commit(self, receipt: PrepareReceipt) -> CommitReceipt:
        """Settle a prepared lock. Raises: HopError (cannot commit), NotFoundError (unknown lock)."""

    @abstractmethod
    def abort(self, receipt: PrepareReceipt) -> None:
        """Release a prepared lock; a no-op if it is already released."""


@dataclass
class _Lock:
    request: HopRequest
    state: str = "prepared"


class InMemoryHopParticipant(HopParticipant):
    """A corridor with ``liquidity`` of one asset held in memory; locks reserve it until commit or abort."""

    def __init__(self, corridor_id: str, *, asset_id: str, liquidity: int, clock: Clock) -> None:
        if type(liquidity) is not int or liquidity < 0:
            raise ValidationError(f"{corridor_id}: liquidity must be an integer >= 0, got {liquidity!r}")
        self._corridor_id = corridor_id
        self.asset_id = asset_id
        self.available = liquidity
        self.settled = 0
        self._clock = clock
        self._locks: dict[str, _Lock] = {}

    @property
    def corridor_id(self) -> str:
        return self._corridor_id

    def lock_states(self) -> dict[str, str]:
        """Each lock id and its state: ``prepared``, ``committed`` or ``aborted``."""
        return {lock_id: lock.state for lock_id, lock in self._locks.items()}

    def prepare(self, request: HopRequest) -> PrepareReceipt:
        if request.corridor_id != self._corridor_id or request.asset_id != self.asset_id:
            raise _refuse(request, f"this participant settles {self.asset_id} on {self._corridor_id}")
        if request.amount <= 0 or request.amount > self.available:
            raise _refuse(request, f"insufficient liquidity: {request.amount} requested, {self.available} available")
        self.available -= request.amount
        lock_id = f"lock-{self._corridor_id}-{len(self._locks) + 1}"
        self._locks[lock_id] = _Lock(request)
        return PrepareReceipt(
            receipt_id=f"prepare-{request.transfer_id}-{request.hop_index}",
            hop_index=request.hop_index,
            corridor_id=self._corridor_id,
            asset_id=self.asset_id,
            lock_id=lock_id,
            locked_amount=request.amount,
            lock_expiry=request.lock_expiry,
            prepared_at=self._clock.now(),
        )

    def commit(self, receipt: PrepareReceipt) -> CommitReceipt:
        lock = self._lock(receipt)
        if lock.state != "prepared":
            raise _refuse(lock.request, f"lock {receipt.lock_id} is {lock.state}, not prepared")
        now = self._clock.now()
        if now > lock.request.lock_expiry:
            raise _refuse(lock.request, f"lock {receipt.lock_id} expired at {lock.request.lock_expiry}")
        lock.state = "committed"
        self.settled += lock.request.amount
        return CommitReceipt(
            receipt_id=f"commit-{lock.request.transfer_id}-{receipt.hop_index}",
            hop_index=receipt.hop_index,
            corridor_id=self._corridor_id,
            asset_id=self.asset_id,
            prepare_receipt_digest=prepare_receipt_digest(receipt),
            transfer_amount=lock.request.amount,
            settlement_tx_id=f"tx-{receipt.lock_id}",
            committed_at=now,
        )

    def abort(self, receipt: PrepareReceipt) -> None:
        lock = self._lock(receipt)
        if lock.state == "prepared":
            lock.state = "aborted"
            self.available += lock.request.amount

    def _lock(self, receipt: PrepareReceipt) -> _Lock:
        lock = self._locks.get(receipt.lock_id)
        if lock is None:
            raise NotFoundError(f"{self._corridor_id}: no lock {receipt.lock_id!r}")
        return lock


def _refuse(request: HopRequest, message: str) -> HopError:
    return HopError(message, corridor_id=request.corridor_id, hop_index=request.hop_index)

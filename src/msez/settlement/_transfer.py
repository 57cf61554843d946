"""Multi-hop transfer over a corridor route: two-phase commit with timeouts, every step recorded.

Reference-impl B §12.4 (``bridge.py``). Phase 1 prepares each hop in route order; the first refusal, or the
prepare deadline passing, aborts every hop prepared so far and no hop commits. Once all hops are prepared the
decision is commit: each hop is committed with up to ``max_commit_attempts`` tries. If the commit deadline passes
or a hop keeps failing before any hop has committed, every hop is aborted; after a hop has committed the
transfer cannot be undone and ends ``commit_incomplete`` with the rest still prepared, for recovery. Locks are
requested to outlive both deadlines. Timeouts are read from an injected :class:`Clock`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from msez.core import MsezError, NotFoundError, StateTransitionError, Timestamp, ValidationError
from msez.settlement._hops import Clock, CommitReceipt, HopParticipant, HopRequest, PrepareReceipt
from msez.settlement._routing import Route

PREPARE_TIMEOUT_SECS = 300
COMMIT_TIMEOUT_SECS = 600
MAX_COMMIT_ATTEMPTS = 3


class TransferPhase(StrEnum):
    INITIATED = "initiated"
    PREPARE = "prepare"
    COMMIT = "commit"
    COMPLETED = "completed"
    ABORTED = "aborted"
    COMMIT_INCOMPLETE = "commit_incomplete"


class HopStatus(StrEnum):
    PENDING = "pending"
    PREPARED = "prepared"
    COMMITTED = "committed"
    FAILED = "failed"
    ABORTED = "aborted"


@dataclass(frozen=True, slots=True)
class TransferStep:
    """One recorded step: when, in which phase, on which hop (None for the whole transfer), what happened."""

    at: Timestamp
    phase: TransferPhase
    hop_index: int | None
    action: str
    outcome: str
    detail: str = ""


@dataclass(frozen=True)
class TransferOutcome:
    transfer_id: str
    phase: TransferPhase
    hop_statuses: tuple[HopStatus, ...]
    prepare_receipts: tuple[PrepareReceipt, ...]
    commit_receipts: tuple[CommitReceipt, ...]
    steps: tuple[TransferStep, ...]
    reason: str = ""


class _DeadlinePassedError(Exception):
    pass


class MultiHopTransfer:
    """One transfer of ``amount`` of ``asset_id`` across ``hops`` (participants in route order). Runs once."""

    def __init__(
        self,
        transfer_id: str,
        hops: Sequence[HopParticipant],
        *,
        asset_id: str,
        amount: int,
        clock: Clock,
        prepare_timeout_secs: int = PREPARE_TIMEOUT_SECS,
        commit_timeout_secs: int = COMMIT_TIMEOUT_SECS,
        max_commit_attempts: int = MAX_COMMIT_ATTEMPTS,
    ) -> None:
        if not hops:
            raise ValidationError("a multi-hop transfer needs at least one hop")
        if type(amount) is not int or amount <= 0:
            raise ValidationError(f"transfer amount must be a positive integer, got {amount!r}")
        self.transfer_id = transfer_id
        self._hops = list(hops)
        self._asset_id = asset_id
        self._amount = amount
        self._clock = clock
        self._prepare_timeout = timedelta(seconds=prepare_timeout_secs)
        self._commit_timeout = timedelta(seconds=commit_timeout_secs)
        self._attempts = max_commit_attempts
        self._phase = TransferPhase.INITIATED
        self._status = [HopStatus.PENDING] * len(hops)
        self._prepared: list[PrepareReceipt] = []
        self._committed: list[CommitReceipt] = []
        self._steps: list[TransferStep] = []

    @classmethod
    def for_route(
        cls,
        transfer_id: str,
        route: Route,
        participants: Mapping[str, HopParticipant],
        *,
        asset_id: str,
        amount: int,
        clock: Clock,
    ) -> MultiHopTransfer:
        """A transfer along ``route`` (default timeouts), with the participant of each hop's corridor.

        Raises:
            NotFoundError: a hop's corridor has no participant.
        """
        missing = [h.corridor_id for h in route.hops if h.corridor_id not in participants]
        if missing:
            raise NotFoundError(f"no participant for corridor(s) {', '.join(missing)}")
        hops = [participants[h.corridor_id] for h in route.hops]
        return cls(transfer_id, hops, asset_id=asset_id, amount=amount, clock=clock)

    def execute(self) -> TransferOutcome:
        """Run both phases and return the outcome (participants' errors are recorded, never raised).

        Raises:
            StateTransitionError: the transfer already ran.
        """
        if self._phase is not TransferPhase.INITIATED:
            raise StateTransitionError(
                "a transfer runs once", from_state=self._phase.value, to_state="prepare", valid_targets=[]
            )
        reason = self._prepare_all() or self._commit_all()
        if not reason:
            self._phase = TransferPhase.COMPLETED
        self._record(None, "finish", self._phase.value, reason)
        return TransferOutcome(
            transfer_id=self.transfer_id,
            phase=self._phase,
            hop_statuses=tuple(self._status),
            prepare_receipts=tuple(self._prepared),
            commit_receipts=tuple(self._committed),
            steps=tuple(self._steps),
            reason=reason,
        )

    def _prepare_all(self) -> str:
        self._phase = TransferPhase.PREPARE
        deadline = self._clock.now() + self._prepare_timeout
        expiry = deadline + self._commit_timeout
        for index, hop in enumerate(self._hops):
            request = HopRequest(self.transfer_id, index, hop.corridor_id, self._asset_id, self._amount, expiry)
            try:
                self._check_deadline(deadline)
                receipt = hop.prepare(request)
            except _DeadlinePassedError:
                return self._abort_all(f"prepare timed out before hop {index} (deadline {deadline})")
            except MsezError as e:
                self._status[index] = HopStatus.FAILED
                self._record(index, "prepare", "failed", str(e))
                return self._abort_all(f"hop {index} failed to prepare: {e}")
            self._prepared.append(receipt)
            self._status[index] = HopStatus.PREPARED
            self._record(index, "prepare", "prepared", receipt.lock_id)
            try:
                self._check_deadline(deadline)
            except _DeadlinePassedError:
                return self._abort_all(f"prepare timed out at hop {index} (deadline {deadline})")
        return ""

    def _commit_all(self) -> str:
        self._phase = TransferPhase.COMMIT
        deadline = self._clock.now() + self._commit_timeout
        for index, receipt in enumerate(self._prepared):
            try:
                self._check_deadline(deadline)
                self._committed.append(self._commit_with_retries(index, receipt))
            except (_DeadlinePassedError, MsezError) as e:
                why = (
                    f"commit timed out at hop {index} (deadline {deadline})"
                    if isinstance(e, _DeadlinePassedError)
                    else str(e)
                )
                if not self._committed:
                    return self._abort_all(why)
                self._phase = TransferPhase.COMMIT_INCOMPLETE
                return f"{why}; hops {index}.. remain prepared and need recovery"
            self._status[index] = HopStatus.COMMITTED
        return ""

    def _commit_with_retries(self, index: int, receipt: PrepareReceipt) -> CommitReceipt:
        hop = self._hops[index]
        for attempt in range(1, self._attempts + 1):
            try:
                committed = hop.commit(receipt)
            except MsezError as e:
                self._record(index, "commit", "failed", f"attempt {attempt}: {e}")
                if attempt == self._attempts:
                    raise
                continue
            self._record(index, "commit", "committed", committed.settlement_tx_id)
            return committed
        raise AssertionError("unreachable")  # pragma: no cover

    def _abort_all(self, reason: str) -> str:
        for receipt in self._prepared:
            index = receipt.hop_index
            try:
                self._hops[index].abort(receipt)
            except MsezError as e:
                self._record(index, "abort", "failed", str(e))
                continue
            self._status[index] = HopStatus.ABORTED
            self._record(index, "abort", "aborted", receipt.lock_id)
        self._phase = TransferPhase.ABORTED
        return reason

    def _check_deadline(self, deadline: Timestamp) -> None:
        if self._clock.now() > deadline:
            raise _DeadlinePassedError

    def _record(self, hop_index: int | None, action: str, outcome: str, detail: str = "") -> None:
        self._steps.append(TransferStep(self._clock.now(), self._phase, hop_index, action, outcome, detail))

"""Two-phase multi-hop transfers: all hops commit, or none does; timeouts abort; every step is recorded."""

from __future__ import annotations

import pytest

from msez.core import StateTransitionError
from msez.settlement import (
    CommitReceipt,
    CorridorGraph,
    HopRequest,
    HopStatus,
    InMemoryHopParticipant,
    ManualClock,
    MultiHopTransfer,
    PrepareReceipt,
    TransferPhase,
    commit_receipt_digest,
    prepare_receipt_digest,
)

CORRIDORS = ("corridor-pk-ae", "corridor-ae-gb", "corridor-gb-us")


class SlowParticipant(InMemoryHopParticipant):
    """A real in-memory participant whose prepare and commit take time on the shared clock."""

    def __init__(self, corridor_id: str, *, clock: ManualClock, prepare_delay: int = 0, commit_delay: int = 0) -> None:
        super().__init__(corridor_id, asset_id="USD", liquidity=10_000, clock=clock)
        self._manual, self._prepare_delay, self._commit_delay = clock, prepare_delay, commit_delay

    def prepare(self, request: HopRequest) -> PrepareReceipt:
        self._manual.advance(self._prepare_delay)
        return super().prepare(request)

    def commit(self, receipt: PrepareReceipt) -> CommitReceipt:
        self._manual.advance(self._commit_delay)
        return super().commit(receipt)


def participants(clock: ManualClock, *liquidity: int) -> list[InMemoryHopParticipant]:
    return [
        InMemoryHopParticipant(c, asset_id="USD", liquidity=amount, clock=clock)
        for c, amount in zip(CORRIDORS, liquidity, strict=True)
    ]


def test_all_hops_commit(clock: ManualClock, reference_graph: CorridorGraph) -> None:
    hops = participants(clock, 5_000, 5_000, 5_000)
    route = reference_graph.route("PK-RSEZ", "US-NYFC")
    assert route is not None
    transfer = MultiHopTransfer.for_route(
        "t-1", route, {h.corridor_id: h for h in hops}, asset_id="USD", amount=1_000, clock=clock
    )
    outcome = transfer.execute()
    assert outcome.phase is TransferPhase.COMPLETED
    assert outcome.hop_statuses == (HopStatus.COMMITTED,) * 3
    assert [h.settled for h in hops] == [1_000] * 3
    for prepared, committed in zip(outcome.prepare_receipts, outcome.commit_receipts, strict=True):
        assert committed.prepare_receipt_digest == prepare_receipt_digest(prepared)
        assert len(commit_receipt_digest(committed).hex) == 64
    assert [(s.phase, s.hop_index, s.action, s.outcome) for s in outcome.steps] == [
        *[(TransferPhase.PREPARE, i, "prepare", "prepared") for i in range(3)],
        *[(TransferPhase.COMMIT, i, "commit", "committed") for i in range(3)],
        (TransferPhase.COMPLETED, None, "finish", "completed"),
    ]
    with pytest.raises(StateTransitionError, match="a transfer runs once"):
        transfer.execute()


def test_a_hop_failing_at_prepare_leaves_no_hop_committed(clock: ManualClock) -> None:
    hops = participants(clock, 5_000, 5_000, 500)
    outcome = MultiHopTransfer("t-2", hops, asset_id="USD", amount=1_000, clock=clock).execute()
    assert outcome.phase is TransferPhase.ABORTED
    assert "hop 2 failed to prepare" in outcome.reason and "insufficient liquidity" in outcome.reason
    assert outcome.hop_statuses == (HopStatus.ABORTED, HopStatus.ABORTED, HopStatus.FAILED)
    assert outcome.commit_receipts == ()
    assert [h.settled for h in hops] == [0, 0, 0]
    assert [h.available for h in hops] == [5_000, 5_000, 500]
    assert all(state == "aborted" for h in hops[:2] for state in h.lock_states().values())


def test_prepare_timeout_aborts_every_prepared_hop(clock: ManualClock) -> None:
    hops = [
        InMemoryHopParticipant(CORRIDORS[0], asset_id="USD", liquidity=5_000, clock=clock),
        SlowParticipant(CORRIDORS[1], clock=clock, prepare_delay=301),
        InMemoryHopParticipant(CORRIDORS[2], asset_id="USD", liquidity=5_000, clock=clock),
    ]
    outcome = MultiHopTransfer("t-3", hops, asset_id="USD", amount=1_000, clock=clock).execute()
    assert outcome.phase is TransferPhase.ABORTED
    assert outcome.reason.startswith("prepare timed out at hop 1")
    assert outcome.hop_statuses == (HopStatus.ABORTED, HopStatus.ABORTED, HopStatus.PENDING)
    assert [h.settled for h in hops] == [0, 0, 0]
    assert [h.available for h in hops] == [5_000, 10_000, 5_000]


def test_lock_expiring_before_the_first_commit_aborts_all(clock: ManualClock) -> None:
    # locks expire 900 s after the start (prepare 300 s + commit 600 s); the first commit arrives too late
    hops = [SlowParticipant(CORRIDORS[0], clock=clock, commit_delay=901), *participants(clock, 0, 5_000, 5_000)[1:]]
    outcome = MultiHopTransfer("t-4", hops, asset_id="USD", amount=1_000, clock=clock).execute()
    assert outcome.phase is TransferPhase.ABORTED
    assert "lock lock-corridor-pk-ae-1 expired" in outcome.reason
    assert [s.detail[:9] for s in outcome.steps if s.action == "commit"] == ["attempt 1", "attempt 2", "attempt 3"]
    assert outcome.hop_statuses == (HopStatus.ABORTED,) * 3
    assert [h.settled for h in hops] == [0, 0, 0]
    assert [h.available for h in hops] == [10_000, 5_000, 5_000]


def test_commit_deadline_after_a_commit_is_reported_for_recovery(clock: ManualClock) -> None:
    hops = [SlowParticipant(CORRIDORS[0], clock=clock, commit_delay=601), *participants(clock, 0, 5_000, 5_000)[1:]]
    outcome = MultiHopTransfer("t-5", hops, asset_id="USD", amount=1_000, clock=clock).execute()
    assert outcome.phase is TransferPhase.COMMIT_INCOMPLETE
    assert outcome.hop_statuses == (HopStatus.COMMITTED, HopStatus.PREPARED, HopStatus.PREPARED)
    assert outcome.reason.startswith("commit timed out at hop 1") and "need recovery" in outcome.reason

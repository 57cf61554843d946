"""Migration saga: the forward chain, the deadline, cancel and compensation, all on a controllable clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from msez.core import Timestamp
from msez.state import (
    CompensationAction,
    CompensationFailedError,
    ManualClock,
    MigrationSaga,
    MigrationTimeoutError,
    TransitionNotDefinedError,
)
from tests.state.conftest import START

DEADLINE = Timestamp.parse(START) + timedelta(days=7)


def saga_in(state_steps: int, clock: ManualClock) -> MigrationSaga:
    saga = MigrationSaga(
        deadline=DEADLINE, source="pk-rsez", destination="ae-difc", asset_description="bond", clock=clock
    )
    for _ in range(state_steps):
        saga.advance()
    return saga


def test_forward_chain_completes(clock: ManualClock) -> None:
    saga = saga_in(0, clock)
    states = [saga.state]
    while not saga.is_terminal:
        clock.advance(timedelta(hours=1))
        saga.advance()
        states.append(saga.state)
    assert states == [
        "Initiated",
        "ComplianceCheck",
        "AttestationGathering",
        "SourceLocked",
        "InTransit",
        "DestinationVerification",
        "DestinationUnlock",
        "Completed",
    ]
    assert saga.history[-1].at == Timestamp.parse(START) + timedelta(hours=7)
    with pytest.raises(TransitionNotDefinedError, match="Completed is terminal"):
        saga.advance()


@pytest.mark.parametrize("steps", range(7))
def test_passing_the_deadline_times_out_on_advance(clock: ManualClock, steps: int) -> None:
    saga = saga_in(steps, clock)
    before = saga.state
    clock.set(DEADLINE)
    assert saga.check_deadline() is None  # exactly at the deadline is still in time
    clock.set(DEADLINE + timedelta(seconds=1))
    with pytest.raises(MigrationTimeoutError, match=f"passed its deadline {DEADLINE} in {before}") as timed_out:
        saga.advance()
    assert timed_out.value.deadline == DEADLINE and timed_out.value.from_state == before
    assert saga.state == "TimedOut" and saga.code == "TIMED_OUT"
    last = saga.history[-1]
    assert (last.from_state, last.transition, last.actor, last.at) == (before, "time_out", "deadline", clock())


def test_check_deadline_is_a_no_op_in_time_and_after_terminal(clock: ManualClock) -> None:
    saga = saga_in(1, clock)
    assert saga.check_deadline() is None and saga.state == "ComplianceCheck"
    saga.cancel()
    clock.advance(timedelta(days=30))
    assert saga.check_deadline() is None and saga.state == "Cancelled"


@pytest.mark.parametrize("steps", range(4))
def test_cancel_before_transit(clock: ManualClock, steps: int) -> None:
    saga = saga_in(steps, clock)
    saga.cancel()
    assert saga.state == "Cancelled"


@pytest.mark.parametrize("steps", range(4, 7))
def test_cancel_after_transit_is_refused(clock: ManualClock, steps: int) -> None:
    saga = saga_in(steps, clock)
    with pytest.raises(TransitionNotDefinedError, match="cancellation only allowed before IN_TRANSIT") as refused:
        saga.cancel()
    assert refused.value.to_state == "Cancelled" and "Compensated" in refused.value.valid_targets


@pytest.mark.parametrize("steps", range(4))
def test_compensate_before_transit_is_refused(clock: ManualClock, steps: int) -> None:
    saga = saga_in(steps, clock)
    with pytest.raises(TransitionNotDefinedError, match="compensate is not allowed"):
        saga.compensate("nothing in flight")
    assert saga.compensation_log == ()


def test_compensation_runs_actions_and_logs_them(clock: ManualClock) -> None:
    saga = saga_in(5, clock)
    done: list[str] = []
    actions = [CompensationAction(name, lambda n=name: done.append(n)) for name in ("unlock_source", "refund_fees")]
    saga.compensate("destination rejected the asset", actions=actions)
    assert done == ["unlock_source", "refund_fees"]
    assert saga.state == "Compensated"
    assert [(r.from_state, r.action, r.succeeded) for r in saga.compensation_log] == [
        ("DestinationVerification", "unlock_source", True),
        ("DestinationVerification", "refund_fees", True),
        ("DestinationVerification", "compensate: destination rejected the asset", True),
    ]
    assert saga.history[-1].reason == "destination rejected the asset"


def test_failed_compensation_is_recorded_and_can_be_retried(clock: ManualClock) -> None:
    saga = saga_in(4, clock)
    attempts: list[int] = []

    def flaky_unlock() -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionError("custodian unreachable")

    action = CompensationAction("unlock_source", flaky_unlock)
    with pytest.raises(CompensationFailedError, match="'unlock_source' failed: ConnectionError: custodian unreachable"):
        saga.compensate("transit failed", actions=[action])
    assert saga.state == "InTransit"
    failed = saga.compensation_log[-1]
    assert (failed.action, failed.succeeded, failed.error_detail) == (
        "unlock_source",
        False,
        "ConnectionError: custodian unreachable",
    )
    clock.advance(timedelta(minutes=5))
    saga.compensate("transit failed", actions=[action])
    assert saga.state == "Compensated" and [r.succeeded for r in saga.compensation_log] == [False, True, True]


def test_manual_failure_record_keeps_state(clock: ManualClock) -> None:
    saga = saga_in(4, clock)
    record = saga.record_compensation_failure("notify_counterparties", "mailbox full")
    assert saga.state == "InTransit" and record.at == clock() and saga.compensation_log == (record,)


def test_late_saga_can_still_unwind(clock: ManualClock) -> None:
    saga = saga_in(4, clock)
    clock.set(DEADLINE + timedelta(days=1))
    saga.compensate("late")
    assert saga.state == "Compensated"


def test_json_round_trip_with_log(clock: ManualClock) -> None:
    saga = saga_in(4, clock)
    saga.record_compensation_failure("unlock_source", "timeout")
    data = saga.to_json()
    assert data["deadline"] == "2026-01-22T12:00:00Z" and data["state"] == "InTransit"
    assert data["compensation_log"][0]["succeeded"] is False
    loaded = MigrationSaga.from_json(data, clock=clock)
    assert loaded.to_json() == data
    loaded.compensate("resume after reload")
    assert loaded.state == "Compensated"

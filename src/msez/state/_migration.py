"""The migration saga (reference-impl A §3.2): eleven states, a mandatory deadline, cancel and compensation.

Forward chain: Initiated -> ComplianceCheck -> AttestationGathering -> SourceLocked -> InTransit ->
DestinationVerification -> DestinationUnlock -> Completed. ``cancel`` is defined only before InTransit,
``compensate`` only from InTransit onwards (the reference's later rule, BUG-037), and ``time_out`` from every
non-terminal state, guarded by the deadline having passed. Completed, Compensated, TimedOut and Cancelled are
terminal.

:meth:`MigrationSaga.advance` checks the deadline first: past it, the saga moves to TimedOut and
:class:`MigrationTimeoutError` is raised. ``cancel`` and ``compensate`` do not time out, so a late saga can still
unwind (see docs/decisions.md). Compensation runs caller-supplied actions in order and logs each; a failing
action is logged with its detail, the saga stays where it is and :class:`CompensationFailedError` is raised, so
compensation can be retried.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from msez.core import JurisdictionId, MigrationId, Timestamp
from msez.state._clock import Clock, system_clock
from msez.state._definition import GuardInput, MachineDefinition, Refusal, StateSpec, Transition, TransitionContext
from msez.state._errors import CompensationFailedError, MigrationTimeoutError, TransitionNotDefinedError
from msez.state._machine import Lifecycle, StateMachine, TransitionRecord
from msez.state._wire import CompensationRecordModel, MigrationModel, dump_machine, load_machine, parse_model

logger = logging.getLogger(__name__)

_STATES = (
    StateSpec("Initiated", "INITIATED"),
    StateSpec("ComplianceCheck", "COMPLIANCE_CHECK"),
    StateSpec("AttestationGathering", "ATTESTATION_GATHERING"),
    StateSpec("SourceLocked", "SOURCE_LOCKED"),
    StateSpec("InTransit", "IN_TRANSIT"),
    StateSpec("DestinationVerification", "DESTINATION_VERIFICATION"),
    StateSpec("DestinationUnlock", "DESTINATION_UNLOCK"),
    StateSpec("Completed", "COMPLETED", terminal=True),
    StateSpec("Compensated", "COMPENSATED", terminal=True),
    StateSpec("TimedOut", "TIMED_OUT", terminal=True),
    StateSpec("Cancelled", "CANCELLED", terminal=True),
)
_FORWARD = (
    ("check_compliance", "Initiated", "ComplianceCheck"),
    ("gather_attestations", "ComplianceCheck", "AttestationGathering"),
    ("lock_source", "AttestationGathering", "SourceLocked"),
    ("dispatch", "SourceLocked", "InTransit"),
    ("verify_destination", "InTransit", "DestinationVerification"),
    ("unlock_destination", "DestinationVerification", "DestinationUnlock"),
    ("complete", "DestinationUnlock", "Completed"),
)
_NEXT = {source: name for name, source, _ in _FORWARD}
_LIVE = tuple(s.name for s in _STATES if not s.terminal)
_BEFORE_TRANSIT = ("Initiated", "ComplianceCheck", "AttestationGathering", "SourceLocked")
_AFTER_LOCK = ("InTransit", "DestinationVerification", "DestinationUnlock")


def _deadline_passed(g: GuardInput) -> Refusal | None:
    now, deadline = g.context.facts.get("now"), g.context.facts.get("deadline")
    if not isinstance(now, Timestamp) or not isinstance(deadline, Timestamp):
        return Refusal("facts now and deadline (Timestamps) are required")
    return None if now > deadline else Refusal(f"the deadline {deadline} has not passed (now {now})")


MIGRATION_MACHINE = MachineDefinition(
    "migration",
    states=_STATES,
    initial="Initiated",
    transitions=(
        *(Transition(name, source, target) for name, source, target in _FORWARD),
        *Transition.many("cancel", _BEFORE_TRANSIT, "Cancelled"),
        *Transition.many("compensate", _AFTER_LOCK, "Compensated"),
        *Transition.many("time_out", _LIVE, "TimedOut", guard=_deadline_passed),
    ),
)


@dataclass(frozen=True, slots=True)
class CompensationRecord:
    """One entry of the compensation log."""

    from_state: str
    action: str
    succeeded: bool
    at: Timestamp
    error_detail: str | None = None


@dataclass(frozen=True, slots=True)
class CompensationAction:
    """A named undo step run by :meth:`MigrationSaga.compensate` (e.g. ``unlock_source``, ``refund_fees``)."""

    name: str
    run: Callable[[], None]


class MigrationSaga(Lifecycle):
    """A cross-jurisdiction migration; cannot exist without a deadline."""

    __slots__ = ("_log", "asset_description", "deadline", "destination", "migration_id", "source")

    def __init__(
        self,
        *,
        deadline: Timestamp,
        migration_id: MigrationId | str | None = None,
        source: JurisdictionId | str | None = None,
        destination: JurisdictionId | str | None = None,
        asset_description: str = "",
        clock: Clock = system_clock,
    ) -> None:
        super().__init__(StateMachine(MIGRATION_MACHINE, clock=clock))
        self.deadline = deadline
        self.migration_id = MigrationId(migration_id) if migration_id is not None else MigrationId.new()
        self.source = JurisdictionId(source) if source is not None else None
        self.destination = JurisdictionId(destination) if destination is not None else None
        self.asset_description = asset_description
        self._log: list[CompensationRecord] = []

    @property
    def compensation_log(self) -> tuple[CompensationRecord, ...]:
        return tuple(self._log)

    def _facts(self) -> Mapping[str, Any]:
        return {"now": self.machine.clock(), "deadline": self.deadline}

    def check_deadline(self) -> TransitionRecord | None:
        """If the deadline has passed and the saga is live, move it to TimedOut and return that record."""
        if self.is_terminal or not self.machine.clock() > self.deadline:
            return None
        logger.info("migration %s timed out in %s", self.migration_id, self.state)
        return self._fire("time_out", TransitionContext(actor="deadline", reason=f"deadline {self.deadline} passed"))

    def advance(self, context: TransitionContext | None = None) -> TransitionRecord:
        """Move one step along the forward chain, after the deadline check.

        Raises:
            MigrationTimeoutError: the deadline had passed; the saga is now TimedOut.
            TransitionNotDefinedError: the saga is terminal.
        """
        from_state = self.state
        if self.check_deadline() is not None:
            raise MigrationTimeoutError(
                f"migration {self.migration_id} passed its deadline {self.deadline} in {from_state}",
                from_state=from_state,
                deadline=self.deadline,
                migration_id=str(self.migration_id),
            )
        return self._fire(_NEXT.get(self.state, "complete"), context)

    def cancel(self, context: TransitionContext | None = None) -> TransitionRecord:
        """Cancel; only before InTransit.

        Raises:
            TransitionNotDefinedError: "cancellation only allowed before IN_TRANSIT" (or the saga is terminal).
        """
        if self.state in _AFTER_LOCK:
            raise TransitionNotDefinedError(
                "cancellation only allowed before IN_TRANSIT; compensate instead",
                from_state=self.state,
                to_state="Cancelled",
                valid_targets=self.valid_targets(),
            )
        return self._fire("cancel", context)

    def compensate(
        self, reason: str, *, actions: Sequence[CompensationAction] = (), context: TransitionContext | None = None
    ) -> TransitionRecord:
        """Run ``actions`` in order, log each, then move to Compensated (only from InTransit onwards).

        Raises:
            TransitionNotDefinedError: not in InTransit, DestinationVerification or DestinationUnlock.
            CompensationFailedError: an action raised; it is logged and the state is unchanged.
        """
        self.machine.check_named("compensate", context)
        for action in actions:
            self._run(action)
        from_state = self.state
        record = self._fire("compensate", (context or TransitionContext()).with_reason(reason))
        self._log.append(CompensationRecord(from_state, f"compensate: {reason}", True, record.at))
        return record

    def _run(self, action: CompensationAction) -> None:
        try:
            action.run()
        except Exception as e:  # a caller's undo step: any failure is logged, then surfaced as our error
            detail = f"{type(e).__name__}: {e}"
            self.record_compensation_failure(action.name, detail)
            raise CompensationFailedError(
                f"compensation action {action.name!r} failed: {detail}",
                from_state=self.state,
                valid_targets=self.valid_targets(),
                action=action.name,
                detail=detail,
            ) from e
        self._log.append(CompensationRecord(self.state, action.name, True, self.machine.clock()))

    def record_compensation_failure(self, action: str, detail: str) -> CompensationRecord:
        """Log a failed compensation step without changing state."""
        record = CompensationRecord(self.state, action, False, self.machine.clock(), detail)
        self._log.append(record)
        return record

    def to_json(self) -> dict[str, Any]:
        log = tuple(
            CompensationRecordModel(
                from_state=r.from_state,
                action=r.action,
                succeeded=r.succeeded,
                error_detail=r.error_detail,
                timestamp=r.at,
            )
            for r in self._log
        )
        return dump_machine(
            self.machine,
            MigrationModel,
            migration_id=str(self.migration_id),
            deadline=self.deadline,
            source_jurisdiction=self.source,
            destination_jurisdiction=self.destination,
            asset_description=self.asset_description,
            compensation_log=log,
        )

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, clock: Clock = system_clock) -> MigrationSaga:
        """Load the JSON form written by :meth:`to_json`.

        Raises:
            ValidationError: malformed.
        """
        parsed = parse_model(MigrationModel, data)
        saga = cls(
            deadline=parsed.deadline,
            migration_id=parsed.migration_id,
            source=parsed.source_jurisdiction,
            destination=parsed.destination_jurisdiction,
            asset_description=parsed.asset_description,
            clock=clock,
        )
        saga._machine = load_machine(MIGRATION_MACHINE, parsed, clock)
        saga._log = [
            CompensationRecord(
                MIGRATION_MACHINE.state(r.from_state).name, r.action, r.succeeded, r.timestamp, r.error_detail
            )
            for r in parsed.compensation_log
        ]
        return saga

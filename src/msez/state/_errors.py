"""Typed refusals of the lifecycle engine, all :class:`msez.core.StateTransitionError` subclasses.

StateTransitionError (msez.core)       .from_state, .to_state, .valid_targets
├── TransitionNotDefinedError          the (from, to) pair is not in the machine's table
├── MissingEvidenceError               required evidence types were not supplied (.missing)
├── GuardRefusedError                  the transition's guard said no (.guard, .reason)
├── MigrationTimeoutError              a saga passed its deadline and is now TimedOut (.deadline)
└── CompensationFailedError            a compensation action failed; the saga stays put (.action, .detail)
"""

from __future__ import annotations

from collections.abc import Sequence

from msez.core import StateTransitionError, Timestamp


class TransitionNotDefinedError(StateTransitionError):
    """The machine has no transition from ``from_state`` to ``to_state``."""


class MissingEvidenceError(StateTransitionError):
    """The transition is defined but evidence of the types in ``missing`` was not supplied."""

    def __init__(
        self, message: str, *, from_state: str, to_state: str, valid_targets: Sequence[str], missing: Sequence[str]
    ) -> None:
        super().__init__(message, from_state=from_state, to_state=to_state, valid_targets=valid_targets)
        self.missing = tuple(missing)


class GuardRefusedError(StateTransitionError):
    """The transition's guard refused; ``guard`` names it and ``reason`` says why."""

    def __init__(
        self, message: str, *, from_state: str, to_state: str, valid_targets: Sequence[str], guard: str
    ) -> None:
        super().__init__(message, from_state=from_state, to_state=to_state, valid_targets=valid_targets)
        self.guard = guard


class MigrationTimeoutError(StateTransitionError):
    """A migration saga was found past its deadline; it has been moved to TimedOut."""

    def __init__(self, message: str, *, from_state: str, deadline: Timestamp, migration_id: str) -> None:
        super().__init__(message, from_state=from_state, to_state="TimedOut", valid_targets=())
        self.deadline = deadline
        self.migration_id = migration_id


class CompensationFailedError(StateTransitionError):
    """A compensation action raised; the failure is in the saga's log and its state is unchanged."""

    def __init__(
        self, message: str, *, from_state: str, valid_targets: Sequence[str], action: str, detail: str
    ) -> None:
        super().__init__(message, from_state=from_state, to_state="Compensated", valid_targets=valid_targets)
        self.action = action
        self.detail = detail

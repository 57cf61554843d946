"""The licence lifecycle (reference-impl A §3.5): eight states, eight named transitions.

review Applied -> UnderReview; issue UnderReview -> Active (clears the reason); reject(reason) Applied |
UnderReview -> Rejected; suspend(reason) Active -> Suspended; reinstate Suspended -> Active (clears the reason);
revoke(reason) Active | Suspended -> Revoked; expire Active -> Expired; surrender Active -> Surrendered.
Revoked, Expired, Surrendered and Rejected are terminal. Transitions that take a reason refuse a blank one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from msez.state._clock import Clock, system_clock
from msez.state._definition import MachineDefinition, StateSpec, Transition, TransitionContext, require_reason
from msez.state._machine import Lifecycle, StateMachine, TransitionRecord
from msez.state._wire import LicenceModel, dump_machine, load_machine, parse_model

_REASON = require_reason()

LICENCE_MACHINE = MachineDefinition(
    "licence",
    states=(
        StateSpec("Applied", "APPLIED"),
        StateSpec("UnderReview", "UNDER_REVIEW"),
        StateSpec("Active", "ACTIVE"),
        StateSpec("Suspended", "SUSPENDED"),
        StateSpec("Revoked", "REVOKED", terminal=True),
        StateSpec("Expired", "EXPIRED", terminal=True),
        StateSpec("Surrendered", "SURRENDERED", terminal=True),
        StateSpec("Rejected", "REJECTED", terminal=True),
    ),
    initial="Applied",
    transitions=(
        Transition("review", "Applied", "UnderReview"),
        Transition("issue", "UnderReview", "Active"),
        *Transition.many("reject", ("Applied", "UnderReview"), "Rejected", guard=_REASON),
        Transition("suspend", "Active", "Suspended", guard=_REASON),
        Transition("reinstate", "Suspended", "Active"),
        *Transition.many("revoke", ("Active", "Suspended"), "Revoked", guard=_REASON),
        Transition("expire", "Active", "Expired"),
        Transition("surrender", "Active", "Surrendered"),
    ),
)


class LicenceLifecycle(Lifecycle):
    """A licence's lifecycle with its category and the reason for its current state."""

    __slots__ = ("category", "licence_id", "state_reason")

    def __init__(self, licence_id: str, *, category: str | None = None, clock: Clock = system_clock) -> None:
        super().__init__(StateMachine(LICENCE_MACHINE, clock=clock))
        self.licence_id = licence_id
        self.category = category
        self.state_reason: str | None = None

    def _step(self, name: str, context: TransitionContext | None, reason: str | None) -> TransitionRecord:
        record = self._fire(name, (context or TransitionContext()).with_reason(reason))
        self.state_reason = record.reason if name not in ("issue", "reinstate") else None
        return record

    def review(self, context: TransitionContext | None = None) -> TransitionRecord:
        return self._step("review", context, None)

    def issue(self, context: TransitionContext | None = None) -> TransitionRecord:
        return self._step("issue", context, None)

    def reject(self, reason: str, context: TransitionContext | None = None) -> TransitionRecord:
        return self._step("reject", context, reason)

    def suspend(self, reason: str, context: TransitionContext | None = None) -> TransitionRecord:
        return self._step("suspend", context, reason)

    def reinstate(self, context: TransitionContext | None = None) -> TransitionRecord:
        return self._step("reinstate", context, None)

    def revoke(self, reason: str, context: TransitionContext | None = None) -> TransitionRecord:
        return self._step("revoke", context, reason)

    def expire(self, context: TransitionContext | None = None) -> TransitionRecord:
        return self._step("expire", context, None)

    def surrender(self, context: TransitionContext | None = None) -> TransitionRecord:
        return self._step("surrender", context, None)

    def to_json(self) -> dict[str, Any]:
        return dump_machine(
            self.machine,
            LicenceModel,
            licence_id=self.licence_id,
            category=self.category,
            state_reason=self.state_reason,
        )

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, clock: Clock = system_clock) -> LicenceLifecycle:
        """Load the JSON form written by :meth:`to_json`.

        Raises:
            ValidationError: malformed.
        """
        parsed = parse_model(LicenceModel, data)
        licence = cls(parsed.licence_id, category=parsed.category, clock=clock)
        licence._machine = load_machine(LICENCE_MACHINE, parsed, clock)
        licence.state_reason = parsed.state_reason
        return licence

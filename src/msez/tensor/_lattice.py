"""The five-state compliance lattice (reference-impl A §4.1): a total order with meet (worse) and join (better).

    NonCompliant(0) < Pending(1) < NotApplicable(2) < Exempt(3) < Compliant(4)

``meet`` is pessimistic (NonCompliant absorbs), ``join`` optimistic (Compliant absorbs). Passing states are
Compliant, Exempt and NotApplicable; terminal ones Compliant, NonCompliant and Exempt.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from msez.core import ValidationError


class ComplianceState(Enum):
    """A cell's state; the value is the reference's snake_case JSON form (a plain Enum: ``join`` is ours)."""

    NON_COMPLIANT = "non_compliant"
    PENDING = "pending"
    NOT_APPLICABLE = "not_applicable"
    EXEMPT = "exempt"
    COMPLIANT = "compliant"

    def __str__(self) -> str:
        return self.value

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def is_passing(self) -> bool:
        return self in _PASSING

    @property
    def is_terminal(self) -> bool:
        return self in _TERMINAL

    @property
    def debug_name(self) -> str:
        """The reference API's quirky form: the Rust Debug name lower-cased (``noncompliant``)."""
        return self.value.replace("_", "")

    def meet(self, other: ComplianceState) -> ComplianceState:
        """The worse of the two."""
        return self if _RANK[self] <= _RANK[other] else other

    def join(self, other: ComplianceState) -> ComplianceState:
        """The better of the two."""
        return self if _RANK[self] >= _RANK[other] else other

    @classmethod
    def parse(cls, text: str) -> ComplianceState:
        """Parse the snake_case form or the API's Debug form, case-insensitively.

        Raises:
            ValidationError: not a compliance state.
        """
        state = _BY_TEXT.get(text.strip().lower()) if isinstance(text, str) else None
        if state is None:
            valid = ", ".join(s.value for s in cls)
            raise ValidationError(f"unknown compliance state {text!r}; expected one of: {valid}")
        return state


_RANK = {state: rank for rank, state in enumerate(ComplianceState)}
_PASSING = frozenset({ComplianceState.COMPLIANT, ComplianceState.EXEMPT, ComplianceState.NOT_APPLICABLE})
_TERMINAL = frozenset({ComplianceState.COMPLIANT, ComplianceState.NON_COMPLIANT, ComplianceState.EXEMPT})
_BY_TEXT = {s.value: s for s in ComplianceState} | {s.debug_name: s for s in ComplianceState}


def meet_all(states: Iterable[ComplianceState]) -> ComplianceState:
    """Fold ``meet`` starting from Compliant (so no states aggregate to Compliant, as in the reference)."""
    result = ComplianceState.COMPLIANT
    for state in states:
        if _RANK[state] < _RANK[result]:
            result = state
    return result


def join_all(states: Iterable[ComplianceState]) -> ComplianceState:
    """Fold ``join`` starting from NonCompliant."""
    result = ComplianceState.NON_COMPLIANT
    for state in states:
        if _RANK[state] > _RANK[result]:
            result = state
    return result

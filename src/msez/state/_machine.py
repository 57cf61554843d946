"""The engine: one running instance of a :class:`MachineDefinition`, and the record of every step it took.

Applying a transition runs four numbered steps, each with its own typed refusal:

1. the (from, to) pair is in the table, else :class:`TransitionNotDefinedError` naming the valid targets;
2. every required evidence type was supplied, else :class:`MissingEvidenceError` naming what is missing;
3. the guard (if any) allows it, else :class:`GuardRefusedError` with the guard's name and reason (a guard's
   refusal that names missing evidence becomes a :class:`MissingEvidenceError`);
4. the state changes and a :class:`TransitionRecord` (from, to, name, time from the injected clock, the
   supplied evidence, actor, reason) is appended to the history.

Nothing changes unless all checks pass.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from msez.core import ContentDigest, Timestamp, ValidationError
from msez.state._clock import Clock, system_clock
from msez.state._definition import (
    Evidence,
    GuardInput,
    MachineDefinition,
    StateSpec,
    Transition,
    TransitionContext,
    guard_name,
)
from msez.state._errors import GuardRefusedError, MissingEvidenceError, TransitionNotDefinedError

logger = logging.getLogger(__name__)
_NO_CONTEXT = TransitionContext()


@dataclass(frozen=True, slots=True)
class TransitionRecord:
    """One applied transition."""

    from_state: str
    to_state: str
    transition: str
    at: Timestamp
    evidence: tuple[Evidence, ...] = ()
    actor: str | None = None
    reason: str | None = None

    @property
    def evidence_digests(self) -> tuple[ContentDigest, ...]:
        return tuple(e.digest for e in self.evidence)


class StateMachine:
    """A running machine: current state, history and clock. Not thread-safe; one owner mutates it."""

    __slots__ = ("_clock", "_definition", "_history", "_state")

    def __init__(
        self,
        definition: MachineDefinition,
        *,
        state: str | None = None,
        history: Iterable[TransitionRecord] = (),
        clock: Clock = system_clock,
    ) -> None:
        """Start in ``state`` (either form; default the initial state) with an optional prior ``history``.

        Raises:
            ValidationError: ``state`` is not a state of ``definition``.
        """
        self._definition = definition
        self._state = definition.state(state).name if state is not None else definition.initial
        self._history = list(history)
        self._clock = clock

    @property
    def definition(self) -> MachineDefinition:
        return self._definition

    @property
    def state(self) -> str:
        """The current state's JSON (PascalCase or reference) name."""
        return self._state

    @property
    def state_spec(self) -> StateSpec:
        return self._definition.state(self._state)

    @property
    def code(self) -> str:
        """The current state's SCREAMING code (the reference's ``as_str``)."""
        return self.state_spec.code

    @property
    def is_terminal(self) -> bool:
        return self.state_spec.terminal

    @property
    def history(self) -> tuple[TransitionRecord, ...]:
        return tuple(self._history)

    @property
    def clock(self) -> Clock:
        return self._clock

    def valid_targets(self) -> tuple[str, ...]:
        return self._definition.valid_targets(self._state)

    def check(self, to_state: str, context: TransitionContext | None = None) -> Transition:
        """Run steps 1-3 for a move to ``to_state`` without changing anything; return the transition.

        Raises:
            TransitionNotDefinedError, MissingEvidenceError, GuardRefusedError: as the module docstring says.
        """
        ctx = context or _NO_CONTEXT
        target = self._target_name(to_state)
        transition = self._definition.find(self._state, target)
        if transition is None:
            raise self._not_defined(target)
        self._check_evidence(transition, ctx)
        self._check_guard(transition, ctx)
        return transition

    def transition(self, to_state: str, context: TransitionContext | None = None) -> TransitionRecord:
        """Move to ``to_state`` (either name form) if the table, the evidence and the guard allow it.

        Side effects: changes the state and appends to the history.

        Raises:
            TransitionNotDefinedError, MissingEvidenceError, GuardRefusedError.
        """
        ctx = context or _NO_CONTEXT
        return self._apply(self.check(to_state, ctx), ctx)

    def check_named(self, name: str, context: TransitionContext | None = None) -> Transition:
        """Run steps 1-3 for the transition called ``name`` from the current state; change nothing.

        Raises:
            TransitionNotDefinedError: no transition of that name leaves the current state.
            MissingEvidenceError, GuardRefusedError: as for :meth:`check`.
        """
        transition = self._definition.find_named(self._state, name)
        if transition is not None:
            return self.check(transition.to_state, context)
        target = self._definition.target_of(name)
        if target is None:
            raise TransitionNotDefinedError(
                f"the {self._definition.name} machine has no transition named {name!r}",
                from_state=self._state,
                to_state="?",
                valid_targets=self.valid_targets(),
            )
        raise self._not_defined(target, name)

    def fire(self, name: str, context: TransitionContext | None = None) -> TransitionRecord:
        """Apply the transition called ``name`` from the current state (e.g. ``approve``).

        Side effects: changes the state and appends to the history.

        Raises:
            TransitionNotDefinedError: no transition of that name leaves the current state.
            MissingEvidenceError, GuardRefusedError: as for :meth:`transition`.
        """
        ctx = context or _NO_CONTEXT
        return self._apply(self.check_named(name, ctx), ctx)

    def _target_name(self, to_state: str) -> str:
        try:
            return self._definition.state(to_state).name
        except ValidationError:  # an unknown name (e.g. PROPOSED) is simply an undefined target
            return to_state

    def _not_defined(self, target: str, name: str | None = None) -> TransitionNotDefinedError:
        machine = self._definition.name
        if self.is_terminal:
            what = f"{self._state} is terminal in the {machine} machine"
        elif name is not None:
            what = f"{name} is not allowed from {self._state} in the {machine} machine"
        else:
            what = f"not a transition of the {machine} machine"
        return TransitionNotDefinedError(
            what, from_state=self._state, to_state=target, valid_targets=self.valid_targets()
        )

    def _check_evidence(self, transition: Transition, ctx: TransitionContext) -> None:
        missing = sorted(transition.required_evidence - ctx.evidence_types())
        if missing:
            raise self._missing(transition, missing, f"{transition.name} requires evidence")

    def _missing(self, transition: Transition, missing: list[str], why: str) -> MissingEvidenceError:
        return MissingEvidenceError(
            f"{self._definition.name} machine: {why}; missing: {', '.join(missing)}",
            from_state=transition.from_state,
            to_state=transition.to_state,
            valid_targets=self.valid_targets(),
            missing=missing,
        )

    def _check_guard(self, transition: Transition, ctx: TransitionContext) -> None:
        if transition.guard is None:
            return
        view = GuardInput(self._definition.name, transition.name, transition.from_state, transition.to_state, ctx)
        refusal = transition.guard(view)
        if refusal is None:
            return
        if refusal.missing_evidence:
            raise self._missing(transition, list(refusal.missing_evidence), refusal.reason)
        name = guard_name(transition.guard)
        raise GuardRefusedError(
            f"{self._definition.name} machine: {transition.name} refused by {name}: {refusal.reason}",
            from_state=transition.from_state,
            to_state=transition.to_state,
            valid_targets=self.valid_targets(),
            guard=name,
        )

    def _apply(self, transition: Transition, ctx: TransitionContext) -> TransitionRecord:
        record = TransitionRecord(
            from_state=transition.from_state,
            to_state=transition.to_state,
            transition=transition.name,
            at=self._clock(),
            evidence=ctx.evidence,
            actor=ctx.actor,
            reason=ctx.reason,
        )
        self._state = transition.to_state
        self._history.append(record)
        logger.debug("%s: %s -> %s (%s)", self._definition.name, record.from_state, record.to_state, record.transition)
        return record


class Lifecycle:
    """Base of the domain lifecycles: owns a :class:`StateMachine` and injects domain facts into guards."""

    __slots__ = ("_machine",)

    def __init__(self, machine: StateMachine) -> None:
        self._machine = machine

    @property
    def machine(self) -> StateMachine:
        return self._machine

    @property
    def state(self) -> str:
        return self._machine.state

    @property
    def code(self) -> str:
        return self._machine.code

    @property
    def is_terminal(self) -> bool:
        return self._machine.is_terminal

    @property
    def history(self) -> tuple[TransitionRecord, ...]:
        return self._machine.history

    def valid_targets(self) -> tuple[str, ...]:
        return self._machine.valid_targets()

    def _facts(self) -> Mapping[str, Any]:
        """Domain facts every guard of this lifecycle sees; they override caller facts of the same name."""
        return {}

    def _fire(self, name: str, context: TransitionContext | None, **extra: Any) -> TransitionRecord:
        ctx = (context or _NO_CONTEXT).with_facts(**self._facts(), **extra)
        return self._machine.fire(name, ctx)

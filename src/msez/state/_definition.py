"""Machine definitions as data: states, transitions, typed evidence, the guard context and guard helpers.

A :class:`MachineDefinition` is a table. Each :class:`Transition` names its source and target state, the
evidence types it requires and an optional guard: a callable that sees a :class:`GuardInput` (the machine, the
pair, and the caller's :class:`TransitionContext` with actor, roles, evidence and arbitrary facts) and returns
``None`` to allow or a :class:`Refusal` saying why not. Definitions are validated on construction: unique state
names and codes, known endpoints, no transition out of a terminal state, at most one transition per pair, and
each transition name leading to a single target state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from msez.core import ContentDigest, ValidationError, coerce_digest, digest_of


@dataclass(frozen=True, slots=True)
class StateSpec:
    """One state: ``name`` is the JSON (serde, e.g. ``UnderReview``) form, ``code`` the SCREAMING form."""

    name: str
    code: str
    terminal: bool = False


@dataclass(frozen=True, slots=True)
class Evidence:
    """A typed piece of evidence: what it is (``type``) and the digest of the artifact that proves it."""

    type: str
    digest: ContentDigest

    @classmethod
    def of(cls, evidence_type: str, value: Any) -> Evidence:
        """Evidence whose digest is SHA-256 of the canonical bytes of ``value``."""
        return cls(evidence_type, digest_of(value))

    @classmethod
    def parse(cls, evidence_type: str, digest: str | ContentDigest) -> Evidence:
        """Evidence from a digest in any accepted form (bare hex or ``sha256:<hex>``)."""
        return cls(evidence_type, digest if isinstance(digest, ContentDigest) else coerce_digest(digest))


@dataclass(frozen=True, slots=True)
class Refusal:
    """A guard's "no": the reason, and the evidence types it found missing (if that is the cause)."""

    reason: str
    missing_evidence: tuple[str, ...] = ()


def _frozen_facts(facts: Mapping[str, Any]) -> Mapping[str, Any]:
    return facts if isinstance(facts, MappingProxyType) else MappingProxyType(dict(facts))


@dataclass(frozen=True)
class TransitionContext:
    """Who asks for a transition and with what: actor, roles, typed evidence, a reason and arbitrary facts."""

    actor: str | None = None
    roles: frozenset[str] = frozenset()
    evidence: tuple[Evidence, ...] = ()
    facts: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    reason: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "roles", frozenset(self.roles))
        object.__setattr__(self, "evidence", tuple(self.evidence))
        object.__setattr__(self, "facts", _frozen_facts(self.facts))

    def evidence_types(self) -> frozenset[str]:
        """The set of evidence types supplied."""
        return frozenset(e.type for e in self.evidence)

    def with_reason(self, reason: str | None) -> TransitionContext:
        """A copy with ``reason`` set (``None`` keeps the current one)."""
        if reason is None:
            return self
        return TransitionContext(self.actor, self.roles, self.evidence, self.facts, reason)

    def with_facts(self, **facts: Any) -> TransitionContext:
        """A copy with ``facts`` added; these override the caller's facts of the same name."""
        return TransitionContext(self.actor, self.roles, self.evidence, {**self.facts, **facts}, self.reason)


@dataclass(frozen=True, slots=True)
class GuardInput:
    """What a guard sees."""

    machine: str
    transition: str
    from_state: str
    to_state: str
    context: TransitionContext


Guard = Callable[[GuardInput], Refusal | None]
"""A guard returns ``None`` to allow a transition or a :class:`Refusal` to refuse it."""


def guard_name(guard: Guard) -> str:
    """A guard's display name (its ``__name__``, or its repr)."""
    return str(getattr(guard, "__name__", repr(guard))).lstrip("_")


def _named(guard: Guard, name: str) -> Guard:
    guard.__name__ = name
    return guard


def require_role(role: str) -> Guard:
    """A guard allowing only callers whose context carries ``role`` (e.g. ``zone_authority``)."""

    def check(g: GuardInput) -> Refusal | None:
        if role in g.context.roles:
            return None
        held = ", ".join(sorted(g.context.roles)) or "none"
        return Refusal(f"authorisation {role!r} required; the caller holds: {held}")

    return _named(check, f"require_role({role})")


def require_reason() -> Guard:
    """A guard requiring a non-blank ``context.reason``."""

    def check(g: GuardInput) -> Refusal | None:
        if g.context.reason and g.context.reason.strip():
            return None
        return Refusal(f"a reason is required to {g.transition}")

    return _named(check, "require_reason")


def all_of(*guards: Guard) -> Guard:
    """A guard that allows only when every guard allows; the first refusal wins. Empty is an error (fail closed)."""
    if not guards:
        raise ValidationError("all_of() needs at least one guard")

    def check(g: GuardInput) -> Refusal | None:
        for guard in guards:
            refusal = guard(g)
            if refusal is not None:
                return refusal
        return None

    return _named(check, "all_of(" + ", ".join(guard_name(x) for x in guards) + ")")


@dataclass(frozen=True, slots=True)
class Transition:
    """One row of a machine's table."""

    name: str
    from_state: str
    to_state: str
    required_evidence: frozenset[str] = frozenset()
    guard: Guard | None = None

    @classmethod
    def many(
        cls,
        name: str,
        sources: Iterable[str],
        to_state: str,
        *,
        required_evidence: Iterable[str] = (),
        guard: Guard | None = None,
    ) -> tuple[Transition, ...]:
        """The same named transition from each of ``sources`` to ``to_state``."""
        needed = frozenset(required_evidence)
        return tuple(cls(name, source, to_state, needed, guard) for source in sources)


class MachineDefinition:
    """A validated, immutable state-machine table."""

    __slots__ = ("_by_pair", "_codes", "_initial", "_name", "_states", "_targets", "_transitions")

    def __init__(
        self, name: str, *, states: Sequence[StateSpec], initial: str, transitions: Sequence[Transition]
    ) -> None:
        self._name = name
        self._states = {s.name: s for s in states}
        self._codes = {s.code: s for s in states}
        self._initial = initial
        self._transitions = tuple(transitions)
        self._by_pair: dict[tuple[str, str], Transition] = {}
        self._targets: dict[str, str] = {}
        self._validate(states)

    def _validate(self, states: Sequence[StateSpec]) -> None:
        if len(self._states) != len(states) or len(self._codes) != len(states):
            raise ValidationError(f"machine {self._name}: state names and codes must be unique")
        if self._initial not in self._states:
            raise ValidationError(f"machine {self._name}: initial state {self._initial!r} is not a state")
        for t in self._transitions:
            for end in (t.from_state, t.to_state):
                if end not in self._states:
                    raise ValidationError(f"machine {self._name}: transition {t.name} names unknown state {end!r}")
            if self._states[t.from_state].terminal:
                raise ValidationError(f"machine {self._name}: {t.name} leaves terminal state {t.from_state}")
            if (t.from_state, t.to_state) in self._by_pair:
                raise ValidationError(f"machine {self._name}: two transitions {t.from_state} -> {t.to_state}")
            if self._targets.setdefault(t.name, t.to_state) != t.to_state:
                raise ValidationError(f"machine {self._name}: transition name {t.name!r} leads to two states")
            self._by_pair[(t.from_state, t.to_state)] = t

    @property
    def name(self) -> str:
        return self._name

    @property
    def initial(self) -> str:
        return self._initial

    @property
    def states(self) -> tuple[StateSpec, ...]:
        return tuple(self._states.values())

    @property
    def state_names(self) -> tuple[str, ...]:
        return tuple(self._states)

    @property
    def terminal(self) -> frozenset[str]:
        return frozenset(s.name for s in self._states.values() if s.terminal)

    @property
    def transitions(self) -> tuple[Transition, ...]:
        return self._transitions

    def state(self, text: str) -> StateSpec:
        """Parse a state by its JSON name (``UnderReview``) or its code (``UNDER_REVIEW``).

        Raises:
            ValidationError: neither form of any state of this machine.
        """
        spec = self._states.get(text) or self._codes.get(text)
        if spec is None:
            valid = ", ".join(self._states)
            raise ValidationError(f"{text!r} is not a state of the {self._name} machine; expected one of: {valid}")
        return spec

    def find(self, from_state: str, to_state: str) -> Transition | None:
        """The transition for a pair of state names, if the table has one."""
        return self._by_pair.get((from_state, to_state))

    def find_named(self, from_state: str, name: str) -> Transition | None:
        """The transition called ``name`` leaving ``from_state``, if any."""
        target = self._targets.get(name)
        found = None if target is None else self._by_pair.get((from_state, target))
        return found if found is not None and found.name == name else None

    def target_of(self, name: str) -> str | None:
        """The state a transition name leads to (names are single-target by construction)."""
        return self._targets.get(name)

    def valid_targets(self, from_state: str) -> tuple[str, ...]:
        """Target states reachable in one step from ``from_state``, in state-declaration order."""
        return tuple(s for s in self._states if (from_state, s) in self._by_pair)

    def describe(self) -> dict[str, Any]:
        """The table as plain JSON data (guards by name), for docs and audits."""
        return {
            "machine": self._name,
            "initial": self._initial,
            "states": [{"name": s.name, "code": s.code, "terminal": s.terminal} for s in self._states.values()],
            "transitions": [
                {
                    "name": t.name,
                    "from_state": t.from_state,
                    "to_state": t.to_state,
                    "required_evidence": sorted(t.required_evidence),
                    "guard": guard_name(t.guard) if t.guard else None,
                }
                for t in self._transitions
            ],
        }

"""Watcher bonding (reference-impl A §3.3): bond, activate, slash by condition, ban, rebond, unbond.

Stakes are integer minor units. A slash takes ``bonded_stake * bps // 10_000`` (integer floor, exact where the
reference computed in floating point; see docs/decisions.md), capped at the available stake (bonded minus
already slashed): availability failure 1 %, false attestation 50 %, equivocation 100 %, collusion 100 % and a
permanent ban (the terminal Banned state). Slashing requires ``slashing_evidence``; bond and rebond refuse a
zero amount.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from msez.core import ValidationError, WatcherId
from msez.state._clock import Clock, system_clock
from msez.state._definition import GuardInput, MachineDefinition, Refusal, StateSpec, Transition, TransitionContext
from msez.state._machine import Lifecycle, StateMachine, TransitionRecord
from msez.state._wire import WatcherModel, dump_machine, load_machine, parse_model

SLASHING_EVIDENCE = "slashing_evidence"


class SlashingCondition(StrEnum):
    """Why a watcher is slashed; the value is the JSON (PascalCase) form, ``code`` the SCREAMING form."""

    EQUIVOCATION = "Equivocation"
    AVAILABILITY_FAILURE = "AvailabilityFailure"
    FALSE_ATTESTATION = "FalseAttestation"
    COLLUSION = "Collusion"

    @property
    def code(self) -> str:
        return self.name

    @property
    def slash_bps(self) -> int:
        """The share of the bonded stake taken, in basis points."""
        return _SLASH_BPS[self]

    @classmethod
    def parse(cls, text: str) -> SlashingCondition:
        """Parse either form (``FalseAttestation`` or ``FALSE_ATTESTATION``).

        Raises:
            ValidationError: not a slashing condition.
        """
        for condition in cls:
            if text in (condition.value, condition.name):
                return condition
        valid = ", ".join(c.value for c in cls)
        raise ValidationError(f"unknown slashing condition {text!r}; expected one of: {valid}")


_SLASH_BPS = {
    SlashingCondition.EQUIVOCATION: 10_000,
    SlashingCondition.AVAILABILITY_FAILURE: 100,
    SlashingCondition.FALSE_ATTESTATION: 5_000,
    SlashingCondition.COLLUSION: 10_000,
}


def _positive_amount(g: GuardInput) -> Refusal | None:
    amount = g.context.facts.get("amount")
    if isinstance(amount, int) and not isinstance(amount, bool) and amount >= 1:
        return None
    return Refusal(f"insufficient stake: required at least 1 minor unit, got {amount!r}")


WATCHER_MACHINE = MachineDefinition(
    "watcher",
    states=(
        StateSpec("Registered", "REGISTERED"),
        StateSpec("Bonded", "BONDED"),
        StateSpec("Active", "ACTIVE"),
        StateSpec("Slashed", "SLASHED"),
        StateSpec("Unbonding", "UNBONDING"),
        StateSpec("Deactivated", "DEACTIVATED", terminal=True),
        StateSpec("Banned", "BANNED", terminal=True),
    ),
    initial="Registered",
    transitions=(
        Transition("bond", "Registered", "Bonded", guard=_positive_amount),
        Transition("activate", "Bonded", "Active"),
        Transition("slash", "Active", "Slashed", frozenset({SLASHING_EVIDENCE})),
        Transition("ban", "Active", "Banned", frozenset({SLASHING_EVIDENCE})),
        Transition("rebond", "Slashed", "Bonded", guard=_positive_amount),
        Transition("unbond", "Active", "Unbonding"),
        Transition("complete_unbond", "Unbonding", "Deactivated"),
    ),
)


class WatcherBond(Lifecycle):
    """A watcher's bond: stake, slashes and attestations counted in integer minor units."""

    __slots__ = ("attestation_count", "bonded_stake", "slash_count", "slashed_amount", "watcher_id")

    def __init__(self, watcher_id: WatcherId | str | None = None, *, clock: Clock = system_clock) -> None:
        super().__init__(StateMachine(WATCHER_MACHINE, clock=clock))
        self.watcher_id = WatcherId(watcher_id) if watcher_id is not None else WatcherId.new()
        self.bonded_stake = 0
        self.slashed_amount = 0
        self.slash_count = 0
        self.attestation_count = 0

    @property
    def available_stake(self) -> int:
        return self.bonded_stake - self.slashed_amount

    def _facts(self) -> Mapping[str, Any]:
        return {"bonded_stake": self.bonded_stake, "available_stake": self.available_stake}

    def bond(self, stake: int, context: TransitionContext | None = None) -> TransitionRecord:
        """Registered -> Bonded with ``stake`` (>= 1)."""
        record = self._fire("bond", context, amount=stake)
        self.bonded_stake = stake
        return record

    def activate(self, context: TransitionContext | None = None) -> TransitionRecord:
        return self._fire("activate", context)

    def slash(self, condition: SlashingCondition, context: TransitionContext | None = None) -> int:
        """Slash an Active watcher for ``condition`` (needs ``slashing_evidence``); return the amount taken.

        Collusion also bans the watcher for good.

        Raises:
            TransitionNotDefinedError: not Active.
            MissingEvidenceError: no ``slashing_evidence`` supplied.
        """
        amount = min(self.bonded_stake * condition.slash_bps // 10_000, self.available_stake)
        name = "ban" if condition is SlashingCondition.COLLUSION else "slash"
        ctx = context or TransitionContext()
        self._fire(name, ctx.with_reason(ctx.reason or condition.code), condition=condition.value, amount=amount)
        self.slashed_amount += amount
        self.slash_count += 1
        return amount

    def rebond(self, extra: int, context: TransitionContext | None = None) -> TransitionRecord:
        """Slashed -> Bonded, adding ``extra`` (>= 1) to the bonded stake."""
        record = self._fire("rebond", context, amount=extra)
        self.bonded_stake += extra
        return record

    def unbond(self, context: TransitionContext | None = None) -> TransitionRecord:
        return self._fire("unbond", context)

    def complete_unbond(self, context: TransitionContext | None = None) -> int:
        """Unbonding -> Deactivated; returns the stake released (bonded minus slashed)."""
        self._fire("complete_unbond", context)
        return self.available_stake

    def record_attestation(self) -> None:
        self.attestation_count += 1

    def to_json(self) -> dict[str, Any]:
        return dump_machine(
            self.machine,
            WatcherModel,
            watcher_id=str(self.watcher_id),
            bonded_stake=self.bonded_stake,
            slashed_amount=self.slashed_amount,
            slash_count=self.slash_count,
            attestation_count=self.attestation_count,
        )

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, clock: Clock = system_clock) -> WatcherBond:
        """Load the JSON form written by :meth:`to_json`.

        Raises:
            ValidationError: malformed, or more slashed than bonded.
        """
        parsed = parse_model(WatcherModel, data)
        if parsed.slashed_amount > parsed.bonded_stake:
            raise ValidationError(
                f"slashed_amount {parsed.slashed_amount} exceeds bonded_stake {parsed.bonded_stake}",
                path="$.slashed_amount",
            )
        bond = cls(parsed.watcher_id, clock=clock)
        bond._machine = load_machine(WATCHER_MACHINE, parsed, clock)
        bond.bonded_stake = parsed.bonded_stake
        bond.slashed_amount = parsed.slashed_amount
        bond.slash_count = parsed.slash_count
        bond.attestation_count = parsed.attestation_count
        return bond

"""The settlement plan artifact (artifact type ``settlement-plan``): wire model, digest and storage.

A plan is canonical JSON without floats: every amount is integer minor units, the reduction is integer basis
points. Its digest is the payload digest (canonical bytes without the top-level ``proof``), so proofs appended by
``sign_artifact`` never change what it names or where the artifact store keeps it. Unknown fields are kept, so a
plan read and written back digests the same.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import StrictInt

from msez.core import ArtifactRef, ContentDigest, Timestamp, payload_digest
from msez.crypto import ArtifactStore
from msez.schema import validate
from msez.settlement._legs import NettingMode
from msez.settlement._netting import NettingResult
from msez.settlement._obligation import Obligation
from msez.settlement._wire import Wire

PLAN_ARTIFACT_TYPE = "settlement-plan"
PLAN_SCHEMA = "corridor.settlement-plan"


class PlanObligation(Wire):
    from_party: str
    to_party: str
    amount: StrictInt
    currency: str
    corridor_id: str | None = None
    priority: StrictInt = 0

    @classmethod
    def of(cls, o: Obligation) -> PlanObligation:
        return cls(
            from_party=o.from_party,
            to_party=o.to_party,
            amount=o.amount,
            currency=o.currency,
            corridor_id=o.corridor_id,
            priority=o.priority,
        )

    def to_obligation(self) -> Obligation:
        return Obligation(self.from_party, self.to_party, self.amount, self.currency, self.corridor_id, self.priority)


class PlanDeferral(Wire):
    obligation: PlanObligation
    reason: str


class PlanLimit(Wire):
    party_id: str
    currency: str
    max_net_debit: StrictInt | None = None
    max_leg_amount: StrictInt | None = None


class PlanPosition(Wire):
    party_id: str
    currency: str
    receivable: StrictInt
    payable: StrictInt
    net: StrictInt


class PlanLeg(Wire):
    leg_id: str
    from_party: str
    to_party: str
    currency: str
    amount: StrictInt


class PlanCurrencyTotal(Wire):
    currency: str
    gross: StrictInt
    net: StrictInt
    reduction_bps: StrictInt
    leg_count: StrictInt


class PlanWindow(Wire):
    window_id: str
    opens_at: str
    closes_at: str


class SettlementPlan(Wire):
    """A netted settlement plan: its inputs (obligations, limits), its outputs (positions, legs, totals)."""

    type: Literal["MSEZCorridorSettlementPlan"] = "MSEZCorridorSettlementPlan"
    plan_id: str
    created_at: str
    mode: NettingMode
    issuer: str | None = None
    corridor_id: str | None = None
    window: PlanWindow | None = None
    obligations: tuple[PlanObligation, ...]
    deferred: tuple[PlanDeferral, ...] = ()
    limits: tuple[PlanLimit, ...] = ()
    net_positions: tuple[PlanPosition, ...]
    legs: tuple[PlanLeg, ...]
    currency_totals: tuple[PlanCurrencyTotal, ...]
    gross_total: StrictInt
    net_total: StrictInt
    reduction_bps: StrictInt
    proof: Any = None

    @classmethod
    def from_json(cls, value: Any, *, source: str | None = None) -> SettlementPlan:
        """Check ``value`` against the plan schema and load it.

        Raises:
            SchemaValidationError: not a plan. ValidationError: a field the schema cannot check.
        """
        validate(value, PLAN_SCHEMA, file=source)
        return cls.load(value, source=source)


def build_plan(
    result: NettingResult,
    *,
    plan_id: str,
    created_at: Timestamp,
    issuer: str | None = None,
    corridor_id: str | None = None,
    window: PlanWindow | None = None,
) -> SettlementPlan:
    """The plan artifact of a netting result."""
    return SettlementPlan(
        plan_id=plan_id,
        created_at=str(created_at),
        mode=result.mode,
        issuer=issuer,
        corridor_id=corridor_id,
        window=window,
        obligations=tuple(PlanObligation.of(o) for o in result.obligations),
        deferred=tuple(
            PlanDeferral(obligation=PlanObligation.of(d.obligation), reason=d.reason) for d in result.deferred
        ),
        limits=tuple(
            PlanLimit(
                party_id=x.party_id, currency=x.currency, max_net_debit=x.max_net_debit, max_leg_amount=x.max_leg_amount
            )
            for x in result.limits
        ),
        net_positions=tuple(
            PlanPosition(
                party_id=p.party_id, currency=p.currency, receivable=p.receivable, payable=p.payable, net=p.net
            )
            for p in result.positions
        ),
        legs=tuple(
            PlanLeg(leg_id=x.leg_id, from_party=x.from_party, to_party=x.to_party, currency=x.currency, amount=x.amount)
            for x in result.legs
        ),
        currency_totals=tuple(
            PlanCurrencyTotal(
                currency=t.currency, gross=t.gross, net=t.net, reduction_bps=t.reduction_bps, leg_count=t.leg_count
            )
            for t in result.currency_totals
        ),
        gross_total=result.gross_total,
        net_total=result.net_total,
        reduction_bps=result.reduction_bps,
    )


def plan_digest(plan: SettlementPlan) -> ContentDigest:
    """The plan's digest: SHA-256 of its canonical bytes without ``proof`` (what a proof will sign)."""
    return payload_digest(plan.to_json())


def store_plan(store: ArtifactStore, plan: SettlementPlan) -> ArtifactRef:
    """Put the plan in the artifact store as type ``settlement-plan`` (idempotent)."""
    return store.put_json(PLAN_ARTIFACT_TYPE, plan.to_json())

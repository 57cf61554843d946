"""Checking a settlement plan without trusting whoever computed it.

The checks do not re-run our leg algorithm (any balanced set of legs is a valid settlement); they recompute
what the plan's own inputs imply:

1. every leg pays a positive amount to another party, and leg ids are unique;
2. the net positions equal those recomputed from the plan's obligations, and ``net = receivable - payable``;
3. the legs balance: for each currency, what each party receives minus what it pays equals its net;
4. per-currency and overall totals: gross = sum of obligations, net = sum of legs, ``reduction_bps``;
5. no leg exceeds its payer's ``max_leg_amount`` and no party pays more than its ``max_net_debit``;
6. no obligation appears twice, or both settled and deferred;
7. every proof on the plan verifies over its payload, and each required signer has a valid proof.

:func:`check_plan` reports every failure; :func:`verify_plan` raises on the first report that has any.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from msez.core import ContentDigest, IntegrityError, payload_digest
from msez.settlement._legs import reduction_bps
from msez.settlement._plan import PlanObligation, SettlementPlan
from msez.settlement._signing import ArtifactReport, check_signatures
from msez.vc import KeyResolver

PartyKey = tuple[str, str]


@dataclass(frozen=True)
class PlanReport(ArtifactReport):
    """The plan's digest, every content check that failed (steps 1-6) and its signatures (step 7)."""


def check_plan(
    plan: SettlementPlan | Mapping[str, Any],
    *,
    required_signers: Iterable[str] = (),
    resolver: KeyResolver | None = None,
) -> PlanReport:
    """Run every check on ``plan`` and report all failures.

    Args:
        plan: a plan, or the JSON document as read (its proofs are then checked over exactly those bytes).
        required_signers: DIDs that must each have a valid proof on the plan.

    Raises:
        SchemaValidationError, ValidationError: ``plan`` is a document that is not a settlement plan.
    """
    document = plan.to_json() if isinstance(plan, SettlementPlan) else plan
    model = plan if isinstance(plan, SettlementPlan) else SettlementPlan.from_json(plan)
    failures = [
        *_check_legs(model),
        *_check_positions(model),
        *_check_balance(model),
        *_check_totals(model),
        *_check_limits(model),
        *_check_obligations(model),
    ]
    signatures = check_signatures(document, required=required_signers, resolver=resolver)
    return PlanReport(digest=payload_digest(document), failures=tuple(failures), signatures=signatures)


def verify_plan(
    plan: SettlementPlan | Mapping[str, Any],
    *,
    required_signers: Iterable[str] = (),
    resolver: KeyResolver | None = None,
) -> ContentDigest:
    """The plan's digest, if every check passes (see :func:`check_plan`).

    Raises:
        IntegrityError: naming the failed checks (the first three, and how many there are).
    """
    report = check_plan(plan, required_signers=required_signers, resolver=resolver)
    failures = report.all_failures()
    if failures:
        shown = "; ".join(failures[:3])
        more = f" (and {len(failures) - 3} more)" if len(failures) > 3 else ""
        plan_id = plan.plan_id if isinstance(plan, SettlementPlan) else plan.get("plan_id")
        raise IntegrityError(f"settlement plan {plan_id} does not verify: {shown}{more}")
    return report.digest


def _check_legs(plan: SettlementPlan) -> list[str]:
    failures = [f"leg {leg.leg_id} amount must be positive, got {leg.amount}" for leg in plan.legs if leg.amount <= 0]
    failures += [
        f"leg {leg.leg_id} pays {leg.from_party} to itself" for leg in plan.legs if leg.from_party == leg.to_party
    ]
    counts = Counter(leg.leg_id for leg in plan.legs)
    failures += [f"leg id {leg_id} appears {n} times" for leg_id, n in sorted(counts.items()) if n > 1]
    return failures


def _recomputed_positions(plan: SettlementPlan) -> dict[PartyKey, tuple[int, int]]:
    receivable: dict[PartyKey, int] = defaultdict(int)
    payable: dict[PartyKey, int] = defaultdict(int)
    for o in plan.obligations:
        payable[(o.from_party, o.currency)] += o.amount
        receivable[(o.to_party, o.currency)] += o.amount
    return {key: (receivable.get(key, 0), payable.get(key, 0)) for key in receivable.keys() | payable.keys()}


def _check_positions(plan: SettlementPlan) -> list[str]:
    failures = [
        f"position {p.party_id}/{p.currency}: net {p.net} != receivable {p.receivable} - payable {p.payable}"
        for p in plan.net_positions
        if p.net != p.receivable - p.payable
    ]
    recorded = {(p.party_id, p.currency): (p.receivable, p.payable) for p in plan.net_positions}
    expected = _recomputed_positions(plan)
    for key in sorted(recorded.keys() | expected.keys()):
        if recorded.get(key) != expected.get(key):
            failures.append(
                f"position {key[0]}/{key[1]}: recorded (receivable, payable) {recorded.get(key)}, "
                f"obligations give {expected.get(key)}"
            )
    return failures


def _check_balance(plan: SettlementPlan) -> list[str]:
    flows: dict[PartyKey, int] = defaultdict(int)
    for leg in plan.legs:
        flows[(leg.from_party, leg.currency)] -= leg.amount
        flows[(leg.to_party, leg.currency)] += leg.amount
    nets = {(p.party_id, p.currency): p.net for p in plan.net_positions}
    return [
        f"legs do not balance for {key[0]} in {key[1]}: "
        f"legs give {flows.get(key, 0)}, net position is {nets.get(key, 0)}"
        for key in sorted(flows.keys() | nets.keys())
        if flows.get(key, 0) != nets.get(key, 0)
    ]


def _check_totals(plan: SettlementPlan) -> list[str]:
    gross: dict[str, int] = defaultdict(int)
    paid: dict[str, int] = defaultdict(int)
    legs: dict[str, int] = defaultdict(int)
    for o in plan.obligations:
        gross[o.currency] += o.amount
    for leg in plan.legs:
        paid[leg.currency] += leg.amount
        legs[leg.currency] += 1
    recorded = {t.currency: (t.gross, t.net, t.leg_count, t.reduction_bps) for t in plan.currency_totals}
    failures = []
    for ccy in sorted(recorded.keys() | gross.keys() | paid.keys()):
        expected = (gross[ccy], paid[ccy], legs[ccy], reduction_bps(gross[ccy], paid[ccy]))
        if recorded.get(ccy) != expected:
            failures.append(
                f"totals for {ccy}: recorded (gross, net, legs, bps) {recorded.get(ccy)}, expected {expected}"
            )
    g, n = sum(gross.values()), sum(paid.values())
    if (plan.gross_total, plan.net_total, plan.reduction_bps) != (g, n, reduction_bps(g, n)):
        failures.append(
            f"plan totals (gross, net, bps) are {(plan.gross_total, plan.net_total, plan.reduction_bps)}, "
            f"expected {(g, n, reduction_bps(g, n))}"
        )
    return failures


def _check_limits(plan: SettlementPlan) -> list[str]:
    limits = {(x.party_id, x.currency): x for x in plan.limits}
    failures = []
    paid: dict[PartyKey, int] = defaultdict(int)
    for leg in plan.legs:
        key = (leg.from_party, leg.currency)
        paid[key] += leg.amount
        cap = limits[key].max_leg_amount if key in limits else None
        if cap is not None and leg.amount > cap:
            failures.append(f"leg {leg.leg_id} pays {leg.amount}, above {leg.from_party}'s leg limit {cap}")
    for key, limit in sorted(limits.items()):
        if limit.max_net_debit is not None and paid[key] > limit.max_net_debit:
            failures.append(f"{key[0]} pays {paid[key]} {key[1]}, above its net debit limit {limit.max_net_debit}")
    return failures


def _key(o: PlanObligation) -> tuple[str, str, int, str, str]:
    return (o.from_party, o.to_party, o.amount, o.currency, o.corridor_id or "")


def _check_obligations(plan: SettlementPlan) -> list[str]:
    counts = Counter([_key(o) for o in plan.obligations] + [_key(d.obligation) for d in plan.deferred])
    return [
        f"obligation {'->'.join(k[:2])} {k[2]} {k[3]} appears {n} times" for k, n in sorted(counts.items()) if n > 1
    ]

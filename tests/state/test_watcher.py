"""Watcher bonding: stake, slashing percentages, the collusion ban, rebond and unbond."""

from __future__ import annotations

import pytest

from msez.core import ValidationError
from msez.state import (
    SLASHING_EVIDENCE,
    GuardRefusedError,
    MissingEvidenceError,
    SlashingCondition,
    TransitionNotDefinedError,
    WatcherBond,
)
from tests.state.conftest import ctx

PROOF = ctx(SLASHING_EVIDENCE)


def active(stake: int = 1_000_000) -> WatcherBond:
    bond = WatcherBond()
    bond.bond(stake)
    bond.activate()
    return bond


@pytest.mark.parametrize(
    ("condition", "amount", "state"),
    [
        pytest.param(SlashingCondition.AVAILABILITY_FAILURE, 10_000, "Slashed", id="availability-1pct"),
        pytest.param(SlashingCondition.FALSE_ATTESTATION, 500_000, "Slashed", id="false-attestation-50pct"),
        pytest.param(SlashingCondition.EQUIVOCATION, 1_000_000, "Slashed", id="equivocation-100pct"),
        pytest.param(SlashingCondition.COLLUSION, 1_000_000, "Banned", id="collusion-ban"),
    ],
)
def test_slash_amounts(condition: SlashingCondition, amount: int, state: str) -> None:
    bond = active()
    assert bond.slash(condition, PROOF) == amount
    assert (bond.state, bond.slashed_amount, bond.slash_count) == (state, amount, 1)
    assert bond.history[-1].reason == condition.code


def test_slash_is_capped_at_available_stake() -> None:
    bond = active(1_000_000)
    bond.slash(SlashingCondition.FALSE_ATTESTATION, PROOF)
    bond.rebond(1)
    bond.activate()
    assert bond.slash(SlashingCondition.EQUIVOCATION, PROOF) == 500_001
    assert bond.available_stake == 0 and bond.slash_count == 2


def test_slash_needs_evidence_and_an_active_watcher() -> None:
    bond = active()
    with pytest.raises(MissingEvidenceError, match="missing: slashing_evidence"):
        bond.slash(SlashingCondition.EQUIVOCATION)
    bond.unbond()
    with pytest.raises(TransitionNotDefinedError, match="slash is not allowed from Unbonding"):
        bond.slash(SlashingCondition.EQUIVOCATION, PROOF)
    assert bond.slashed_amount == 0


def test_bond_is_not_rebond() -> None:
    bond = active()
    bond.slash(SlashingCondition.EQUIVOCATION, PROOF)
    with pytest.raises(TransitionNotDefinedError, match="bond is not allowed from Slashed"):
        bond.bond(1)
    assert (bond.state, bond.bonded_stake) == ("Slashed", 1_000_000)


def test_banned_is_final() -> None:
    bond = active()
    bond.slash(SlashingCondition.COLLUSION, PROOF)
    with pytest.raises(TransitionNotDefinedError, match="Banned is terminal"):
        bond.rebond(100)


@pytest.mark.parametrize("amount", [pytest.param(0, id="zero"), pytest.param(-5, id="negative")])
def test_zero_stake_and_zero_rebond_are_refused(amount: int) -> None:
    with pytest.raises(GuardRefusedError, match=f"insufficient stake: required at least 1 minor unit, got {amount}"):
        WatcherBond().bond(amount)
    bond = active()
    bond.slash(SlashingCondition.AVAILABILITY_FAILURE, PROOF)
    with pytest.raises(GuardRefusedError, match="insufficient stake"):
        bond.rebond(amount)


def test_unbond_returns_the_available_stake() -> None:
    bond = active()
    bond.slash(SlashingCondition.AVAILABILITY_FAILURE, PROOF)
    bond.rebond(5_000)
    bond.activate()
    bond.record_attestation()
    bond.unbond()
    assert bond.complete_unbond() == 995_000 and bond.state == "Deactivated"


def test_condition_forms() -> None:
    assert SlashingCondition.parse("FALSE_ATTESTATION") is SlashingCondition.parse("FalseAttestation")
    assert SlashingCondition.COLLUSION.slash_bps == 10_000
    with pytest.raises(ValidationError, match="unknown slashing condition 'SAFETY'"):
        SlashingCondition.parse("SAFETY")


def test_json_round_trip_and_consistency() -> None:
    bond = active()
    bond.slash(SlashingCondition.FALSE_ATTESTATION, PROOF)
    data = bond.to_json()
    assert (data["state"], data["bonded_stake"], data["slashed_amount"]) == ("Slashed", 1_000_000, 500_000)
    assert WatcherBond.from_json(data).to_json() == data
    with pytest.raises(ValidationError, match="slashed_amount 2000000 exceeds bonded_stake 1000000"):
        WatcherBond.from_json({**data, "slashed_amount": 2_000_000})

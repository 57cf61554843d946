"""Chain verification and lifecycle details beside the end-to-end scenario (tests/corridor/test_three_zone_scenario.py):
strict verification needs a fork resolution, HALTED needs the fork alarm, a repeated head is idempotent, and a chain
in the mez family verifies."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from msez.core import Timestamp
from msez.corridor import (
    ChainVerifier,
    CorridorLifecycle,
    FinalityLevel,
    ForkDetectedError,
    build_canonical_chain,
    genesis_roots,
    seal_receipt,
    verify_chain,
)
from msez.state import TransitionNotDefinedError
from msez.vc import Signer, add_proof, new_credential, sign_credential
from tests.corridor.state.conftest import CORRIDOR, T0, World, receipt

NOW = T0 + timedelta(days=1)


def _transition(world: World, signer: Signer, from_state: str, to_state: str, at: Timestamp) -> dict[str, Any]:
    subject = {
        "type": "MSEZCorridorLifecycleTransition",
        "corridor_id": CORRIDOR,
        "from_state": from_state,
        "to_state": to_state,
        "transitioned_at": str(at),
    }
    unsigned = new_credential(
        types=["MSEZCorridorLifecycleTransitionCredential"], issuer=str(signer.did), subject=subject, issued_at=at
    )
    return sign_credential(unsigned, signer, created=at).to_json()


def _evidence(signer: Signer, vc_type: str, at: Timestamp) -> dict[str, Any]:
    unsigned = new_credential(types=[vc_type], issuer=str(signer.did), subject={"corridor_id": CORRIDOR}, issued_at=at)
    return sign_credential(unsigned, signer, created=at).to_json()


def _active_lifecycle(world: World) -> CorridorLifecycle:
    lifecycle = CorridorLifecycle(CORRIDOR)
    definition = _evidence(world.zone_a, "MSEZCorridorDefinitionCredential", T0)
    lifecycle.apply(
        _transition(world, world.zone_a, "DRAFT", "PENDING", T0), world.policy, evidence=[definition], now=NOW
    )
    agreement = _evidence(world.zone_b, "MSEZCorridorAgreementCredential", T0)
    lifecycle.apply(
        _transition(world, world.zone_a, "PENDING", "ACTIVE", T0),
        world.policy,
        evidence=[agreement],
        finality=FinalityLevel.RECEIPT_SIGNED,
        now=NOW,
    )
    return lifecycle


def test_strict_verify_needs_the_resolution(world: World, thousand: list[dict[str, Any]]) -> None:
    base = thousand[:3]
    a = receipt(world, 3, base[-1]["next_root"], payload={"x": 1})
    b = receipt(world, 3, base[-1]["next_root"], payload={"x": 2})
    with pytest.raises(ForkDetectedError, match="no binding fork resolution"):
        build_canonical_chain([*base, a, b], world.policy, checker=world.checker())
    report = build_canonical_chain([*base, a, b], world.policy, checker=world.checker(), strict=False).report()
    assert report["forks"]["unresolved"] == 1
    assert report["recommendations"][0].startswith("UNRESOLVED_FORKS")


def test_halt_without_the_fork_alarm_is_refused(world: World) -> None:
    lifecycle = _active_lifecycle(world)
    with pytest.raises(Exception, match="missing: MSEZCorridorForkAlarmCredential"):
        lifecycle.apply(_transition(world, world.zone_a, "ACTIVE", "HALTED", T0), world.policy, now=NOW)
    with pytest.raises(TransitionNotDefinedError, match="valid targets: HALTED, SUSPENDED, DEPRECATED"):
        lifecycle.apply(_transition(world, world.zone_a, "ACTIVE", "PENDING", T0), world.policy, now=NOW)


def test_duplicate_of_the_head_is_idempotent(world: World, thousand: list[dict[str, Any]]) -> None:
    verifier = ChainVerifier(world.policy, checker=world.checker())
    for item in thousand[:5]:
        verifier.append(item)
    assert verifier.append(thousand[4]) is None
    assert (verifier.head.receipt_count, verifier.duplicates) == (5, 1)


def test_a_chain_in_the_mez_family_verifies(world: World) -> None:
    """Decision D1: verification accepts the later MEZ type names and the mez genesis tag."""
    mez_genesis = genesis_roots(world.policy)[1].hex
    unsigned = {k: v for k, v in receipt(world, 0, mez_genesis).items() if k != "proof"}
    unsigned["type"] = "MEZCorridorStateReceipt"
    unsigned["transition"] = {**unsigned["transition"], "type": "MEZTransitionEnvelope"}
    sealed = seal_receipt(unsigned)
    for signer in world.signers:
        sealed = add_proof(sealed, signer, created=T0)
    head = verify_chain([sealed], world.policy, checker=world.checker())
    assert (head.genesis_root, head.receipt_count) == (mez_genesis, 1)

"""Acceptance 2, the state-channel half: 1,000 signed receipts, checkpoints, proofs, forgeries, a fork and the
lifecycle through HALTED back to ACTIVE on the chosen branch."""

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
    ForkEvidence,
    ForkResolutions,
    ReceiptRejectedError,
    RejectReason,
    build_canonical_chain,
    build_consistency_proof,
    build_inclusion_proof,
    fork_alarm_credential,
    fork_resolution_credential,
    genesis_roots,
    seal_receipt,
    verify_chain,
    verify_consistency,
    verify_inclusion,
)
from msez.crypto.mmr import MerkleMountainRange
from msez.state import TransitionNotDefinedError
from msez.vc import Signer, add_proof, new_credential, sign_credential
from tests.corridor.state.conftest import CORRIDOR, T0, World, receipt, verified

NOW = T0 + timedelta(days=1)


def test_thousand_receipts_verify_with_thresholds(world: World, thousand: list[dict[str, Any]]) -> None:
    head = verify_chain(thousand, world.policy, checker=world.checker())
    assert (head.receipt_count, head.final_state_root) == (1000, thousand[-1]["next_root"])
    assert MerkleMountainRange.from_next_roots(r["next_root"] for r in thousand).root() == head.mmr_root


def test_checkpoint_every_hundred(world: World, every_hundred: list[dict[str, Any]]) -> None:
    assert [c["receipt_count"] for c in every_hundred] == list(range(100, 1001, 100))
    assert all(verified(world, c).signers == {world.zone_a.did, world.zone_b.did} for c in every_hundred)


def test_inclusion_of_receipt_777_in_the_last_checkpoint(
    world: World, thousand: list[dict[str, Any]], every_hundred: list[dict[str, Any]]
) -> None:
    last = verified(world, every_hundred[-1])
    mmr = MerkleMountainRange.from_next_roots(r["next_root"] for r in thousand)
    proof = build_inclusion_proof(mmr, thousand[777], checkpoint=last, generated_at=NOW)
    assert (proof["leaf_index"], proof["mmr"]["size"], proof["checkpoint_digest_sha256"]) == (
        777,
        1000,
        last.digest.hex,
    )
    assert verify_inclusion(thousand[777], proof, last, world.checker()).sequence == 777
    with pytest.raises(Exception, match="wrong-receipt"):
        verify_inclusion(thousand[778], proof, last, world.checker())


def test_consistency_from_checkpoint_3_to_checkpoint_10(
    world: World, thousand: list[dict[str, Any]], every_hundred: list[dict[str, Any]]
) -> None:
    old, new = verified(world, every_hundred[2]), verified(world, every_hundred[9])
    mmr = MerkleMountainRange.from_next_roots(r["next_root"] for r in thousand)
    proof = build_consistency_proof(mmr, old, new)
    assert (proof["old_size"], proof["new_size"]) == (300, 1000)
    verify_consistency(proof, old, new)
    with pytest.raises(Exception, match="checkpoint-binding"):
        verify_consistency(proof, verified(world, every_hundred[3]), new)


def _bad_signature(world: World, base: list[dict[str, Any]]) -> dict[str, Any]:
    forged = receipt(world, 1000, base[-1]["next_root"])
    jws = forged["proof"][0]["jws"]
    forged["proof"][0]["jws"] = ("A" if jws[0] != "A" else "B") + jws[1:]
    return forged


def _wrong_next_root(world: World, base: list[dict[str, Any]]) -> dict[str, Any]:
    """A forger who holds the signing keys but commits to a root the receipt does not hash to."""
    forged = {k: v for k, v in receipt(world, 1000, base[-1]["next_root"]).items() if k != "proof"}
    forged["next_root"] = "ee" * 32
    for signer in world.signers:
        forged = add_proof(forged, signer, created=T0)
    return forged


FORGERIES = [
    pytest.param(_bad_signature, (RejectReason.BAD_SIGNATURE, 1000, "proof\\[0\\] bad-signature"), id="bad-signature"),
    pytest.param(
        lambda w, b: receipt(w, 1000, b[-2]["next_root"]),
        (RejectReason.PREV_ROOT_MISMATCH, 1000, "does not extend the head"),
        id="wrong-prev-root",
    ),
    pytest.param(_wrong_next_root, (RejectReason.NEXT_ROOT_MISMATCH, 1000, "recomputed"), id="wrong-next-root"),
    pytest.param(
        lambda w, b: receipt(w, 1001, b[-1]["next_root"]),
        (RejectReason.SEQUENCE_GAP, 1001, "receipts 1000..1000 are missing"),
        id="sequence-gap",
    ),
    pytest.param(
        lambda w, b: receipt(w, 500, b[-1]["next_root"]),
        (RejectReason.REPEATED_SEQUENCE, 500, "sequence 500 is already taken"),
        id="repeated-sequence",
    ),
    pytest.param(
        lambda w, b: receipt(w, 1000, b[-1]["next_root"], signers=(w.zone_a, w.outsider, w.regulator)),
        (RejectReason.UNAUTHORISED_SIGNER, 1000, "is not authorised to sign receipts"),
        id="unauthorised-signer",
    ),
    pytest.param(
        lambda w, b: receipt(w, 1000, b[-1]["next_root"], signers=(w.zone_a, w.regulator)),
        (RejectReason.THRESHOLD_NOT_MET, 1000, "zone_authority 1 of 2 required"),
        id="below-threshold",
    ),
]


@pytest.mark.parametrize(("forge", "expected"), FORGERIES)
def test_forged_receipt_is_rejected_with_its_reason(
    world: World, thousand: list[dict[str, Any]], forge: Any, expected: tuple[RejectReason, int, str]
) -> None:
    reason, sequence, message = expected
    forged = forge(world, thousand)
    with pytest.raises(ReceiptRejectedError, match=message) as caught:
        verify_chain([*thousand, forged], world.policy, checker=world.checker())
    assert (caught.value.reason, caught.value.sequence) == (reason, sequence)


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


def test_fork_halts_and_resolution_resumes_on_the_chosen_branch(world: World, thousand: list[dict[str, Any]]) -> None:
    base = thousand[:10]
    branch_a = receipt(world, 10, base[-1]["next_root"], payload={"branch": "a"})
    branch_b = receipt(world, 10, base[-1]["next_root"], payload={"branch": "b"})
    tail_b = receipt(world, 11, branch_b["next_root"], payload={"branch": "b", "n": 11})
    # Two valid receipts at one sequence: the streaming verifier raises a fork alarm.
    with pytest.raises(ForkDetectedError, match="fork") as caught:
        verify_chain([*base, branch_a, branch_b], world.policy, checker=world.checker())
    fork = ForkEvidence.of(caught.value)
    assert (fork.sequence, {fork.receipt_a["next_root"], fork.receipt_b["next_root"]}) == (
        10,
        {branch_a["next_root"], branch_b["next_root"]},
    )
    alarm = sign_credential(
        fork_alarm_credential(fork, issuer=str(world.watchers[0].did), detected_at=T0), world.watchers[0], created=T0
    ).to_json()
    lifecycle = _active_lifecycle(world)
    lifecycle.apply(
        _transition(world, world.zone_c, "ACTIVE", "HALTED", T0 + timedelta(seconds=5)),
        world.policy,
        evidence=[alarm],
        now=NOW,
    )
    assert lifecycle.state == "HALTED"
    # The authority resolves the fork in favour of branch b; the canonical chain follows it.
    resolution = sign_credential(
        fork_resolution_credential(
            corridor_id=CORRIDOR,
            sequence=10,
            prev_root=fork.prev_root,
            chosen_next_root=branch_b["next_root"],
            issuer=str(world.zone_a.did),
            candidates=[branch_a["next_root"]],
            resolved_at=T0 + timedelta(seconds=9),
        ),
        world.zone_a,
        created=T0,
    ).to_json()
    resolutions = ForkResolutions.from_credentials([resolution], world.policy, now=NOW)
    canonical = build_canonical_chain(
        [*base, branch_a, branch_b, tail_b], world.policy, checker=world.checker(), resolutions=resolutions
    )
    assert (canonical.head.receipt_count, canonical.head.final_state_root) == (12, tail_b["next_root"])
    assert canonical.forks[0].resolved_by == "authority"
    record = lifecycle.apply(
        _transition(world, world.zone_a, "HALTED", "ACTIVE", T0 + timedelta(seconds=10)),
        world.policy,
        evidence=[resolution],
        now=NOW,
    )
    assert lifecycle.state == "ACTIVE"
    assert [r.to_state for r in lifecycle.history] == ["PENDING", "ACTIVE", "HALTED", "ACTIVE"]
    assert {e.type for e in record.evidence} == {
        "MSEZCorridorLifecycleTransitionCredential",
        "MSEZCorridorForkResolutionCredential",
    }


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

"""Acceptance 4: the v2 corridor lifecycle. Every pair outside the table is refused with the valid targets; every
allowed transition without its evidence, authorisation or finality is refused naming what is missing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from msez.core import StateTransitionError, Timestamp, ValidationError
from msez.corridor import (
    CorridorLifecycle,
    FinalityLevel,
    check_machine_document,
    fork_resolution_credential,
    machine_document,
)
from msez.crypto import MemoryArtifactStore
from msez.state import GuardRefusedError, MissingEvidenceError, TransitionNotDefinedError
from msez.vc import Signer, new_credential, sign_credential
from tests.conftest import INTEROP
from tests.corridor.state.conftest import CORRIDOR, T0, World

NOW = Timestamp.parse("2026-01-16T00:00:00Z")
STATES = ("DRAFT", "PENDING", "ACTIVE", "HALTED", "SUSPENDED", "DEPRECATED")
# spec 40.14, written out independently of the machine table
V2 = {
    ("DRAFT", "PENDING"): ("evidence", "MSEZCorridorDefinitionCredential"),
    ("PENDING", "ACTIVE"): ("evidence", "MSEZCorridorAgreementCredential"),
    ("ACTIVE", "HALTED"): ("evidence", "MSEZCorridorForkAlarmCredential"),
    ("ACTIVE", "SUSPENDED"): ("authorisation", "zone_authority"),
    ("HALTED", "ACTIVE"): ("evidence", "MSEZCorridorForkResolutionCredential"),
    ("SUSPENDED", "ACTIVE"): ("authorisation", "zone_authority"),
    ("ACTIVE", "DEPRECATED"): ("authorisation", "zone_authority"),
    ("HALTED", "DEPRECATED"): ("authorisation", "zone_authority"),
    ("SUSPENDED", "DEPRECATED"): ("authorisation", "zone_authority"),
}


def targets(state: str) -> list[str]:
    return [to for to in STATES if (state, to) in V2]


def transition(signer: Signer, from_state: str, to_state: str) -> dict[str, Any]:
    subject = {
        "type": "MSEZCorridorLifecycleTransition",
        "corridor_id": CORRIDOR,
        "from_state": from_state,
        "to_state": to_state,
        "transitioned_at": str(T0),
        "reason": "test",
    }
    unsigned = new_credential(
        types=["MSEZCorridorLifecycleTransitionCredential"], issuer=str(signer.did), subject=subject, issued_at=T0
    )
    return sign_credential(unsigned, signer, created=T0).to_json()


def credential(signer: Signer, vc_type: str) -> dict[str, Any]:
    unsigned = new_credential(types=[vc_type], issuer=str(signer.did), subject={"corridor_id": CORRIDOR}, issued_at=T0)
    return sign_credential(unsigned, signer, created=T0).to_json()


def resolution(signer: Signer) -> dict[str, Any]:
    unsigned = fork_resolution_credential(
        corridor_id=CORRIDOR,
        sequence=4,
        prev_root="aa" * 32,
        chosen_next_root="bb" * 32,
        issuer=str(signer.did),
        resolved_at=T0,
    )
    return sign_credential(unsigned, signer, created=T0).to_json()


def all_evidence(world: World) -> list[dict[str, Any]]:
    kinds = ("MSEZCorridorDefinitionCredential", "MSEZCorridorAgreementCredential", "MSEZCorridorForkAlarmCredential")
    return [*(credential(world.zone_a, k) for k in kinds), resolution(world.zone_b)]


def at(state: str) -> CorridorLifecycle:
    return CorridorLifecycle.from_json({"machine": "corridor", "state": state, "corridor_id": CORRIDOR})


PAIRS = [pytest.param(f, t, id=f"{f}->{t}") for f in STATES for t in (*STATES, "PROPOSED", "OPERATIONAL")]


@pytest.mark.parametrize(("from_state", "to_state"), PAIRS)
def test_every_pair(world: World, from_state: str, to_state: str) -> None:
    lifecycle = at(from_state)
    apply = lambda: lifecycle.apply(  # noqa: E731
        transition(world.zone_a, from_state, to_state),
        world.policy,
        evidence=all_evidence(world),
        finality=FinalityLevel.RECEIPT_SIGNED,
        now=NOW,
    )
    if to_state in ("PROPOSED", "OPERATIONAL"):
        with pytest.raises(ValidationError, match=f"{to_state} is a v1 corridor state"):
            apply()
    elif (from_state, to_state) in V2:
        record = apply()
        assert (lifecycle.state, record.from_state, record.to_state) == (to_state, from_state, to_state)
    else:
        with pytest.raises(TransitionNotDefinedError) as caught:
            apply()
        assert list(caught.value.valid_targets) == targets(from_state)
        assert f"valid targets: {', '.join(targets(from_state)) or 'none'}" in str(caught.value)
        assert lifecycle.state == from_state


EVIDENCE_GATED = [pytest.param(f, t, gate, id=f"{f}->{t}") for (f, t), (kind, gate) in V2.items() if kind == "evidence"]
AUTHORISED = [pytest.param(f, t, id=f"{f}->{t}") for (f, t), (kind, _) in V2.items() if kind == "authorisation"]


@pytest.mark.parametrize(("from_state", "to_state", "evidence_type"), EVIDENCE_GATED)
def test_missing_evidence_is_named(world: World, from_state: str, to_state: str, evidence_type: str) -> None:
    lifecycle = at(from_state)
    others = [e for e in all_evidence(world) if evidence_type not in e["type"]]
    with pytest.raises(MissingEvidenceError, match=f"missing: {evidence_type}") as caught:
        lifecycle.apply(
            transition(world.zone_a, from_state, to_state),
            world.policy,
            evidence=others,
            finality=FinalityLevel.RECEIPT_SIGNED,
            now=NOW,
        )
    assert caught.value.missing == (evidence_type,)


@pytest.mark.parametrize(("from_state", "to_state"), AUTHORISED)
def test_missing_authorisation_is_named(world: World, from_state: str, to_state: str) -> None:
    with pytest.raises(GuardRefusedError, match="authorisation 'zone_authority' required; the caller holds: regulator"):
        at(from_state).apply(transition(world.regulator, from_state, to_state), world.policy, now=NOW)
    with pytest.raises(GuardRefusedError, match="the caller holds: none"):
        at(from_state).apply(transition(world.outsider, from_state, to_state), world.policy, now=NOW)


@pytest.mark.parametrize(
    ("finality", "shown"),
    [pytest.param(None, "none supplied", id="none"), pytest.param(FinalityLevel.PROPOSED, "proposed", id="proposed")],
)
def test_activation_needs_receipt_signed_finality(world: World, finality: FinalityLevel | None, shown: str) -> None:
    """Open question 12: the genesis receipt, signed while PENDING, gives the finality activation needs."""
    with pytest.raises(GuardRefusedError, match=f"finality receipt_signed required; got {shown}"):
        at("PENDING").apply(
            transition(world.zone_a, "PENDING", "ACTIVE"),
            world.policy,
            evidence=all_evidence(world),
            finality=finality,
            now=NOW,
        )


def test_evidence_must_verify_and_bind(world: World) -> None:
    forged = {**credential(world.zone_a, "MSEZCorridorForkAlarmCredential"), "issuer": str(world.zone_b.did)}
    with pytest.raises(Exception, match="does not verify"):
        at("ACTIVE").apply(transition(world.zone_a, "ACTIVE", "HALTED"), world.policy, evidence=[forged], now=NOW)
    elsewhere = sign_credential(
        new_credential(
            types=["MSEZCorridorForkAlarmCredential"],
            issuer=str(world.zone_a.did),
            subject={"corridor_id": "another-corridor"},
            issued_at=T0,
        ),
        world.zone_a,
        created=T0,
    ).to_json()
    with pytest.raises(ValidationError, match="is for corridor 'another-corridor'"):
        at("ACTIVE").apply(transition(world.zone_a, "ACTIVE", "HALTED"), world.policy, evidence=[elsewhere], now=NOW)
    with pytest.raises(Exception, match="not signed by a zone_authority party"):
        at("HALTED").apply(
            transition(world.zone_a, "HALTED", "ACTIVE"), world.policy, evidence=[resolution(world.regulator)], now=NOW
        )


def test_from_state_must_be_current(world: World) -> None:
    with pytest.raises(StateTransitionError, match="from_state DRAFT is not the current state ACTIVE"):
        at("ACTIVE").apply(transition(world.zone_a, "DRAFT", "PENDING"), world.policy, now=NOW)


def test_evidence_by_reference_and_json_round_trip(world: World) -> None:
    store = MemoryArtifactStore()
    definition = credential(world.zone_a, "MSEZCorridorDefinitionCredential")
    ref = store.put_json("vc", definition)
    request = transition(world.zone_a, "DRAFT", "PENDING")
    request["credentialSubject"]["evidence"] = [{"artifact_type": "vc", "digest_sha256": ref.digest_sha256.hex}]
    request = sign_credential(
        new_credential(
            types=["MSEZCorridorLifecycleTransitionCredential"],
            issuer=str(world.zone_a.did),
            subject=request["credentialSubject"],
            issued_at=T0,
        ),
        world.zone_a,
        created=T0,
    ).to_json()
    lifecycle = CorridorLifecycle(CORRIDOR)
    record = lifecycle.apply(request, world.policy, store=store, now=NOW)
    assert ref.digest_sha256 in record.evidence_digests
    assert (lifecycle.since, record.actor, record.reason) == (T0, str(world.zone_a.did), "test")
    loaded = CorridorLifecycle.from_json(json.loads(json.dumps(lifecycle.to_json())))
    assert (loaded.state, loaded.since, loaded.history) == ("PENDING", T0, lifecycle.history)


@pytest.mark.parametrize(
    ("document", "path"),
    [
        pytest.param({"state": "OPERATIONAL"}, r"\$\.state", id="state"),
        pytest.param(
            {
                "state": "HALTED",
                "history": [
                    {"from_state": "OPERATIONAL", "to_state": "HALTED", "transition": "halt", "timestamp": str(T0)}
                ],
            },
            r"\$\.history\[0\]\.from_state",
            id="history",
        ),
    ],
)
def test_legacy_states_are_refused_when_loading(document: dict[str, Any], path: str) -> None:
    with pytest.raises(ValidationError, match=f"{path}: OPERATIONAL is a v1 corridor state"):
        CorridorLifecycle.from_json({"machine": "corridor", "corridor_id": CORRIDOR, **document})


def test_the_interop_v2_document_is_our_table() -> None:
    reference = json.loads(
        (INTEROP / "zone_layout" / "governance_corridor.lifecycle.state-machine.v2.json").read_text()
    )
    check_machine_document(reference)
    check_machine_document(machine_document())
    v1 = {**reference, "states": ["PROPOSED", "OPERATIONAL", "HALTED", "DEPRECATED"]}
    with pytest.raises(ValidationError, match="PROPOSED is a v1 corridor state"):
        check_machine_document(v1)
    extra = {
        **reference,
        "allowed_transitions": [*reference["allowed_transitions"], {"from": "SUSPENDED", "to": "HALTED"}],
    }
    with pytest.raises(ValidationError, match="transitions differ from the v2 table"):
        check_machine_document(extra)

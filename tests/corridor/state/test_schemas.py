"""Every document the state channel writes validates against its schema in the shared registry."""

from __future__ import annotations

import json
from typing import Any

import pytest

from msez.corridor import (
    ForkEvidence,
    build_canonical_chain,
    build_inclusion_proof,
    fork_alarm_credential,
    fork_resolution_credential,
    machine_document,
    watcher_attestation,
)
from msez.crypto.mmr import MerkleMountainRange
from msez.schema import validate
from msez.vc import new_credential, sign_credential
from tests.conftest import INTEROP
from tests.corridor.state.conftest import CORRIDOR, T0, World, receipt, verified


def _signed(world: World, credential: Any) -> dict[str, Any]:
    return sign_credential(credential, world.zone_a, created=T0).to_json()


@pytest.fixture(scope="module")
def documents(world: World, thousand: list[dict[str, Any]], every_hundred: list[dict[str, Any]]) -> dict[str, Any]:
    checkpoints = every_hundred
    last = verified(world, checkpoints[-1])
    mmr = MerkleMountainRange.from_next_roots(r["next_root"] for r in thousand)
    a = receipt(world, 1, thousand[0]["next_root"], payload={"fork": 1})
    fork = ForkEvidence(CORRIDOR, 1, thousand[0]["next_root"], thousand[1], a)
    lifecycle = new_credential(
        types=["MSEZCorridorLifecycleTransitionCredential"],
        issuer=str(world.zone_a.did),
        issued_at=T0,
        subject={
            "type": "MSEZCorridorLifecycleTransition",
            "corridor_id": CORRIDOR,
            "from_state": "ACTIVE",
            "to_state": "HALTED",
            "transitioned_at": str(T0),
        },
    )
    return {
        "corridor.receipt": thousand[0],
        "transition-envelope": thousand[0]["transition"],
        "corridor.checkpoint": checkpoints[-1],
        "corridor.inclusion-proof": build_inclusion_proof(mmr, thousand[5], checkpoint=last, generated_at=T0),
        "transition-types.lock": json.loads((INTEROP / "registries_transition-types.lock.json").read_text()),
        "vc.corridor-watcher-attestation": _signed(
            world, watcher_attestation(last, issuer=str(world.zone_a.did), observed_at=T0)
        ),
        "vc.corridor-fork-alarm": _signed(
            world, fork_alarm_credential(fork, issuer=str(world.zone_a.did), detected_at=T0)
        ),
        "vc.corridor-fork-resolution": _signed(
            world,
            fork_resolution_credential(
                corridor_id=CORRIDOR,
                sequence=1,
                prev_root=fork.prev_root,
                chosen_next_root=a["next_root"],
                issuer=str(world.zone_a.did),
                candidates=[thousand[1]["next_root"]],
                resolved_at=T0,
            ),
        ),
        "vc.corridor-lifecycle-transition": _signed(world, lifecycle),
        "corridor.fork-inspect-report": build_canonical_chain(
            [thousand[0], thousand[1], a], world.policy, strict=False
        ).report(),
    }


NAMES = [
    "corridor.receipt",
    "transition-envelope",
    "corridor.checkpoint",
    "corridor.inclusion-proof",
    "transition-types.lock",
    "vc.corridor-watcher-attestation",
    "vc.corridor-fork-alarm",
    "vc.corridor-fork-resolution",
    "vc.corridor-lifecycle-transition",
    "corridor.fork-inspect-report",
]


@pytest.mark.parametrize("name", NAMES)
def test_written_documents_validate(documents: dict[str, Any], name: str) -> None:
    validate(documents[name], name)


def test_machine_document_has_no_v1_states() -> None:
    assert set(machine_document()["states"]).isdisjoint({"PROPOSED", "OPERATIONAL"})

"""Finality over the six levels (spec 40.11)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from msez.core import ValidationError
from msez.corridor import (
    FinalityLevel,
    compare_watchers,
    finality_of,
    finality_status,
    head_commitment_of,
    verify_chain,
)
from msez.schema import validate
from msez.vc import Signer, new_credential, sign_credential
from tests.corridor.state.conftest import CORRIDOR, T0, World, verified
from tests.corridor.state.test_watcher import attest

NOW = T0 + timedelta(hours=2)


def _vc(signer: Signer, vc_type: str, commitment: str) -> dict[str, Any]:
    unsigned = new_credential(
        types=[vc_type],
        issuer=str(signer.did),
        subject={"corridor_id": CORRIDOR, "head_commitment_digest_sha256": commitment},
        issued_at=T0,
    )
    return sign_credential(unsigned, signer, created=T0).to_json()


def test_levels_rise_with_the_evidence(
    world: World, thousand: list[dict[str, Any]], every_hundred: list[dict[str, Any]]
) -> None:
    head = verify_chain(thousand, world.policy, checker=world.checker())
    checkpoint = verified(world, every_hundred[-1])
    commitment = head_commitment_of(head).hex
    watchers = compare_watchers([attest(world, every_hundred[-1], w) for w in world.watchers], world.policy, now=NOW)
    anchor = _vc(world.zone_a, "MSEZCorridorAnchorCredential", commitment)
    award = _vc(world.regulator, "MSEZArbitrationAwardCredential", commitment)
    steps = [
        ({}, "receipt_signed"),
        ({"checkpoint": checkpoint}, "checkpoint_signed"),
        ({"checkpoint": checkpoint, "watchers": watchers}, "watcher_quorum"),
        ({"checkpoint": checkpoint, "watchers": watchers, "anchors": [anchor]}, "l1_anchored"),
        (
            {"checkpoint": checkpoint, "watchers": watchers, "anchors": [anchor], "awards": [award]},
            "legally_recognized",
        ),
    ]
    for evidence, level in steps:
        status = finality_status(head, as_of=NOW, **evidence)
        validate(status, "corridor.finality-status")
        assert (status["finality_level"], status.get("warnings")) == (level, None)
    assert status["evidence"]["watcher_quorum"] == {
        "required_count": 2,
        "confirmed_count": 3,
        "quorum_met": True,
        "watcher_ids": sorted(str(w.did) for w in world.watchers),
    }
    assert finality_of(status, corridor_id=CORRIDOR) == (FinalityLevel.LEGALLY_RECOGNIZED, 1000)


def test_evidence_of_another_head_is_a_warning(
    world: World, thousand: list[dict[str, Any]], every_hundred: list[dict[str, Any]]
) -> None:
    head = verify_chain(thousand[:900], world.policy, checker=world.checker())
    stale_anchor = _vc(world.zone_a, "MSEZCorridorAnchorCredential", "ab" * 32)
    status = finality_status(head, as_of=NOW, checkpoint=verified(world, every_hundred[-1]), anchors=[stale_anchor])
    assert status["finality_level"] == "receipt_signed"
    assert status["warnings"] == [
        f"checkpoint {verified(world, every_hundred[-1]).digest.hex} is not of this head",
        "anchor[0] does not name this head",
    ]
    empty = finality_status(verify_chain([], world.policy), as_of=NOW)
    assert (empty["finality_level"], empty["receipt_count"]) == ("proposed", 0)


def test_finality_documents_are_checked() -> None:
    with pytest.raises(ValidationError, match="unknown finality level 'final'"):
        FinalityLevel.parse("final")
    with pytest.raises(ValidationError, match="is for corridor 'x'"):
        finality_of({"type": "MSEZCorridorFinalityStatus", "corridor_id": "x"}, corridor_id=CORRIDOR)

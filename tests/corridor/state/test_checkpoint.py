"""Checkpoints (spec 40.10): verification, bootstrapping from a trusted checkpoint, inclusion and consistency."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from msez.core import SchemaValidationError, ValidationError
from msez.corridor import (
    CheckpointError,
    ReceiptRejectedError,
    build_checkpoint,
    build_consistency_proof,
    build_inclusion_proof,
    checkpoint_digest,
    sign_checkpoint,
    trusted_head,
    verify_chain,
    verify_checkpoint,
    verify_consistency,
    verify_inclusion,
)
from msez.crypto.mmr import MerkleMountainRange
from msez.vc import add_proof
from tests.corridor.state.conftest import T0, World, verified


def _resigned(world: World, checkpoint: dict[str, Any], **changes: Any) -> dict[str, Any]:
    edited = {k: v for k, v in checkpoint.items() if k != "proof"} | changes
    return sign_checkpoint(edited, world.zone_a, created=T0)


CHECKPOINT_FAILURES = [
    pytest.param(lambda w, c: _resigned(w, c, corridor_id="other"), "wrong-corridor", id="wrong-corridor"),
    pytest.param(lambda w, c: _resigned(w, c, genesis_root="ab" * 32), "wrong-genesis", id="wrong-genesis"),
    pytest.param(lambda w, c: _resigned(w, c, receipt_count=99), "mmr.size 100 differs", id="size-mismatch"),
    pytest.param(
        lambda w, c: _resigned(w, c, mmr={**c["mmr"], "root": "ab" * 32}), "do not bag to mmr.root", id="root-mismatch"
    ),
    pytest.param(
        lambda w, c: _resigned(w, c, mmr={**c["mmr"], "peaks": c["mmr"]["peaks"][:1]}), "do not fit size", id="peaks"
    ),
    pytest.param(lambda w, c: {**c, "timestamp": "2027-01-01T00:00:00Z"}, "bad-signature", id="bad-signature"),
    pytest.param(
        lambda w, c: add_proof({k: v for k, v in c.items() if k != "proof"}, w.outsider, created=T0),
        "may not sign checkpoints",
        id="unauthorised-signer",
    ),
]


@pytest.mark.parametrize(("forge", "message"), CHECKPOINT_FAILURES)
def test_forged_checkpoints_are_refused(
    world: World, every_hundred: list[dict[str, Any]], forge: Any, message: str
) -> None:
    with pytest.raises(CheckpointError, match=message):
        verify_checkpoint(forge(world, every_hundred[0]), world.policy)


def test_an_unsigned_checkpoint_fails_the_schema(world: World, every_hundred: list[dict[str, Any]]) -> None:
    with pytest.raises(SchemaValidationError, match="'proof' is a required property"):
        verify_checkpoint({k: v for k, v in every_hundred[0].items() if k != "proof"}, world.policy)


def test_checkpoint_digest_is_the_payload_digest(world: World, every_hundred: list[dict[str, Any]]) -> None:
    checkpoint = every_hundred[0]
    assert verified(world, checkpoint).digest == checkpoint_digest(checkpoint)
    assert checkpoint_digest(checkpoint) == checkpoint_digest({**checkpoint, "proof": []})


def test_verify_from_a_trusted_checkpoint_checks_only_the_tail(
    world: World, thousand: list[dict[str, Any]], every_hundred: list[dict[str, Any]]
) -> None:
    start = trusted_head(verified(world, every_hundred[4]))
    full = verify_chain(thousand, world.policy, checker=world.checker())
    forged_prefix = [{**r, "proof": []} for r in thousand[:500]]  # never looked at
    tail = verify_chain([*forged_prefix, *thousand[500:]], world.policy, checker=world.checker(), start=start)
    assert (tail.receipt_count, tail.final_state_root, tail.mmr_root) == (1000, full.final_state_root, full.mmr_root)
    with pytest.raises(ReceiptRejectedError, match=r"receipts 500\.\.500 are missing"):
        verify_chain(thousand[501:], world.policy, checker=world.checker(), start=start)


def test_a_checkpoint_without_peaks_cannot_bootstrap(world: World, every_hundred: list[dict[str, Any]]) -> None:
    bare = copy.deepcopy(every_hundred[0])
    del bare["mmr"]["peaks"]
    with pytest.raises(CheckpointError, match=r"must carry mmr\.peaks"):
        trusted_head(verify_checkpoint(_resigned(world, bare), world.policy))


def test_an_empty_chain_has_no_checkpoint(world: World) -> None:
    with pytest.raises(ValidationError, match="at least one receipt"):
        build_checkpoint(verify_chain([], world.policy))


def test_inclusion_proof_tampering(
    world: World, thousand: list[dict[str, Any]], every_hundred: list[dict[str, Any]]
) -> None:
    last, middle = verified(world, every_hundred[-1]), verified(world, every_hundred[4])
    mmr = MerkleMountainRange.from_next_roots(r["next_root"] for r in thousand)
    proof = build_inclusion_proof(mmr, thousand[3], checkpoint=last, generated_at=T0)
    step = proof["path"][0]
    flipped = {**proof, "path": [{**step, "hash": "00" * 32}, *proof["path"][1:]]}
    with pytest.raises(CheckpointError, match="not-included"):
        verify_inclusion(thousand[3], flipped, last, world.checker())
    with pytest.raises(CheckpointError, match="wrong-checkpoint"):
        verify_inclusion(thousand[3], proof, middle, world.checker())
    unbound = {**proof, "checkpoint_digest_sha256": middle.digest.hex}
    with pytest.raises(CheckpointError, match="bound to checkpoint"):
        verify_inclusion(thousand[3], unbound, last, world.checker())
    with pytest.raises(ValidationError, match="not the checkpoint's"):
        build_inclusion_proof(mmr, thousand[3], checkpoint=middle)


def test_consistency_proof_tampering(
    world: World, thousand: list[dict[str, Any]], every_hundred: list[dict[str, Any]]
) -> None:
    old, new = verified(world, every_hundred[2]), verified(world, every_hundred[9])
    mmr = MerkleMountainRange.from_next_roots(r["next_root"] for r in thousand)
    proof = build_consistency_proof(mmr, old, new)
    bent = {**proof, "paths": [["00" * 32, *proof["paths"][0][1:]], *proof["paths"][1:]]}
    with pytest.raises(CheckpointError, match="not-consistent"):
        verify_consistency(bent, old, new)
    with pytest.raises(CheckpointError, match="not-consistent"):
        verify_consistency({**proof, "old_size": 200}, old, new)
    with pytest.raises(ValidationError, match="do not reproduce"):
        build_consistency_proof(MerkleMountainRange.from_next_roots(r["next_root"] for r in thousand[:999]), old, new)

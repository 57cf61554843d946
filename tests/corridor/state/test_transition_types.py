"""The transition-type registry and lock (spec 40.9): the interop lock recomputes; the CAS names locks by snapshot
digest; receipts are checked against the pinned registry; ``--require-artifacts`` resolves every commitment."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from msez.core import IntegrityError, ValidationError, digest_of
from msez.corridor import (
    TRANSITION_TYPES_RULES,
    ReceiptChecker,
    ReceiptRejectedError,
    RejectReason,
    TransitionTypeLock,
    build_transition_types_lock,
    genesis_root,
    registry_snapshot,
    transition_envelope,
    verify_chain,
)
from msez.crypto import FileArtifactStore, MemoryArtifactStore
from tests.conftest import INTEROP
from tests.corridor.state.conftest import World, receipt

INTEROP_LOCK = INTEROP / "registries_transition-types.lock.json"
SNAPSHOT = "d8f22c0aa0114b30f961c208e48f08b17403655cdd0c25c9027b2373609fd207"
SCHEMA = "28249476f011e934f7615a506a37f1e4bf9ba634b4e335194460d6a6296b9efa"
RULESET = "c4510fbe06b7f778cf34a846ea5fcb777ac78143a1257b47ce119a7bd161fda4"


def _interop() -> dict[str, Any]:
    value: dict[str, Any] = json.loads(INTEROP_LOCK.read_text())
    return value


def test_interop_lock_snapshot_digest_recomputes() -> None:
    lock = TransitionTypeLock.from_json(_interop())
    assert lock.snapshot_digest.hex == SNAPSHOT
    assert set(lock.kinds) == {"generic", "msez.example.transfer.v1", "noop"}


def test_tampered_lock_is_refused() -> None:
    tampered = _interop()
    tampered["snapshot"]["transition_types"][0]["kind"] = "mint"
    with pytest.raises(IntegrityError, match=f"the lock claims {SNAPSHOT}"):
        TransitionTypeLock.from_json(tampered)
    retagged = {**_interop(), "snapshot": {**_interop()["snapshot"], "tag": "other.v1"}}
    with pytest.raises(ValidationError, match="unknown transition-types snapshot tag"):
        TransitionTypeLock.from_json(retagged)


def test_a_registry_locks_to_the_interop_snapshot() -> None:
    registry = {
        "version": 1,
        "transition_types": [
            {"kind": "noop", "notes": "does nothing"},
            {
                "kind": "msez.example.transfer.v1",
                "schema_digest_sha256": SCHEMA,
                "ruleset_digest_sha256": RULESET,
                "schema_path": "schemas/transition.payload.example.transfer.v1.schema.json",
            },
            {"kind": "generic"},
        ],
    }
    lock = build_transition_types_lock(registry, registry_path="registries/transition-types.yaml")
    assert lock["snapshot"] == _interop()["snapshot"]
    assert lock["snapshot_digest_sha256"] == SNAPSHOT
    with pytest.raises(ValidationError, match="duplicate transition kind 'noop'"):
        registry_snapshot({"transition_types": [{"kind": "noop"}, {"kind": "noop"}]})


def test_the_store_names_a_lock_by_its_snapshot_digest(tmp_path: Path) -> None:
    store = FileArtifactStore([tmp_path], rules=TRANSITION_TYPES_RULES)
    ref = store.put("transition-types", INTEROP_LOCK.read_bytes(), suffix=".transition-types.lock.json")
    assert ref.digest_sha256.hex == SNAPSHOT
    assert json.loads(store.resolve("transition-types", SNAPSHOT)) == _interop()


def test_envelopes_are_checked_against_the_registry() -> None:
    lock = TransitionTypeLock.from_json(_interop())
    lock.check_envelope(transition_envelope("noop", payload={}))
    lock.check_envelope(
        transition_envelope("msez.example.transfer.v1", payload={}, digests={"schema_digest_sha256": SCHEMA})
    )
    with pytest.raises(ValidationError, match="'mint' is not in the registry"):
        lock.check_envelope(transition_envelope("mint", payload={}))
    wrong = transition_envelope("msez.example.transfer.v1", payload={}, digests={"ruleset_digest_sha256": SCHEMA})
    with pytest.raises(ValidationError, match="differs from the registry's"):
        lock.check_envelope(wrong)
    lock.check_envelope({**wrong, "registry_override": True})
    assert lock.filled(transition_envelope("msez.example.transfer.v1", payload={}))["ruleset_digest_sha256"] == RULESET


def test_chain_rejects_an_unregistered_kind(world: World) -> None:
    lock = TransitionTypeLock.from_json(_interop())
    policy = world.policy.model_copy(update={"transition_type_registry_sha256": lock.snapshot_digest})
    world = World(world.zone_a, world.zone_b, world.zone_c, world.regulator, world.watchers, world.outsider, policy)
    genesis = genesis_root(policy).hex
    good = receipt(world, 0, genesis, transition_type_registry_digest_sha256=SNAPSHOT)
    verify_chain([good], policy, checker=world.checker(transition_types=lock))
    with pytest.raises(ReceiptRejectedError, match="is not in the registry"):
        verify_chain(
            [good],
            policy,
            checker=world.checker(transition_types=TransitionTypeLock(lock.snapshot_digest, 1, {"noop": {}})),
        )
    other = receipt(world, 0, genesis, transition_type_registry_digest_sha256="ab" * 32)
    with pytest.raises(ReceiptRejectedError, match="is not the pinned") as caught:
        verify_chain([other], policy, checker=world.checker())
    assert caught.value.reason is RejectReason.TRANSITION


def test_require_artifacts_resolves_every_commitment(world: World) -> None:
    lawpack, ruleset = {"lawpack": "pk-rsez/civil", "version": 1}, {"ruleset_id": "msez.corridor.state-transition.v2"}
    store = MemoryArtifactStore()
    lawpack_digest = store.put_json("lawpack", lawpack).digest_sha256.hex
    policy = world.policy.model_copy(
        update={
            "lawpack_digest_set": frozenset({digest_of(lawpack)}),
            "ruleset_digest_set": frozenset({digest_of(ruleset)}),
        }
    )
    item = receipt(
        world,
        0,
        genesis_root(policy).hex,
        lawpack_digest_set=[lawpack_digest],
        ruleset_digest_set=[digest_of(ruleset).hex],
    )
    missing = f"ruleset/{digest_of(ruleset).hex}: artifact ruleset/{digest_of(ruleset).hex} not found"
    with pytest.raises(ReceiptRejectedError, match=missing) as caught:
        verify_chain([item], policy, checker=ReceiptChecker(policy, store=store))
    assert caught.value.reason is RejectReason.MISSING_ARTIFACT
    store.put_json("ruleset", ruleset)
    assert verify_chain([item], policy, checker=ReceiptChecker(policy, store=store)).receipt_count == 1

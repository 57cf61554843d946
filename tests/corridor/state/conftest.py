"""An in-memory corridor between three zones: keys, the state-channel policy, and a chain of signed receipts.

Zones A, B and C each have a ``zone_authority`` key; R is the ``regulator``. Receipts need 2 of the 3 zone
authorities plus the regulator (the scenario's thresholds). Keys are generated fresh for every run.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from msez.core import Timestamp
from msez.corridor import (
    ChainHead,
    ChainVerifier,
    ReceiptChecker,
    StateChannelPolicy,
    Threshold,
    VerifiedCheckpoint,
    build_checkpoint,
    genesis_root,
    new_receipt,
    sign_checkpoint,
    sign_receipt,
    transition_envelope,
    verify_checkpoint,
)
from msez.crypto import SigningKey
from msez.vc import Signer

T0 = Timestamp.parse("2026-01-15T12:00:00Z")
LAWPACKS = ("1a" * 32, "2b" * 32)
RULESETS = ("3c" * 32, "4d" * 32)
CORRIDOR = "org.momentum.msez.corridor.ae-difc--pk-rsez"


@dataclass(frozen=True)
class World:
    zone_a: Signer
    zone_b: Signer
    zone_c: Signer
    regulator: Signer
    watchers: tuple[Signer, ...]
    outsider: Signer
    policy: StateChannelPolicy

    @property
    def signers(self) -> tuple[Signer, ...]:
        """Who signs each receipt: two of the three zone authorities and the regulator."""
        return (self.zone_a, self.zone_b, self.regulator)

    def checker(self, **options: Any) -> ReceiptChecker:
        return ReceiptChecker(self.policy, enforce_thresholds=True, **options)


def fresh() -> Signer:
    return Signer.from_key(SigningKey.generate())


def make_world() -> World:
    zone_a, zone_b, zone_c, regulator, outsider = (fresh() for _ in range(5))
    watchers = tuple(fresh() for _ in range(3))
    roles = {str(s.did): "zone_authority" for s in (zone_a, zone_b, zone_c)} | {str(regulator.did): "regulator"}
    policy = StateChannelPolicy(
        corridor_id=CORRIDOR,
        definition_payload_sha256="58" * 32,
        agreement_set_sha256="60" * 32,
        lawpack_digest_set=list(LAWPACKS),
        ruleset_digest_set=list(RULESETS),
        receipt_thresholds=[
            Threshold(role="zone_authority", required=2, of=3),
            Threshold(role="regulator", required=1),
        ],
        signer_roles=roles,
        authorized_receipt_signers=[str(s.did) for s in (zone_a, zone_b, zone_c, regulator)],
        authorized_watchers=[str(w.did) for w in watchers],
    )
    return World(zone_a, zone_b, zone_c, regulator, watchers, outsider, policy)


def receipt(
    world: World,
    sequence: int,
    prev_root: str,
    *,
    signers: Sequence[Signer] | None = None,
    payload: Any = None,
    at: Timestamp | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A sealed receipt at ``sequence`` extending ``prev_root``, signed by ``signers`` (default: the quorum)."""
    built = new_receipt(
        corridor_id=fields.pop("corridor_id", CORRIDOR),
        sequence=sequence,
        prev_root=prev_root,
        timestamp=at or T0 + timedelta(seconds=sequence),
        lawpack_digest_set=fields.pop("lawpack_digest_set", LAWPACKS),
        ruleset_digest_set=fields.pop("ruleset_digest_set", RULESETS),
        transition=transition_envelope(
            "msez.example.transfer.v1", payload=payload if payload is not None else {"n": sequence, "amount": "100"}
        ),
        **fields,
    )
    for signer in world.signers if signers is None else signers:
        built = sign_receipt(built, signer, created=T0)
    return built


def chain(world: World, count: int, *, start: str | None = None, first: int = 0) -> list[dict[str, Any]]:
    """``count`` linked receipts from ``first``, starting at ``start`` (default the genesis root)."""
    out, prev = [], start or genesis_root(world.policy).hex
    for sequence in range(first, first + count):
        out.append(receipt(world, sequence, prev))
        prev = out[-1]["next_root"]
    return out


def checkpoints(world: World, receipts: Sequence[dict[str, Any]], every: int) -> list[dict[str, Any]]:
    """A signed checkpoint after every ``every`` receipts (verifying the chain on the way)."""
    verifier, out = ChainVerifier(world.policy, checker=world.checker()), []
    for item in receipts:
        verifier.append(item)
        if verifier.head.receipt_count % every == 0:
            unsigned = build_checkpoint(verifier.head, timestamp=T0 + timedelta(hours=1))
            out.append(sign_checkpoint(sign_checkpoint(unsigned, world.zone_a, created=T0), world.zone_b, created=T0))
    return out


def verified(world: World, checkpoint: dict[str, Any]) -> VerifiedCheckpoint:
    return verify_checkpoint(checkpoint, world.policy)


def heads(world: World, receipts: Sequence[dict[str, Any]]) -> Iterator[ChainHead]:
    verifier = ChainVerifier(world.policy, checker=world.checker())
    for item in receipts:
        verifier.append(item)
        yield verifier.head


@pytest.fixture(scope="session")
def world() -> World:
    return make_world()


@pytest.fixture(scope="session")
def thousand(world: World) -> list[dict[str, Any]]:
    """1,000 signed receipts (each by two zone authorities and the regulator)."""
    return chain(world, 1000)


@pytest.fixture(scope="session")
def every_hundred(world: World, thousand: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ten signed checkpoints, after receipts 100, 200, ..., 1000."""
    return checkpoints(world, thousand, 100)

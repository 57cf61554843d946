"""Fixtures for msez.settlement: party accounts with awkward names, a fixed clock, the reference route graph, and
an in-memory world of corridors (policies, signers, verified receipt logs) for anchoring."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from msez.core import Timestamp, sha256_bytes
from msez.corridor import (
    StateChannelPolicy,
    Threshold,
    VerifiedCheckpoint,
    new_receipt,
    sign_receipt,
    transition_envelope,
)
from msez.crypto import SigningKey
from msez.settlement import CorridorEdge, CorridorGraph, InMemoryCorridorLog, ManualClock, PartyAccount
from msez.vc import Signer

T0 = Timestamp.parse("2026-01-15T12:00:00Z")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def parties() -> dict[str, PartyAccount]:
    """Three parties: an IBAN holder with an LEI, a name with ``&`` and ``<``, and a non-ASCII name."""
    accounts = [
        PartyAccount("A", "Acme Trading FZE", "DEUTDEFF", iban="DE89370400440532013000", lei="5493001KJTIIGC8Y1R12"),
        PartyAccount("B", "Smith & Sons <Holdings> Ltd", "NBOKKWKW", account="KW-001-778899"),
        PartyAccount("C", "Société Générale Ōsaka 株式会社", "MHCBJPJT", account="JP-ACC-42"),
    ]
    return {a.party_id: a for a in accounts}


@pytest.fixture
def reference_graph() -> CorridorGraph:
    """Reference-impl A §5.4's example: three cheap hops beat one expensive direct corridor."""
    return CorridorGraph(
        [
            CorridorEdge("PK-RSEZ", "AE-DIFC", "corridor-pk-ae", 50, 3600),
            CorridorEdge("AE-DIFC", "GB-LNDN", "corridor-ae-gb", 30, 7200),
            CorridorEdge("GB-LNDN", "US-NYFC", "corridor-gb-us", 25, 1800),
            CorridorEdge("PK-RSEZ", "US-NYFC", "corridor-pk-us", 200, 600),
        ]
    )


@dataclass
class Corridor:
    """One corridor of the in-memory world: its policy, its two zone-authority signers and its verified log."""

    policy: StateChannelPolicy
    signers: tuple[Signer, ...]
    log: InMemoryCorridorLog
    clock: ManualClock

    @property
    def corridor_id(self) -> str:
        return self.policy.corridor_id

    def receipt(self, payload: Any, *, signers: Sequence[Signer] | None = None) -> dict[str, Any]:
        """A receipt extending the head with a ``msez.example.transfer.v1`` transition (not appended)."""
        head = self.log.head
        self.clock.advance(1)
        built = new_receipt(
            corridor_id=self.corridor_id,
            sequence=head.receipt_count,
            prev_root=head.final_state_root,
            timestamp=self.clock.now(),
            lawpack_digest_set=[d.hex for d in self.policy.lawpack_digest_set],
            ruleset_digest_set=[d.hex for d in self.policy.ruleset_digest_set],
            transition=transition_envelope("msez.example.transfer.v1", payload=payload),
        )
        for signer in self.signers if signers is None else signers:
            built = sign_receipt(built, signer, created=T0)
        return built

    def extend(self, count: int) -> list[dict[str, Any]]:
        """Append ``count`` signed receipts; returns them."""
        out = []
        for _ in range(count):
            out.append(self.receipt({"n": self.log.head.receipt_count}))
            self.log.append(out[-1])
        return out

    def checkpoint(self) -> VerifiedCheckpoint:
        """A checkpoint of the head signed by both zone authorities."""
        return self.log.checkpoint(self.signers, timestamp=self.clock.now())


def make_corridor(corridor_id: str) -> Corridor:
    """A corridor whose receipts need both of its two zone authorities."""
    signers = (Signer.from_key(SigningKey.generate()), Signer.from_key(SigningKey.generate()))
    policy = StateChannelPolicy(
        corridor_id=corridor_id,
        definition_payload_sha256=sha256_bytes(corridor_id.encode()).hex,
        lawpack_digest_set=["1a" * 32],
        ruleset_digest_set=["3c" * 32],
        receipt_thresholds=[Threshold(role="zone_authority", required=2, of=2)],
        signer_roles={str(s.did): "zone_authority" for s in signers},
        authorized_receipt_signers=[str(s.did) for s in signers],
    )
    return Corridor(policy, signers, InMemoryCorridorLog(policy), ManualClock(T0))


@pytest.fixture
def corridor_a() -> Corridor:
    """The obligation corridor (its checkpoints get anchored)."""
    return make_corridor("org.example.corridor.a")


@pytest.fixture
def corridor_b() -> Corridor:
    """The settlement corridor (it anchors A's checkpoints in its log)."""
    return make_corridor("org.example.corridor.b")

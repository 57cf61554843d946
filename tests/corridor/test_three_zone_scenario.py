"""Issue 6, acceptance 2, end to end in an in-memory world of three zones and a regulator.

The agreement layer and the state channel meet here: the corridor (definition and party agreements, thresholds
2-of-3 ``zone_authority`` plus 1 ``regulator``) is first blocked by a suspension, then activated by the re-issued
agreement; its state-channel policy is derived from the verified corridor by ``state_channel_policy``; the
lifecycle moves DRAFT -> PENDING -> ACTIVE on the real definition and agreement VCs and the finality of the signed
genesis receipt; 1,000 receipts signed by two zone authorities and the regulator are checkpointed every 100,
proven (inclusion of receipt 777, consistency from checkpoint 3 to 10) and defended against forgeries; a fork
raises an alarm that halts the corridor, and an authority's fork resolution resumes it on the chosen branch.

The receipts and checkpoints are built once for the module (3,000 signatures).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from msez.cli import run
from msez.core import Timestamp, digest_of, payload_digest
from msez.corridor import (
    ChainVerifier,
    CorridorLifecycle,
    CorridorReport,
    CorridorVerificationError,
    FinalityLevel,
    ForkDetectedError,
    ForkEvidence,
    ForkResolutions,
    PinnedLawpack,
    ReceiptChecker,
    ReceiptRejectedError,
    RejectReason,
    StateChannelPolicy,
    Threshold,
    VerifiedCheckpoint,
    build_canonical_chain,
    build_checkpoint,
    build_consistency_proof,
    build_inclusion_proof,
    detect_fork,
    finality_of,
    finality_status,
    fork_alarm_credential,
    fork_resolution_credential,
    genesis_root,
    new_receipt,
    sign_checkpoint,
    sign_receipt,
    state_channel_policy,
    transition_envelope,
    verify_chain,
    verify_checkpoint,
    verify_consistency,
    verify_inclusion,
)
from msez.crypto import MemoryArtifactStore
from msez.crypto.mmr import MerkleMountainRange
from msez.state import GuardRefusedError, MissingEvidenceError
from msez.vc import Signer, add_proof, new_credential, sign_credential
from tests.corridor.agreement.conftest import NOW, World, new_signer

THRESHOLDS = (Threshold("zone_authority", 2, 3), Threshold("regulator", 1, 1))
ZONES = ("zone-a", "zone-b", "zone-c")
PARTIES = (*ZONES, "regulator")
RECEIPT_SIGNERS = ("zone-a", "zone-b", "regulator")  # two of the three zones, and the regulator
CHANNEL = {
    "checkpointing": {
        "mode": "required",
        "max_receipts_between_checkpoints": 100,
        "thresholds": [{"role": "zone_authority", "required": 2, "of": 3}],
    },
    "watcher_quorum": {"threshold": "majority", "max_staleness": "1h"},
}
PINS = {
    zone: tuple(PinnedLawpack(zone, d, digest_of({"lawpack": zone, "domain": d})) for d in ("civil", "financial"))
    for zone in ZONES
}
T0 = Timestamp.parse("2026-01-15T12:00:00Z")
COUNT, EVERY = 1000, 100


@dataclass(frozen=True)
class Scenario:
    world: World
    watcher: Signer
    blocked_files: dict[str, bytes]
    blocked: CorridorReport
    report: CorridorReport
    policy: StateChannelPolicy
    receipts: list[dict[str, Any]]
    checkpoints: list[dict[str, Any]]

    def signer(self, party: str) -> Signer:
        return self.world.signer(party)

    def checker(self) -> ReceiptChecker:
        return ReceiptChecker(self.policy, enforce_thresholds=True)

    def verified(self, number: int) -> VerifiedCheckpoint:
        """Checkpoint ``number`` (1-based: checkpoint 3 is the one after receipt 300)."""
        return verify_checkpoint(self.checkpoints[number - 1], self.policy)

    def receipt(
        self, sequence: int, prev_root: str, *, signers: Sequence[str] = RECEIPT_SIGNERS, **payload: Any
    ) -> dict[str, Any]:
        built = new_receipt(
            corridor_id=self.policy.corridor_id,
            sequence=sequence,
            prev_root=prev_root,
            timestamp=T0 + timedelta(seconds=sequence),
            lawpack_digest_set=self.policy.lawpack_digest_set,
            ruleset_digest_set=self.policy.ruleset_digest_set,
            transition=transition_envelope("msez.example.transfer.v1", payload={"n": sequence, **payload}),
        )
        for party in signers:
            built = sign_receipt(built, self.watcher if party == "watcher" else self.signer(party), created=T0)
        return built


def _three_zones(watcher: Signer) -> World:
    world = World({**{z: (new_signer(), "zone_authority") for z in ZONES}, "regulator": (new_signer(), "regulator")})
    world.anchors.append(World.anchor("watcher", watcher, ["corridor_watcher_attestation"]))
    world.define()
    return world


def _agree_all(world: World, *, suspending: str | None = None) -> None:
    def channel_terms(subject: dict[str, Any]) -> None:
        subject["state_channel"].update(CHANNEL)

    for party in PARTIES:
        commitment = "suspend" if party == suspending else "agree"
        world.agree(party, commitment=commitment, thresholds=THRESHOLDS, pins=PINS.get(party, ()), edit=channel_terms)


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    watcher = new_signer()
    world = _three_zones(watcher)
    _agree_all(world, suspending="zone-c")
    blocked_files, blocked = dict(world.files), world.verify()
    _agree_all(world)  # zone-c re-issues its agreement with "agree"
    report = world.verify()
    policy = state_channel_policy(report)
    half = Scenario(world, watcher, blocked_files, blocked, report, policy, [], [])
    receipts, prev = [], genesis_root(policy).hex
    for sequence in range(COUNT):
        receipts.append(half.receipt(sequence, prev, amount=str(100 + sequence)))
        prev = receipts[-1]["next_root"]
    checkpoints, verifier = [], ChainVerifier(policy, checker=half.checker())
    for item in receipts:
        verifier.append(item)
        if verifier.head.receipt_count % EVERY == 0:
            unsigned = build_checkpoint(verifier.head, timestamp=T0 + timedelta(hours=1))
            for party in ("zone-a", "zone-b"):
                unsigned = sign_checkpoint(unsigned, world.signer(party), created=T0)
            checkpoints.append(unsigned)
    return Scenario(world, watcher, blocked_files, blocked, report, policy, receipts, checkpoints)


def _write(files: dict[str, bytes], root: Path) -> Path:
    root.mkdir()
    for path, data in files.items():
        (root / path).write_bytes(data)
    return root


def test_a_suspension_blocks_activation_until_the_party_reissues(
    scenario: Scenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocked, world = scenario.blocked, scenario.world
    blocker = f"{world.did('zone-c')}:suspend"
    assert (blocked.activation.state, blocked.blockers) == ("blocked", (blocker,))  # type: ignore[union-attr]
    # both thresholds are met, yet the suspension blocks activation regardless
    assert [(r.role, r.count, r.met) for r in blocked.activation.roles] == [  # type: ignore[union-attr]
        ("zone_authority", 2, True),
        ("regulator", 1, True),
    ]
    with pytest.raises(CorridorVerificationError, match=f"blocked by {blocker}"):
        state_channel_policy(blocked)
    module = _write(scenario.blocked_files, tmp_path / "blocked")
    assert run(["corridor", "status", str(module)]) == 1
    assert f"  blocker: {blocker}" in capsys.readouterr().out
    assert run(["corridor", "state", "genesis-root", "--corridor", str(module)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: corridor org.momentum.msez.corridor.test.world does not verify: ")
    assert blocker in error and error.count("\n") == 1

    report = scenario.report
    assert report.activated and report.blockers == (), report.summary()
    assert [(r.role, r.count) for r in report.activation.roles] == [("zone_authority", 3), ("regulator", 1)]  # type: ignore[union-attr]
    assert report.agreement_set_sha256 != blocked.agreement_set_sha256
    assert run(["corridor", "status", str(_write(world.files, tmp_path / "activated"))]) == 0
    assert "activation: activated" in capsys.readouterr().out


def test_the_policy_is_the_verified_corridors(
    scenario: Scenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy, report, world = scenario.policy, scenario.report, scenario.world
    assert (policy.corridor_id, policy.definition_payload_sha256, policy.agreement_set_sha256) == (
        report.corridor_id,
        report.definition_payload_sha256,
        report.agreement_set_sha256,
    )
    assert policy.receipt_thresholds == THRESHOLDS
    assert policy.lawpack_digest_set == {pin.digest for pins in PINS.values() for pin in pins}
    assert policy.authorized_receipt_signers == {world.did(p) for p in PARTIES}
    assert policy.dids_with_role("zone_authority") == {world.did(z) for z in ZONES}
    assert policy.authorized_watchers == {str(scenario.watcher.did)}
    assert policy.checkpointing.max_receipts_between_checkpoints == EVERY
    assert policy.checkpointing.thresholds == (Threshold("zone_authority", 2, 3),)
    assert run(["corridor", "state", "genesis-root", "--corridor", str(_write(world.files, tmp_path / "c"))]) == 0
    assert capsys.readouterr().out.strip() == genesis_root(policy).hex


def test_thousand_receipts_checkpoints_and_proofs(scenario: Scenario) -> None:
    receipts = scenario.receipts
    head = verify_chain(receipts, scenario.policy, checker=scenario.checker())
    assert (head.receipt_count, head.final_state_root) == (COUNT, receipts[-1]["next_root"])

    assert [c["receipt_count"] for c in scenario.checkpoints] == list(range(EVERY, COUNT + 1, EVERY))
    zone_ab = {scenario.signer("zone-a").did, scenario.signer("zone-b").did}
    assert all(scenario.verified(n).signers == zone_ab for n in range(1, 11))
    last = scenario.verified(10)
    assert (last.root, last.size) == (head.mmr_root, COUNT)

    mmr = MerkleMountainRange.from_next_roots(r["next_root"] for r in receipts)
    proof = build_inclusion_proof(mmr, receipts[777], checkpoint=last, generated_at=NOW)
    assert verify_inclusion(receipts[777], proof, last, scenario.checker()).sequence == 777
    with pytest.raises(Exception, match="wrong-checkpoint"):
        verify_inclusion(receipts[777], proof, scenario.verified(9), scenario.checker())

    third = scenario.verified(3)
    consistency = build_consistency_proof(mmr, third, last)
    assert (consistency["old_size"], consistency["new_size"]) == (300, 1000)
    verify_consistency(consistency, third, last)
    with pytest.raises(Exception, match="checkpoint-binding"):
        verify_consistency(consistency, scenario.verified(4), last)


def _bad_signature(s: Scenario, head: str) -> dict[str, Any]:
    forged = s.receipt(COUNT, head)
    jws = forged["proof"][0]["jws"]
    forged["proof"][0]["jws"] = ("A" if jws[0] != "A" else "B") + jws[1:]
    return forged


def _wrong_next_root(s: Scenario, head: str) -> dict[str, Any]:
    """A forger holding the signing keys who commits to a root the receipt does not hash to."""
    forged = {k: v for k, v in s.receipt(COUNT, head).items() if k != "proof"}
    forged["next_root"] = "ee" * 32
    for party in RECEIPT_SIGNERS:
        forged = add_proof(forged, s.signer(party), created=T0)
    return forged


Forge = Callable[[Scenario, str], dict[str, Any]]
FORGERIES = [
    pytest.param(_bad_signature, RejectReason.BAD_SIGNATURE, COUNT, r"proof\[0\] bad-signature", id="bad-signature"),
    pytest.param(
        lambda s, head: s.receipt(COUNT, s.receipts[-2]["next_root"]),
        RejectReason.PREV_ROOT_MISMATCH,
        COUNT,
        "does not extend the head",
        id="wrong-prev-root",
    ),
    pytest.param(_wrong_next_root, RejectReason.NEXT_ROOT_MISMATCH, COUNT, "recomputed", id="wrong-next-root"),
    pytest.param(
        lambda s, head: s.receipt(COUNT + 1, head),
        RejectReason.SEQUENCE_GAP,
        COUNT + 1,
        "receipts 1000..1000 are missing",
        id="sequence-gap",
    ),
    pytest.param(
        lambda s, head: s.receipt(500, head),
        RejectReason.REPEATED_SEQUENCE,
        500,
        "sequence 500 is already taken",
        id="repeated-sequence",
    ),
    pytest.param(
        lambda s, head: s.receipt(COUNT, head, signers=("zone-a", "zone-b", "regulator", "watcher")),
        RejectReason.UNAUTHORISED_SIGNER,
        COUNT,
        "is not authorised to sign receipts",
        id="unauthorised-signer",
    ),
    pytest.param(
        lambda s, head: s.receipt(COUNT, head, signers=("zone-a", "regulator")),
        RejectReason.THRESHOLD_NOT_MET,
        COUNT,
        "zone_authority 1 of 2 required",
        id="below-threshold",
    ),
]


@pytest.mark.parametrize(("forge", "reason", "sequence", "message"), FORGERIES)
def test_a_forged_receipt_is_rejected_with_its_reason(
    scenario: Scenario, forge: Forge, reason: RejectReason, sequence: int, message: str
) -> None:
    forged = forge(scenario, scenario.receipts[-1]["next_root"])
    with pytest.raises(ReceiptRejectedError, match=message) as caught:
        verify_chain([*scenario.receipts, forged], scenario.policy, checker=scenario.checker())
    assert (caught.value.reason, caught.value.sequence) == (reason, sequence)


def _request(s: Scenario, party: str, from_state: str, to_state: str, at: Timestamp) -> dict[str, Any]:
    """A lifecycle-transition VC signed by ``party``."""
    subject = {
        "type": "MSEZCorridorLifecycleTransition",
        "corridor_id": s.policy.corridor_id,
        "from_state": from_state,
        "to_state": to_state,
        "transitioned_at": str(at),
    }
    issuer = s.signer(party)
    unsigned = new_credential(
        types=["MSEZCorridorLifecycleTransitionCredential"], issuer=str(issuer.did), subject=subject, issued_at=at
    )
    return sign_credential(unsigned, issuer, created=at).to_json()


def _activate(s: Scenario) -> CorridorLifecycle:
    """DRAFT -> PENDING on the definition VC; PENDING -> ACTIVE on the agreement VCs and the genesis receipt."""
    world, lifecycle = s.world, CorridorLifecycle(s.policy.corridor_id)
    definition = world.json("corridor.vc.json")
    lifecycle.apply(_request(s, "zone-a", "DRAFT", "PENDING", T0), s.policy, evidence=[definition], now=NOW)
    agreements = [world.json(f"corridor.agreement.{p}.vc.json") for p in PARTIES]
    activate = _request(s, "zone-a", "PENDING", "ACTIVE", T0 + timedelta(minutes=1))
    with pytest.raises(MissingEvidenceError, match="MSEZCorridorAgreementCredential"):
        lifecycle.apply(activate, s.policy, evidence=[definition], now=NOW)
    with pytest.raises(GuardRefusedError, match="finality receipt_signed required; got none supplied"):
        lifecycle.apply(activate, s.policy, evidence=agreements, now=NOW)
    genesis = verify_chain(s.receipts[:1], s.policy, checker=s.checker())
    level, count = finality_of(finality_status(genesis, as_of=NOW), corridor_id=s.policy.corridor_id)
    assert (level, count) == (FinalityLevel.RECEIPT_SIGNED, 1)
    record = lifecycle.apply(activate, s.policy, evidence=agreements, finality=level, now=NOW)
    assert {e.digest for e in record.evidence} >= {payload_digest(a) for a in agreements}
    return lifecycle


def test_lifecycle_fork_halt_and_resolution_on_the_chosen_branch(scenario: Scenario) -> None:
    s, receipts = scenario, scenario.receipts
    lifecycle = _activate(s)
    assert lifecycle.state == "ACTIVE"

    head = receipts[-1]["next_root"]
    branch_a, branch_b = s.receipt(COUNT, head, branch="a"), s.receipt(COUNT, head, branch="b")
    tail_b = s.receipt(COUNT + 1, branch_b["next_root"], branch="b")
    # Two valid receipts at one sequence: the streaming verifier raises the fork alarm.
    with pytest.raises(ForkDetectedError, match="fork") as caught:
        verify_chain([*receipts, branch_a, branch_b], s.policy, checker=s.checker())
    fork = ForkEvidence.of(caught.value)
    assert fork == detect_fork(branch_a, branch_b, s.checker())
    store = MemoryArtifactStore()
    alarm = sign_credential(
        fork_alarm_credential(fork, issuer=str(s.watcher.did), detected_at=T0 + timedelta(hours=2), store=store),
        s.watcher,
        created=T0,
    ).to_json()
    assert store.contains("blob", alarm["credentialSubject"]["receipt_a"]["digest_sha256"])
    halt = _request(s, "zone-c", "ACTIVE", "HALTED", T0 + timedelta(hours=2))
    lifecycle.apply(halt, s.policy, evidence=[alarm], now=NOW)
    assert lifecycle.state == "HALTED"

    # The authority resolves the fork for branch b; the lifecycle resumes and the canonical chain follows b.
    resolution = sign_credential(
        fork_resolution_credential(
            corridor_id=s.policy.corridor_id,
            sequence=COUNT,
            prev_root=head,
            chosen_next_root=branch_b["next_root"],
            issuer=str(s.signer("zone-a").did),
            candidates=[branch_a["next_root"]],
            resolved_at=T0 + timedelta(hours=3),
        ),
        s.signer("zone-a"),
        created=T0,
    ).to_json()
    resume = _request(s, "zone-a", "HALTED", "ACTIVE", T0 + timedelta(hours=3))
    record = lifecycle.apply(resume, s.policy, evidence=[resolution], now=NOW)
    assert lifecycle.state == "ACTIVE"
    assert [r.to_state for r in lifecycle.history] == ["PENDING", "ACTIVE", "HALTED", "ACTIVE"]
    assert payload_digest(resolution) in {e.digest for e in record.evidence}

    forked = [*receipts, branch_a, branch_b, tail_b]
    resolutions = ForkResolutions.from_credentials([resolution], s.policy, now=NOW)
    canonical = build_canonical_chain(forked, s.policy, checker=s.checker(), resolutions=resolutions)
    assert (canonical.head.receipt_count, canonical.head.final_state_root) == (COUNT + 2, tail_b["next_root"])
    (point,) = canonical.forks
    assert (point.sequence, point.chosen, point.resolved_by) == (COUNT, branch_b["next_root"], "authority")

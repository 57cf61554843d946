"""The fork-aware canonical chain and the fork-inspect report (spec 40.11; open question 13)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from msez.core import ConflictError, VerificationError
from msez.corridor import (
    AutomaticForkChoice,
    ForkBranch,
    ForkResolutions,
    attest_branch,
    build_canonical_chain,
    fork_resolution_credential,
    genesis_root,
)
from msez.schema import validate
from msez.vc import Signer, sign_credential
from tests.corridor.state.conftest import CORRIDOR, T0, World, receipt

NOW = T0 + timedelta(days=1)


def _fork(world: World, base: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    a = receipt(world, 5, base[-1]["next_root"], payload={"branch": "a"})
    b = receipt(world, 5, base[-1]["next_root"], payload={"branch": "b"})
    after_b = receipt(world, 6, b["next_root"], payload={"after": "b"})
    return a, b, after_b


def _resolution(world: World, signer: Signer, prev: str, chosen: str) -> dict[str, Any]:
    unsigned = fork_resolution_credential(
        corridor_id=CORRIDOR,
        sequence=5,
        prev_root=prev,
        chosen_next_root=chosen,
        issuer=str(signer.did),
        resolved_at=T0,
    )
    return sign_credential(unsigned, signer, created=T0).to_json()


def _automatic(world: World, *targets: dict[str, Any]) -> AutomaticForkChoice:
    votes = [attest_branch(ForkBranch.of(t), w.key, at=T0) for t in targets for w in world.watchers[:2]]
    return AutomaticForkChoice(tuple(votes), world.policy.authorized_watchers, NOW)


def test_automatic_choice_without_a_resolution(world: World, thousand: list[dict[str, Any]]) -> None:
    base = thousand[:5]
    a, b, after_b = _fork(world, base)
    canonical = build_canonical_chain(
        [*base, a, b, after_b], world.policy, checker=world.checker(), automatic=_automatic(world, b)
    )
    assert (canonical.head.receipt_count, canonical.head.final_state_root) == (7, after_b["next_root"])
    point = canonical.forks[0]
    assert (point.resolved_by, point.automatic.reason.value) == ("automatic", "MoreAttestations")  # type: ignore[union-attr]
    report = canonical.report()
    validate(report, "corridor.fork-inspect-report")
    assert report["forks"]["points"][0]["automatic_choice"]["winner_attestations"] == 2


def test_the_authority_overrides_the_automatic_choice(world: World, thousand: list[dict[str, Any]]) -> None:
    base = thousand[:5]
    a, b, after_b = _fork(world, base)
    resolutions = ForkResolutions.from_credentials(
        [_resolution(world, world.zone_c, base[-1]["next_root"], a["next_root"])], world.policy, now=NOW
    )
    canonical = build_canonical_chain(
        [*base, a, b, after_b],
        world.policy,
        checker=world.checker(),
        resolutions=resolutions,
        automatic=_automatic(world, b),
    )
    assert (canonical.head.receipt_count, canonical.head.final_state_root) == (6, a["next_root"])
    assert canonical.unreachable == [
        {"index": 7, "sequence": 6, "next_root": after_b["next_root"], "reason": "descends from a losing branch"}
    ]
    report = canonical.report()
    assert report["warnings"][0] == "AUTHORITY_OVERRIDES_AUTOMATIC_CHOICE at sequence 5"
    validate(report, "corridor.fork-inspect-report")


def test_resolutions_must_bind_and_agree(world: World, thousand: list[dict[str, Any]]) -> None:
    prev = thousand[4]["next_root"]
    with pytest.raises(VerificationError, match="not signed by a zone_authority party"):
        ForkResolutions.from_credentials([_resolution(world, world.regulator, prev, "aa" * 32)], world.policy, now=NOW)
    unsigned = {k: v for k, v in _resolution(world, world.zone_a, prev, "aa" * 32).items() if k != "proof"}
    with pytest.raises(VerificationError, match="does not verify"):
        ForkResolutions.from_credentials([unsigned], world.policy, now=NOW)
    with pytest.raises(ConflictError, match="fork resolutions disagree at sequence 5"):
        ForkResolutions.from_credentials(
            [_resolution(world, world.zone_a, prev, "aa" * 32), _resolution(world, world.zone_b, prev, "bb" * 32)],
            world.policy,
            now=NOW,
        )


def test_inspect_reports_invalid_receipts_and_keeps_going(world: World, thousand: list[dict[str, Any]]) -> None:
    base = thousand[:6]
    broken = {**thousand[6], "proof": {**thousand[6]["proof"][0], "jws": "A" * 86}}
    report = build_canonical_chain(
        [*base, broken, *thousand[6:8]], world.policy, checker=world.checker(), strict=False
    ).report()
    assert report["receipts"]["invalid_details"] == [
        {
            "index": 6,
            "sequence": 6,
            "reason": "bad-signature",
            "detail": report["receipts"]["invalid_details"][0]["detail"],
        }
    ]
    assert (report["receipts"]["total"], report["canonical_head"]["receipt_count"]) == (9, 8)
    assert report["recommendations"] == ["INVALID_RECEIPTS_PRESENT: 1 receipt(s) failed verification."]
    validate(report, "corridor.fork-inspect-report")


def test_copies_of_a_receipt_pool_their_signatures(world: World) -> None:
    genesis = genesis_root(world.policy).hex
    first = receipt(world, 0, genesis, signers=(world.zone_a, world.regulator))
    second = receipt(world, 0, genesis, signers=(world.zone_c,))
    assert first["next_root"] == second["next_root"]
    canonical = build_canonical_chain([first, second], world.policy, checker=world.checker())
    assert canonical.head.receipt_count == 1

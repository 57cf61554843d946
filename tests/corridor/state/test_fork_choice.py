"""Acceptance 3: the automatic fork choice (reference-impl A §5.2), case by case."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from msez.core import Timestamp, ValidationError
from msez.corridor import (
    ForkBranch,
    ForkReason,
    attest_branch,
    choose_fork,
    equivocation_evidence,
    equivocation_report,
)
from msez.crypto import SigningKey
from msez.state import SLASHING_EVIDENCE, SlashingCondition, TransitionContext, WatcherBond

NOW = Timestamp.parse("2026-01-15T12:00:00Z")
PREV = "cc" * 32
LOW, HIGH = "11" * 32, "ee" * 32
WATCHERS = tuple(SigningKey.generate() for _ in range(4))
REGISTERED = frozenset(str(k.verifying_key.did) for k in WATCHERS)


def branch(next_root: str, seconds: int) -> ForkBranch:
    return ForkBranch(7, PREV, next_root, NOW + timedelta(seconds=seconds))


def votes(target: ForkBranch, *keys: SigningKey) -> list[dict[str, Any]]:
    return [attest_branch(target, key, at=NOW) for key in keys]


def choose(a: ForkBranch, b: ForkBranch, attestations: list[dict[str, Any]]) -> Any:
    return choose_fork(a, b, attestations=attestations, registered=REGISTERED, now=NOW)


CASES = [
    pytest.param(
        branch(HIGH, -300), branch(LOW, 0), ("b", 2), ("b", ForkReason.MORE_ATTESTATIONS), id="300s-apart-falls-through"
    ),
    pytest.param(
        branch(HIGH, -301), branch(LOW, 0), ("b", 2), ("a", ForkReason.EARLIER_TIMESTAMP), id="301s-apart-earlier-wins"
    ),
    pytest.param(
        branch(LOW, 61), branch(HIGH, 0), ("a", 3), ("b", ForkReason.FUTURE_TIMESTAMP), id="61s-in-the-future-rejected"
    ),
    pytest.param(
        branch(HIGH, 60), branch(LOW, 0), ("a", 2), ("a", ForkReason.MORE_ATTESTATIONS), id="60s-in-the-future-allowed"
    ),
    pytest.param(
        branch(HIGH, 0), branch(LOW, 10), ("both", 1), ("b", ForkReason.LEXICOGRAPHIC_TIEBREAK), id="equal-attestations"
    ),
    pytest.param(
        branch(LOW, 0), branch(HIGH, 0), ("none", 0), ("a", ForkReason.LEXICOGRAPHIC_TIEBREAK), id="no-attestations"
    ),
]


@pytest.mark.parametrize(("a", "b", "attested", "expected"), CASES)
def test_fork_choice_table(
    a: ForkBranch, b: ForkBranch, attested: tuple[str, int], expected: tuple[str, ForkReason]
) -> None:
    side, count = attested
    documents = []
    if side in ("a", "both"):
        documents += votes(a, *WATCHERS[:count])
    if side in ("b", "both"):
        documents += votes(b, *WATCHERS[count : 2 * count] if side == "both" else WATCHERS[:count])
    choice = choose(a, b, documents)
    winner, reason = expected
    assert (choice.winner, choice.reason) == ({"a": a, "b": b}[winner], reason)
    assert {choice.winner_attestations, choice.loser_attestations} <= {0, count}


def test_a_watcher_attesting_both_branches_is_equivocating() -> None:
    a, b = branch(HIGH, 0), branch(LOW, 5)
    documents = votes(a, WATCHERS[0], WATCHERS[1]) + votes(b, WATCHERS[1], WATCHERS[2])
    choice = choose(a, b, documents)
    equivocator = WATCHERS[1].verifying_key
    assert choice.equivocating == (equivocator.hex(),)
    assert (choice.winner_attestations, choice.loser_attestations, choice.reason) == (
        1,
        1,
        ForkReason.LEXICOGRAPHIC_TIEBREAK,
    )
    report = equivocation_report(choice, corridor_id="c-1")
    assert report["watchers"][0]["did"] == str(equivocator.did)
    assert len(report["watchers"][0]["attestations"]) == 2
    bond = WatcherBond()
    bond.bond(1_000_000)
    bond.activate()
    evidence = equivocation_evidence(report)
    assert evidence.type == SLASHING_EVIDENCE
    assert bond.slash(SlashingCondition.EQUIVOCATION, TransitionContext(evidence=(evidence,))) == 1_000_000


def test_unregistered_and_invalid_attestations_are_not_counted() -> None:
    a, b = branch(HIGH, 0), branch(LOW, 0)
    stranger = SigningKey.generate()
    forged = {**votes(a, WATCHERS[2])[0], "signature": "00" * 64}
    misdirected = {**votes(a, WATCHERS[3])[0], "candidate_root": "99" * 32}
    documents = [*votes(a, stranger, stranger), forged, misdirected, *votes(a, WATCHERS[0], WATCHERS[0])]
    documents += votes(b, WATCHERS[1])
    choice = choose(a, b, documents)
    assert (choice.winner_attestations, choice.loser_attestations) == (1, 1)
    assert choice.reason is ForkReason.LEXICOGRAPHIC_TIEBREAK and choice.winner == b


def test_branches_must_extend_one_point() -> None:
    with pytest.raises(ValidationError, match="two different branches"):
        choose(branch(HIGH, 0), ForkBranch(8, PREV, LOW, NOW), [])
    with pytest.raises(ValidationError, match="both branches are more than 60 s"):
        choose(branch(HIGH, 61), branch(LOW, 90), [])

"""Watchers (spec 40.11): the head commitment (vector 36), attestations and watcher-compare."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from msez.core import Timestamp
from msez.corridor import (
    WatcherQuorum,
    compare_watchers,
    head_commitment,
    head_commitment_of,
    watcher_attestation,
)
from msez.vc import Signer, new_credential, sign_credential
from tests.corridor.state.conftest import T0, World, fresh, verified

NOW = T0 + timedelta(hours=2)


def test_head_commitment_vector_36() -> None:
    """reference-impl Part B §14 vector 36 (open question 5)."""
    digest = head_commitment(
        corridor_id="c", genesis_root="0" * 64, receipt_count=0, final_state_root="0" * 64, mmr_root=""
    )
    assert digest.hex == "fc5fdfafc05adb561ec571861f88e314f3c39f5270eefc5154f55e38b75ce456"
    assert (
        head_commitment(
            corridor_id=" c ", genesis_root="0" * 64, receipt_count=0, final_state_root="0" * 64, mmr_root=""
        )
        == digest
    )


def attest(world: World, checkpoint: dict[str, Any], watcher: Signer, *, at: Timestamp = NOW) -> dict[str, Any]:
    unsigned = watcher_attestation(
        verified(world, checkpoint),
        issuer=str(watcher.did),
        observed_at=at,
        credential_id=f"urn:test:{watcher.did}:{checkpoint['receipt_count']}",
    )
    return sign_credential(unsigned, watcher, created=at).to_json()


def test_attestation_carries_the_head_commitment(world: World, every_hundred: list[dict[str, Any]]) -> None:
    checkpoint = verified(world, every_hundred[-1])
    subject = attest(world, every_hundred[-1], world.watchers[0])["credentialSubject"]
    assert subject["head_commitment_digest_sha256"] == head_commitment_of(checkpoint.head).hex
    assert subject["checkpoint_digest_sha256"]["digest_sha256"] == checkpoint.digest.hex


def test_quorum_on_one_head(world: World, every_hundred: list[dict[str, Any]]) -> None:
    vcs = [attest(world, every_hundred[-1], w) for w in world.watchers[:2]]
    result = compare_watchers(vcs, world.policy, now=NOW)
    report = result.to_json()
    assert (report["status"], report["fork"], report["lag"]) == ("ok", False, False)
    assert report["quorum"] | {} == {
        **report["quorum"],
        "required_count": 2,
        "of": 3,
        "n_from": "registry",
        "quorum_met": True,
    }
    assert report["heads"][0]["confirmed_count"] == 2


def test_a_fork_overrides_any_quorum(world: World, every_hundred: list[dict[str, Any]]) -> None:
    subject = attest(world, every_hundred[-1], world.watchers[2])["credentialSubject"]
    forked = {k: v for k, v in subject.items() if k != "head_commitment_digest_sha256"} | {
        "final_state_root": "ab" * 32
    }
    dissent = new_credential(
        types=["MSEZCorridorWatcherAttestationCredential"],
        issuer=str(world.watchers[2].did),
        subject=forked,
        issued_at=NOW,
    )
    vcs = [
        *(attest(world, every_hundred[-1], w) for w in world.watchers[:2]),
        sign_credential(dissent, world.watchers[2], created=NOW).to_json(),
    ]
    result = compare_watchers(vcs, world.policy, now=NOW)
    report = result.to_json()
    assert (report["status"], report["fork"], report["quorum"]["quorum_met"]) == ("fork", True, False)
    assert report["forks"][0]["receipt_count"] == 1000
    assert [h["quorum_met"] for h in report["heads"]].count(True) == 1  # the majority head alone would have met it
    assert result.quorum_head() is None


def test_lag_and_the_quorum_head(world: World, every_hundred: list[dict[str, Any]]) -> None:
    vcs = [
        attest(world, every_hundred[-1], world.watchers[0]),
        *(attest(world, every_hundred[-2], w) for w in world.watchers[1:]),
    ]
    result = compare_watchers(vcs, world.policy, now=NOW)
    report = result.to_json()
    assert (report["lag"], report["lagging_watchers"]) == (True, sorted(str(w.did) for w in world.watchers[1:]))
    assert result.quorum_head() is not None and result.quorum_head()["receipt_count"] == 900  # type: ignore[index]


@pytest.mark.parametrize(
    ("quorum", "required"),
    [
        pytest.param(WatcherQuorum(), 2, id="majority-of-3"),
        pytest.param(WatcherQuorum(threshold="3/3"), 3, id="k-of-n"),
        pytest.param(WatcherQuorum(threshold="1/3", required=2), 2, id="required-wins"),
    ],
)
def test_thresholds(world: World, every_hundred: list[dict[str, Any]], quorum: WatcherQuorum, required: int) -> None:
    vcs = [attest(world, every_hundred[-1], w) for w in world.watchers[:2]]
    result = compare_watchers(vcs, world.policy, now=NOW, quorum=quorum)
    assert (result.required_count, result.status) == (required, "ok" if required <= 2 else "no-quorum")


def test_majority_is_strictly_more_than_half() -> None:
    assert [WatcherQuorum().required_count(n) for n in (1, 2, 3, 4, 5, 6)] == [1, 2, 2, 3, 3, 4]


def test_n_comes_from_the_registry_else_the_observed(world: World, every_hundred: list[dict[str, Any]]) -> None:
    vcs = [attest(world, every_hundred[-1], w) for w in world.watchers[:2]]
    open_policy = world.policy.model_copy(update={"authorized_watchers": frozenset()})
    result = compare_watchers(vcs, open_policy, now=NOW)
    assert (result.watcher_count, result.required_count, result.to_json()["quorum"]["n_from"]) == (2, 2, "observed")


EXCLUSIONS = [
    pytest.param(lambda w, c: attest(w, c, fresh()), "unregistered", id="unregistered"),
    pytest.param(lambda w, c: attest(w, c, w.watchers[0], at=NOW + timedelta(hours=-2)), "stale", id="stale"),
    pytest.param(
        lambda w, c: {**attest(w, c, w.watchers[0]), "issuer": str(w.watchers[1].did)}, "does-not-verify", id="altered"
    ),
    pytest.param(lambda w, c: {"type": ["VerifiableCredential"]}, "malformed", id="not-a-credential"),
]


@pytest.mark.parametrize(("make", "reason"), EXCLUSIONS)
def test_exclusions(world: World, every_hundred: list[dict[str, Any]], make: Any, reason: str) -> None:
    result = compare_watchers([make(world, every_hundred[-1])], world.policy, now=NOW)
    assert [e["reason"] for e in result.excluded] == [reason]
    assert result.observations == []


def test_staleness_follows_the_quorum_setting(world: World, every_hundred: list[dict[str, Any]]) -> None:
    old = attest(world, every_hundred[-1], world.watchers[0], at=NOW + timedelta(hours=-2))
    lenient = WatcherQuorum(max_staleness="PT3H")
    assert len(compare_watchers([old], world.policy, now=NOW, quorum=lenient).observations) == 1
    assert compare_watchers([old], world.policy, now=NOW, quorum=WatcherQuorum(max_staleness_seconds=60)).excluded

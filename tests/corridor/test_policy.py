"""The agreement layer feeds the state channel: the policy of a verified corridor."""

from __future__ import annotations

import pytest

from msez.corridor import CorridorModule, CorridorVerificationError, state_channel_policy, verify_corridor
from tests.conftest import INTEROP, REPO


def test_policy_of_the_bundled_swift_corridor() -> None:
    report = verify_corridor(CorridorModule.load(REPO / "modules/corridors/swift"))
    policy = state_channel_policy(report)
    assert policy.corridor_id == report.corridor_id
    assert policy.agreement_set_sha256 == report.channel_terms().agreement_set_sha256
    assert [(t.role, t.required) for t in policy.receipt_thresholds] == [("zone_authority", 2)]
    assert policy.dids_with_role("zone_authority") <= policy.authorized_receipt_signers


def test_a_corridor_that_does_not_verify_has_no_policy() -> None:
    report = verify_corridor(CorridorModule.load(INTEROP / "corridor_agreement_2of2_tampered"))
    with pytest.raises(CorridorVerificationError):
        state_channel_policy(report)

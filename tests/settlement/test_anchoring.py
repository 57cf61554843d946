"""The in-memory anchor target behaves as the reference's mock target."""

from __future__ import annotations

import pytest

from msez.core import NotFoundError, ValidationError, digest_of
from msez.settlement import AnchorCommitment, AnchorError, AnchorStatus, InMemoryAnchorTarget


def test_reference_mock_behaviour() -> None:
    target = InMemoryAnchorTarget("mock-l1")
    first_digest = digest_of({"checkpoint": 1})
    first = target.anchor(AnchorCommitment(first_digest, 10))
    second = target.anchor(AnchorCommitment(digest_of({"checkpoint": 2}), 11, chain_id="mock-l1"))
    assert first.transaction_id == "mock-tx-" + first_digest.hex[:16]
    assert (first.block_number, second.block_number) == (1, 2)
    assert first.status is AnchorStatus.FINALIZED
    assert target.check_status(first.transaction_id) is AnchorStatus.FINALIZED


def test_errors() -> None:
    target = InMemoryAnchorTarget("mock-l1")
    with pytest.raises(AnchorError, match="anchor rejected on mock-l1: commitment is for chain 'other'"):
        target.anchor(AnchorCommitment(digest_of({}), 1, chain_id="other"))
    with pytest.raises(NotFoundError, match="no anchoring transaction 'mock-tx-0'"):
        target.check_status("mock-tx-0")
    with pytest.raises(ValidationError, match="checkpoint_height must be an integer >= 0"):
        AnchorCommitment(digest_of({}), -1)

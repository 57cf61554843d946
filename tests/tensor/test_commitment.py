"""Commitment digest and Merkle root, checked against values computed here from the documented rules (§4.3)."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msez.core import ComplianceDomain, ContentDigest
from msez.tensor import ComplianceState, ComplianceTensor, TensorCommitment, commitment_digest, merkle_root

DOMAIN_NAMES = [
    "aml", "kyc", "sanctions", "tax", "securities", "corporate", "custody", "data_privacy", "licensing", "banking",
    "payments", "clearing", "settlement", "digital_assets", "employment", "immigration", "ip",
    "consumer_protection", "arbitration", "trade",
]  # fmt: skip


def expected_commitment(jid: str, cells: dict[str, str]) -> str:
    payload = {"jurisdiction_id": jid, "cells": cells, "schema_version": 1}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def expected_root(leaves: list[str]) -> str | None:
    if not leaves:
        return None
    level = [bytes.fromhex(x) for x in leaves]
    size = 1
    while size < len(level):
        size *= 2
    level += [level[-1]] * (size - len(level))
    while len(level) > 1:
        level = [hashlib.sha256(a + b).digest() for a, b in zip(level[::2], level[1::2], strict=True)]
    return level[0].hex()


def test_fresh_tensor_commitment_matches_the_documented_payload() -> None:
    tensor = ComplianceTensor("pk-rsez")
    expected = expected_commitment("pk-rsez", dict.fromkeys(DOMAIN_NAMES, "pending"))
    commitment = tensor.commitment()
    assert commitment.digest.hex == expected and commitment.cell_count == 20
    assert commitment.jurisdiction_id == "pk-rsez"


def test_commitment_follows_state_changes_and_applicability() -> None:
    from msez.tensor import JurisdictionConfig

    config = JurisdictionConfig("ae-difc", frozenset({ComplianceDomain.KYC, ComplianceDomain.AML}))
    tensor = ComplianceTensor(config)
    tensor.set(ComplianceDomain.KYC, ComplianceState.COMPLIANT)
    cells = dict.fromkeys(DOMAIN_NAMES, "not_applicable") | {"kyc": "compliant", "aml": "pending"}
    assert tensor.commitment().digest.hex == expected_commitment("ae-difc", cells)


def test_empty_commitment() -> None:
    assert TensorCommitment.empty("x").digest.hex == expected_commitment("x", {})
    assert TensorCommitment.empty("x").cell_count == 0


@given(st.dictionaries(st.sampled_from(list(ComplianceDomain)), st.sampled_from(list(ComplianceState))))
def test_commitment_digest_of_arbitrary_pairs(cells: dict[ComplianceDomain, ComplianceState]) -> None:
    digest = commitment_digest("zone", cells.items())
    assert digest.hex == expected_commitment("zone", {d.value: s.value for d, s in cells.items()})


def test_merkle_root_of_none_is_none() -> None:
    assert merkle_root([]) is None


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 7, 8, 9])
def test_merkle_root_matches_the_rule(count: int) -> None:
    leaves = [hashlib.sha256(f"leaf-{i}".encode()).hexdigest() for i in range(count)]
    root = merkle_root([ContentDigest(x) for x in leaves])
    assert root is not None and root.hex == expected_root(leaves)
    assert merkle_root(leaves) == root  # bare hex strings are accepted too


def test_merkle_root_is_byte_level_not_hex_text() -> None:
    a, b = (hashlib.sha256(x).hexdigest() for x in (b"a", b"b"))
    root = merkle_root([a, b])
    assert root is not None
    assert root.hex == hashlib.sha256(bytes.fromhex(a) + bytes.fromhex(b)).hexdigest()
    assert root.hex != hashlib.sha256((a + b).encode()).hexdigest()
    assert merkle_root([a]) == ContentDigest(a)


def test_merkle_root_over_tensor_commitments() -> None:
    commitments = [ComplianceTensor(j).commitment() for j in ("pk-rsez", "ae-difc", "kz-aifc")]
    root = merkle_root(commitments)
    assert root is not None and root.hex == expected_root([c.digest.hex for c in commitments])

"""Tensor commitments and their Merkle root (reference-impl A §4.3), reproduced exactly.

Commitment payload: ``{"jurisdiction_id": <id>, "cells": {<domain>: <state>, ...}, "schema_version": 1}``, its
canonical bytes hashed with SHA-256. The Merkle root over commitments is the reference's own construction, not
the corridor MMR (msez.crypto.mmr) and not RFC 6962, hence written here: leaves are the commitment digests
themselves (no leaf hashing, no domain-separation prefix); the list is padded to a power of two by repeating
the last leaf; each parent is SHA-256(left 32 raw bytes || right 32 raw bytes); one leaf is its own root; no
leaves give no root.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from msez.core import ComplianceDomain, ContentDigest, digest_of
from msez.tensor._lattice import ComplianceState

SCHEMA_VERSION = 1


def commitment_payload(
    jurisdiction_id: str, cells: Iterable[tuple[ComplianceDomain, ComplianceState]]
) -> dict[str, Any]:
    """The exact value whose canonical bytes are hashed."""
    return {
        "jurisdiction_id": str(jurisdiction_id),
        "cells": {domain.value: state.value for domain, state in cells},
        "schema_version": SCHEMA_VERSION,
    }


def commitment_digest(jurisdiction_id: str, cells: Iterable[tuple[ComplianceDomain, ComplianceState]]) -> ContentDigest:
    """SHA-256 of the canonical commitment payload for arbitrary (domain, state) pairs."""
    return digest_of(commitment_payload(jurisdiction_id, cells))


@dataclass(frozen=True, slots=True)
class TensorCommitment:
    """A tensor's commitment: its digest, jurisdiction and cell count."""

    jurisdiction_id: str
    digest: ContentDigest
    cell_count: int

    @classmethod
    def of(cls, jurisdiction_id: str, cells: Sequence[tuple[ComplianceDomain, ComplianceState]]) -> TensorCommitment:
        return cls(str(jurisdiction_id), commitment_digest(jurisdiction_id, cells), len(cells))

    @classmethod
    def empty(cls, jurisdiction_id: str) -> TensorCommitment:
        """The commitment of a tensor with an empty cells map."""
        return cls.of(jurisdiction_id, ())


def merkle_root(commitments: Sequence[ContentDigest | TensorCommitment | str]) -> ContentDigest | None:
    """The reference's Merkle root over commitment digests; ``None`` for none.

    Raises:
        ValidationError: a string that is not a SHA-256 digest.
    """
    if not commitments:
        return None
    level = [_raw(c) for c in commitments]
    while len(level) & (len(level) - 1):
        level.append(level[-1])
    while len(level) > 1:
        level = [hashlib.sha256(level[i] + level[i + 1]).digest() for i in range(0, len(level), 2)]
    return ContentDigest.from_bytes(level[0])


def _raw(value: ContentDigest | TensorCommitment | str) -> bytes:
    if isinstance(value, TensorCommitment):
        return value.digest.raw
    if isinstance(value, ContentDigest):
        return value.raw
    return ContentDigest.parse(value).raw

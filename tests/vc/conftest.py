"""Fixtures for msez.vc: fixed keys, a fixed clock and small credentials built from them."""

from __future__ import annotations

from typing import Any

import pytest

from msez.core import Timestamp
from msez.crypto import SigningKey
from msez.vc import Signer, new_credential

NOW = Timestamp.parse("2026-01-15T12:00:00Z")
"""The injected clock of every date-sensitive test."""


def signer(seed: int) -> Signer:
    """A deterministic did:key signer."""
    return Signer.from_key(SigningKey.from_seed(bytes([seed]) * 32))


@pytest.fixture
def alice() -> Signer:
    return signer(1)


@pytest.fixture
def bob() -> Signer:
    return signer(2)


def credential(issuer: Signer, **subject: Any) -> dict[str, Any]:
    """An unsigned data model 1.1 credential issued at ``NOW``."""
    built = new_credential(
        types=["MsezTestCredential"],
        issuer=str(issuer.did),
        subject={"id": "did:example:holder", **subject},
        issued_at=NOW,
        credential_id="urn:msez:vc:test:1",
    )
    return built.to_json()

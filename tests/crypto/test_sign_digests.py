"""``SigningKey.sign_digests`` / ``VerifyingKey.is_valid_digests``: Ed25519 over concatenated SHA-256 digests,
the ``hashData`` input of W3C Data Integrity suites (added for msez.vc's eddsa-jcs-2022)."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from msez.core import canonical_bytes, digest_of, sha256_bytes
from msez.crypto import SigningKey


def test_signs_the_raw_concatenation() -> None:
    key = SigningKey.from_seed(bytes(range(32)))
    first, second = digest_of({"a": 1}), sha256_bytes(b"payload")

    signature = key.sign_digests([first, second])

    raw = Ed25519PrivateKey.from_private_bytes(bytes(range(32))).sign(
        hashlib.sha256(b'{"a":1}').digest() + hashlib.sha256(b"payload").digest()
    )
    assert signature.raw == raw
    assert key.verifying_key.is_valid_digests([first, second], signature)
    assert not key.verifying_key.is_valid_digests([second, first], signature)
    assert not key.verifying_key.is_valid(canonical_bytes({"a": 1}), signature)


@pytest.mark.parametrize("digests", [pytest.param([], id="empty"), pytest.param([b"\x00" * 32], id="raw-bytes")])
def test_only_content_digests_are_signed(digests: list[object]) -> None:
    with pytest.raises(TypeError, match="non-empty sequence of ContentDigest"):
        SigningKey.generate().sign_digests(digests)  # type: ignore[arg-type]

"""Signers and key files (spec X.4): an Ed25519 key with the verification method its proofs name.

Key files are a private OKP JWK ``{kty, crv, x, d, kid}`` or a wrapper ``{private_jwk|jwk, verificationMethod|
verification_method|vm}``. Without a wrapper the method is ``<did:key from x>#<kid or key-1>``. Private key files
are written with mode 0600 through a temp file in the same directory, and never overwrite unless asked; no error
message ever contains key material.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from msez.core import ConflictError, CryptoError, Did, ValidationError, load_json, write_atomic
from msez.crypto import SigningKey, VerifyingKey

DEFAULT_KID = "key-1"
_WRAPPER_KEYS = ("private_jwk", "jwk")
_VM_KEYS = ("verificationMethod", "verification_method", "vm")


@dataclass(frozen=True, slots=True)
class Signer:
    """A private key and the verification method (a DID URL) that resolves to its public half."""

    key: SigningKey
    verification_method: str

    @classmethod
    def from_key(cls, key: SigningKey, *, kid: str = DEFAULT_KID) -> Signer:
        """A ``did:key`` signer: the method is ``<did:key>#<kid>``."""
        return cls(key, f"{key.verifying_key.did}#{kid}")

    @property
    def did(self) -> Did:
        """The verification method without its fragment."""
        return Did(self.verification_method.split("#", 1)[0])

    @property
    def verifying_key(self) -> VerifyingKey:
        return self.key.verifying_key


def signer_from_json(value: Any) -> Signer:
    """Read a key file's parsed content: a private OKP JWK or a ``{private_jwk, verificationMethod}`` wrapper.

    Raises:
        CryptoError: not an Ed25519 private JWK, or ``x`` does not match ``d``.
        ValidationError: a wrapper with a malformed verification method.
    """
    if not isinstance(value, Mapping):
        raise CryptoError(f"a key file must hold a JSON object, got {type(value).__name__}")
    jwk = next((value[k] for k in _WRAPPER_KEYS if k in value), value)
    if not isinstance(jwk, Mapping):
        raise CryptoError("the key file's private_jwk must be a JSON object")
    key = SigningKey.from_jwk(dict(jwk))
    method = next((value[k] for k in _VM_KEYS if k in value), None)
    if method is None:  # from_jwk checked that x (when present) is the public half of d
        return Signer.from_key(key, kid=jwk.get("kid") or DEFAULT_KID)
    if not isinstance(method, str) or not method.startswith("did:"):
        raise ValidationError(f"the key file's verificationMethod must be a DID URL, got {str(method)[:80]!r}")
    return Signer(key, method)


def load_signer(path: str | Path) -> Signer:
    """Load a key file (see :func:`signer_from_json`).

    Raises:
        CryptoError: unreadable, not JSON, or not an Ed25519 key; the message never quotes the file's content.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise CryptoError(f"{path}: cannot read key file: {e.strerror}") from None
    try:
        value = load_json(data, source=str(path))
    except ValidationError:
        raise CryptoError(f"{path}: key file is not valid JSON") from None
    try:
        return signer_from_json(value)
    except CryptoError as e:
        raise CryptoError(f"{path}: {e.message}") from None


def write_private_jwk(path: str | Path, key: SigningKey, *, kid: str = DEFAULT_KID, overwrite: bool = False) -> None:
    """Write ``key`` as a private OKP JWK with mode 0600.

    Raises:
        ConflictError: ``path`` exists and ``overwrite`` is false.
    """
    _write_json(Path(path), key.private_jwk(kid=kid), overwrite=overwrite, mode=0o600)


def write_public_jwk(path: str | Path, key: VerifyingKey, *, kid: str = DEFAULT_KID, overwrite: bool = False) -> None:
    """Write the public OKP JWK (the private JWK without ``d``) with mode 0644.

    Raises:
        ConflictError: ``path`` exists and ``overwrite`` is false.
    """
    _write_json(Path(path), key.jwk(kid=kid), overwrite=overwrite, mode=0o644)


def _write_json(path: Path, value: Mapping[str, Any], *, overwrite: bool, mode: int) -> None:
    data = (json.dumps(value, indent=2, sort_keys=True) + "\n").encode("utf-8")
    try:
        write_atomic(path, data, mode=mode, overwrite=overwrite)
    except ConflictError:
        raise ConflictError(f"{path} exists; refusing to overwrite a key file") from None

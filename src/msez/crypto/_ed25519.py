"""Ed25519 keys and signatures over canonical bytes, OKP JWKs and ``did:key`` (spec X.4, reference-impl A 2.3)."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Final, final

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from msez.core import CanonicalBytes, ContentDigest, CryptoError, Did, VerificationError

_MULTICODEC_ED25519: Final = b"\xed\x01"
_DID_KEY_PREFIX: Final = "did:key:z"
_B64URL = re.compile(r"[A-Za-z0-9_-]*\Z")
_RAW = serialization.Encoding.Raw
_RAW_PUB = serialization.PublicFormat.Raw


def b64url_encode(data: bytes) -> str:
    """Base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str, *, what: str = "value") -> bytes:
    """Strict base64url without padding.

    Raises:
        CryptoError: padding, characters outside ``[A-Za-z0-9_-]`` or an impossible length.
    """
    if not isinstance(text, str) or not _B64URL.match(text):
        raise CryptoError(f"{what} must be unpadded base64url ([A-Za-z0-9_-])")
    if len(text) % 4 == 1:
        raise CryptoError(f"{what} has an impossible base64url length {len(text)}")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as e:
        raise CryptoError(f"{what} is not valid base64url") from e


def _hex_bytes(text: str, *, length: int, what: str) -> bytes:
    try:
        raw = bytes.fromhex(text)
    except (ValueError, TypeError):
        raise CryptoError(f"{what} is not valid hex") from None
    if len(raw) != length:
        raise CryptoError(f"{what} must be {length} bytes, got {len(raw)}")
    return raw


@final
class Signature:
    """A raw 64-byte Ed25519 signature."""

    __slots__ = ("_raw",)
    _raw: bytes

    def __init__(self, raw: bytes) -> None:
        if len(raw) != 64:
            raise CryptoError(f"Ed25519 signature must be 64 bytes, got {len(raw)}")
        object.__setattr__(self, "_raw", bytes(raw))

    @classmethod
    def from_b64url(cls, text: str) -> Signature:
        return cls(b64url_decode(text, what="signature"))

    @classmethod
    def from_hex(cls, text: str) -> Signature:
        return cls(_hex_bytes(text, length=64, what="signature"))

    @property
    def raw(self) -> bytes:
        return self._raw

    def b64url(self) -> str:
        return b64url_encode(self._raw)

    def hex(self) -> str:
        return self._raw.hex()

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Signature is immutable")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Signature) and other._raw == self._raw

    def __hash__(self) -> int:
        return hash(self._raw)

    def __repr__(self) -> str:
        return f"Signature({self.hex()[:16]}...)"


@final
class VerifyingKey:
    """An Ed25519 public key."""

    __slots__ = ("_key", "_raw")
    _raw: bytes
    _key: Ed25519PublicKey

    def __init__(self, raw: bytes) -> None:
        if len(raw) != 32:
            raise CryptoError(f"Ed25519 public key must be 32 bytes, got {len(raw)}")
        try:
            key = Ed25519PublicKey.from_public_bytes(raw)
        except ValueError as e:
            raise CryptoError("invalid Ed25519 public key") from e
        object.__setattr__(self, "_raw", bytes(raw))
        object.__setattr__(self, "_key", key)

    @classmethod
    def from_hex(cls, text: str) -> VerifyingKey:
        return cls(_hex_bytes(text, length=32, what="public key"))

    @classmethod
    def from_jwk(cls, jwk: dict[str, Any]) -> VerifyingKey:
        """From an OKP JWK (``kty`` OKP, ``crv`` Ed25519, ``x``).

        Raises:
            CryptoError: not an Ed25519 OKP JWK.
        """
        _check_okp(jwk)
        if "x" not in jwk:
            raise CryptoError("JWK has no public key x")
        return cls(b64url_decode(jwk["x"], what="JWK x"))

    @classmethod
    def from_did(cls, did: str) -> VerifyingKey:
        """Resolve a ``did:key`` (a ``#fragment`` is ignored).

        Raises:
            CryptoError: not an Ed25519 ``did:key``.
        """
        if not isinstance(did, str):
            raise CryptoError(f"a DID must be a string, got {type(did).__name__}")
        return _key_from_did(did.split("#", 1)[0])

    @property
    def raw(self) -> bytes:
        return self._raw

    def hex(self) -> str:
        return self._raw.hex()

    @property
    def did(self) -> Did:
        """``did:key:z...``: base58btc of the multicodec ``0xed01`` followed by the 32 key bytes."""
        return Did(_DID_KEY_PREFIX + base58.b58encode(_MULTICODEC_ED25519 + self._raw).decode("ascii"))

    def jwk(self, *, kid: str | None = None) -> dict[str, str]:
        out = {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(self._raw)}
        if kid:
            out["kid"] = kid
        return out

    def verify(self, message: CanonicalBytes, signature: Signature) -> None:
        """Check ``signature`` over ``message``.

        Raises:
            VerificationError: the signature does not verify.
        """
        if not self.is_valid(message, signature):
            raise VerificationError("Ed25519 signature does not verify")

    def is_valid(self, message: CanonicalBytes, signature: Signature) -> bool:
        if not isinstance(message, CanonicalBytes):
            raise TypeError("only CanonicalBytes can be verified; use msez.core.canonical_bytes()")
        try:
            self._key.verify(signature.raw, message.data)
        except InvalidSignature:
            return False
        return True

    def is_valid_digests(self, digests: Sequence[ContentDigest], signature: Signature) -> bool:
        """Check ``signature`` over the concatenated raw digests (see :meth:`SigningKey.sign_digests`)."""
        try:
            self._key.verify(signature.raw, _digest_message(digests))
        except InvalidSignature:
            return False
        return True

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("VerifyingKey is immutable")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VerifyingKey) and other._raw == self._raw

    def __hash__(self) -> int:
        return hash(self._raw)

    def __repr__(self) -> str:
        return f"VerifyingKey({self.hex()})"


@final
class SigningKey:
    """An Ed25519 private key. Its secret never appears in ``repr``, logs or errors."""

    __slots__ = ("_key", "_public")
    _key: Ed25519PrivateKey
    _public: VerifyingKey

    def __init__(self, key: Ed25519PrivateKey) -> None:
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_public", VerifyingKey(key.public_key().public_bytes(_RAW, _RAW_PUB)))

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> SigningKey:
        """From the 32-byte RFC 8032 private seed."""
        if not isinstance(seed, bytes | bytearray) or len(seed) != 32:
            got = f"{len(seed)} bytes" if isinstance(seed, bytes | bytearray) else type(seed).__name__
            raise CryptoError(f"Ed25519 seed must be 32 bytes, got {got}")
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    @classmethod
    def from_hex(cls, text: str) -> SigningKey:
        return cls.from_seed(_hex_bytes(text, length=32, what="private key"))

    @classmethod
    def from_jwk(cls, jwk: dict[str, Any]) -> SigningKey:
        """From a private OKP JWK (``d`` is the seed; ``x``, when present, must match it).

        Raises:
            CryptoError: not an Ed25519 private JWK, or ``x`` does not belong to ``d``.
        """
        _check_okp(jwk)
        if "d" not in jwk:
            raise CryptoError("JWK has no private key d")
        key = cls.from_seed(b64url_decode(jwk["d"], what="JWK d"))
        if "x" in jwk and b64url_decode(jwk["x"], what="JWK x") != key.verifying_key.raw:
            raise CryptoError("JWK x does not match its private key d")
        return key

    @property
    def verifying_key(self) -> VerifyingKey:
        return self._public

    def seed(self) -> bytes:
        """The 32 secret seed bytes. Handle with care."""
        return self._key.private_bytes(_RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption())

    def private_jwk(self, *, kid: str = "key-1") -> dict[str, str]:
        """The private OKP JWK ``{kty, crv, x, d, kid}``. Handle with care."""
        return {**self._public.jwk(kid=kid), "d": b64url_encode(self.seed())}

    def sign(self, message: CanonicalBytes) -> Signature:
        """Sign canonical bytes (deterministic RFC 8032 Ed25519)."""
        if not isinstance(message, CanonicalBytes):
            raise TypeError("only CanonicalBytes can be signed; use msez.core.canonical_bytes()")
        return Signature(self._key.sign(message.data))

    def sign_digests(self, digests: Sequence[ContentDigest]) -> Signature:
        """Sign the concatenation of raw SHA-256 digests, W3C Data Integrity's ``hashData``.

        Meant for digests of canonical bytes (Data Integrity hashes the canonical proof configuration and
        document); it is the only signing input besides :class:`CanonicalBytes`.
        """
        return Signature(self._key.sign(_digest_message(digests)))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("SigningKey is immutable")

    def __repr__(self) -> str:
        return f"SigningKey(public={self._public.hex()})"

    def __reduce__(self) -> Any:
        raise TypeError("SigningKey cannot be pickled")


def _digest_message(digests: Sequence[ContentDigest]) -> bytes:
    if not digests or not all(isinstance(d, ContentDigest) for d in digests):
        raise TypeError("sign_digests/is_valid_digests take a non-empty sequence of ContentDigest")
    return b"".join(d.raw for d in digests)


def _check_okp(jwk: Any) -> None:
    if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise CryptoError("expected an OKP JWK with crv Ed25519")


@lru_cache(maxsize=4096)
def _key_from_did(did: str) -> VerifyingKey:
    if not did.startswith(_DID_KEY_PREFIX):
        raise CryptoError(f"not a did:key with base58btc multibase: {did[:60]!r}")
    try:
        decoded = base58.b58decode(did[len(_DID_KEY_PREFIX) :])
    except ValueError:
        raise CryptoError("did:key is not valid base58btc") from None
    if decoded.startswith(_MULTICODEC_ED25519):
        raw = decoded[2:]
    elif decoded.startswith(b"\xed"):
        raw = decoded[1:]  # legacy single-byte prefix, accepted by the reference (0xed01 is tried first)
    else:
        raise CryptoError(f"did:key is not an Ed25519 key (multicodec 0xed01), found prefix 0x{decoded[:2].hex()}")
    if len(raw) != 32:
        raise CryptoError(f"did:key Ed25519 key must be 32 bytes, got {len(raw)}")
    return VerifyingKey(raw)

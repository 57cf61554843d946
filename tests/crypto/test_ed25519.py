"""Ed25519 over canonical bytes, OKP JWKs and did:key (spec X.4; reference-impl A 2.3, B 5, B 14 item 34)."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import base58
import pytest
from hypothesis import given
from hypothesis import strategies as st

from msez.core import CryptoError, MsezError, VerificationError, canonical_bytes
from msez.crypto import Signature, SigningKey, VerifyingKey, b64url_decode, b64url_encode

ZERO_SEED_PUBLIC = "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29"
ZERO_SEED_DID = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
ZERO_SEED_JWS = "4m9w-OWFOLy-lhhro3SP_JtERwLNv2WjFD92JyWykaGKp1xbTT-xNtzGFNUugDsjBncnh_fJ8-LkhDgApkvMBQ"
SECRET_SEED = bytes(range(1, 33))


def test_signing_vector_34() -> None:
    key = SigningKey.from_seed(bytes(32))
    public = key.verifying_key
    assert public.hex() == ZERO_SEED_PUBLIC
    assert public.did == ZERO_SEED_DID
    assert key.private_jwk() == {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": "O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik",
        "d": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "kid": "key-1",
    }
    message = canonical_bytes({"id": "urn:example:obj:1", "hello": "world"})
    assert message.text() == '{"hello":"world","id":"urn:example:obj:1"}'
    signature = key.sign(message)
    assert signature.b64url() == ZERO_SEED_JWS
    public.verify(message, Signature.from_b64url(ZERO_SEED_JWS))
    assert VerifyingKey.from_did(ZERO_SEED_DID) == public


def test_sign_and_verify_with_generated_keys() -> None:
    key, other = SigningKey.generate(), SigningKey.generate()
    message = canonical_bytes({"amount": "100", "currency": "PKR"})
    signature = key.sign(message)
    assert key.sign(message) == signature  # RFC 8032 signatures are deterministic
    key.verifying_key.verify(message, signature)
    assert key.verifying_key.is_valid(message, signature)
    with pytest.raises(VerificationError, match="Ed25519 signature does not verify"):
        other.verifying_key.verify(message, signature)
    with pytest.raises(VerificationError, match="does not verify"):
        key.verifying_key.verify(canonical_bytes({"amount": "1000", "currency": "PKR"}), signature)
    tampered = bytearray(signature.raw)
    tampered[10] ^= 1
    assert not key.verifying_key.is_valid(message, Signature(bytes(tampered)))


@pytest.mark.parametrize(
    "operation",
    [
        pytest.param(lambda k: k.sign(b'{"a":1}'), id="sign-bytes"),
        pytest.param(lambda k: k.sign('{"a":1}'), id="sign-str"),
        pytest.param(lambda k: k.verifying_key.verify(b"{}", k.sign(canonical_bytes({}))), id="verify-bytes"),
        pytest.param(lambda k: k.verifying_key.is_valid(b"{}", k.sign(canonical_bytes({}))), id="is-valid-bytes"),
    ],
)
def test_only_canonical_bytes_are_signed_or_verified(operation: Any) -> None:
    with pytest.raises(
        TypeError, match=r"only CanonicalBytes can be (signed|verified); use msez\.core\.canonical_bytes"
    ):
        operation(SigningKey.generate())


# --- JWK --------------------------------------------------------------------------------------------------------


def test_jwk_round_trip() -> None:
    key = SigningKey.from_seed(SECRET_SEED)
    jwk = key.private_jwk(kid="signer-7")
    assert jwk["kid"] == "signer-7"
    restored = SigningKey.from_jwk(jwk)
    assert restored.seed() == SECRET_SEED
    assert restored.verifying_key == key.verifying_key
    public = key.verifying_key.jwk(kid="signer-7")
    assert public == {k: v for k, v in jwk.items() if k != "d"}
    assert VerifyingKey.from_jwk(public) == key.verifying_key
    assert SigningKey.from_jwk({k: v for k, v in jwk.items() if k != "x"}).verifying_key == key.verifying_key


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"kty": "EC"}, "expected an OKP JWK with crv Ed25519", id="kty"),
        pytest.param({"crv": "X25519"}, "expected an OKP JWK with crv Ed25519", id="crv"),
        pytest.param(
            {"x": "O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik"},
            "JWK x does not match its private key d",
            id="x-mismatch",
        ),
        pytest.param({"d": None}, "JWK has no private key d", id="d-missing"),
        pytest.param({"d": b64url_encode(SECRET_SEED) + "="}, "JWK d must be unpadded base64url", id="d-padded"),
        pytest.param({"d": b64url_encode(SECRET_SEED[:31])}, "seed must be 32 bytes, got 31 bytes", id="d-short"),
    ],
)
def test_bad_private_jwk(change: dict[str, Any], message: str) -> None:
    jwk = {**SigningKey.from_seed(SECRET_SEED).private_jwk(), **change}
    jwk = {k: v for k, v in jwk.items() if v is not None}
    with pytest.raises(CryptoError, match=message) as info:
        SigningKey.from_jwk(jwk)
    _assert_no_secret(str(info.value))


def test_bad_public_jwk() -> None:
    with pytest.raises(CryptoError, match="JWK has no public key x"):
        VerifyingKey.from_jwk({"kty": "OKP", "crv": "Ed25519"})
    with pytest.raises(CryptoError, match="public key must be 32 bytes, got 31"):
        VerifyingKey.from_jwk({"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(bytes(31))})
    with pytest.raises(CryptoError, match="expected an OKP JWK"):
        VerifyingKey.from_jwk("not a dict")  # type: ignore[arg-type]


# --- did:key ----------------------------------------------------------------------------------------------------


@given(st.binary(min_size=32, max_size=32))
def test_did_key_round_trip(seed: bytes) -> None:
    public = SigningKey.from_seed(seed).verifying_key
    assert public.did.startswith("did:key:z6Mk")
    assert VerifyingKey.from_did(public.did) == public
    assert VerifyingKey.from_did(f"{public.did}#key-1") == public
    assert public.did.method == "key"


def _did(payload: bytes) -> str:
    return "did:key:z" + base58.b58encode(payload).decode()


@pytest.mark.parametrize(
    ("did", "message"),
    [
        pytest.param(
            _did(b"\xe7\x01" + bytes(33)),
            r"not an Ed25519 key \(multicodec 0xed01\), found prefix 0xe701",
            id="secp256k1",
        ),
        pytest.param(_did(b"\xed\x01" + bytes(31)), "Ed25519 key must be 32 bytes, got 31", id="short-key"),
        pytest.param(_did(b"\xed" + bytes(31)), "Ed25519 key must be 32 bytes, got 31", id="short-legacy-key"),
        pytest.param(_did(b"\xed\x01" + bytes(33)), "Ed25519 key must be 32 bytes, got 33", id="long-key"),
        pytest.param("did:web:example.com", "not a did:key with base58btc multibase", id="did-web"),
        pytest.param("did:key:u" + "A" * 40, "not a did:key with base58btc multibase", id="other-multibase"),
        pytest.param("did:key:z0OIl", "not valid base58btc", id="bad-base58"),
    ],
)
def test_did_key_refusals(did: str, message: str) -> None:
    with pytest.raises(CryptoError, match=message):
        VerifyingKey.from_did(did)


def test_did_key_legacy_single_byte_prefix_is_accepted() -> None:
    public = SigningKey.from_seed(bytes(32)).verifying_key
    assert VerifyingKey.from_did(_did(b"\xed" + public.raw)) == public


def test_did_must_be_a_string() -> None:
    with pytest.raises(CryptoError, match="a DID must be a string, got int"):
        VerifyingKey.from_did(5)  # type: ignore[arg-type]


# --- the secret stays secret ------------------------------------------------------------------------------------


def _assert_no_secret(text: str) -> None:
    for form in (SECRET_SEED.hex(), b64url_encode(SECRET_SEED), repr(SECRET_SEED), str(list(SECRET_SEED))):
        assert form not in text


def test_private_key_never_in_repr_or_str() -> None:
    key = SigningKey.from_seed(SECRET_SEED)
    for text in (repr(key), str(key), f"{key!r} {key}", repr([key]), repr({"k": key})):
        _assert_no_secret(text)
        assert key.verifying_key.hex() in text or "SigningKey" in text


def test_private_key_cannot_be_pickled_copied_or_changed() -> None:
    key = SigningKey.from_seed(SECRET_SEED)
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(key)
    with pytest.raises(TypeError, match="cannot be pickled"):
        copy.copy(key)
    with pytest.raises(AttributeError, match="immutable"):
        key._key = None  # type: ignore[assignment]


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda: SigningKey.from_hex(SECRET_SEED.hex()[:-2]), id="hex-short"),
        pytest.param(lambda: SigningKey.from_hex(SECRET_SEED.hex()[:-1] + "g"), id="hex-bad-char"),
        pytest.param(lambda: SigningKey.from_seed(SECRET_SEED + b"\x00"), id="seed-long"),
        pytest.param(lambda: SigningKey.from_seed(SECRET_SEED.hex()), id="seed-as-text"),  # type: ignore[arg-type]
        pytest.param(
            lambda: SigningKey.from_jwk({"kty": "OKP", "crv": "Ed25519", "d": b64url_encode(SECRET_SEED) + "!"}),
            id="jwk",
        ),
    ],
)
def test_errors_never_contain_the_private_key(build: Any) -> None:
    with pytest.raises(MsezError) as info:
        build()
    _assert_no_secret(str(info.value))
    _assert_no_secret(repr(info.value))


def test_seed_is_available_on_request() -> None:
    assert SigningKey.from_hex(SECRET_SEED.hex()).seed() == SECRET_SEED


# --- signatures, public keys and base64url ----------------------------------------------------------------------


def test_signature_forms() -> None:
    signature = Signature.from_b64url(ZERO_SEED_JWS)
    assert len(signature.raw) == 64
    assert Signature.from_hex(signature.hex()) == signature
    assert signature.b64url() == ZERO_SEED_JWS
    assert repr(signature).startswith("Signature(e26f70f8")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(ZERO_SEED_JWS + "==", "signature must be unpadded base64url", id="padded"),
        pytest.param(ZERO_SEED_JWS.replace("-", "+"), "signature must be unpadded base64url", id="standard-alphabet"),
        pytest.param(ZERO_SEED_JWS[:-3], "Ed25519 signature must be 64 bytes, got 62", id="short"),
        pytest.param(ZERO_SEED_JWS + "AAA", "impossible base64url length 89", id="impossible-length"),
        pytest.param(ZERO_SEED_JWS + "AA", "Ed25519 signature must be 64 bytes, got 66", id="long"),
    ],
)
def test_signature_from_b64url_is_strict(text: str, message: str) -> None:
    with pytest.raises(CryptoError, match=message):
        Signature.from_b64url(text)


def test_public_key_checks() -> None:
    assert VerifyingKey.from_hex(ZERO_SEED_PUBLIC).hex() == ZERO_SEED_PUBLIC
    assert repr(VerifyingKey.from_hex(ZERO_SEED_PUBLIC)) == f"VerifyingKey({ZERO_SEED_PUBLIC})"
    with pytest.raises(CryptoError, match="public key must be 32 bytes, got 33"):
        VerifyingKey(bytes(33))
    with pytest.raises(CryptoError, match="public key is not valid hex"):
        VerifyingKey.from_hex("xyz")


@given(st.binary(max_size=100))
def test_b64url_round_trip(data: bytes) -> None:
    text = b64url_encode(data)
    assert "=" not in text
    assert b64url_decode(text) == data

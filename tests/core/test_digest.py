"""ContentDigest, ArtifactRef, payload digests and the tagged hasher (spec X.2, X.3; reference-impl B 3.4-3.5)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

from msez.core import (
    ArtifactRef,
    ContentDigest,
    TaggedHasher,
    ValidationError,
    canonical_bytes,
    coerce_digest,
    digest_of,
    is_sha256_hex,
    payload_bytes,
    payload_digest,
    sha256_bytes,
    sha256_digest,
)

HEX = "43258cff783fe7036d8a43033f830adfc60ec037382473548ac742b888292777"
EMPTY_OBJECT = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"


# --- ContentDigest ----------------------------------------------------------------------------------------------


def test_content_digest_forms() -> None:
    digest = ContentDigest(HEX)
    assert digest.hex == HEX
    assert str(digest) == f"sha256:{HEX}"
    assert repr(digest) == f"ContentDigest('{HEX}')"
    assert digest.raw == bytes.fromhex(HEX)
    assert ContentDigest.from_bytes(digest.raw) == digest


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(HEX, id="bare"),
        pytest.param(f"sha256:{HEX}", id="display"),
        pytest.param(f"  SHA256:{HEX.upper()}\n", id="upper-and-space"),
    ],
)
def test_content_digest_parse_accepts(text: str) -> None:
    assert ContentDigest.parse(text).hex == HEX


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(HEX[:-1], "64 lowercase hex", id="63-chars"),
        pytest.param(HEX + "0", "64 lowercase hex", id="65-chars"),
        pytest.param("g" * 64, "64 lowercase hex", id="not-hex"),
        pytest.param(f"sha512:{HEX}", "64 lowercase hex", id="other-algorithm"),
        pytest.param("", "64 lowercase hex", id="empty"),
        pytest.param(42, "must be a string, got int", id="not-a-string"),
    ],
)
def test_content_digest_parse_refuses(text: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ContentDigest.parse(text)


def test_content_digest_constructor_is_strict_lowercase() -> None:
    with pytest.raises(ValidationError, match="64 lowercase hex chars, got 'ABC"):
        ContentDigest("ABC" + HEX[3:].upper())
    with pytest.raises(ValidationError, match="32 bytes, got 31"):
        ContentDigest.from_bytes(bytes(31))


def test_content_digest_is_an_immutable_ordered_value() -> None:
    low, high = ContentDigest("0" * 64), ContentDigest("f" * 64)
    assert low < high
    assert sorted([high, low]) == [low, high]
    assert {ContentDigest(HEX), ContentDigest.parse(HEX.upper())} == {ContentDigest(HEX)}
    assert ContentDigest(HEX) != HEX
    with pytest.raises(AttributeError, match="immutable"):
        low._hex = HEX


class _Holder(BaseModel):
    model_config = ConfigDict(frozen=True)
    digest: ContentDigest


def test_content_digest_as_a_pydantic_field() -> None:
    holder = _Holder.model_validate({"digest": f"sha256:{HEX.upper()}"})
    assert holder.digest == ContentDigest(HEX)
    assert holder.model_dump(mode="json") == {"digest": HEX}
    with pytest.raises(ValueError, match="64 lowercase hex"):
        _Holder.model_validate({"digest": "nope"})


def test_sha256_helpers() -> None:
    assert sha256_bytes(b"").hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert sha256_digest(canonical_bytes({})).hex == EMPTY_OBJECT
    assert digest_of({"b": 2, "a": 1}).hex == HEX
    assert is_sha256_hex(HEX)
    assert not is_sha256_hex(HEX.upper())
    assert not is_sha256_hex(f"sha256:{HEX}")
    assert not is_sha256_hex(None)


# --- payload digest ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "proof",
    [
        pytest.param({"type": "MsezEd25519Signature2025", "jws": "x"}, id="single"),
        pytest.param([{"jws": "a"}, {"jws": "b"}], id="list"),
        pytest.param(1.5, id="even-a-float"),
    ],
)
def test_payload_digest_drops_only_the_top_level_proof(proof: Any) -> None:
    payload = {"issuer": "did:key:z6Mk", "credentialSubject": {"proof": "kept"}}
    assert payload_bytes({**payload, "proof": proof}) == canonical_bytes(payload)
    assert payload_digest({**payload, "proof": proof}) == digest_of(payload)
    assert payload_digest({"proof": proof}).hex == EMPTY_OBJECT


# --- ArtifactRef ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected_type", "artifact_type"),
    [
        pytest.param(HEX, None, "blob", id="bare-hex-defaults-to-blob"),
        pytest.param(HEX.upper(), "lawpack", "lawpack", id="bare-upper-hex-takes-expected-type"),
        pytest.param(f"sha256:{HEX}", "ruleset", "ruleset", id="display-form"),
        pytest.param(
            {"artifact_type": " LawPack ", "digest_sha256": HEX}, "lawpack", "lawpack", id="mapping-normalised"
        ),
        pytest.param(
            ArtifactRef(artifact_type="schema", digest_sha256=ContentDigest(HEX)), "schema", "schema", id="instance"
        ),
    ],
)
def test_artifact_ref_coercion(value: Any, expected_type: str | None, artifact_type: str) -> None:
    ref = ArtifactRef.coerce(value, expected_type=expected_type)
    assert ref.artifact_type == artifact_type
    assert ref.digest_sha256 == ref.digest == ContentDigest(HEX)
    assert coerce_digest(value, expected_type=expected_type) == ContentDigest(HEX)


@pytest.mark.parametrize(
    ("value", "expected_type", "message"),
    [
        pytest.param(
            {"artifact_type": "ruleset", "digest_sha256": HEX},
            "lawpack",
            "artifact_type must be 'lawpack', got 'ruleset'",
            id="wrong-type",
        ),
        pytest.param(
            {"artifact_type": "law_pack", "digest_sha256": HEX},
            None,
            "artifact_type: String should match",
            id="underscore",
        ),
        pytest.param({"artifact_type": "law/pack", "digest_sha256": HEX}, None, "artifact_type", id="slash"),
        pytest.param({"artifact_type": "-x", "digest_sha256": HEX}, None, "artifact_type", id="leading-dash"),
        pytest.param({"artifact_type": "x" * 65, "digest_sha256": HEX}, None, "artifact_type", id="too-long"),
        pytest.param(
            {"artifact_type": "vc", "digest_sha256": "nope"}, None, "digest_sha256: .*64 lowercase hex", id="bad-digest"
        ),
        pytest.param({"artifact_type": "vc"}, None, "digest_sha256: Field required", id="missing-digest"),
        pytest.param("nope", None, "64 lowercase hex", id="bad-bare-digest"),
        pytest.param(42, None, "expected a digest or an ArtifactRef, got int", id="int"),
    ],
)
def test_artifact_ref_refusals(value: Any, expected_type: str | None, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ArtifactRef.coerce(value, expected_type=expected_type)


def test_artifact_ref_json_keeps_unknown_fields_and_drops_empty_hints() -> None:
    data = {"artifact_type": "vc", "digest_sha256": HEX, "uri": None, "x-note": None, "x-more": {"k": [1]}}
    ref = ArtifactRef.coerce(data)
    assert ref.to_json() == {"artifact_type": "vc", "digest_sha256": HEX, "x-note": None, "x-more": {"k": [1]}}
    full = {"artifact_type": "blob", "digest_sha256": HEX, "uri": "u", "media_type": "m", "byte_length": 3}
    assert ArtifactRef.coerce({**full, "digest_sha256": f"sha256:{HEX}"}).to_json() == full


@pytest.mark.parametrize(
    "length", [pytest.param(True, id="bool"), pytest.param("3", id="string"), pytest.param(-1, id="negative")]
)
def test_artifact_ref_byte_length_is_a_non_negative_integer(length: Any) -> None:
    with pytest.raises(ValidationError, match="byte_length"):
        ArtifactRef.coerce({"artifact_type": "blob", "digest_sha256": HEX, "byte_length": length})


def test_artifact_ref_is_frozen() -> None:
    ref = ArtifactRef.coerce(HEX)
    with pytest.raises(ValueError, match="frozen"):
        ref.artifact_type = "vc"


# --- TaggedHasher -----------------------------------------------------------------------------------------------


def test_tagged_hasher_framing() -> None:
    hasher = TaggedHasher("msez-regpack-v1")
    hasher.member("a.json", canonical_bytes({"k": 1}))
    hasher.part(b"raw")
    hasher.raw(b"tail")
    expected = hashlib.sha256(b'msez-regpack-v1\x00a.json\x00{"k":1}\x00raw\x00tail').hexdigest()
    assert hasher.digest().hex == expected

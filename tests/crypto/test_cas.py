"""The content-addressed artifact store (spec 97, X.5; reference-impl A 2.2, B 9)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from msez.core import (
    CanonicalizationError,
    ConflictError,
    ContentDigest,
    IntegrityError,
    NotFoundError,
    ValidationError,
    canonical_bytes,
    digest_of,
    payload_digest,
    sha256_bytes,
)
from msez.crypto import ArtifactStore, FileArtifactStore, MemoryArtifactStore, artifact_type

RECEIPT = {"action": "transfer", "amount": 1000, "currency": "PKR"}
RECEIPT_DIGEST = "1c3d079825b8ce6976e62fc1b1adfc6f99b01db4a3eb263cb5d21016303d736d"
VC = {
    "@context": ["https://www.w3.org/2018/credentials/v1"],
    "type": ["VerifiableCredential"],
    "issuer": "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
    "credentialSubject": {"id": "did:web:example.com", "status": "active"},
    "proof": {"type": "MsezEd25519Signature2025", "jws": "first"},
}


# --- behaviour shared by both stores ----------------------------------------------------------------------------


def test_store_and_resolve(store: ArtifactStore) -> None:
    ref = store.put_json("receipt", RECEIPT)
    assert (ref.artifact_type, ref.digest_sha256.hex, ref.byte_length) == ("receipt", RECEIPT_DIGEST, 52)
    assert store.resolve("receipt", RECEIPT_DIGEST) == canonical_bytes(RECEIPT).data
    assert store.resolve_ref(ref) == canonical_bytes(RECEIPT).data
    assert store.resolve("Receipt", f"sha256:{RECEIPT_DIGEST.upper()}") == canonical_bytes(RECEIPT).data
    assert store.contains("receipt", ref.digest_sha256)
    assert not store.contains("receipt", "0" * 64)
    assert not store.contains("ruleset", RECEIPT_DIGEST)


def test_re_storing_is_idempotent(store: ArtifactStore) -> None:
    assert store.put_json("receipt", RECEIPT) == store.put_json("receipt", RECEIPT)
    assert store.list_digests("receipt") == [ContentDigest(RECEIPT_DIGEST)]


def test_existing_bytes_are_never_overwritten(store: ArtifactStore) -> None:
    pretty = json.dumps(RECEIPT, indent=2).encode()
    first = store.put("receipt", pretty)
    second = store.put_json("receipt", RECEIPT)
    assert first.digest_sha256 == second.digest_sha256 == ContentDigest(RECEIPT_DIGEST)
    assert store.resolve("receipt", RECEIPT_DIGEST) == pretty


def test_blob_digest_is_sha256_of_the_raw_bytes(store: ArtifactStore) -> None:
    data = b"\x00\xffnot json at all\n"
    ref = store.put_blob(data)
    assert ref.artifact_type == "blob"
    assert ref.digest_sha256 == sha256_bytes(data)
    assert store.resolve("blob", ref.digest_sha256) == data


def test_vc_digest_is_the_payload_digest_without_proof(store: ArtifactStore) -> None:
    ref = store.put_json("vc", VC)
    assert ref.digest_sha256 == payload_digest(VC) != digest_of(VC)
    cosigned = {**VC, "proof": [VC["proof"], {"type": "MsezEd25519Signature2025", "jws": "second"}]}
    assert store.put_json("vc", cosigned).digest_sha256 == ref.digest_sha256
    assert json.loads(store.resolve("vc", ref.digest_sha256))["proof"] == VC["proof"]


@pytest.mark.parametrize("kind", ["checkpoint", "rule-eval-evidence", "proof-binding", "settlement-plan"])
def test_other_signed_types_use_the_payload_digest(store: ArtifactStore, kind: str) -> None:
    assert store.put_json(kind, {"n": 1, "proof": {"jws": "x"}}).digest_sha256 == digest_of({"n": 1})


@pytest.mark.parametrize(
    ("kind", "data", "error", "message"),
    [
        pytest.param("receipt", b"{not json", IntegrityError, "stored artifact is not valid JSON", id="invalid-json"),
        pytest.param("vc", b"[1, 2]", IntegrityError, "a signed artifact must be a JSON object", id="vc-not-object"),
        pytest.param("receipt", b'{"x": 1.5}', CanonicalizationError, r"\$\.x: float 1\.5", id="float"),
    ],
)
def test_bytes_that_are_not_the_artifact_are_refused(
    store: ArtifactStore, kind: str, data: bytes, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        store.put(kind, data)
    assert store.list_digests(kind) == []


BAD_TYPES = [
    pytest.param("../x", id="dot-dot"),
    pytest.param("..", id="parent"),
    pytest.param("a/b", id="slash"),
    pytest.param("a\\b", id="backslash"),
    pytest.param("UPPER_JUNK", id="uppercase-junk"),
    pytest.param("law_pack", id="underscore"),
    pytest.param("-x", id="leading-dash"),
    pytest.param("", id="empty"),
    pytest.param("   ", id="blank"),
    pytest.param("x" * 65, id="too-long"),
    pytest.param("a\x00b", id="nul"),
    pytest.param(None, id="none"),
]


@pytest.mark.parametrize("kind", BAD_TYPES)
def test_bad_artifact_types_are_refused_everywhere(store: ArtifactStore, kind: Any) -> None:
    for operation in (
        lambda: store.put_json(kind, RECEIPT),
        lambda: store.resolve(kind, RECEIPT_DIGEST),
        lambda: store.contains(kind, RECEIPT_DIGEST),
        lambda: store.list_digests(kind),
    ):
        with pytest.raises(ValidationError, match=r"invalid artifact type .*: expected \[a-z0-9\]\[a-z0-9-\]\{0,63\}"):
            operation()


def test_artifact_type_is_trimmed_and_lower_cased() -> None:
    assert artifact_type(" LawPack ") == "lawpack"
    assert artifact_type("x" * 64) == "x" * 64


BAD_DIGESTS = [
    pytest.param("../" + RECEIPT_DIGEST, id="dot-dot"),
    pytest.param(RECEIPT_DIGEST + "/../x", id="trailing-path"),
    pytest.param(RECEIPT_DIGEST[:-1], id="63-chars"),
    pytest.param(RECEIPT_DIGEST + "0", id="too-long"),
    pytest.param("Z" * 64, id="uppercase-junk"),
    pytest.param("", id="empty"),
    pytest.param(f"md5:{RECEIPT_DIGEST}", id="other-algorithm"),
]


@pytest.mark.parametrize("digest", BAD_DIGESTS)
def test_bad_digests_are_refused(store: ArtifactStore, digest: str) -> None:
    store.put_json("receipt", RECEIPT)
    for operation in (lambda: store.resolve("receipt", digest), lambda: store.contains("receipt", digest)):
        with pytest.raises(ValidationError, match="digest must be 64 lowercase hex chars"):
            operation()


@pytest.mark.parametrize("suffix", ["/x", "../../x", ".JSON", "json", ".a.b.c.d.e"])
def test_bad_suffixes_are_refused(store: ArtifactStore, suffix: str) -> None:
    with pytest.raises(ValidationError, match="invalid artifact suffix"):
        store.put_json("receipt", RECEIPT, suffix=suffix)


def test_missing_artifact(store: ArtifactStore) -> None:
    with pytest.raises(NotFoundError, match=f"artifact receipt/{RECEIPT_DIGEST} not found"):
        store.resolve("receipt", RECEIPT_DIGEST)
    assert store.list_digests("receipt") == []


def test_one_digest_one_suffix(store: ArtifactStore) -> None:
    store.put_json("vc", VC, suffix=".vc.json")
    with pytest.raises(ConflictError, match="already stored with another suffix"):
        store.put_json("vc", VC)


def test_listing_is_sorted_per_type(store: ArtifactStore) -> None:
    digests = [store.put_json("receipt", {"n": n}).digest_sha256 for n in range(5)]
    store.put_blob(b"other type")
    assert store.list_digests("receipt") == sorted(digests)


@pytest.mark.parametrize("where", ["file", "memory"])
def test_custom_digest_rules(where: str, tmp_path: Path) -> None:
    def lawpack_rule(data: bytes) -> ContentDigest:
        if not data.startswith(b"PK"):
            raise IntegrityError("not a zip")
        return sha256_bytes(data[2:])

    rules = {"lawpack": lawpack_rule}
    store = FileArtifactStore([tmp_path], rules=rules) if where == "file" else MemoryArtifactStore(rules=rules)
    ref = store.put("lawpack", b"PKcontent", suffix=".lawpack.zip")
    assert ref.digest_sha256 == sha256_bytes(b"content")
    with pytest.raises(IntegrityError, match="not a zip"):
        store.put("lawpack", b"junk", suffix=".lawpack.zip")


# --- on disk ----------------------------------------------------------------------------------------------------


def test_file_layout(tmp_path: Path) -> None:
    store = FileArtifactStore([tmp_path])
    ref = store.put_json("vc", VC, suffix=".vc.json")
    expected = tmp_path / "vc" / f"{ref.digest_sha256.hex}.vc.json"
    assert store.locate("vc", ref.digest_sha256) == expected == store.path_for("vc", ref.digest_sha256, ".vc.json")
    blob = store.put_blob(b"raw")
    assert store.locate("blob", blob.digest_sha256) == tmp_path / "blob" / blob.digest_sha256.hex
    assert sorted(p.name for p in tmp_path.rglob("*")) == sorted(["vc", "blob", expected.name, blob.digest_sha256.hex])


@pytest.mark.parametrize(
    ("kind", "value", "edit"),
    [
        pytest.param("receipt", RECEIPT, lambda b: b.replace(b"1000", b"9000"), id="json-value"),
        pytest.param("vc", VC, lambda b: b.replace(b"active", b"revoked"), id="vc-payload"),
        pytest.param("blob", b"raw bytes", lambda b: b[:-1] + b"S", id="blob-byte"),
    ],
)
def test_bytes_changed_on_disk_are_refused_on_resolve(tmp_path: Path, kind: str, value: Any, edit: Any) -> None:
    store = FileArtifactStore([tmp_path])
    ref = store.put_blob(value) if kind == "blob" else store.put_json(kind, value)
    path = store.locate(kind, ref.digest_sha256)
    path.write_bytes(edit(path.read_bytes()))
    with pytest.raises(
        IntegrityError, match=rf"integrity violation: artifact at .*{path.name} has digest [0-9a-f]{{64}}"
    ):
        store.resolve(kind, ref.digest_sha256)
    with pytest.raises(IntegrityError, match="integrity violation"):
        store.put_blob(value) if kind == "blob" else store.put_json(kind, value)
    assert path.read_bytes() == edit(store_bytes(value))


def store_bytes(value: Any) -> bytes:
    return value if isinstance(value, bytes) else canonical_bytes(value).data


def test_a_file_that_is_no_longer_json_is_refused(tmp_path: Path) -> None:
    store = FileArtifactStore([tmp_path])
    ref = store.put_json("receipt", RECEIPT)
    store.locate("receipt", ref.digest_sha256).write_bytes(b"{truncated")
    with pytest.raises(IntegrityError, match=r"integrity violation: artifact at .*: stored artifact is not valid JSON"):
        store.resolve("receipt", ref.digest_sha256)


def test_a_change_to_the_proof_only_keeps_the_vc_digest(tmp_path: Path) -> None:
    """The vc digest covers the payload (spec 97), so a re-signed copy still resolves."""
    store = FileArtifactStore([tmp_path])
    ref = store.put_json("vc", VC)
    path = store.locate("vc", ref.digest_sha256)
    path.write_bytes(path.read_bytes().replace(b"first", b"other"))
    assert json.loads(store.resolve("vc", ref.digest_sha256))["proof"]["jws"] == "other"


def test_several_roots(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    FileArtifactStore([second]).put_json("receipt", RECEIPT)
    store = FileArtifactStore([first, second])
    assert store.resolve("receipt", RECEIPT_DIGEST) == canonical_bytes(RECEIPT).data
    written = store.put_json("ruleset", {"rules": []})
    assert store.locate("ruleset", written.digest_sha256).parent.parent == first
    assert FileArtifactStore([first, first]).resolve("ruleset", written.digest_sha256)  # same file twice is one copy


def test_a_digest_in_two_roots_is_ambiguous(tmp_path: Path) -> None:
    roots = [tmp_path / "a", tmp_path / "b"]
    for root in roots:
        FileArtifactStore([root]).put_json("receipt", RECEIPT)
    store = FileArtifactStore(roots)
    with pytest.raises(
        ConflictError, match=f"ambiguous CAS resolution for receipt/{RECEIPT_DIGEST}: .*a/receipt.*b/receipt"
    ):
        store.resolve("receipt", RECEIPT_DIGEST)
    assert store.list_digests("receipt") == [ContentDigest(RECEIPT_DIGEST)]


def test_listing_spans_roots_and_skips_foreign_files(tmp_path: Path) -> None:
    roots = [tmp_path / "a", tmp_path / "b"]
    one = FileArtifactStore([roots[0]]).put_json("receipt", {"n": 1}).digest_sha256
    two = FileArtifactStore([roots[1]]).put_json("receipt", {"n": 2}).digest_sha256
    for junk in ("README.md", ".tmp-abc", "A" * 64 + ".json", "0" * 63 + ".json", "0" * 64 + "x"):
        (roots[0] / "receipt" / junk).write_text("junk")
    assert FileArtifactStore(roots).list_digests("receipt") == sorted([one, two])


def test_no_temporary_files_are_left_behind(tmp_path: Path) -> None:
    store = FileArtifactStore([tmp_path])
    store.put_json("receipt", RECEIPT)
    store.put_json("receipt", RECEIPT)
    with pytest.raises(IntegrityError):
        store.put("receipt", b"{bad")
    assert [p.name for p in (tmp_path / "receipt").iterdir()] == [f"{RECEIPT_DIGEST}.json"]


def test_a_store_needs_a_root() -> None:
    with pytest.raises(ValidationError, match="needs at least one root"):
        FileArtifactStore([])

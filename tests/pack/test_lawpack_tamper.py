"""Acceptance 2 for lawpacks: changing any byte of any zip member fails verification, naming the member."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msez.core import ContentDigest, IntegrityError
from msez.pack import (
    LawpackBuild,
    PackIntegrityError,
    build_lawpack,
    deterministic_zip,
    lawpack_digest,
    lawpack_lock,
    read_zip,
    verify_lawpack_zip,
)
from tests.pack.conftest import FIXTURES, MODULE

BUILD: LawpackBuild = build_lawpack(FIXTURES / "repo" / MODULE, as_of_date="2025-01-01")
MEMBERS = read_zip(BUILD.zip_bytes)
LOCK = lawpack_lock(BUILD, artifact_path="dist/artifacts/lawpack/x.lawpack.zip")


def _tampered(member: str, position: int, byte: int) -> dict[str, bytes]:
    data = bytearray(MEMBERS[member])
    position %= len(data)
    if data[position] == byte:
        byte ^= 0x01
    data[position] = byte
    return {**MEMBERS, member: bytes(data)}


@given(member=st.sampled_from(sorted(MEMBERS)), position=st.integers(min_value=0), byte=st.integers(0, 255))
def test_any_changed_byte_is_caught_and_named(member: str, position: int, byte: int) -> None:
    zipped = deterministic_zip(_tampered(member, position, byte))
    # As the store and stack.lock use it: against the trusted digest, then against the lock.
    for kwargs in ({"expected": BUILD.digest}, {"lock": LOCK}):
        with pytest.raises(PackIntegrityError) as caught:
            verify_lawpack_zip(zipped, **kwargs)  # type: ignore[arg-type]
        assert member in str(caught.value)
    with pytest.raises(PackIntegrityError, match=r"lawpack\.yaml|index\.json|akn/|digest\.sha256"):
        verify_lawpack_zip(zipped)


@pytest.mark.parametrize("member", sorted(MEMBERS))
def test_changed_content_changes_the_digest(member: str) -> None:
    if member == "digest.sha256":
        return
    changed = _tampered(member, len(MEMBERS[member]) // 2, ord("Z"))
    hashed = {k: v for k, v in changed.items() if k != "digest.sha256"}
    assert lawpack_digest(hashed) != BUILD.digest


def test_the_lock_names_the_exact_member() -> None:
    members = dict(MEMBERS)
    metadata = json.loads(members["lawpack.yaml"])
    metadata["as_of_date"] = "2025-01-02"
    members["lawpack.yaml"] = json.dumps(metadata, sort_keys=True, separators=(",", ":")).encode()
    with pytest.raises(PackIntegrityError, match=r"^lawpack.yaml: changed: the lock records [0-9a-f]{64}") as caught:
        verify_lawpack_zip(deterministic_zip(members), lock=LOCK)
    assert caught.value.member == "lawpack.yaml"


def test_corrupt_zip_bytes_name_the_member() -> None:
    raw = bytearray(BUILD.zip_bytes)
    start = raw.find(b"akn/main.xml") + len(b"akn/main.xml") + 20
    raw[start] ^= 0xFF
    with pytest.raises(IntegrityError, match=r"akn/main\.xml"):
        verify_lawpack_zip(bytes(raw), expected=BUILD.digest)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"extra.txt": b"x"}, "extra.txt: unexpected member", id="extra-member"),
        pytest.param({"index.json": None}, "index.json: missing from the zip", id="missing-index"),
        pytest.param({"digest.sha256": BUILD.digest.hex.encode()}, "digest.sha256: must hold 64", id="no-lf"),
        pytest.param(
            {"digest.sha256": BUILD.digest.hex.upper().encode() + b"\n"}, "digest.sha256: must hold 64", id="upper"
        ),
    ],
)
def test_structural_problems_are_named(change: dict[str, bytes | None], message: str) -> None:
    members = {k: v for k, v in {**MEMBERS, **change}.items() if v is not None}
    with pytest.raises(PackIntegrityError, match=message):
        verify_lawpack_zip(deterministic_zip(members))


def test_wrong_expected_digest_names_digest_member() -> None:
    with pytest.raises(PackIntegrityError, match=r"digest\.sha256: records"):
        verify_lawpack_zip(BUILD.zip_bytes, expected=ContentDigest("0" * 64))


def test_intact_pack_verifies(tmp_path: Path) -> None:
    result = verify_lawpack_zip(BUILD.zip_bytes, expected=BUILD.digest, lock=LOCK)
    assert (result.digest, result.tag, result.jurisdiction_id) == (BUILD.digest, "msez-lawpack-v1", "pk-rsez")

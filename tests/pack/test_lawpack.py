"""Lawpacks: the digest (vector 35), determinism (acceptance 1), the index, the lock and strict mode."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from msez.core import ContentDigest, ValidationError
from msez.crypto import FileArtifactStore
from msez.pack import (
    build_lawpack,
    deterministic_zip,
    lawpack_digest,
    lawpack_zip_digest,
    read_zip,
    verify_lawpack_path,
    verify_lawpack_zip,
    write_lawpack,
)
from msez.schema import validate
from tests.pack.conftest import MODULE

REORDERED_SOURCES = """\
normalization:
  notes: Hand-written Akoma Ntoso for tests.
  recipe_id: msez.law.normalization.v1
sources:
  - uri: https://example.org/rsez/zone-rules-2024.pdf
    notes: Synthetic test corpus; not real law.
    media_type: application/pdf
    source_id: rsez-zone-rules
license: CC-BY-4.0
domain: civil
jurisdiction_id: pk-rsez
"""


def test_vector_35_lawpack_digest_mechanics() -> None:
    members = {"lawpack.yaml": b"{}", "index.json": b"{}"}
    expected = "5a8d3b2e0ea5c358f2baaca8a4aa336a1b983536c6134a545560062afc5bbd96"
    assert lawpack_digest(members).hex == expected
    assert lawpack_digest(members, tag="msez-lawpack-v1") == ContentDigest(expected)
    assert lawpack_digest(members, tag="mez-lawpack-v1").hex != expected


def test_digest_matches_the_spec_formula(module_dir: Path) -> None:
    build = build_lawpack(module_dir, as_of_date="2025-01-01")
    hasher = hashlib.sha256(b"msez-lawpack-v1\0")
    for path in sorted(build.members):
        hasher.update(path.encode() + b"\0" + build.members[path] + b"\0")
    assert build.digest.hex == hasher.hexdigest()
    assert sorted(build.members) == ["akn/main.xml", "akn/parts/schedule-1.xml", "index.json", "lawpack.yaml"]


def test_same_inputs_same_digest_and_zip_bytes(module_dir: Path) -> None:
    first = build_lawpack(module_dir, as_of_date="2025-01-01")
    second = build_lawpack(module_dir, as_of_date="2025-01-01")
    assert first.digest == second.digest
    assert first.zip_bytes == second.zip_bytes


def test_reordered_inputs_and_another_directory_give_the_same_bytes(module_dir: Path, tmp_path: Path) -> None:
    original = build_lawpack(module_dir, as_of_date="2025-01-01")
    elsewhere = tmp_path / "elsewhere" / "modules" / "legal" / "jurisdictions" / "pk" / "rsez" / "civil"
    (elsewhere / "src" / "akn" / "parts").mkdir(parents=True)
    # Files created in the opposite order, and sources.yaml with its keys reordered.
    shutil.copy(module_dir / "src/akn/parts/schedule-1.xml", elsewhere / "src/akn/parts/schedule-1.xml")
    shutil.copy(module_dir / "src/akn/main.xml", elsewhere / "src/akn/main.xml")
    (elsewhere / "sources.yaml").write_text(REORDERED_SOURCES)
    shutil.copy(module_dir / "module.yaml", elsewhere / "module.yaml")
    rebuilt = build_lawpack(elsewhere, as_of_date="2025-01-01")
    assert rebuilt.digest == original.digest
    assert rebuilt.zip_bytes == original.zip_bytes


def test_zip_is_deterministic_and_canonical(module_dir: Path) -> None:
    build = build_lawpack(module_dir, as_of_date="2025-01-01")
    members = read_zip(build.zip_bytes)
    assert list(members) == sorted(members)
    assert members["digest.sha256"] == f"{build.digest.hex}\n".encode()
    assert {k: v for k, v in members.items() if k != "digest.sha256"} == dict(build.members)
    for info in zipfile.ZipFile(BytesIO(build.zip_bytes)).infolist():
        assert (info.date_time, info.external_attr >> 16, info.create_system) == ((1980, 1, 1, 0, 0, 0), 0o644, 0)
        assert info.compress_type == zipfile.ZIP_DEFLATED


def test_index_records_every_eid_with_hash_xpath_and_offsets(module_dir: Path) -> None:
    build = build_lawpack(module_dir, as_of_date="2025-01-01")
    index = json.loads(build.members["index.json"])
    assert (index["index_version"], index["jurisdiction_id"], index["domain"]) == ("1", "pk-rsez", "civil")
    main = index["documents"]["akn/main.xml"]
    assert main["document_sha256"] == hashlib.sha256(build.members["akn/main.xml"]).hexdigest()
    assert sorted(main["fragments"]) == ["sec_1", "sec_1__subsec_1", "sec_1__subsec_2", "sec_2", "sec_2__p_1"]
    # A default namespace makes the fragment's own xmlns differ from its place in the document: null offsets.
    assert main["fragments"]["sec_1"]["byte_start"] is None
    assert main["fragments"]["sec_1"]["xpath"] == "/*/*/*[2]/*[1]"
    schedule = index["documents"]["akn/parts/schedule-1.xml"]
    canonical = build.members["akn/parts/schedule-1.xml"]
    fragment = schedule["fragments"]["sched_1__p_2"]
    piece = canonical[fragment["byte_start"] : fragment["byte_end"]]
    assert piece == b'<p class="note" eId="sched_1__p_2">Renewal fee: 25000 PKR.</p>'
    assert fragment["sha256"] == hashlib.sha256(piece).hexdigest()
    assert fragment["xpath"] == "/doc/mainBody/tblock/p[2]"


def test_comments_and_formatting_do_not_change_the_digest(module_dir: Path) -> None:
    before = build_lawpack(module_dir, as_of_date="2025-01-01").digest
    main = module_dir / "src/akn/main.xml"
    main.write_text(main.read_text().replace("<body>", "<body><!-- another comment -->").replace('"UTF-8"', "'UTF-8'"))
    assert build_lawpack(module_dir, as_of_date="2025-01-01").digest == before


def test_write_stores_the_zip_and_a_valid_lock(module_dir: Path, repo: Path, store: FileArtifactStore) -> None:
    build = build_lawpack(module_dir, as_of_date="2025-01-01")
    output = write_lawpack(build, module_dir=module_dir, store=store, repo_root=repo, copy_dir=repo / "dist/lawpacks")
    lock = json.loads((module_dir / "lawpack.lock.json").read_text())
    validate(lock, "lawpack.lock")
    assert lock["lawpack_digest_sha256"] == build.digest.hex
    assert lock["artifact_path"] == f"dist/artifacts/lawpack/{build.digest.hex}.lawpack.zip"
    assert lock["artifact_sha256"] == hashlib.sha256(build.zip_bytes).hexdigest()
    assert lock["components"]["akn_sha256"]["akn/main.xml"] == hashlib.sha256(build.members["akn/main.xml"]).hexdigest()
    assert store.resolve("lawpack", build.digest) == build.zip_bytes
    assert (repo / f"dist/lawpacks/pk-rsez/civil/{build.digest.hex}.lawpack.zip").read_bytes() == build.zip_bytes
    assert output.written
    again = write_lawpack(build, module_dir=module_dir, store=store, repo_root=repo)
    assert not again.written
    assert verify_lawpack_path(module_dir / "lawpack.lock.json", store=store, repo_root=repo).digest == build.digest
    assert verify_lawpack_path(output.artifact_path).digest == build.digest


def test_digest_rule_recomputes_and_accepts_the_mez_tag(module_dir: Path) -> None:
    build = build_lawpack(module_dir, as_of_date="2025-01-01")
    assert lawpack_zip_digest(build.zip_bytes) == build.digest
    mez = lawpack_digest(build.members, tag="mez-lawpack-v1")
    zipped = deterministic_zip({**build.members, "digest.sha256": f"{mez.hex}\n".encode()})
    result = verify_lawpack_zip(zipped, expected=mez)
    assert (result.digest, result.tag) == (mez, "mez-lawpack-v1")


@pytest.mark.parametrize(
    ("manifest", "text", "message"),
    [
        pytest.param("sources.yaml", "retrieved: 2024-05-01\n", "YAML timestamp/date 2024-05-01", id="yaml-date"),
        pytest.param("module.yaml", "fee: 1.5\n", "float 1.5 is not allowed", id="yaml-float"),
    ],
)
def test_strict_mode_refuses_implicit_yaml_types(module_dir: Path, manifest: str, text: str, message: str) -> None:
    path = module_dir / manifest
    path.write_text(path.read_text() + text)
    with pytest.raises(ValidationError, match=message):
        build_lawpack(module_dir, as_of_date="2025-01-01", strict=True)


def test_lenient_mode_reads_yaml_dates_as_strings(module_dir: Path) -> None:
    path = module_dir / "sources.yaml"
    path.write_text(path.read_text() + "retrieved: 2024-05-01\n")
    assert build_lawpack(module_dir, as_of_date="2025-01-01").sources_sha256


def test_strict_mode_refuses_repeated_eids(module_dir: Path) -> None:
    main = module_dir / "src/akn/main.xml"
    main.write_text(main.read_text().replace('eId="sec_2"', 'eId="sec_1"'))
    with pytest.raises(ValidationError, match=r"akn/main.xml: eId 'sec_1' appears more than once"):
        build_lawpack(module_dir, as_of_date="2025-01-01", strict=True)


def test_as_of_date_must_be_a_date(module_dir: Path) -> None:
    with pytest.raises(ValidationError, match="invalid date '2025-13-01'"):
        build_lawpack(module_dir, as_of_date="2025-13-01")


def test_identity_is_inferred_from_the_path_without_sources(repo: Path) -> None:
    module = repo / MODULE
    (module / "sources.yaml").unlink()
    build = build_lawpack(module, as_of_date="2025-01-01")
    assert (build.jurisdiction_id, build.domain) == ("pk-rsez", "civil")
    assert build.sources_sha256 == "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"

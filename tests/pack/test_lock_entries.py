"""The stack.lock entries for lawpacks, regpacks and licensepacks, from fixture repositories and zones."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest

from msez.core import ConflictError, NotFoundError, ValidationError, load_document
from msez.crypto import FileArtifactStore
from msez.pack import (
    LICENSEPACK,
    MISSING,
    REGPACK,
    build_lawpack,
    build_licensepack,
    build_regpack,
    lawpack_lock_entries,
    lawpack_lock_path,
    licensepack_lock_entries,
    regpack_lock_entries,
    write_lawpack,
    write_pack,
)
from tests.conftest import REPO
from tests.pack.conftest import FIXTURES

ZONES = FIXTURES / "zones"


def _zone(name: str) -> dict[str, Any]:
    value = load_document(ZONES / f"{name}.yaml")
    assert isinstance(value, dict)
    return value


@pytest.fixture
def locked_repo(repo: Path, store: FileArtifactStore) -> Path:
    """The fixture repository with its lawpacks ingested and the example packs built and locked."""
    for module in ("pk/financial", "pk/rsez/civil"):
        module_dir = repo / "modules/legal/jurisdictions" / module
        build = build_lawpack(module_dir, as_of_date="2025-01-01")
        write_lawpack(build, module_dir=module_dir, store=store, repo_root=repo)
    for kind, builder, pack in (
        (REGPACK, build_regpack, "regpacks/financial"),
        (REGPACK, build_regpack, "regpacks/sanctions"),
        (LICENSEPACK, build_licensepack, "licensepacks/financial"),
    ):
        source = repo / "packs/pk-rsez" / pack
        shutil.copytree(REPO / "packs/pk-rsez" / pack, source)
        write_pack(kind, builder(source), lock_dir=source, store=store, repo_root=repo)
    return repo


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_lawpack_entries_follow_stack_times_domains(locked_repo: Path) -> None:
    entries = lawpack_lock_entries(_zone("pk-rsez"), locked_repo)
    assert [(e["jurisdiction_id"], e["domain"]) for e in entries] == [
        ("pk", "civil"),
        ("pk", "financial"),
        ("pk-rsez", "civil"),
        ("pk-rsez", "financial"),
    ]
    assert entries[0] == {
        "jurisdiction_id": "pk",
        "domain": "civil",
        "lawpack_digest_sha256": MISSING,
        "lawpack_lock_path": "modules/legal/jurisdictions/pk/civil/lawpack.lock.json",
        "lawpack_lock_sha256": MISSING,
    }
    lock_path = lawpack_lock_path(locked_repo, "pk-rsez", "civil")
    digest = load_document(lock_path)["lawpack_digest_sha256"]
    assert entries[2] == {
        "jurisdiction_id": "pk-rsez",
        "domain": "civil",
        "lawpack_digest_sha256": digest,
        "lawpack_lock_path": "modules/legal/jurisdictions/pk/rsez/civil/lawpack.lock.json",
        "lawpack_lock_sha256": _sha(lock_path),
        "lawpack_artifact_path": f"dist/artifacts/lawpack/{digest}.lawpack.zip",
        "as_of_date": "2025-01-01",
    }


def test_lawpack_entries_strict_and_artifactrefs(locked_repo: Path) -> None:
    with pytest.raises(
        NotFoundError, match=r"modules/legal/jurisdictions/pk/civil/lawpack\.lock\.json: no lawpack lock"
    ):
        lawpack_lock_entries(_zone("pk-rsez"), locked_repo, strict=True)
    zone = {**_zone("pk-rsez"), "jurisdiction_stack": ["pk-rsez"], "lawpack_domains": ["civil"]}
    [entry] = lawpack_lock_entries(zone, locked_repo, strict=True, emit_artifactrefs=True)
    ref = entry["lawpack_digest_sha256"]
    assert ref["artifact_type"] == "lawpack"
    assert ref["uri"] == f"dist/artifacts/lawpack/{ref['digest_sha256']}.lawpack.zip"


def test_default_stack_and_domains(locked_repo: Path) -> None:
    entries = lawpack_lock_entries(_zone("starter"), locked_repo)
    assert [(e["jurisdiction_id"], e["domain"], e["lawpack_digest_sha256"]) for e in entries] == [
        ("ex", "civil", MISSING),
        ("ex", "financial", MISSING),
    ]


def test_a_lock_for_another_jurisdiction_is_refused(locked_repo: Path) -> None:
    source = lawpack_lock_path(locked_repo, "pk", "financial")
    target = lawpack_lock_path(locked_repo, "pk", "civil")
    target.parent.mkdir(parents=True)
    shutil.copy(source, target)
    with pytest.raises(ValidationError, match="pins pk/financial, expected pk/civil"):
        lawpack_lock_entries(_zone("pk-rsez"), locked_repo)


def test_regpack_entries_by_domain(locked_repo: Path) -> None:
    entries = regpack_lock_entries(_zone("pk-rsez"), locked_repo)
    assert [(e["jurisdiction_id"], e["domain"]) for e in entries] == [("pk", "financial"), ("pk", "sanctions")]
    lock_path = locked_repo / "packs/pk-rsez/regpacks/sanctions/regpack.lock.json"
    lock = load_document(lock_path)
    assert entries[1] == {
        "jurisdiction_id": "pk",
        "domain": "sanctions",
        "regpack_digest_sha256": lock["regpack_digest_sha256"],
        "regpack_lock_path": "packs/pk-rsez/regpacks/sanctions/regpack.lock.json",
        "regpack_lock_sha256": _sha(lock_path),
        "regpack_artifact_path": f"dist/artifacts/regpack/{lock['regpack_digest_sha256']}.regpack.json",
        "as_of_date": "2026-01-15",
    }


def test_explicit_regpacks(locked_repo: Path) -> None:
    sanctions, tax = regpack_lock_entries(_zone("explicit-regpacks"), locked_repo)
    assert sanctions["regpack_lock_path"] == "packs/pk-rsez/regpacks/sanctions/regpack.lock.json"
    assert tax == {"jurisdiction_id": "pk", "domain": "tax", "regpack_digest_sha256": "1" * 64}
    wrong = {"regpacks": [{"jurisdiction_id": "pk", "domain": "sanctions", "regpack_digest_sha256": "2" * 64}]}
    with pytest.raises(ConflictError, match="zone pins regpack pk/sanctions at 2222"):
        regpack_lock_entries({**_zone("explicit-regpacks"), **wrong}, locked_repo)
    missing = {"regpacks": [{"jurisdiction_id": "pk", "domain": "customs"}]}
    with pytest.raises(NotFoundError, match="no regpack lock for pk/customs"):
        regpack_lock_entries({**_zone("explicit-regpacks"), **missing}, locked_repo, strict=True)


def test_two_matching_locks_conflict(locked_repo: Path) -> None:
    shutil.copytree(locked_repo / "packs/pk-rsez/regpacks/financial", locked_repo / "packs/pk-other/regpacks/financial")
    with pytest.raises(ConflictError, match="regpack pk/financial: several locks match"):
        regpack_lock_entries(_zone("pk-rsez"), locked_repo)


def test_licensepack_entries(locked_repo: Path) -> None:
    [entry] = licensepack_lock_entries(_zone("pk-rsez"), locked_repo)
    assert entry["licensepack_lock_path"] == "packs/pk-rsez/licensepacks/financial/licensepack.lock.json"
    assert entry["snapshot_timestamp"] == "2026-01-15T06:00:00Z"
    assert entry["includes"] == {"license_types": 6, "licenses_active": 6, "licenses_total": 9}
    zone = {**_zone("pk-rsez"), "licensepack_domains": ["financial", "insurance"]}
    assert licensepack_lock_entries(zone, locked_repo)[1] == {
        "jurisdiction_id": "pk-rsez",
        "domain": "insurance",
        "licensepack_digest_sha256": MISSING,
    }
    with pytest.raises(NotFoundError, match="no licensepack lock for domain insurance in any of pk, pk-rsez"):
        licensepack_lock_entries(zone, locked_repo, strict=True)

"""Regpacks: the reference digest, determinism, tamper detection naming the member (acceptance 2), diff and delta."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from msez.core import canonical_bytes
from msez.crypto import FileArtifactStore
from msez.pack import (
    PACK_DIGEST_RULES,
    REGPACK,
    PackIntegrityError,
    build_regpack,
    check_pack,
    diff_regpacks,
    pack_lock,
    regpack_component_digests,
    regpack_digest,
    regpack_metadata,
    verify_regpack,
    write_pack,
)
from tests.conftest import REPO


@pytest.fixture
def source(tmp_path: Path, sanctions_entries: list[dict[str, Any]]) -> Path:
    """The example financial regpack plus a handful of sanctions entries: every section present."""
    directory = tmp_path / "regpack"
    shutil.copytree(REPO / "packs/pk-rsez/regpacks/financial", directory)
    (directory / "regpack.lock.json").unlink(missing_ok=True)
    (directory / "sanctions").mkdir()
    (directory / "sanctions/entries.json").write_text(json.dumps(sanctions_entries))
    return directory


def test_digest_is_the_reference_formula(source: Path) -> None:
    document = build_regpack(source)
    assert document["component_digests"] == regpack_component_digests(document)
    hasher = hashlib.sha256(b"msez-regpack-v1\0")
    hasher.update(canonical_bytes(regpack_metadata(document)).data)
    hasher.update(canonical_bytes(document["sanctions_snapshot"]).data)
    hasher.update(canonical_bytes({"regulators": ["pk-fbr", "pk-secp"]}).data)
    deadlines = sorted(document["compliance_calendar"]["deadlines"], key=lambda d: d["deadline_id"])
    hasher.update(canonical_bytes({"deadlines": deadlines}).data)
    assert regpack_digest(document).hex == hasher.hexdigest()
    assert verify_regpack(document).tag == "msez-regpack-v1"


def test_reordered_sources_give_the_same_pack(source: Path, tmp_path: Path) -> None:
    original = canonical_bytes(build_regpack(source)).data
    other = tmp_path / "other"
    shutil.copytree(source, other)
    entries = json.loads((other / "sanctions/entries.json").read_text())
    (other / "sanctions/entries.json").write_text(json.dumps(entries[::-1], indent=1))
    (other / "regulators/fbr.yaml").rename(other / "regulators/zz-fbr.yaml")
    (other / "license-types/secp-nbfc-ifs.yaml").rename(other / "license-types/00-ifs.yaml")
    assert canonical_bytes(build_regpack(other)).data == original


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in _leaves(item, (*path, key))]
    if isinstance(value, list):
        return [leaf for i, item in enumerate(value) for leaf in _leaves(item, (*path, i))] or [path]
    return [path]


def changed_copy(document: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    """A copy of ``document`` with the leaf at ``path`` changed (string, number, boolean, list or null)."""
    copy = json.loads(json.dumps(document))
    parent = copy
    for key in path[:-1]:
        parent = parent[key]
    old = parent[path[-1]]
    if isinstance(old, bool):
        new: Any = not old
    elif isinstance(old, int):
        new = old + 1
    elif isinstance(old, str):
        new = old + "x"
    elif isinstance(old, list):
        new = [*old, "x"]
    else:
        new = "x"
    parent[path[-1]] = new
    return copy


def _expected_member(document: dict[str, Any], path: tuple[Any, ...]) -> str:
    head = path[0]
    keyed = {"regulators": "regulator_id", "reporting_requirements": "requirement_id"}
    if head in keyed:
        return f"{head}/{document[head][path[1]][keyed[head]]}"
    if head == "license_registry":
        return f"license_types/{document[head]['license_types'][path[2]]['license_type_id']}"
    if head in ("compliance_calendar", "sanctions_entries", "sanctions_snapshot"):
        return head
    return f"metadata/{head}"


def test_changing_any_field_changes_the_digest_and_verify_names_it(source: Path) -> None:
    document = build_regpack(source)
    lock = pack_lock(REGPACK, document, artifact_path="dist/x.regpack.json")
    digest = regpack_digest(document)
    leaves = _leaves(document)
    assert len(leaves) > 200
    for path in leaves:
        changed = changed_copy(document, path)
        if path[0] != "component_digests":
            assert regpack_digest(changed) != digest, path
        with pytest.raises(PackIntegrityError) as caught:
            verify_regpack(changed, lock=lock)
        assert _expected_member(document, path) in str(caught.value), path
        with pytest.raises(PackIntegrityError):
            verify_regpack(changed, expected=digest)


def test_verify_without_lock_names_the_stale_component(source: Path) -> None:
    document = build_regpack(source)
    document["regulators"][1]["name"] = "Securities Commission (renamed)"
    with pytest.raises(PackIntegrityError, match=r"^regulators/pk-secp: changed: the lock records [0-9a-f]{64}"):
        verify_regpack(document)


def test_mez_tag_is_accepted(source: Path) -> None:
    document = build_regpack(source)
    document["type"] = "MEZRegPack"
    mez = regpack_digest(document, tag="mez-regpack-v1")
    assert verify_regpack(document, expected=mez).tag == "mez-regpack-v1"
    assert verify_regpack(document).digest == mez


def test_diff_and_delta(source: Path) -> None:
    before = build_regpack(source)
    entries = json.loads((source / "sanctions/entries.json").read_text())
    entries.append({"entry_id": "E-9", "entry_type": "entity", "primary_name": "Zenith Freight FZE"})
    (source / "sanctions/entries.json").write_text(json.dumps(entries[1:]))
    fbr = source / "regulators/fbr.yaml"
    fbr.write_text(fbr.read_text().replace("name: Federal", "name: The Federal"))
    after = build_regpack(source, previous=before)
    changes = [c.describe() for c in diff_regpacks(before, after)]
    assert "$.sanctions_entries[E-1]: removed" in changes
    assert "$.sanctions_entries[E-9]: added" in changes
    assert "$.regulators[pk-fbr].name: changed 'Federal Board of Revenue' -> 'The Federal Board of Revenue'" in changes
    assert after["previous_regpack_digest"] == regpack_digest(before).hex
    assert after["delta"]["sanctions_additions"] == 1
    assert after["delta"]["sanctions_removals"] == 1
    assert after["delta"]["regulators_modified"] == 1


def test_write_check_and_store(source: Path, tmp_path: Path) -> None:
    store = FileArtifactStore([tmp_path / "cas"], rules=PACK_DIGEST_RULES)
    document = build_regpack(source)
    output = write_pack(REGPACK, document, lock_dir=source, store=store, repo_root=tmp_path)
    assert output.lock["regpack_digest_sha256"] == regpack_digest(document).hex
    assert check_pack(REGPACK, document, lock_dir=source) == []
    calendar = source / "calendar.yaml"
    calendar.write_text(calendar.read_text().replace("2026-02-18", "2026-02-19"))
    stale = check_pack(REGPACK, build_regpack(source), lock_dir=source)
    assert any("regpack_digest_sha256 is stale" in p for p in stale)


@pytest.mark.parametrize("pack", ["regpacks/sanctions", "regpacks/financial"])
def test_committed_example_locks_are_current(pack: str) -> None:
    source = REPO / "packs/pk-rsez" / pack
    assert check_pack(REGPACK, build_regpack(source), lock_dir=source) == []

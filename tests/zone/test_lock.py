"""Acceptance 2 and the lock contributor hook: byte-identical relocking, --check, staleness, contributors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from msez.cli import run
from msez.core import SchemaValidationError, ValidationError, load_json
from msez.zone import Library, LockContext, lock_zone
from tests.conftest import REPO
from tests.zone.conftest import BUNDLED_ZONES, CONTRIBUTORS

ZONES = [pytest.param(z, id=z) for z in BUNDLED_ZONES]


@pytest.mark.parametrize("zone", ZONES)
def test_lock_twice_is_byte_identical(zone: str, library_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    zone_file = library_copy / "jurisdictions" / zone / "zone.yaml"
    (zone_file.parent / "stack.lock").unlink()
    first = lock_zone(zone_file, contributors=CONTRIBUTORS)
    data = first.path.read_bytes()
    second = lock_zone(zone_file, contributors=CONTRIBUTORS)
    assert first.written and not second.written
    assert second.path.read_bytes() == data
    assert data.endswith(b"}\n") and b"\n" not in data[:-1]
    assert load_json(data)["generated_at"] == "2026-01-01T00:00:00Z"


@pytest.mark.parametrize("zone", ZONES)
def test_committed_lockfiles_pass_check(zone: str, capsys: pytest.CaptureFixture[str]) -> None:
    lock = REPO / "jurisdictions" / zone / "stack.lock"
    before = lock.read_bytes()
    assert run(["lock", str(lock.parent / "zone.yaml"), "--check"]) == 0
    assert "is up to date" in capsys.readouterr().out
    assert lock.read_bytes() == before


@pytest.mark.parametrize(
    ("zone", "module_file"),
    [
        pytest.param("pk-rsez", "modules/regulatory/aml-cft/module.yaml", id="manifest"),
        pytest.param("pk-rsez", "modules/trade/customs/src/akn/main.xml", id="content"),
        pytest.param("_starter", "modules/corridors/swift/corridor.yaml", id="corridor-file"),
    ],
)
def test_check_fails_after_one_byte_of_a_pinned_module_changes(
    zone: str, module_file: str, library_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = library_copy / module_file
    data = bytearray(target.read_bytes())
    data[-2] = ord(" ") if data[-2] != ord(" ") else ord("\t")
    target.write_bytes(bytes(data))
    lock = library_copy / "jurisdictions" / zone / "stack.lock"
    before = lock.read_bytes()

    code = run(["lock", str(lock.parent / "zone.yaml"), "--check"])

    out = capsys.readouterr().out
    assert code == 1
    assert "is stale: expected sha256:" in out and ", found sha256:" in out
    assert lock.read_bytes() == before


def test_check_reports_a_missing_lockfile(library_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    zone = library_copy / "jurisdictions" / "ex-dfz"
    (zone / "stack.lock").unlink()
    assert run(["lock", str(zone / "zone.yaml"), "--check"]) == 1
    assert "does not exist" in capsys.readouterr().out
    assert not (zone / "stack.lock").exists()


def test_strict_refuses_a_clock_timestamp(library_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    zone = library_copy / "jurisdictions" / "ex-dfz"
    (zone / "stack.lock").unlink()
    with pytest.raises(ValidationError, match="generated_at is not deterministic"):
        lock_zone(zone / "zone.yaml", strict=True)


def test_explicit_generated_at_and_out(library_copy: Path) -> None:
    out = library_copy / "elsewhere" / "lock.json"
    outcome = lock_zone(library_copy / "jurisdictions/_starter", out=out, generated_at="2026-02-03T04:05:06+05:00")
    assert outcome.path == out
    assert load_json(out.read_bytes())["generated_at"] == "2026-02-02T23:05:06Z"


def test_lock_records_overlays_params_and_raw_manifest_digests(library_copy: Path) -> None:
    lock = load_json((library_copy / "jurisdictions/pk-rsez/stack.lock").read_bytes())
    aml = next(m for m in lock["modules"] if m["module_id"] == "org.momentum.msez.reg.aml-cft")
    assert aml["params"]["max_amount_without_enhanced_due_diligence"] == 10000
    assert aml["params"]["kyc_tier_required"] == 2
    assert [o["module_id"] for o in lock["overlays"]] == ["org.momentum.msez.reg.aml-cft"]
    assert [(p["jurisdiction_id"], p["domain"]) for p in lock["lawpacks"]] == [
        ("pk", "civil"),
        ("pk", "financial"),
        ("pk-rsez", "civil"),
        ("pk-rsez", "financial"),
    ]
    assert [(p["jurisdiction_id"], p["domain"]) for p in lock["regpacks"]] == [("pk", "financial"), ("pk", "sanctions")]
    assert [(p["jurisdiction_id"], p["domain"]) for p in lock["licensepacks"]] == [("pk", "financial")]
    assert all(p["lawpack_lock_sha256"] != "MISSING" for p in lock["lawpacks"])


def test_emit_artifactrefs_writes_overlay_patches_as_blob_refs(library_copy: Path) -> None:
    outcome = lock_zone(
        library_copy / "jurisdictions/pk-rsez", emit_artifactrefs=True, check=True, contributors=CONTRIBUTORS
    )
    (ref,) = load_json(outcome.data)["overlays"][0]["patches_sha256"]
    assert ref["artifact_type"] == "blob"
    assert ref["uri"] == "jurisdictions/pk-rsez/overlays/aml-nadra-cnic.patch"


def _lawpacks(context: LockContext) -> Mapping[str, Sequence[Mapping[str, Any]]]:
    return {
        "lawpacks": [
            {"jurisdiction_id": layer, "domain": domain, "lawpack_digest_sha256": "ab" * 32}
            for layer in context.zone.jurisdiction_stack
            for domain in context.zone.lawpack_domains
        ]
    }


def test_contributors_fill_their_sections_in_the_same_code_path(library_copy: Path) -> None:
    seen: list[LockContext] = []

    def corridors(context: LockContext) -> Mapping[str, Sequence[Mapping[str, Any]]]:
        seen.append(context)
        return {"corridors": []}

    outcome = lock_zone(library_copy / "jurisdictions/pk-rsez", contributors=[_lawpacks, corridors], check=True)
    lawpacks = load_json(outcome.data)["lawpacks"]
    assert [(e["jurisdiction_id"], e["domain"]) for e in lawpacks] == [
        ("pk", "civil"),
        ("pk", "financial"),
        ("pk-rsez", "civil"),
        ("pk-rsez", "financial"),
    ]
    (context,) = seen
    assert context.repo_root == Library(library_copy).root
    assert context.zone.document["zone_id"] == "org.momentum.msez.zone.pk.rsez"
    assert context.strict and len(context.modules) == 17
    with pytest.raises(TypeError):
        context.zone.document["zone_id"] = "x"  # type: ignore[index]


def test_contributor_with_an_unknown_section_is_refused(library_copy: Path) -> None:
    def bad(context: LockContext) -> Mapping[str, Sequence[Mapping[str, Any]]]:
        return {"modules": []}

    with pytest.raises(ValidationError, match="returned unknown section 'modules'"):
        lock_zone(library_copy / "jurisdictions/ex-dfz", contributors=[bad])


def test_contributor_entries_are_schema_checked(library_copy: Path) -> None:
    def bad(context: LockContext) -> Mapping[str, Sequence[Mapping[str, Any]]]:
        return {"regpacks": [{"jurisdiction_id": "ex", "domain": "weather", "regpack_digest_sha256": "ab" * 32}]}

    lock = library_copy / "jurisdictions/ex-dfz/stack.lock"
    before = lock.read_bytes()
    with pytest.raises(SchemaValidationError, match="'weather' is not one of") as caught:
        lock_zone(library_copy / "jurisdictions/ex-dfz", contributors=[bad], generated_at="2026-01-01T00:00:00Z")
    assert caught.value.path == "$.regpacks[0].domain"
    assert lock.read_bytes() == before

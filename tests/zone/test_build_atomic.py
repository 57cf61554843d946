"""Reproducible bundles (spec §22) and acceptance 4: a failing lock or build never leaves a partial file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from msez.core import MsezError, load_json
from msez.zone import RenderError, _files, build_zone, lock_zone
from tests.zone.conftest import CONTRIBUTORS


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()
    }


def test_build_is_byte_reproducible(library_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    zone = library_copy / "jurisdictions/pk-rsez/zone.yaml"
    first = build_zone(zone, tmp_path / "a", strict_render=True, contributors=CONTRIBUTORS)
    second = build_zone(zone, tmp_path / "b", strict_render=True, contributors=CONTRIBUTORS)
    assert _snapshot(tmp_path / "a") == _snapshot(tmp_path / "b")
    assert first.bundle_digest == second.bundle_digest
    assert (tmp_path / "a/stack.lock").read_bytes() == (zone.parent / "stack.lock").read_bytes()


def test_bundle_is_overlaid_and_rendered(library_copy: Path, tmp_path: Path) -> None:
    build_zone(library_copy / "jurisdictions/pk-rsez", tmp_path / "out", strict_render=True)
    bundle = tmp_path / "out/bundle/modules"
    assert "cnic_verified_by_nadra" in (bundle / "regulatory/aml-cft/src/policy/aml.rego").read_text()
    assert "max_single_transfer: 5000000" in (bundle / "corridors/swift/corridor.yaml").read_text()
    akn = (bundle / "legal/core/src/akn/main.xml").read_text()
    assert "administration of Rashakai Special Economic Zone within jurisdiction pk-rsez" in akn
    resolved = load_json((tmp_path / "out/bundle/profile.resolved.json").read_bytes())
    assert resolved["profile_id"] == "org.momentum.msez.profile.trade-zone"
    listing = load_json((tmp_path / "out/bundle.manifest.json").read_bytes())
    assert "stack.lock" in listing["files"]


def test_non_strict_render_keeps_missing_placeholders(library_copy: Path, tmp_path: Path) -> None:
    settings = library_copy / "modules/corridors/swift/docs/playbook.md"
    settings.write_text(settings.read_text() + "\nContact: ${corridor_contact}\n")
    zone = library_copy / "jurisdictions/_starter"
    build_zone(zone, tmp_path / "out")
    assert "${corridor_contact}" in (tmp_path / "out/bundle/modules/corridors/swift/docs/playbook.md").read_text()
    with pytest.raises(RenderError, match=r"docs/playbook.md: line \d+: placeholder 'corridor_contact'"):
        build_zone(zone, tmp_path / "strict", strict_render=True)


def test_failing_build_leaves_previous_output_untouched(library_copy: Path, tmp_path: Path) -> None:
    zone = library_copy / "jurisdictions/_starter"
    out = tmp_path / "out"
    build_zone(zone, out)
    before = _snapshot(out)
    playbook = library_copy / "modules/corridors/swift/docs/playbook.md"
    playbook.write_text("${missing_value}\n")
    with pytest.raises(RenderError):
        build_zone(zone, out, strict_render=True)
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "repo"]


def test_build_interrupted_mid_write_leaves_previous_output(
    library_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    zone = library_copy / "jurisdictions/_starter"
    out = tmp_path / "out"
    build_zone(zone, out)
    before = _snapshot(out)
    written = 0
    real = Path.write_bytes

    def failing_write(self: Path, data: bytes) -> int:
        nonlocal written
        written += 1
        if written == 5:
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing_write)
    with pytest.raises(OSError, match="No space left"):
        build_zone(zone, out)
    monkeypatch.undo()
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "repo"]


def test_lock_interrupted_before_rename_leaves_previous_lock(
    library_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    zone_dir = library_copy / "jurisdictions/ex-dfz"
    lock = zone_dir / "stack.lock"
    before = lock.read_bytes()

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(_files.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        lock_zone(zone_dir, generated_at="2030-01-01T00:00:00Z")
    assert lock.read_bytes() == before
    assert sorted(os.listdir(zone_dir)) == ["stack.lock", "zone.yaml"]


def test_failing_contributor_writes_nothing(library_copy: Path) -> None:
    zone_dir = library_copy / "jurisdictions/ex-dfz"
    before = (zone_dir / "stack.lock").read_bytes()

    def refuses(context: object) -> dict[str, list[dict[str, object]]]:
        raise MsezError("lawpack for ex/civil is missing")

    with pytest.raises(MsezError, match="lawpack for ex/civil is missing"):
        lock_zone(zone_dir, contributors=[refuses], generated_at="2030-01-01T00:00:00Z")
    assert (zone_dir / "stack.lock").read_bytes() == before

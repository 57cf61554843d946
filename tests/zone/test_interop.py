"""Acceptance 3 and the reference's own zone layout: digests that must match and files that must (not) conform."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from msez.core import SchemaValidationError, load_document, sha256_bytes
from msez.schema import default_registry, validate
from msez.zone import Library, check_zone

LAYOUT = "zone_layout"


def _lock(interop: Path) -> dict[str, object]:
    return yaml.safe_load((interop / LAYOUT / "jurisdictions__starter_stack.lock").read_text())


@pytest.mark.parametrize(
    ("manifest", "module_id"),
    [
        pytest.param("modules_corridors_swift_module.msez.yaml", "org.momentum.msez.corridor.swift", id="swift"),
        pytest.param("modules_regulatory_aml-cft_module.msez.yaml", "org.momentum.msez.reg.aml-cft", id="aml-cft"),
    ],
)
def test_msez_manifests_hash_to_the_pinned_manifest_sha256(interop: Path, manifest: str, module_id: str) -> None:
    pinned = {m["module_id"]: m["manifest_sha256"] for m in _lock(interop)["modules"]}  # type: ignore[index]
    raw = (interop / LAYOUT / manifest).read_bytes()
    assert sha256_bytes(raw).hex == pinned[module_id]


@pytest.mark.parametrize(
    ("name", "schema"),
    [
        pytest.param("jurisdictions__starter_zone.yaml", "zone", id="starter-zone"),
        pytest.param("profiles_minimal-mvp_profile.yaml", "profile", id="minimal-mvp"),
        pytest.param("profiles_digital-financial-center_profile.yaml", "profile", id="digital-financial-center"),
        pytest.param("modules_corridors_swift_module.msez.yaml", "module", id="swift-module"),
        pytest.param("modules_corporate_formation_module.yaml", "module", id="formation-module"),
        pytest.param("modules_legal_jurisdictions_ae_civil_module.yaml", "module", id="ae-civil-module"),
        pytest.param("modules_corridors_swift_trust-anchors.yaml", "trust-anchors", id="swift-trust-anchors"),
    ],
)
def test_reference_files_that_conform(interop: Path, name: str, schema: str) -> None:
    validate(load_document(interop / LAYOUT / name), schema, file=name)


@pytest.mark.parametrize(
    ("name", "schema", "path", "message"),
    [
        pytest.param(
            "jurisdictions_ae-dubai-difc_zone.yaml",
            "zone",
            "$.licensepack_refresh_policy.financial",
            "'hourly, max 4h staleness' is not of type 'object'",
            id="difc-refresh-policy-is-free-text",
        ),
        pytest.param(
            "modules_corridors_swift_corridor.yaml",
            "corridor",
            "$",
            r"Additional properties are not allowed \('title' was unexpected\)",
            id="swift-corridor-title",
        ),
        pytest.param(
            "governance_corridor.lifecycle.state-machine.v2.json",
            "zone",
            "$",
            "'zone_id' is a required property",
            id="state-machine-is-not-a-zone",
        ),
    ],
)
def test_reference_files_that_do_not_conform(interop: Path, name: str, schema: str, path: str, message: str) -> None:
    document = load_document(interop / LAYOUT / name)
    with pytest.raises(SchemaValidationError, match=message) as caught:
        validate(document, schema, file=name)
    assert caught.value.path == path
    assert caught.value.file == name


def test_every_difc_violation_is_reported(interop: Path) -> None:
    errors = default_registry().errors(
        load_document(interop / LAYOUT / "jurisdictions_ae-dubai-difc_zone.yaml"), "zone"
    )
    assert [e.path for e in errors] == ["$.licensepack_refresh_policy.financial"]


def _reference_repo(interop: Path, root: Path) -> Path:
    layout = interop / LAYOUT
    placements = {
        "jurisdictions__starter_zone.yaml": "jurisdictions/_starter/zone.yaml",
        "profiles_digital-financial-center_profile.yaml": "profiles/digital-financial-center/profile.yaml",
        "modules_corridors_swift_module.msez.yaml": "modules/corridors/swift/module.yaml",
        "modules_regulatory_aml-cft_module.msez.yaml": "modules/regulatory/aml-cft/module.yaml",
    }
    for name, rel in placements.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(layout / name, root / rel)
    return root


def test_starter_zone_against_the_reference_layout_fails_precisely(interop: Path, tmp_path: Path) -> None:
    root = _reference_repo(interop, tmp_path)
    issues = [str(i) for i in check_zone(root / "jurisdictions/_starter/zone.yaml", Library(root)).issues]
    profile = "profiles/digital-financial-center/profile.yaml"
    assert (
        f"{profile}: $.modules[0].module_id: unknown module org.momentum.msez.legal.core: not in the library" in issues
    )
    assert (
        f"{profile}: $.modules[2].module_id: unknown module org.momentum.msez.fin.payments-adapter: not in the library"
        in issues
    )
    assert (
        "jurisdictions/_starter/zone.yaml: $.profile.version: profile "
        "org.momentum.msez.profile.digital-financial-center "
        f"is at version 0.4.23 ({profile}), the zone pins 0.4.42" in issues
    )

"""Spec §50: the three conformance levels over the bundled library and targeted failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from msez.zone import Library, module_conformance, profile_conformance, zone_conformance
from tests.conftest import REPO
from tests.zone.conftest import BUNDLED_ZONES, CONTRIBUTORS

LIBRARY = Library(REPO)


@pytest.mark.parametrize("zone", [pytest.param(z, id=z) for z in BUNDLED_ZONES])
def test_bundled_zones_conform_at_level_3(zone: str) -> None:
    report = zone_conformance(REPO / "jurisdictions" / zone / "zone.yaml", LIBRARY, contributors=CONTRIBUTORS)
    assert report.ok, [str(i) for i in report.issues]
    assert report.level == 3 and report.modules_checked > 5


@pytest.mark.parametrize("profile", [pytest.param(p.parent.name, id=p.parent.name) for p in LIBRARY.profile_files()])
def test_bundled_profiles_conform_at_level_2(profile: str) -> None:
    report = profile_conformance(REPO / "profiles" / profile, LIBRARY)
    assert report.ok, [str(i) for i in report.issues]


def test_at_least_eight_modules_carry_covered_akn_texts() -> None:
    with_akn = [p.parent for p in LIBRARY.module_files() if (p.parent / "src/akn/main.xml").is_file()]
    assert len(with_akn) >= 8
    for module in with_akn:
        report = module_conformance(module, LIBRARY)
        assert report.ok and not report.uncovered, module


def test_uncovered_clauses_are_listed(library_copy: Path) -> None:
    policy_map = library_copy / "modules/financial/custody/src/policy-to-code/map.yaml"
    text = policy_map.read_text()
    policy_map.write_text(text.replace("- eId: sec_2__para_1", "- eId: sec_1__para_1"))
    report = module_conformance(library_copy / "modules/financial/custody", Library(library_copy))
    assert [c.eid for c in report.uncovered] == ["sec_2__para_1"]
    assert "uncovered MUST clause sec_2__para_1 in src/akn/main.xml" in str(report.issues[0])


def test_stale_lock_fails_level_3(library_copy: Path) -> None:
    readme = library_copy / "modules/regulatory/aml-cft/README.md"
    readme.write_text(readme.read_text() + "\nAmended.\n")
    report = zone_conformance(library_copy / "jurisdictions/pk-rsez", Library(library_copy))
    (issue,) = report.issues
    assert issue.file == "jurisdictions/pk-rsez/stack.lock"
    assert issue.message.startswith("stack.lock does not match the resolved build: expected sha256:")


def test_regulator_console_must_be_read_only(library_copy: Path) -> None:
    zone = library_copy / "jurisdictions/ex-dfz/zone.yaml"
    zone.write_text(
        zone.read_text().replace(
            "params_overrides:\n",
            "params_overrides:\n  org.momentum.msez.ops.regulator-console:\n    read_only: false\n",
        )
    )
    library = Library(library_copy)
    from msez.zone import lock_zone

    lock_zone(zone, library=library, generated_at="2026-01-01T00:00:00Z", contributors=CONTRIBUTORS)
    report = zone_conformance(zone, library, contributors=CONTRIBUTORS)
    assert [str(i) for i in report.issues] == [
        "jurisdictions/ex-dfz/zone.yaml: $.params_overrides.org.momentum.msez.ops.regulator-console.read_only: the "
        "regulator console org.momentum.msez.ops.regulator-console must be read-only: read_only resolves to False, "
        "expected true"
    ]


def test_corridor_module_without_key_rotation_fails(library_copy: Path) -> None:
    (library_copy / "modules/corridors/stablecoin/key-rotation.yaml").unlink()
    report = module_conformance(library_copy / "modules/corridors/stablecoin", Library(library_copy))
    messages = [str(i) for i in report.issues]
    assert (
        "modules/corridors/stablecoin/corridor.yaml: $.key_rotation_path: key-rotation.yaml does not exist in "
        "the corridor module" in messages
    )

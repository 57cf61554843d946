"""Zone composition: validate the bundled library, lock every bundled zone, lock a generated 500-module profile.

Each figure sits beside its floor, measured in the same run: loading and parsing the same files (YAML, and XML
for the AKN texts) without validating or hashing anything.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from lxml import etree

from bench._harness import Report, best_of
from msez.zone import Library, check_module, check_profile, check_zone, lock_zone

REPO = Path(__file__).resolve().parent.parent
GENERATED_MODULES = 500
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse_only(paths: list[Path]) -> None:
    for path in paths:
        data = path.read_bytes()
        if path.suffix == ".xml":
            etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
        else:
            yaml.load(data, Loader=_Loader)


def _library_inputs(library: Library) -> list[Path]:
    files = library.module_files() + library.profile_files() + library.zone_files()
    for module in library.module_files():
        files += sorted(module.parent.glob("src/**/*.xml")) + sorted(module.parent.glob("src/policy-to-code/*.yaml"))
    return files


def _validate_and_lock(root: Path) -> None:
    library = Library(root)
    for path in library.module_files():
        assert check_module(path.parent, library).ok
    for path in library.profile_files():
        assert not check_profile(path, library).issues
    for path in library.zone_files():
        assert not check_zone(path, library).issues
        lock_zone(path, library=library, check=True)


def _generate(root: Path, count: int) -> Path:
    pins = []
    for i in range(count):
        module_dir = root / "modules" / "generated" / f"m{i:03d}"
        (module_dir / "src").mkdir(parents=True)
        depends = [{"module_id": f"org.momentum.msez.gen.m{i - 1:03d}", "constraint": ">=0.1.0,<1.0.0"}] if i else []
        manifest = {
            "module_id": f"org.momentum.msez.gen.m{i:03d}",
            "version": "0.1.0",
            "kind": "operational",
            "description": f"Generated module {i}.",
            "variants": ["default"],
            "depends_on": depends,
            "provides": [{"interface": f"msez.gen.m{i:03d}.v1", "path": "src/rules.yaml"}],
            "parameters": {"limit": {"type": "integer", "default": i}},
        }
        (module_dir / "module.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
        (module_dir / "src" / "rules.yaml").write_text(f"rule: r{i}\nlimit: ${{limit}}\n")
        pins.append({"module_id": manifest["module_id"], "version": "0.1.0", "variant": "default"})
    profile = {"profile_id": "org.momentum.msez.profile.generated", "stack_spec_version": "0.4.44", "modules": pins}
    (root / "profiles" / "generated").mkdir(parents=True)
    (root / "profiles" / "generated" / "profile.yaml").write_text(yaml.safe_dump(profile, sort_keys=False))
    zone = root / "jurisdictions" / "generated" / "zone.yaml"
    zone.parent.mkdir(parents=True)
    zone.write_text(
        yaml.safe_dump(
            {
                "zone_id": "org.momentum.msez.zone.generated",
                "jurisdiction_id": "ex",
                "zone_name": "Generated",
                "corridors": [],
                "profile": {"profile_id": profile["profile_id"], "version": "0.4.44"},
            }
        )
    )
    return zone


def run(report: Report) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        for name in ("modules", "profiles", "jurisdictions"):
            shutil.copytree(REPO / name, root / name)
        inputs = _library_inputs(Library(root))
        floor = best_of(lambda: _parse_only(inputs), repeat=3)
        value = best_of(lambda: _validate_and_lock(root), repeat=3)
        report.add("validate library + lock 3 zones", value, "s", floor=floor, floor_name="parse same files")

        generated = Path(tmp) / "generated"
        zone = _generate(generated, GENERATED_MODULES)
        gen_inputs = [*Library(generated).module_files(), *Library(generated).profile_files(), zone]
        floor = best_of(lambda: _parse_only(gen_inputs), repeat=3)
        value = best_of(
            lambda: lock_zone(zone, library=Library(generated), generated_at="2026-01-01T00:00:00Z"), repeat=3
        )
        report.add(
            f"lock {GENERATED_MODULES}-module profile",
            value,
            "s",
            floor=floor,
            floor_name="parse same files",
            target="< 2 s",
            met=value < 2.0,
        )

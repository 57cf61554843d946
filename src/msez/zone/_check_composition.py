"""Profile and zone checks (``msez validate``; conformance levels 2 and 3 of spec §50).

Profile: the schema; every pin names a module in the library at exactly the pinned version and an existing
variant; profile params are declared by the module and fit their types; every ``depends_on`` of a pinned module
is pinned too, at a version inside its constraint (a bundle with unresolved dependencies is refused, spec §20);
every corridor id is ``<module_id>.<variant>`` of a pinned corridor module.

Zone: the schema; the profile exists at the pinned version and passes its checks; ``params_overrides`` name
pinned modules and fit their types; required parameters have values; overlays name pinned modules, their patch
files exist and every hunk applies (a dry run); enabled corridors are provided by the profile; the last layer of
``jurisdiction_stack`` is the zone's own jurisdiction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from msez.core import MsezError, NotFoundError
from msez.zone._documents import Profile, Zone, read_zone
from msez.zone._files import read_tree
from msez.zone._issues import Issue, issue_from_error
from msez.zone._library import Library
from msez.zone._manifest import ModuleManifest
from msez.zone._overlay import OverlayError, apply_patch
from msez.zone._params import missing_required, param_problems, resolve_params
from msez.zone._version import Constraint


@dataclass(frozen=True)
class ProfileCheck:
    """A profile (None if it failed to load), its pinned modules by pin index, and every finding."""

    profile: Profile | None
    modules: dict[int, ModuleManifest] = field(default_factory=dict)
    issues: tuple[Issue, ...] = ()


@dataclass(frozen=True)
class ZoneCheck:
    """A zone (None if it failed to load), its profile check and every finding (the profile's included)."""

    zone: Zone | None
    profile: ProfileCheck | None
    issues: tuple[Issue, ...]


def check_profile(path: Path, library: Library) -> ProfileCheck:
    """Run the profile checks on the profile at ``path``."""
    shown = library.display(path)
    try:
        profile = library.profile_at(path)
    except MsezError as e:
        return ProfileCheck(None, {}, (issue_from_error(e, file=shown),))
    modules: dict[int, ModuleManifest] = {}
    issues: list[Issue] = []
    for pin in profile.modules:
        where = f"$.modules[{pin.index}]"
        versions = library.module_versions(pin.module_id)
        if not versions:
            issues.append(Issue(shown, f"{where}.module_id", f"unknown module {pin.module_id}: not in the library"))
            continue
        if pin.version not in versions:
            found = ", ".join(versions)
            issues.append(
                Issue(
                    shown,
                    f"{where}.version",
                    f"{pin.module_id} {pin.version} is not in the library (available: {found})",
                )
            )
            continue
        try:
            module = library.module(pin.module_id, pin.version)
        except MsezError as e:
            issues.append(Issue(shown, where, f"{pin.module_id} {pin.version} is invalid: {e}"))
            continue
        modules[pin.index] = module
        if not module.has_variant(pin.variant):
            issues.append(
                Issue(
                    shown,
                    f"{where}.variant",
                    f"unknown variant {pin.variant!r} of {pin.module_id} (variants: {', '.join(module.variants)})",
                )
            )
        for name, problem in param_problems(module, pin.params).items():
            issues.append(Issue(shown, f"{where}.params.{name}", problem))
    issues += _pinned_dependencies(profile, modules, shown) + _profile_corridors(profile, modules, shown)
    return ProfileCheck(profile, modules, tuple(issues))


def _pinned_dependencies(profile: Profile, modules: dict[int, ModuleManifest], shown: str) -> list[Issue]:
    pinned = {m.module_id: m for m in modules.values()}
    seen: dict[str, int] = {}
    issues = []
    for index, module in modules.items():
        if module.module_id in seen:
            issues.append(
                Issue(
                    shown,
                    f"$.modules[{index}].module_id",
                    f"{module.module_id} is pinned twice (also at $.modules[{seen[module.module_id]}])",
                )
            )
        seen.setdefault(module.module_id, index)
        for dep in module.depends_on:
            target = pinned.get(dep.module_id)
            if target is None:
                issues.append(
                    Issue(
                        shown,
                        f"$.modules[{index}]",
                        f"unresolved dependency: {module.module_id} "
                        f"depends on {dep.module_id}, which the profile does not pin",
                    )
                )
            elif dep.constraint and not Constraint.parse(dep.constraint).allows(target.version):
                issues.append(
                    Issue(
                        shown,
                        f"$.modules[{index}]",
                        f"semver mismatch: {module.module_id} needs "
                        f"{dep.module_id} {dep.constraint}, the profile pins {target.version}",
                    )
                )
    return issues


def _profile_corridors(profile: Profile, modules: dict[int, ModuleManifest], shown: str) -> list[Issue]:
    provided = corridor_ids(profile, modules)
    return [
        Issue(
            shown,
            f"$.corridors[{i}]",
            f"corridor {cid} is not provided by a pinned corridor module "
            f"(provided: {', '.join(sorted(provided)) or 'none'})",
        )
        for i, cid in enumerate(profile.corridors)
        if cid not in provided
    ]


def corridor_ids(profile: Profile, modules: dict[int, ModuleManifest]) -> set[str]:
    """Corridor ids the profile's corridor modules define: ``<module_id>.<variant>``."""
    return {f"{m.module_id}.{profile.modules[i].variant}" for i, m in modules.items() if m.kind == "corridor"}


def check_zone(path: Path, library: Library) -> ZoneCheck:
    """Run the zone checks on the zone at ``path`` (a ``zone.yaml`` or its directory)."""
    shown = library.display(path / "zone.yaml" if path.is_dir() else path)
    try:
        zone = read_zone(path, display=shown)
    except MsezError as e:
        return ZoneCheck(None, None, (issue_from_error(e, file=shown),))
    try:
        profile_path = library.profile(zone.profile_id).path
    except NotFoundError as e:
        return ZoneCheck(zone, None, (Issue(shown, "$.profile.profile_id", f"unknown profile: {e}"),))
    profile_check = check_profile(profile_path, library)
    issues = list(profile_check.issues)
    profile = profile_check.profile
    if profile is not None:
        if profile.version != zone.profile_version:
            issues.append(
                Issue(
                    shown,
                    "$.profile.version",
                    f"profile {zone.profile_id} is at version "
                    f"{profile.version} ({library.display(profile.path)}), the zone pins "
                    f"{zone.profile_version}",
                )
            )
        issues += _zone_params(zone, profile_check, shown) + _overlays(zone, profile_check, library, shown)
        issues += _zone_corridors(zone, profile_check, shown)
    if zone.jurisdiction_stack[-1] != zone.jurisdiction_id:
        issues.append(
            Issue(
                shown,
                "$.jurisdiction_stack",
                f"the last layer must be the zone's jurisdiction "
                f"{zone.jurisdiction_id!r}, got {zone.jurisdiction_stack[-1]!r}",
            )
        )
    return ZoneCheck(zone, profile_check, tuple(issues))


def _pinned_by_id(check: ProfileCheck) -> dict[str, tuple[int, ModuleManifest]]:
    return {m.module_id: (i, m) for i, m in check.modules.items()}


def _zone_params(zone: Zone, check: ProfileCheck, shown: str) -> list[Issue]:
    assert check.profile is not None
    pinned = _pinned_by_id(check)
    issues = []
    for module_id, values in zone.params_overrides.items():
        if module_id not in pinned:
            issues.append(
                Issue(
                    shown,
                    f"$.params_overrides.{module_id}",
                    f"{module_id} is not pinned by the profile {zone.profile_id}",
                )
            )
            continue
        for name, problem in param_problems(pinned[module_id][1], values).items():
            issues.append(Issue(shown, f"$.params_overrides.{module_id}.{name}", problem))
    for index, module in check.modules.items():
        pin = check.profile.modules[index]
        resolved = resolve_params(module, pin.params, zone.params_overrides.get(module.module_id, {}))
        for name in missing_required(module, resolved):
            issues.append(
                Issue(
                    shown,
                    f"$.params_overrides.{module.module_id}",
                    f"required parameter {name!r} "
                    f"of {module.module_id} has no value (no default, profile param or override)",
                )
            )
    return issues


def _overlays(zone: Zone, check: ProfileCheck, library: Library, shown: str) -> list[Issue]:
    pinned = _pinned_by_id(check)
    issues = []
    for overlay in zone.overlays:
        if overlay.module_id not in pinned:
            issues.append(
                Issue(
                    shown,
                    f"$.overlays[{overlay.index}].module_id",
                    f"{overlay.module_id} is not pinned by the profile {zone.profile_id}",
                )
            )
    for module_id in sorted({o.module_id for o in zone.overlays} & pinned.keys()):
        try:
            overlaid_tree(zone, pinned[module_id][1], library)
        except OverlayError as e:
            issues.append(Issue(shown, e.path or "$.overlays", e.reason))
    return issues


def overlaid_tree(zone: Zone, module: ModuleManifest, library: Library) -> dict[str, bytes]:
    """The module's files after every zone overlay for it, in list order (overlays, then patches).

    Raises:
        OverlayError: a patch file is missing or malformed, or a hunk does not apply.
    """
    shown = library.display(zone.path)
    tree = read_tree(module.directory)
    for overlay in zone.overlays:
        if overlay.module_id != module.module_id:
            continue
        for j, patch in enumerate(overlay.patches):
            where = f"$.overlays[{overlay.index}].patches[{j}]"
            patch_file = zone.directory / patch
            if not patch_file.is_file():
                raise OverlayError(f"patch file {patch!r} does not exist next to the zone", file=shown, path=where)
            tree = apply_patch(
                tree,
                patch_file.read_bytes(),
                module_dir=library.display(module.directory),
                where=(shown, where),
                patch_name=library.display(patch_file),
            )
    return tree


def _zone_corridors(zone: Zone, check: ProfileCheck, shown: str) -> list[Issue]:
    assert check.profile is not None
    provided = corridor_ids(check.profile, check.modules)
    return [
        Issue(
            shown,
            f"$.corridors[{i}]",
            f"corridor {cid} is not provided by the profile's corridor modules "
            f"(provided: {', '.join(sorted(provided)) or 'none'})",
        )
        for i, cid in enumerate(zone.corridors)
        if cid not in provided
    ]

"""Resolution: a checked zone, its profile and its pinned modules with their resolved parameters.

:func:`resolve_zone` runs every zone check first and refuses to resolve a zone with any finding, so a build or a
lock is never produced from a composition with unresolved dependencies, bad pins or overlays that do not apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from msez.zone._check_composition import check_zone
from msez.zone._documents import Profile, Zone
from msez.zone._issues import raise_issues
from msez.zone._library import Library
from msez.zone._manifest import ModuleManifest
from msez.zone._params import render_context, resolve_params


@dataclass(frozen=True)
class ResolvedModule:
    """A pinned module with its variant and resolved parameters (defaults, profile params, zone overrides)."""

    manifest: ModuleManifest
    variant: str
    params: Mapping[str, Any] = field(repr=False)

    @property
    def module_id(self) -> str:
        return self.manifest.module_id


@dataclass(frozen=True)
class Composition:
    """A zone resolved against its library: profile and modules in profile order."""

    zone: Zone
    profile: Profile
    modules: tuple[ResolvedModule, ...]
    library: Library

    def zone_context(self) -> dict[str, Any]:
        """The first layer of every rendering context (spec §22)."""
        return {
            "jurisdiction_id": self.zone.jurisdiction_id,
            "zone_id": self.zone.zone_id,
            "zone_name": self.zone.zone_name,
        }

    def render_context(self, module: ResolvedModule) -> dict[str, Any]:
        """The full rendering context of ``module``, UPPERCASE aliases included."""
        return render_context(self.zone_context(), module.params)


def resolve_zone(path: Path, library: Library | None = None) -> Composition:
    """Check and resolve the zone at ``path`` (a ``zone.yaml`` or its directory).

    Args:
        path: the zone manifest.
        library: the module library; by default the one whose root holds ``path``.

    Raises:
        CompositionError: any zone, profile or module finding (all of them are attached).
        NotFoundError: no library above ``path``.
    """
    library = library or Library.discover(path)
    check = check_zone(path, library)
    raise_issues(check.issues)
    assert check.zone is not None and check.profile is not None and check.profile.profile is not None
    zone, profile = check.zone, check.profile.profile
    modules = tuple(
        ResolvedModule(
            manifest=check.profile.modules[pin.index],
            variant=pin.variant,
            params=resolve_params(
                check.profile.modules[pin.index], pin.params, zone.params_overrides.get(pin.module_id, {})
            ),
        )
        for pin in profile.modules
    )
    return Composition(zone, profile, modules, library)

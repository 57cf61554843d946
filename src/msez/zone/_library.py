"""The module library of a repository: ``modules/``, ``profiles/`` and ``jurisdictions/`` under one root.

Modules are indexed by ``module_id`` and version from a light parse of every ``module.yaml`` (sorted walk);
schema validation happens when a module is first requested and is cached. Several versions of one module may
coexist in different folders; the same id and version twice is a conflict.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from msez.core import ConflictError, MsezError, NotFoundError
from msez.zone._documents import PROFILE_FILE, ZONE_FILE, Profile, read_profile
from msez.zone._issues import display_path
from msez.zone._manifest import MODULE_FILE, ModuleManifest, read_module

MODULES_DIR = "modules"
PROFILES_DIR = "profiles"
ZONES_DIR = "jurisdictions"
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Library:
    """The modules, profiles and zones of the repository at ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._modules: dict[Path, ModuleManifest] = {}
        self._profiles: dict[Path, Profile] = {}

    @classmethod
    def discover(cls, start: Path) -> Library:
        """The library whose root is ``start`` or its nearest ancestor holding a ``modules/`` directory.

        Raises:
            NotFoundError: no such directory above ``start``.
        """
        here = start.resolve()
        for candidate in (here, *here.parents):
            if (candidate / MODULES_DIR).is_dir():
                return cls(candidate)
        raise NotFoundError(f"{start}: no '{MODULES_DIR}/' directory here or above; pass --root")

    def display(self, path: Path) -> str:
        """``path`` as shown in messages: repo-relative when inside the library."""
        return display_path(path, self.root)

    def module_files(self) -> list[Path]:
        return _walk(self.root / MODULES_DIR, MODULE_FILE)

    def profile_files(self) -> list[Path]:
        return _walk(self.root / PROFILES_DIR, PROFILE_FILE)

    def zone_files(self) -> list[Path]:
        return _walk(self.root / ZONES_DIR, ZONE_FILE)

    @cached_property
    def _index(self) -> dict[str, dict[str, Path]]:
        index: dict[str, dict[str, Path]] = {}
        for manifest in self.module_files():
            head = _peek(manifest)
            module_id, version = head.get("module_id"), head.get("version")
            if not isinstance(module_id, str) or not isinstance(version, str):
                continue
            versions = index.setdefault(module_id, {})
            if version in versions:
                raise ConflictError(
                    f"{self.display(manifest)}: module {module_id} {version} is also defined in "
                    f"{self.display(versions[version])}"
                )
            versions[version] = manifest.parent
        return index

    def has_module(self, module_id: str) -> bool:
        return module_id in self._index

    def module_versions(self, module_id: str) -> list[str]:
        """Every version of ``module_id`` in the library (unsorted if versions are malformed)."""
        return sorted(self._index.get(module_id, {}))

    def module(self, module_id: str, version: str) -> ModuleManifest:
        """The schema-valid manifest of ``module_id`` at exactly ``version``.

        Raises:
            NotFoundError: no such module or version.
            SchemaValidationError: the manifest is invalid.
        """
        directory = self._index.get(module_id, {}).get(version)
        if directory is None:
            raise NotFoundError(f"module {module_id} {version} is not in the library")
        return self.module_at(directory)

    def module_at(self, directory: Path) -> ModuleManifest:
        """The schema-valid manifest in ``directory`` (cached)."""
        key = directory.resolve()
        if key not in self._modules:
            self._modules[key] = read_module(key, display=self.display(key / MODULE_FILE))
        return self._modules[key]

    def profile(self, profile_id: str) -> Profile:
        """The first profile (sorted walk of ``profiles/``) with ``profile_id``.

        Raises:
            NotFoundError: no profile has that id.
        """
        for path in self.profile_files():
            if _peek(path).get("profile_id") == profile_id:
                return self.profile_at(path)
        raise NotFoundError(f"no profile with profile_id {profile_id} under {PROFILES_DIR}/")

    def profile_at(self, path: Path) -> Profile:
        key = path.resolve()
        if key not in self._profiles:
            self._profiles[key] = read_profile(key, display=self.display(key))
        return self._profiles[key]


def _walk(directory: Path, name: str) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(directory.rglob(name), key=lambda p: p.as_posix())


def _peek(path: Path) -> dict[str, Any]:
    try:
        value = yaml.load(path.read_bytes(), Loader=_Loader)
    except (OSError, yaml.YAMLError, MsezError):
        return {}
    return value if isinstance(value, dict) else {}

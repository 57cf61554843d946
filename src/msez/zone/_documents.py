"""Profiles (``profile.yaml``, spec §30) and zone manifests (``zone.yaml``): loading and typed read-only views.

A profile's version is its ``version`` field when present, else its ``stack_spec_version`` (the reference
versions profiles with the stack). A zone pins a profile by id and exact version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from msez.core import ValidationError, load_yaml
from msez.schema import validate

PROFILE_FILE = "profile.yaml"
ZONE_FILE = "zone.yaml"
DEFAULT_LOCKFILE = "stack.lock"
DEFAULT_LAWPACK_DOMAINS = ("civil", "financial")


@dataclass(frozen=True)
class ProfileModule:
    """One ``modules[]`` pin of a profile."""

    module_id: str
    version: str
    variant: str
    params: Mapping[str, Any]
    index: int


@dataclass(frozen=True)
class Profile:
    """A schema-valid profile."""

    profile_id: str
    version: str
    stack_spec_version: str
    modules: tuple[ProfileModule, ...]
    corridors: tuple[str, ...]
    path: Path
    document: Mapping[str, Any] = field(repr=False)


@dataclass(frozen=True)
class Overlay:
    """One ``overlays[]`` entry of a zone: unified-diff patch files (zone-relative) for one module."""

    module_id: str
    patches: tuple[str, ...]
    index: int


@dataclass(frozen=True)
class Zone:
    """A schema-valid zone manifest."""

    zone_id: str
    jurisdiction_id: str
    zone_name: str
    profile_id: str
    profile_version: str
    corridors: tuple[str, ...]
    overlays: tuple[Overlay, ...]
    params_overrides: Mapping[str, Mapping[str, Any]]
    jurisdiction_stack: tuple[str, ...]
    lawpack_domains: tuple[str, ...]
    lockfile_path: str
    path: Path
    document: Mapping[str, Any] = field(repr=False)

    @property
    def directory(self) -> Path:
        return self.path.parent


def read_profile(path: Path, *, display: str | None = None) -> Profile:
    """Load and schema-validate a profile (a ``profile.yaml`` or the directory holding one).

    Raises:
        ValidationError: unreadable or unparsable file.
        SchemaValidationError: the profile violates ``profile.schema.json``.
    """
    path = path / PROFILE_FILE if path.is_dir() else path
    doc = _load(path, "profile", display)
    modules = tuple(
        ProfileModule(m["module_id"], m["version"], m["variant"], MappingProxyType(dict(m.get("params", {}))), i)
        for i, m in enumerate(doc["modules"])
    )
    return Profile(
        profile_id=doc["profile_id"],
        version=doc.get("version", doc["stack_spec_version"]),
        stack_spec_version=doc["stack_spec_version"],
        modules=modules,
        corridors=tuple(doc.get("corridors", [])),
        path=path,
        document=MappingProxyType(doc),
    )


def read_zone(path: Path, *, display: str | None = None) -> Zone:
    """Load and schema-validate a zone manifest (a ``zone.yaml`` or the directory holding one).

    Raises:
        ValidationError: unreadable or unparsable file.
        SchemaValidationError: the zone violates ``zone.schema.json``.
    """
    path = path / ZONE_FILE if path.is_dir() else path
    doc = _load(path, "zone", display)
    overlays = tuple(Overlay(o["module_id"], tuple(o["patches"]), i) for i, o in enumerate(doc.get("overlays", [])))
    overrides = {k: MappingProxyType(dict(v)) for k, v in doc.get("params_overrides", {}).items()}
    return Zone(
        zone_id=doc["zone_id"],
        jurisdiction_id=doc["jurisdiction_id"],
        zone_name=doc["zone_name"],
        profile_id=doc["profile"]["profile_id"],
        profile_version=doc["profile"]["version"],
        corridors=tuple(doc.get("corridors", [])),
        overlays=overlays,
        params_overrides=MappingProxyType(overrides),
        jurisdiction_stack=tuple(doc.get("jurisdiction_stack") or [doc["jurisdiction_id"]]),
        lawpack_domains=tuple(doc.get("lawpack_domains") or DEFAULT_LAWPACK_DOMAINS),
        lockfile_path=doc.get("lockfile_path", DEFAULT_LOCKFILE),
        path=path,
        document=MappingProxyType(doc),
    )


def _load(path: Path, schema: str, display: str | None) -> dict[str, Any]:
    name = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ValidationError(f"{name}: cannot read: {e.strerror}") from None
    doc = load_yaml(raw, source=name)
    validate(doc, schema, file=name)
    return doc  # type: ignore[no-any-return]

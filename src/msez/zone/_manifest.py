"""Module manifests (``module.yaml``, spec §20): loading, schema validation and a typed read-only view.

The parsed document is kept as read (``document``) together with its raw bytes (``raw``), which the lockfile
pins byte for byte as ``manifest_sha256``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from msez.core import ValidationError, load_yaml
from msez.schema import validate

MODULE_FILE = "module.yaml"
DEFAULT_VARIANT = "default"


@dataclass(frozen=True)
class Dependency:
    """One ``depends_on`` entry; ``index`` is its position in the manifest."""

    module_id: str
    constraint: str | None
    index: int


@dataclass(frozen=True)
class Provide:
    """One ``provides`` entry: an interface and, optionally, the module-relative path that implements it."""

    interface: str
    path: str | None
    media_type: str | None
    index: int


@dataclass(frozen=True)
class Parameter:
    """A declared module parameter (``parameters.<name>``)."""

    name: str
    type: str
    default: Any = None
    has_default: bool = False
    required: bool = False
    values: tuple[Any, ...] | None = None
    constraints: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class ModuleManifest:
    """A schema-valid module manifest located at ``directory``."""

    module_id: str
    version: str
    kind: str
    variants: tuple[str, ...]
    depends_on: tuple[Dependency, ...]
    provides: tuple[Provide, ...]
    parameters: Mapping[str, Parameter]
    directory: Path
    raw: bytes = field(repr=False)
    document: Mapping[str, Any] = field(repr=False)

    @property
    def manifest_path(self) -> Path:
        return self.directory / MODULE_FILE

    def has_variant(self, variant: str) -> bool:
        return variant in self.variants


def module_manifest_path(path: Path) -> Path:
    """Accept a module directory or its ``module.yaml``."""
    return path / MODULE_FILE if path.is_dir() else path


def read_module(path: Path, *, display: str | None = None) -> ModuleManifest:
    """Load and schema-validate a module manifest.

    Args:
        path: the module directory or its ``module.yaml``.
        display: the file name to use in errors (defaults to ``path``).

    Raises:
        ValidationError: unreadable or unparsable file.
        SchemaValidationError: the manifest violates ``module.schema.json``.
    """
    manifest = module_manifest_path(path)
    name = display or str(manifest)
    try:
        raw = manifest.read_bytes()
    except OSError as e:
        raise ValidationError(f"{name}: cannot read: {e.strerror}") from None
    document = load_yaml(raw, source=name)
    validate(document, "module", file=name)
    return _to_manifest(document, raw, manifest.parent)


def _to_manifest(doc: dict[str, Any], raw: bytes, directory: Path) -> ModuleManifest:
    return ModuleManifest(
        module_id=doc["module_id"],
        version=doc["version"],
        kind=doc["kind"],
        variants=tuple(_variant_id(v) for v in doc.get("variants", [])) or (DEFAULT_VARIANT,),
        depends_on=tuple(_dependency(d, i) for i, d in enumerate(doc.get("depends_on", []))),
        provides=tuple(
            Provide(p["interface"], p.get("path"), p.get("media_type"), i) for i, p in enumerate(doc["provides"])
        ),
        parameters=MappingProxyType({name: _parameter(name, p) for name, p in doc.get("parameters", {}).items()}),
        directory=directory,
        raw=raw,
        document=MappingProxyType(doc),
    )


def _variant_id(variant: str | dict[str, Any]) -> str:
    return variant if isinstance(variant, str) else str(variant["variant_id"])


def _dependency(entry: str | dict[str, Any], index: int) -> Dependency:
    if isinstance(entry, str):
        return Dependency(entry, None, index)
    return Dependency(entry["module_id"], entry.get("constraint"), index)


def _parameter(name: str, spec: dict[str, Any]) -> Parameter:
    values = spec.get("values")
    return Parameter(
        name=name,
        type=spec["type"],
        default=spec.get("default"),
        has_default="default" in spec,
        required=bool(spec.get("required", False)),
        values=tuple(values) if values is not None else None,
        constraints=MappingProxyType(dict(spec.get("constraints", {}))),
    )

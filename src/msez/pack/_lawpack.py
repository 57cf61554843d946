"""Lawpack ingestion (spec 96, reference-impl B 8): a module's AKN corpus to canonical members, index and digest.

Nothing here writes files; :mod:`msez.pack._lawpack_io` stores the zip and the lock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from msez.core import (
    ContentDigest,
    TaggedHasher,
    ValidationError,
    canonical_bytes,
    load_yaml,
    parse_date,
    sha256_bytes,
)
from msez.pack._common import LAWPACK_TAGS, STACK_SPEC_VERSION
from msez.pack._xml import AknDocument, index_document
from msez.pack._zip import deterministic_zip
from msez.schema import validate

LAWPACK_YAML: Final = "lawpack.yaml"
INDEX_JSON: Final = "index.json"
DIGEST_MEMBER: Final = "digest.sha256"
DEFAULT_RECIPE: Final = "msez.law.normalization.v1"
EMPTY_SOURCES_SHA256: Final = sha256_bytes(b"{}").hex


def lawpack_digest(members: Mapping[str, bytes], *, tag: str = LAWPACK_TAGS.emit) -> ContentDigest:
    """The lawpack digest (spec 96): ``SHA256(tag NUL || for path in sorted(paths): path NUL bytes NUL)``.

    ``members`` holds the canonical bytes of ``lawpack.yaml``, ``index.json`` and every ``akn/**/*.xml``.
    """
    hasher = TaggedHasher(tag)
    for path in sorted(members):
        hasher.member(path, members[path])
    return hasher.digest()


@dataclass(frozen=True)
class LawpackBuild:
    """The result of ingesting a module: canonical members, the digest and the zip bytes (nothing written)."""

    digest: ContentDigest
    jurisdiction_id: str
    domain: str
    as_of_date: str
    members: Mapping[str, bytes]
    zip_bytes: bytes
    sources_sha256: str
    module_manifest_sha256: str | None
    normalization: Mapping[str, Any]
    raw_sources: Mapping[str, str]

    def components(self) -> dict[str, Any]:
        """``components`` of ``lawpack.lock.json``."""
        components: dict[str, Any] = {
            "lawpack_yaml_sha256": sha256_bytes(self.members[LAWPACK_YAML]).hex,
            "index_json_sha256": sha256_bytes(self.members[INDEX_JSON]).hex,
            "akn_sha256": {k: sha256_bytes(v).hex for k, v in sorted(self.members.items()) if k.startswith("akn/")},
            "sources_sha256": self.sources_sha256,
        }
        if self.module_manifest_sha256 is not None:
            components["module_manifest_sha256"] = self.module_manifest_sha256
        return components


@dataclass(frozen=True)
class _Inputs:
    module: dict[str, Any] | None
    sources: dict[str, Any] | None
    akn: dict[str, bytes]


def build_lawpack(
    module_dir: Path, *, as_of_date: str, strict: bool = False, tool_version: str = STACK_SPEC_VERSION
) -> LawpackBuild:
    """Ingest ``module_dir`` (``sources.yaml``, optional ``module.yaml``, ``src/akn/**/*.xml``).

    Args:
        as_of_date: ``YYYY-MM-DD`` (always checked, strict or not).
        strict: refuse YAML dates/timestamps/floats in the manifests and repeated ``eId`` values.
        tool_version: recorded in ``normalization``; ``--check`` reuses the one in the existing lock.

    Raises:
        ValidationError: unreadable or invalid input, hostile XML; nothing is written either way.
    """
    parse_date(as_of_date)
    inputs = _read_inputs(module_dir, strict)
    jurisdiction_id, domain = _identity(module_dir, inputs.sources)
    documents = [index_document(member, data, strict=strict) for member, data in sorted(inputs.akn.items())]
    sources = _normalise_sources((inputs.sources or {}).get("sources", []))
    sources_sha256 = _json_sha256(inputs.sources) if inputs.sources is not None else EMPTY_SOURCES_SHA256
    normalization = _normalization(inputs, sources_sha256, tool_version)
    metadata = {
        "lawpack_format_version": "1",
        "jurisdiction_id": jurisdiction_id,
        "domain": domain,
        "as_of_date": as_of_date,
        "sources": sources,
        "license": _license(inputs),
        "normalization": normalization,
    }
    validate(metadata, "lawpack", file=LAWPACK_YAML)
    members = {
        LAWPACK_YAML: canonical_bytes(metadata).data,
        INDEX_JSON: canonical_bytes(build_index(jurisdiction_id, domain, documents)).data,
        **{doc.member: doc.canonical for doc in documents},
    }
    digest = lawpack_digest(members)
    return LawpackBuild(
        digest=digest,
        jurisdiction_id=jurisdiction_id,
        domain=domain,
        as_of_date=as_of_date,
        members=members,
        zip_bytes=deterministic_zip({**members, DIGEST_MEMBER: f"{digest.hex}\n".encode()}),
        sources_sha256=sources_sha256,
        module_manifest_sha256=_json_sha256(inputs.module) if inputs.module is not None else None,
        normalization=normalization,
        raw_sources={s["source_id"]: s["sha256"] for s in sources if isinstance(s.get("sha256"), str)},
    )


def build_index(jurisdiction_id: str, domain: str, documents: list[AknDocument]) -> dict[str, Any]:
    """``index.json``: free of timestamps, one entry per AKN document."""
    return {
        "index_version": "1",
        "jurisdiction_id": jurisdiction_id,
        "domain": domain,
        "documents": {doc.member: doc.index_entry for doc in documents},
    }


def _read_inputs(module_dir: Path, strict: bool) -> _Inputs:
    if not module_dir.is_dir():
        raise ValidationError(f"{module_dir}: not a module directory")
    akn_root = module_dir / "src" / "akn"
    akn = {
        "akn/" + path.relative_to(akn_root).as_posix(): path.read_bytes()
        for path in sorted(akn_root.rglob("*.xml"))
        if path.is_file()
    }
    if not akn:
        raise ValidationError(f"{module_dir}: no Akoma Ntoso documents under src/akn/**/*.xml")
    return _Inputs(
        module=_read_manifest(module_dir / "module.yaml", strict),
        sources=_read_manifest(module_dir / "sources.yaml", strict),
        akn=akn,
    )


def _read_manifest(path: Path, strict: bool) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    value = load_yaml(path.read_bytes(), source=str(path), strict=strict)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationError(f"{path}: expected a mapping at the top level, got {type(value).__name__}")
    return value


def _identity(module_dir: Path, sources: Mapping[str, Any] | None) -> tuple[str, str]:
    """``jurisdiction_id`` and ``domain`` from ``sources.yaml``, else from ``.../jurisdictions/<j...>/<domain>``."""
    given = sources or {}
    parts = module_dir.resolve().parts
    inferred_jid, inferred_domain = "unknown", "unknown"
    if "jurisdictions" in parts:
        tail = parts[len(parts) - parts[::-1].index("jurisdictions") :]
        if len(tail) >= 2:
            inferred_jid, inferred_domain = "-".join(tail[:-1]), tail[-1]
    jid, domain = given.get("jurisdiction_id") or inferred_jid, given.get("domain") or inferred_domain
    if not isinstance(jid, str) or not isinstance(domain, str):
        raise ValidationError("sources.yaml: jurisdiction_id and domain must be strings")
    return jid, domain


def _normalise_sources(sources: Any) -> list[dict[str, Any]]:
    if not isinstance(sources, list):
        raise ValidationError("sources.yaml: $.sources must be a list")
    out = []
    for i, source in enumerate(sources):
        if not isinstance(source, dict):
            raise ValidationError(f"sources.yaml: $.sources[{i}] must be a mapping")
        item = {k: v for k, v in source.items() if k not in ("id", "url", "reference")}
        item["source_id"] = source.get("source_id") or source.get("id") or "source"
        item["uri"] = source.get("uri") or source.get("url") or source.get("reference") or ""
        out.append(item)
    return out


def _normalization(inputs: _Inputs, sources_sha256: str, tool_version: str) -> dict[str, Any]:
    given = (inputs.sources or {}).get("normalization") or {}
    module = inputs.module or {}
    source_input: dict[str, Any] = {"sources_manifest_sha256": sources_sha256}
    if module.get("module_id"):
        module_input = {"module_id": module["module_id"], "module_version": str(module.get("version", ""))}
        source_input = {**module_input, **source_input}
    normalization: dict[str, Any] = {
        "recipe_id": given.get("recipe_id") or DEFAULT_RECIPE,
        "tool": "msez",
        "tool_version": tool_version or "unknown",
        "inputs": [source_input],
    }
    if given.get("notes"):
        normalization["notes"] = given["notes"]
    return normalization


def _license(inputs: _Inputs) -> str:
    for manifest in (inputs.module, inputs.sources):
        if manifest and isinstance(manifest.get("license"), str) and manifest["license"]:
            return str(manifest["license"])
    return "NOASSERTION"


def _json_sha256(value: Any) -> str:
    return sha256_bytes(canonical_bytes(value).data).hex

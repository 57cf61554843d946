"""Building, verifying and diffing regpacks from a source directory (see :mod:`msez.pack._regpack`).

Source layout (every file optional except ``regpack.yaml``; sections may also be given inline there)::

    regpack.yaml            jurisdiction_id, domain, as_of_date, snapshot_type, sources, [regpack_id], ...
    regulators/*.yaml       one regulator profile each
    license-types/*.yaml    one licence type each
    reporting.yaml          {reporting_requirements: [...]}
    calendar.yaml           {deadlines: [...], examinations: [...]}
    sanctions/snapshot.yaml sanctions snapshot header (snapshot_id, snapshot_timestamp, sources, lists_included)
    sanctions/*.json        sanctions entries (a list, or {"entries": [...]})

Records are sorted by id, so reordering input files or records never changes the pack.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from msez.core import ContentDigest, MsezError, ValidationError, load_json
from msez.pack._common import REGPACK_TAGS, STACK_SPEC_VERSION, PackIntegrityError, compare_members
from msez.pack._diff import Change, diff_documents, keyed_counts
from msez.pack._packio import JsonPackKind
from msez.pack._regpack import regpack_component_digests, regpack_digest, regpack_members
from msez.pack._sources import read_each, read_mapping, sorted_records
from msez.schema import validate

_ENTRY_TYPES = {"individual": "individuals", "entity": "entities", "vessel": "vessels", "aircraft": "aircraft"}


def build_regpack(source_dir: Path, *, previous: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Assemble a regpack document from ``source_dir``; with ``previous``, record its digest and the delta.

    Raises:
        ValidationError: missing or invalid input (schema errors name the JSON path).
    """
    header = read_mapping(source_dir / "regpack.yaml")
    document: dict[str, Any] = {
        "type": "MSEZRegPack",
        "stack_spec_version": STACK_SPEC_VERSION,
        "regpack_version": "1.0",
        **{k: v for k, v in header.items() if k != "component_digests"},
    }
    _require(document, ("jurisdiction_id", "domain", "as_of_date", "snapshot_type"))
    document.setdefault("regpack_id", _default_id(document))
    document.setdefault("sources", [])
    _add_sections(document, source_dir)
    document["includes"] = _includes(document)
    if previous is not None:
        document["previous_regpack_digest"] = regpack_digest(previous).hex
        document["delta"] = regpack_delta(previous, document)
    document["component_digests"] = regpack_component_digests(document)
    validate(document, "regpack", file=str(source_dir / "regpack.yaml"))
    return document


def _add_sections(document: dict[str, Any], source_dir: Path) -> None:
    regulators = [*document.get("regulators", []), *read_each(source_dir / "regulators")]
    if regulators:
        document["regulators"] = sorted_records(regulators, "regulator_id")
    license_types = [
        *(document.get("license_registry") or {}).get("license_types", []),
        *read_each(source_dir / "license-types"),
    ]
    if license_types:
        registry = {
            **document.get("license_registry", {}),
            "license_types": sorted_records(license_types, "license_type_id"),
        }
        document["license_registry"] = registry
    if (reporting := source_dir / "reporting.yaml").is_file():
        document["reporting_requirements"] = read_mapping(reporting).get("reporting_requirements", [])
    if "reporting_requirements" in document:
        document["reporting_requirements"] = sorted_records(document["reporting_requirements"], "requirement_id")
    if (calendar := source_dir / "calendar.yaml").is_file():
        document["compliance_calendar"] = read_mapping(calendar)
    if "compliance_calendar" in document:
        calendar_value = dict(document["compliance_calendar"])
        calendar_value["deadlines"] = sorted_records(calendar_value.get("deadlines", []), "deadline_id")
        document["compliance_calendar"] = calendar_value
    _add_sanctions(document, source_dir / "sanctions")


def _add_sanctions(document: dict[str, Any], directory: Path) -> None:
    entries = list(document.get("sanctions_entries", []))
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        value = load_json(path.read_bytes(), source=str(path))
        entries.extend(value.get("entries", []) if isinstance(value, dict) else value)
    snapshot = document.get("sanctions_snapshot")
    if (header := directory / "snapshot.yaml").is_file():
        snapshot = read_mapping(header)
    if not entries and snapshot is None:
        return
    entries = sorted_records(entries, "entry_id")
    counts = dict.fromkeys(_ENTRY_TYPES.values(), 0)
    for entry in entries:
        key = _ENTRY_TYPES.get(entry.get("entry_type", ""), "other")
        counts[key] = counts.get(key, 0) + 1
    snapshot = dict(snapshot or {})
    snapshot.setdefault("snapshot_id", f"sanctions-{document['as_of_date']}")
    snapshot.setdefault("snapshot_timestamp", f"{document['as_of_date']}T00:00:00Z")
    snapshot["consolidated"] = {"total_records": len(entries), **counts}
    document["sanctions_snapshot"] = snapshot
    document["sanctions_entries"] = entries


def _includes(document: Mapping[str, Any]) -> dict[str, int]:
    return {
        "regulators": len(document.get("regulators", [])),
        "sanctions_entries": len(document.get("sanctions_entries", [])),
        "license_types": len((document.get("license_registry") or {}).get("license_types", [])),
        "reporting_requirements": len(document.get("reporting_requirements", [])),
        "deadlines": len((document.get("compliance_calendar") or {}).get("deadlines", [])),
    }


def regpack_delta(previous: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, int]:
    """Integer counters of what changed since ``previous`` (the schema's ``delta``)."""
    changes = diff_regpacks(previous, current)
    sanctions = keyed_counts(changes, "sanctions_entries")
    regulators = keyed_counts(changes, "regulators")
    deadlines = keyed_counts(changes, "compliance_calendar.deadlines")
    types = keyed_counts(changes, "license_registry.license_types")
    return {
        "sanctions_additions": sanctions["added"],
        "sanctions_removals": sanctions["removed"],
        "sanctions_modifications": sanctions["modified"],
        "regulators_added": regulators["added"],
        "regulators_removed": regulators["removed"],
        "regulators_modified": regulators["modified"],
        "license_types_changed": types["added"] + types["removed"] + types["modified"],
        "deadlines_changed": deadlines["added"] + deadlines["removed"] + deadlines["modified"],
    }


_DERIVED = ("component_digests", "includes", "delta", "previous_regpack_digest")


def diff_regpacks(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Field-level differences (records matched by id), leaving out the derived bookkeeping fields."""
    return diff_documents(
        {k: v for k, v in old.items() if k not in _DERIVED}, {k: v for k, v in new.items() if k not in _DERIVED}
    )


@dataclass(frozen=True)
class RegpackVerification:
    digest: ContentDigest
    tag: str


def verify_regpack(
    document: Mapping[str, Any], *, expected: ContentDigest | None = None, lock: Mapping[str, Any] | None = None
) -> RegpackVerification:
    """(1) schema; (2) recorded ``component_digests`` against the sections; (3) with a lock, every member digest;
    (4) the digest under an accepted tag against ``expected`` (or the lock's digest).

    Raises:
        PackIntegrityError: every problem, each naming the member (``regulators/secp``, ``metadata/as_of_date``).
    """
    problems: list[tuple[str, str]] = []
    try:
        validate(document, "regpack")
    except MsezError as e:
        problems.append(("schema", str(e)))
    recorded = document.get("component_digests")
    if isinstance(recorded, dict):
        problems.extend(compare_members(recorded, regpack_component_digests(document)))
    else:
        problems.append(("metadata/component_digests", "missing"))
    if lock is not None:
        problems.extend(compare_members(lock.get("members") or {}, regpack_members(document)))
        expected = expected or ContentDigest.parse(str(lock.get("regpack_digest_sha256", "")))
    if problems:
        raise PackIntegrityError(problems)
    by_tag = {tag: regpack_digest(document, tag=tag) for tag in REGPACK_TAGS.accepted}
    if expected is None:
        tag = REGPACK_TAGS.accepted[1] if document.get("type") == "MEZRegPack" else REGPACK_TAGS.emit
        return RegpackVerification(by_tag[tag], tag)
    for tag, digest in by_tag.items():
        if digest == expected:
            return RegpackVerification(digest, tag)
    computed = by_tag[REGPACK_TAGS.emit].hex
    raise PackIntegrityError([("metadata", f"the pack hashes to {computed}, expected {expected.hex}")])


def regpack_digest_rule(data: bytes) -> ContentDigest:
    """Artifact-store digest rule for type ``regpack``: the verified digest of a stored regpack document."""
    document = load_json(data, source="regpack")
    if not isinstance(document, dict):
        raise ValidationError("regpack: expected a JSON object")
    return verify_regpack(document).digest


def _identity(document: Mapping[str, Any]) -> dict[str, Any]:
    return {k: document[k] for k in ("regpack_id", "jurisdiction_id", "domain", "as_of_date") if k in document}


REGPACK = JsonPackKind("regpack", lambda d: verify_regpack(d).digest, regpack_members, _identity)


def _require(document: Mapping[str, Any], fields: tuple[str, ...]) -> None:
    missing = [f for f in fields if not document.get(f)]
    if missing:
        raise ValidationError(f"regpack.yaml: missing {', '.join(missing)}")


def _default_id(document: Mapping[str, Any]) -> str:
    month = str(document["as_of_date"]).replace("-", "")[:6]
    return f"regpack:{document['jurisdiction_id']}:{document['domain']}:{month}"

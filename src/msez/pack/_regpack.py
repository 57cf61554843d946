"""Regpacks (spec 96b, reference-impl A 6.2): dynamic regulatory state as one canonical JSON document.

Layout: the reference's flat document (``regpack.schema.json``): metadata fields at the top level plus content
sections (``regulators``, ``sanctions_snapshot``, ``sanctions_entries``, ``license_registry``,
``reporting_requirements``, ``compliance_calendar``).

Digest (reference-impl A 6.2, exact): ``SHA256(tag NUL || MCF(metadata) || MCF(snapshot)? ||
MCF({"regulators": sorted ids})? || MCF({"deadlines": deadlines sorted by deadline_id})?)``, parts concatenated
without separators and present only when non-empty. ``metadata`` is every top-level field except the content
sections, ``proof`` and ``digest_sha256``. The reference hashes regulators by id only and never hashes the
entries or licence types, so the builder writes ``component_digests`` into the metadata: the MCF digest of each
section not hashed in full (decisions: "Regpack component digests"). The digest always uses the component digests
recomputed from the sections, so changing any field changes the digest; verification also compares them with
the recorded ones and names the component that no longer matches.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from msez.core import ContentDigest, TaggedHasher, canonical_bytes
from msez.pack._common import REGPACK_TAGS, member_digest, record_id

SECTIONS: Final = (
    "regulators",
    "sanctions_snapshot",
    "sanctions_entries",
    "license_registry",
    "reporting_requirements",
    "compliance_calendar",
)
_UNHASHED: Final = ("proof", "digest_sha256")
_KEYED: Final = {
    "regulators": "regulator_id",
    "reporting_requirements": "requirement_id",
}


def regpack_metadata(document: Mapping[str, Any]) -> dict[str, Any]:
    """The metadata part of the digest: every top-level field but the sections, ``proof`` and ``digest_sha256``."""
    return {k: v for k, v in document.items() if k not in SECTIONS and k not in _UNHASHED}


def regpack_digest(document: Mapping[str, Any], *, tag: str = REGPACK_TAGS.emit) -> ContentDigest:
    """The regpack digest of reference-impl A 6.2 (see the module docstring)."""
    hasher = TaggedHasher(tag)
    for part in digest_parts(document).values():
        hasher.raw(canonical_bytes(part))
    return hasher.digest()


def digest_parts(document: Mapping[str, Any]) -> dict[str, Any]:
    """The values hashed in order: metadata, then snapshot, regulator ids and deadlines when present."""
    metadata = regpack_metadata(document)
    if "component_digests" in metadata:
        metadata["component_digests"] = regpack_component_digests(document)
    parts: dict[str, Any] = {"metadata": metadata}
    if document.get("sanctions_snapshot"):
        parts["sanctions_snapshot"] = document["sanctions_snapshot"]
    regulators = document.get("regulators") or []
    if regulators:
        parts["regulator_ids"] = {"regulators": sorted(record_id(r, "regulator_id") for r in regulators)}
    deadlines = (document.get("compliance_calendar") or {}).get("deadlines") or []
    if deadlines:
        parts["deadlines"] = {"deadlines": sorted(deadlines, key=lambda d: record_id(d, "deadline_id"))}
    return parts


def regpack_component_digests(document: Mapping[str, Any]) -> dict[str, str]:
    """MCF digests of everything the reference digest does not hash in full, by member name.

    ``regulators/<id>``, ``license_types/<id>``, ``reporting_requirements/<id>``, ``sanctions_entries`` and
    ``compliance_calendar``.
    """
    components: dict[str, str] = {}
    for section, key in _KEYED.items():
        for item in document.get(section) or []:
            components[f"{section}/{record_id(item, key)}"] = member_digest(item)
    for item in (document.get("license_registry") or {}).get("license_types") or []:
        components[f"license_types/{record_id(item, 'license_type_id')}"] = member_digest(item)
    if "license_registry" in document:
        rest = {k: v for k, v in document["license_registry"].items() if k != "license_types"}
        if rest:
            components["license_registry"] = member_digest(rest)
    for section in ("sanctions_entries", "compliance_calendar"):
        if section in document:
            components[section] = member_digest(document[section])
    return components


def regpack_members(document: Mapping[str, Any]) -> dict[str, str]:
    """Digest of every named member: ``metadata/<field>``, ``sanctions_snapshot`` and the components. The lock
    records these so verification can name exactly what changed."""
    members = {f"metadata/{k}": member_digest(v) for k, v in regpack_metadata(document).items()}
    if "sanctions_snapshot" in document:
        members["sanctions_snapshot"] = member_digest(document["sanctions_snapshot"])
    members.update(regpack_component_digests(document))
    return members

"""Licensepacks (spec 98, reference-impl A 6.3): live licence registries, their digest and compliance checks.

The document is flat like a regpack: metadata fields (``licensepack.yaml`` of spec 98) at the top level plus the
sections ``license_types``, ``licenses`` (each with its conditions, permissions and restrictions) and ``holders``.

Digest: the order of reference-impl A 6.3 (docs/decisions.md, "Licensepack digest order"), chosen over spec 98's
zip-member order because it is defined on the registry itself rather than on index files the spec leaves open::

    SHA256( tag NUL || MCF(metadata) NUL
            || for type in sorted(license_types):  "license-types/<id>" NUL MCF(type) NUL
            || for lic in sorted(licenses):        "licenses/<id>" NUL MCF(lic) NUL
                   then its conditions, permissions, restrictions, each sorted by id:
                                                   "licenses/<id>/conditions/<cid>" NUL MCF(c) NUL ...
            || for holder in sorted(holders):      "holders/<id>" NUL MCF(holder) NUL )
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from msez.core import ContentDigest, TaggedHasher, canonical_bytes
from msez.pack._common import LICENSEPACK_TAGS, member_digest, record_id

SECTIONS: Final = ("license_types", "licenses", "holders")
_UNHASHED: Final = ("proof", "digest_sha256")
NESTED: Final = (("conditions", "condition_id"), ("permissions", "permission_id"), ("restrictions", "restriction_id"))


def licensepack_metadata(document: Mapping[str, Any]) -> dict[str, Any]:
    """Every top-level field except the three sections, ``proof`` and ``digest_sha256``."""
    return {k: v for k, v in document.items() if k not in SECTIONS and k not in _UNHASHED}


def _by_id(records: Any, key: str) -> list[tuple[str, Any]]:
    return sorted(((record_id(r, key), r) for r in records or []), key=lambda pair: pair[0])


def licensepack_digest(document: Mapping[str, Any], *, tag: str = LICENSEPACK_TAGS.emit) -> ContentDigest:
    """The licensepack digest in the order of reference-impl A 6.3 (see the module docstring)."""
    hasher = TaggedHasher(tag)
    metadata = licensepack_metadata(document)
    if metadata:
        hasher.part(canonical_bytes(metadata))
    for type_id, license_type in _by_id(document.get("license_types"), "license_type_id"):
        hasher.member(f"license-types/{type_id}", canonical_bytes(license_type))
    for license_id, license in _by_id(document.get("licenses"), "license_id"):
        hasher.member(f"licenses/{license_id}", canonical_bytes(license))
        for section, key in NESTED:
            for item_id, item in _by_id(license.get(section) if isinstance(license, Mapping) else (), key):
                hasher.member(f"licenses/{license_id}/{section}/{item_id}", canonical_bytes(item))
    for holder_id, holder in _by_id(document.get("holders"), "holder_id"):
        hasher.member(f"holders/{holder_id}", canonical_bytes(holder))
    return hasher.digest()


def licensepack_members(document: Mapping[str, Any]) -> dict[str, str]:
    """Digest of every named member (``metadata/<field>``, ``license-types/<id>``, ``licenses/<id>``,
    ``holders/<id>``), recorded in the lock so verification names what changed."""
    members = {f"metadata/{k}": member_digest(v) for k, v in licensepack_metadata(document).items()}
    for section, key, prefix in (
        ("license_types", "license_type_id", "license-types"),
        ("licenses", "license_id", "licenses"),
        ("holders", "holder_id", "holders"),
    ):
        for item_id, item in _by_id(document.get(section), key):
            members[f"{prefix}/{item_id}"] = member_digest(item)
    return members

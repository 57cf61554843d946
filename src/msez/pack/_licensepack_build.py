"""Building and verifying licensepacks from a source directory (see :mod:`msez.pack._licensepack`).

Source layout::

    licensepack.yaml       jurisdiction_id, domain, as_of_date, snapshot_timestamp, sources, regulator, license, ...
    license-types/*.yaml   one licence type each
    licenses/*.yaml        one licence each, with its conditions, permissions and restrictions
    holders/*.yaml         one holder each

Records and their nested conditions, permissions and restrictions are sorted by id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from msez.core import ContentDigest, MsezError, ValidationError, load_json
from msez.pack._common import LICENSEPACK_TAGS, PackIntegrityError, compare_members
from msez.pack._license_eval import LicenseCheck, LicenseRecord, licensepack_delta, verify_license
from msez.pack._licensepack import NESTED, licensepack_digest, licensepack_members
from msez.pack._packio import JsonPackKind
from msez.pack._sources import read_each, read_mapping, sorted_records
from msez.schema import validate

_SECTIONS = (("license_types", "license-types", "license_type_id"), ("licenses", "licenses", "license_id"))


def build_licensepack(source_dir: Path, *, previous: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Assemble a licensepack document; with ``previous``, record its digest and the delta.

    Raises:
        ValidationError: missing or invalid input (schema errors name the JSON path).
    """
    header = read_mapping(source_dir / "licensepack.yaml")
    document: dict[str, Any] = {"licensepack_format_version": "1", **header}
    for field in ("jurisdiction_id", "domain", "as_of_date", "snapshot_timestamp"):
        if not document.get(field):
            raise ValidationError(f"{source_dir / 'licensepack.yaml'}: missing {field}")
    document.setdefault(
        "licensepack_id",
        f"licensepack:{document['jurisdiction_id']}:{document['domain']}:{document['snapshot_timestamp']}",
    )
    for section, directory, key in (*_SECTIONS, ("holders", "holders", "holder_id")):
        records = [*document.get(section, []), *read_each(source_dir / directory)]
        document[section] = sorted_records(records, key)
    document["licenses"] = [_sort_nested(lic) for lic in document["licenses"]]
    document["includes"] = _includes(document)
    if previous is not None:
        document["previous_licensepack_digest"] = str(licensepack_digest(previous))
        document["delta"] = {k: v for k, v in licensepack_delta(previous, document).to_json().items() if k != "details"}
    validate(document, "licensepack", file=str(source_dir / "licensepack.yaml"))
    return document


def _sort_nested(license: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(license)
    for section, key in NESTED:
        if section in out:
            out[section] = sorted_records(list(out[section]), key)
    return out


def _includes(document: Mapping[str, Any]) -> dict[str, int]:
    statuses = [lic.get("status") for lic in document["licenses"]]
    return {
        "license_types": len(document["license_types"]),
        "licenses_active": statuses.count("active"),
        "licenses_suspended": statuses.count("suspended"),
        "licenses_total": len(statuses),
        "holders": len(document["holders"]),
        "conditions": sum(len(lic.get("conditions", [])) for lic in document["licenses"]),
    }


@dataclass(frozen=True)
class LicensepackVerification:
    digest: ContentDigest
    tag: str


def verify_licensepack(
    document: Mapping[str, Any], *, expected: ContentDigest | None = None, lock: Mapping[str, Any] | None = None
) -> LicensepackVerification:
    """(1) schema; (2) with a lock, every member digest; (3) the digest under an accepted tag against ``expected``
    (or the lock's digest).

    Raises:
        PackIntegrityError: every problem, each naming the member (``licenses/<id>``, ``metadata/<field>``).
    """
    problems: list[tuple[str, str]] = []
    try:
        validate(document, "licensepack")
    except MsezError as e:
        problems.append(("schema", str(e)))
    if lock is not None:
        problems.extend(compare_members(lock.get("members") or {}, licensepack_members(document)))
        expected = expected or ContentDigest.parse(str(lock.get("licensepack_digest_sha256", "")))
    if problems:
        raise PackIntegrityError(problems)
    by_tag = {tag: licensepack_digest(document, tag=tag) for tag in LICENSEPACK_TAGS.accepted}
    if expected is None:
        return LicensepackVerification(by_tag[LICENSEPACK_TAGS.emit], LICENSEPACK_TAGS.emit)
    for tag, digest in by_tag.items():
        if digest == expected:
            return LicensepackVerification(digest, tag)
    computed = by_tag[LICENSEPACK_TAGS.emit].hex
    raise PackIntegrityError([("licensepack", f"hashes to {computed}, expected {expected.hex}")])


def licensepack_digest_rule(data: bytes) -> ContentDigest:
    """Artifact-store digest rule for type ``licensepack``: the digest of a schema-valid stored licensepack."""
    document = load_json(data, source="licensepack")
    if not isinstance(document, dict):
        raise ValidationError("licensepack: expected a JSON object")
    return verify_licensepack(document).digest


class Licensepack:
    """Read access to a licensepack document: licences by holder DID, and licence verification."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.licenses = [LicenseRecord.from_json(x) for x in document.get("licenses") or []]
        holder_dids = {str(h.get("holder_id")): h.get("did") for h in document.get("holders") or []}
        self._by_did: dict[str, list[LicenseRecord]] = {}
        for lic in self.licenses:
            for did in {lic.holder_did, holder_dids.get(lic.holder_id)} - {None}:
                self._by_did.setdefault(str(did), []).append(lic)

    def licenses_of(self, holder_did: str) -> list[LicenseRecord]:
        """The holder's licences, sorted by id."""
        return sorted(self._by_did.get(holder_did, []), key=lambda lic: lic.license_id)

    def verify_license(self, holder_did: str, activity: str, on: date) -> LicenseCheck:
        """``(valid, state, license_id)`` for ``holder_did`` doing ``activity`` on ``on``."""
        return verify_license(self.licenses_of(holder_did), holder_did, activity, on)

    def license(self, license_id: str) -> LicenseRecord:
        for lic in self.licenses:
            if lic.license_id == license_id:
                return lic
        raise ValidationError(f"no licence {license_id!r} in {self.document.get('licensepack_id')}")


def _identity(document: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("licensepack_id", "jurisdiction_id", "domain", "as_of_date", "snapshot_timestamp")
    out = {k: document[k] for k in keys if k in document}
    includes = document.get("includes") or {}
    out["includes"] = {k: includes[k] for k in ("licenses_active", "licenses_total", "license_types") if k in includes}
    return out


LICENSEPACK = JsonPackKind("licensepack", lambda d: verify_licensepack(d).digest, licensepack_members, _identity)

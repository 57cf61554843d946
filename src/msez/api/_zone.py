"""The zone a node serves, loaded once at startup: its manifest, the regpacks, licensepacks and lawpacks pinned in
its ``stack.lock``, and the compliance configuration (the manifest's ``compliance_domains`` are the applicable
domains).

A pinned pack is taken, in order, from the node's artifact store (``<data dir>/artifacts``), from the artifact
path the lock records, or built from the pack's sources beside its ``*.lock.json``; whichever it is, its digest
must equal the pin (else :class:`~msez.core.IntegrityError`: a node never screens against a pack other than the
one its zone pins). A pack built from sources is put into the artifact store, so later starts only read and
re-digest it. Within a process, loaded packs (and the sanctions index built from them) are shared by digest.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from msez.core import ComplianceDomain, ContentDigest, IntegrityError, MsezError, canonical_bytes, load_json
from msez.crypto import FileArtifactStore
from msez.pack import (
    MISSING,
    PACK_DIGEST_RULES,
    Licensepack,
    SanctionsScreener,
    build_licensepack,
    build_regpack,
    licensepack_digest,
    regpack_digest,
)
from msez.tensor import JurisdictionConfig
from msez.vc import LawpackPin
from msez.zone import Library, lock_path, read_zone

log = logging.getLogger(__name__)

_BUILD: Final[Mapping[str, tuple[Callable[[Path], dict[str, Any]], Callable[[Mapping[str, Any]], ContentDigest]]]] = {
    "regpack": (build_regpack, regpack_digest),
    "licensepack": (build_licensepack, licensepack_digest),
}


@dataclass(frozen=True)
class PinnedPack:
    """One pack the zone's lock pins: what it is and its digest."""

    kind: str
    jurisdiction_id: str
    domain: str
    digest: ContentDigest

    def to_json(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "jurisdiction_id": self.jurisdiction_id,
            "domain": self.domain,
            "digest": self.digest.hex,
        }


@dataclass(frozen=True)
class ZoneContext:
    """What the node knows about its zone for compliance: packs, pins and applicable domains."""

    zone_id: str
    jurisdiction_id: str
    jurisdiction: JurisdictionConfig
    screener: SanctionsScreener | None
    sanctions_digest: ContentDigest | None
    licensepacks: tuple[Licensepack, ...]
    licensepack_digest: ContentDigest | None
    packs: tuple[PinnedPack, ...]
    lawpacks: tuple[LawpackPin, ...]

    @property
    def applicable_domains(self) -> tuple[ComplianceDomain, ...]:
        return tuple(sorted(self.jurisdiction.applicable_domains))


def load_zone(zone_path: Path, *, zone_id: str, jurisdiction_id: str, artifacts: Path) -> ZoneContext:
    """Read the zone manifest at ``zone_path`` and load the packs its ``stack.lock`` pins.

    Raises:
        ValidationError: an unreadable manifest or lock. IntegrityError: a pack does not hash to its pin.
    """
    zone = read_zone(zone_path)
    lock_file = lock_path(zone)
    lock = _load_lock(lock_file)
    try:
        root = Library.discover(zone.directory).root
    except MsezError:
        root = zone.directory.resolve()
    pins = _pins(lock)
    sanctions = next((p for p in pins if p.kind == "regpack" and p.domain == "sanctions"), None)
    licence_pins = [p for p in pins if p.kind == "licensepack"]
    if sanctions is None:
        log.warning("%s pins no sanctions regpack; sanctions evaluate as pending", lock_file)
    entries = {(e["kind"], e["digest"]): e for e in _entries(lock)}
    store = str(artifacts)
    screener = None
    if sanctions is not None:
        screener = _screener(sanctions.digest.hex, _locate(entries[("regpack", sanctions.digest.hex)], root), store)
    licensepacks = tuple(
        Licensepack(
            _document("licensepack", p.digest.hex, _locate(entries[("licensepack", p.digest.hex)], root), store)
        )
        for p in licence_pins
    )
    return ZoneContext(
        zone_id=zone_id,
        jurisdiction_id=jurisdiction_id,
        jurisdiction=JurisdictionConfig(jurisdiction_id, _domains(zone.document)),
        screener=screener,
        sanctions_digest=sanctions.digest if sanctions else None,
        licensepacks=licensepacks,
        licensepack_digest=licence_pins[0].digest if licence_pins else None,
        packs=tuple(pins),
        lawpacks=_lawpacks(lock),
    )


def _load_lock(path: Path) -> Mapping[str, Any]:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise IntegrityError(f"{path}: cannot read the zone's stack.lock: {e.strerror}") from e
    lock = load_json(data, source=str(path))
    if not isinstance(lock, dict):
        raise IntegrityError(f"{path}: expected a JSON object")
    return lock


def _entries(lock: Mapping[str, Any]) -> list[dict[str, Any]]:
    found = []
    for kind in ("regpack", "licensepack"):
        for entry in lock.get(f"{kind}s") or ():
            digest = entry.get(f"{kind}_digest_sha256")
            if isinstance(digest, str) and digest != MISSING:
                found.append({**entry, "kind": kind, "digest": ContentDigest.parse(digest).hex})
    return found


def _pins(lock: Mapping[str, Any]) -> list[PinnedPack]:
    return [
        PinnedPack(e["kind"], str(e.get("jurisdiction_id", "")), str(e.get("domain", "")), ContentDigest(e["digest"]))
        for e in _entries(lock)
    ]


def _lawpacks(lock: Mapping[str, Any]) -> tuple[LawpackPin, ...]:
    return tuple(
        LawpackPin(
            jurisdiction_id=e["jurisdiction_id"], domain=e["domain"], lawpack_digest_sha256=e["lawpack_digest_sha256"]
        )
        for e in lock.get("lawpacks") or ()
        if e.get("lawpack_digest_sha256") not in (None, MISSING)
    )


def _domains(zone: Mapping[str, Any]) -> frozenset[ComplianceDomain]:
    listed = zone.get("compliance_domains")
    if not listed:
        return frozenset(ComplianceDomain)
    return frozenset(ComplianceDomain.parse(str(d)) for d in listed)


@dataclass(frozen=True)
class _Where:
    """Where a pinned pack may be found: a built artifact recorded by the lock, and the sources to build from."""

    artifact: str
    sources: str


def _locate(entry: Mapping[str, Any], root: Path) -> _Where:
    kind = entry["kind"]
    artifact = entry.get(f"{kind}_artifact_path") or ""
    lock_rel = entry.get(f"{kind}_lock_path") or ""
    return _Where(str(root / artifact) if artifact else "", str((root / lock_rel).parent) if lock_rel else "")


@functools.lru_cache(maxsize=8)
def _screener(digest_hex: str, where: _Where, store: str) -> SanctionsScreener:
    return SanctionsScreener.from_regpack(_document("regpack", digest_hex, where, store))


@functools.lru_cache(maxsize=8)
def _document(kind: str, digest_hex: str, where: _Where, store: str) -> Mapping[str, Any]:
    """The pack ``kind`` whose digest is ``digest_hex`` (see the module docstring for where it comes from)."""
    build, digest_of = _BUILD[kind]
    artifacts = FileArtifactStore([store], rules=PACK_DIGEST_RULES)
    cached = artifacts.path_for(kind, digest_hex, f".{kind}.json")
    for candidate in (cached, Path(where.artifact) if where.artifact else None):
        if candidate is not None and candidate.is_file():
            document = load_json(candidate.read_bytes(), source=str(candidate))
            if isinstance(document, dict) and digest_of(document).hex == digest_hex:
                return document
            log.warning("%s does not hash to the pinned %s %s; ignoring it", candidate, kind, digest_hex)
            if candidate == cached:
                cached.unlink()  # our own cache: make room for the rebuilt pack
    if not where.sources:
        raise IntegrityError(f"{kind} {digest_hex} is pinned but neither stored nor buildable (no lock path)")
    document = build(Path(where.sources))
    found = digest_of(document).hex
    if found != digest_hex:
        raise IntegrityError(f"{kind} built from {where.sources} hashes to {found}, but stack.lock pins {digest_hex}")
    artifacts.put(kind, canonical_bytes(document).data, suffix=f".{kind}.json")
    log.info("built %s %s from %s into %s", kind, digest_hex, where.sources, store)
    return document

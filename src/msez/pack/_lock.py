"""Pack pins for ``stack.lock`` (spec 95, 96 "Zone binding"): given a zone document and the repository root,
the entries of ``lawpacks[]``, ``regpacks[]`` and ``licensepacks[]``.

Lawpacks follow the reference exactly: for each layer of ``jurisdiction_stack`` (default ``[jurisdiction_id]``)
and each of ``lawpack_domains`` (default civil, financial) read
``modules/legal/jurisdictions/<jurisdiction id with - as />/<domain>/lawpack.lock.json``; a missing lock gives a
``MISSING`` entry, or an error in strict mode.

Regpack and licensepack locks have no fixed place in the spec, so they are discovered by content: every
``regpack.lock.json`` / ``licensepack.lock.json`` under the search globs is read and matched on its
``jurisdiction_id``, ``domain`` (and ``as_of_date`` when the zone gives one). Requests come from the zone's
explicit ``regpacks[]`` entries, else ``regpack_domains`` x stack; and ``licensepack_domains`` x stack. For a
domain x stack request a layer without a pack is normal; a domain with no pack in any layer is missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from msez.core import (
    ConflictError,
    MsezError,
    NotFoundError,
    ValidationError,
    coerce_digest,
    load_json,
    sha256_bytes,
)
from msez.pack._common import relative_posix
from msez.schema import validate

MISSING: Final = "MISSING"
DEFAULT_LAWPACK_DOMAINS: Final = ("civil", "financial")
REGPACK_LOCK_GLOBS: Final = ("packs/*/regpacks/**/regpack.lock.json", "modules/**/regpack.lock.json")
LICENSEPACK_LOCK_GLOBS: Final = ("packs/*/licensepacks/**/licensepack.lock.json", "modules/**/licensepack.lock.json")


def jurisdiction_layers(zone: Mapping[str, Any]) -> list[str]:
    """``jurisdiction_stack``, or ``[jurisdiction_id]`` when the zone has no stack."""
    stack = zone.get("jurisdiction_stack") or [zone.get("jurisdiction_id")]
    layers = [str(j) for j in stack if j]
    if not layers:
        raise ValidationError("zone: neither jurisdiction_stack nor jurisdiction_id is set")
    return layers


def lawpack_lock_path(repo_root: Path, jurisdiction_id: str, domain: str) -> Path:
    """``modules/legal/jurisdictions/<jid split on ->/<domain>/lawpack.lock.json``."""
    return repo_root.joinpath(
        "modules", "legal", "jurisdictions", *jurisdiction_id.split("-"), domain, "lawpack.lock.json"
    )


def lawpack_lock_entries(
    zone: Mapping[str, Any], repo_root: Path, *, strict: bool = False, emit_artifactrefs: bool = False
) -> list[dict[str, Any]]:
    """``stack.lock`` ``lawpacks[]``: one entry per layer x domain, in that order.

    Raises:
        NotFoundError: (strict) a lawpack lock is missing. ValidationError: a lock is invalid or pins another
        jurisdiction or domain than its path says.
    """
    domains = [str(d) for d in zone.get("lawpack_domains") or DEFAULT_LAWPACK_DOMAINS]
    entries: list[dict[str, Any]] = []
    for jurisdiction_id in jurisdiction_layers(zone):
        for domain in domains:
            path = lawpack_lock_path(repo_root, jurisdiction_id, domain)
            rel = relative_posix(path, repo_root)
            if not path.is_file():
                if strict:
                    raise NotFoundError(f"{rel}: no lawpack lock for {jurisdiction_id}/{domain}; run msez law ingest")
                entries.append(_missing("lawpack", jurisdiction_id, domain, rel))
                continue
            lock, raw = _read_lock(path, "lawpack.lock")
            if (lock["jurisdiction_id"], lock["domain"]) != (jurisdiction_id, domain):
                raise ValidationError(
                    f"{rel}: pins {lock['jurisdiction_id']}/{lock['domain']}, expected {jurisdiction_id}/{domain}"
                )
            found = (path, lock, raw)
            entries.append(_entry("lawpack", found, repo_root, refs=emit_artifactrefs, suffix=".lawpack.zip"))
    return entries


def regpack_lock_entries(
    zone: Mapping[str, Any],
    repo_root: Path,
    *,
    strict: bool = False,
    emit_artifactrefs: bool = False,
    search: Sequence[str] = REGPACK_LOCK_GLOBS,
) -> list[dict[str, Any]]:
    """``stack.lock`` ``regpacks[]`` for the zone's ``regpacks[]`` entries, else ``regpack_domains`` x stack.

    Raises:
        NotFoundError: (strict) a requested regpack has no lock. ConflictError: two locks match one request, or
        the zone pins a digest the lock does not have.
    """
    resolver = _Resolver("regpack", repo_root, search, strict=strict, refs=emit_artifactrefs)
    explicit = zone.get("regpacks") or []
    if explicit:
        return [resolver.explicit(request) for request in explicit]
    return resolver.by_domain(zone, [str(d) for d in zone.get("regpack_domains") or ()])


def licensepack_lock_entries(
    zone: Mapping[str, Any],
    repo_root: Path,
    *,
    strict: bool = False,
    emit_artifactrefs: bool = False,
    search: Sequence[str] = LICENSEPACK_LOCK_GLOBS,
) -> list[dict[str, Any]]:
    """``stack.lock`` ``licensepacks[]`` for ``licensepack_domains`` x stack, with ``snapshot_timestamp`` and
    ``includes``.

    Raises:
        NotFoundError: (strict) a domain has no licensepack in any layer. ConflictError: two locks match.
    """
    resolver = _Resolver("licensepack", repo_root, search, strict=strict, refs=emit_artifactrefs)
    return resolver.by_domain(zone, [str(d) for d in zone.get("licensepack_domains") or ()])


_Found = tuple[Path, dict[str, Any], bytes]


def _read_lock(path: Path, schema: str) -> tuple[dict[str, Any], bytes]:
    raw = path.read_bytes()
    try:
        lock = load_json(raw, source=str(path))
        validate(lock, schema, file=str(path))
    except MsezError as e:
        raise ValidationError(f"invalid pack lock: {e}") from e
    return lock, raw


def _entry(kind: str, found: _Found, repo_root: Path, *, refs: bool, suffix: str) -> dict[str, Any]:
    path, lock, raw = found
    digest = str(lock[f"{kind}_digest_sha256"])
    cas = f"dist/artifacts/{kind}/{digest}{suffix}"
    artifact = cas if (repo_root / cas).is_file() else str(lock.get("artifact_path", cas))
    entry: dict[str, Any] = {
        "jurisdiction_id": lock["jurisdiction_id"],
        "domain": lock["domain"],
        f"{kind}_digest_sha256": {"artifact_type": kind, "digest_sha256": digest, "uri": artifact} if refs else digest,
        f"{kind}_lock_path": relative_posix(path, repo_root),
        f"{kind}_lock_sha256": sha256_bytes(raw).hex,
        f"{kind}_artifact_path": artifact,
        "as_of_date": lock["as_of_date"],
    }
    if kind == "licensepack":
        entry.update({k: lock[k] for k in ("snapshot_timestamp", "includes") if k in lock})
    return entry


def _missing(kind: str, jurisdiction_id: str, domain: str, lock_rel: str) -> dict[str, Any]:
    entry = {"jurisdiction_id": jurisdiction_id, "domain": domain, f"{kind}_digest_sha256": MISSING}
    if lock_rel:
        entry.update({f"{kind}_lock_path": lock_rel, f"{kind}_lock_sha256": MISSING})
    return entry


class _Resolver:
    """Matches requests for one kind of JSON pack against the locks found under the search globs."""

    def __init__(self, kind: str, repo_root: Path, patterns: Iterable[str], *, strict: bool, refs: bool) -> None:
        self.kind, self.repo_root, self.strict, self.refs = kind, repo_root, strict, refs
        paths = sorted({p for pattern in patterns for p in repo_root.glob(pattern) if p.is_file()})
        self.locks: list[_Found] = [(path, *_read_lock(path, f"{kind}.lock")) for path in paths]

    def find(self, jurisdiction_id: str, domain: str, as_of_date: str | None) -> _Found | None:
        matches = [
            found
            for found in self.locks
            if (found[1]["jurisdiction_id"], found[1]["domain"]) == (jurisdiction_id, domain)
            and as_of_date in (None, found[1]["as_of_date"])
        ]
        if len(matches) > 1:
            where = ", ".join(relative_posix(m[0], self.repo_root) for m in matches)
            raise ConflictError(
                f"{self.kind} {jurisdiction_id}/{domain}: several locks match ({where}); give as_of_date in the zone"
            )
        return matches[0] if matches else None

    def entry(self, found: _Found) -> dict[str, Any]:
        return _entry(self.kind, found, self.repo_root, refs=self.refs, suffix=f".{self.kind}.json")

    def by_domain(self, zone: Mapping[str, Any], domains: list[str]) -> list[dict[str, Any]]:
        layers = jurisdiction_layers(zone)
        entries: list[dict[str, Any]] = []
        for domain in domains:
            found = [f for f in (self.find(j, domain, None) for j in layers) if f is not None]
            if not found and self.strict:
                raise NotFoundError(f"no {self.kind} lock for domain {domain} in any of {', '.join(layers)}")
            entries.extend(self.entry(f) for f in found)
            if not found:
                entries.append(_missing(self.kind, layers[-1], domain, ""))
        return entries

    def explicit(self, request: Mapping[str, Any]) -> dict[str, Any]:
        jurisdiction_id, domain = str(request.get("jurisdiction_id", "")), str(request.get("domain", ""))
        as_of_date = request.get("as_of_date")
        found = self.find(jurisdiction_id, domain, as_of_date)
        pinned = request.get("regpack_digest_sha256")
        what = f"{jurisdiction_id}/{domain}" + (f" as of {as_of_date}" if as_of_date else "")
        if found is None:
            if pinned:
                entry = {"jurisdiction_id": jurisdiction_id, "domain": domain, "regpack_digest_sha256": pinned}
                return {**entry, "as_of_date": as_of_date} if as_of_date else entry
            if self.strict:
                raise NotFoundError(f"no regpack lock for {what}; run msez regpack build")
            return _missing("regpack", jurisdiction_id, domain, "")
        locked = found[1]["regpack_digest_sha256"]
        if pinned and coerce_digest(pinned, expected_type="regpack").hex != locked:
            raise ConflictError(f"zone pins regpack {what} at {pinned}, but its lock has {locked}")
        return self.entry(found)

"""``stack.lock`` (spec §95): generation, the contributor hook for pack and corridor pins, and the CI check.

The lock is canonical JSON (MCF) plus one LF. Module entries pin ``manifest_sha256`` (SHA-256 of the raw
``module.yaml`` bytes, as the reference's locks do) and ``content_sha256`` (the directory digest); overlays pin
their patch files' raw bytes in application order. ``generated_at`` comes from, in order: the explicit value, the
``generated_at`` of the lockfile being replaced, ``SOURCE_DATE_EPOCH``, the clock (refused under ``strict``), so
re-locking an unchanged zone is byte-identical.

Sections ``lawpacks``, ``regpacks``, ``licensepacks`` and ``corridors`` are filled by :class:`LockContributor`
objects the caller passes in (the CLI composes them), in the same code path, so this package never imports the
pack or corridor packages. With no contributor they are empty lists.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Protocol

from msez.core import (
    ArtifactRef,
    ContentDigest,
    MsezError,
    Timestamp,
    ValidationError,
    canonical_bytes,
    load_json,
    sha256_bytes,
    write_atomic,
)
from msez.schema import validate
from msez.zone._documents import Zone
from msez.zone._files import read_tree, tree_digest
from msez.zone._library import Library
from msez.zone._resolve import Composition, ResolvedModule, resolve_zone

STACK_SPEC_VERSION: Final = "0.4.44"
CONTRIBUTED_SECTIONS: Final = ("lawpacks", "regpacks", "licensepacks", "corridors")


@dataclass(frozen=True)
class LockContext:
    """What a :class:`LockContributor` may read. Everything is read-only: ``zone.document`` is a mapping proxy.

    Attributes:
        zone: the zone manifest (typed fields plus ``document``, the parsed ``zone.yaml``).
        zone_dir: the directory holding ``zone.yaml``.
        repo_root: the library root (``modules/``, ``profiles/``, ``jurisdictions/`` live under it).
        modules: the profile's modules, resolved, in profile order.
        emit_artifactrefs: write digest fields as ArtifactRefs instead of bare hex (``--emit-artifactrefs``).
        strict: fail on anything missing instead of recording it (``--strict`` and ``--check``).
    """

    zone: Zone
    zone_dir: Path
    repo_root: Path
    modules: tuple[ResolvedModule, ...]
    emit_artifactrefs: bool = False
    strict: bool = False


class LockContributor(Protocol):
    """Fills named sections of ``stack.lock``; plugged in by the caller of :func:`compute_lock`.

    A contributor is any callable ``(context: LockContext) -> Mapping[str, Sequence[Mapping[str, Any]]]``. The
    keys it returns must be among :data:`CONTRIBUTED_SECTIONS` (``lawpacks``, ``regpacks``, ``licensepacks``,
    ``corridors``); the values are lists of JSON-model entries (no floats) in the final order. Entries from
    several contributors to one section are concatenated in contributor order. The finished lock is validated
    against ``stack.lock.schema.json``, so entries must have the fields spec §95 requires. A contributor raises
    an :class:`~msez.core.MsezError` to refuse the lock (it is reported as the lock's failure).
    """

    def __call__(self, context: LockContext, /) -> Mapping[str, Sequence[Mapping[str, Any]]]: ...


def compute_lock(
    composition: Composition,
    *,
    generated_at: Timestamp,
    contributors: Iterable[LockContributor] = (),
    emit_artifactrefs: bool = False,
    strict: bool = False,
) -> dict[str, Any]:
    """The lock document of a resolved composition (validated against ``stack.lock.schema.json``).

    Raises:
        ValidationError: a contributor returned an unknown section or a malformed entry.
        SchemaValidationError: the finished lock violates its schema.
        MsezError: whatever a contributor raises.
    """
    zone = composition.zone
    lock: dict[str, Any] = {
        "stack_spec_version": STACK_SPEC_VERSION,
        "generated_at": str(generated_at),
        "zone_id": zone.zone_id,
        "profile": {"profile_id": zone.profile_id, "version": zone.profile_version},
        "modules": [_module_entry(m) for m in composition.modules],
        "overlays": _overlay_entries(composition, emit_artifactrefs),
        **{section: [] for section in CONTRIBUTED_SECTIONS},
    }
    context = LockContext(
        zone, zone.directory, composition.library.root, composition.modules, emit_artifactrefs, strict
    )
    for contributor in contributors:
        for section, entries in _contribution(contributor, context).items():
            lock[section].extend(entries)
    validate(lock, "stack.lock", file=composition.library.display(lock_path(zone)))
    return lock


def _module_entry(module: ResolvedModule) -> dict[str, Any]:
    manifest = module.manifest
    return {
        "module_id": manifest.module_id,
        "version": manifest.version,
        "variant": module.variant,
        "params": dict(module.params),
        "manifest_sha256": sha256_bytes(manifest.raw).hex,
        "content_sha256": tree_digest(read_tree(manifest.directory)).hex,
        "provides": [dict(p) for p in manifest.document["provides"]],
    }


def _overlay_entries(composition: Composition, emit_artifactrefs: bool) -> list[dict[str, Any]]:
    zone, library = composition.zone, composition.library
    entries = []
    for overlay in zone.overlays:
        digests: list[Any] = []
        for patch in overlay.patches:
            path = zone.directory / patch
            digest = sha256_bytes(path.read_bytes()).hex
            ref = ArtifactRef(artifact_type="blob", digest_sha256=ContentDigest(digest), uri=library.display(path))
            digests.append(ref.to_json() if emit_artifactrefs else digest)
        entries.append({"module_id": overlay.module_id, "patches_sha256": digests})
    return entries


def _contribution(contributor: LockContributor, context: LockContext) -> dict[str, list[dict[str, Any]]]:
    name = getattr(contributor, "__name__", type(contributor).__name__)
    result = contributor(context)
    out: dict[str, list[dict[str, Any]]] = {}
    for section, entries in result.items():
        if section not in CONTRIBUTED_SECTIONS:
            raise ValidationError(
                f"lock contributor {name} returned unknown section {section!r} "
                f"(allowed: {', '.join(CONTRIBUTED_SECTIONS)})"
            )
        if isinstance(entries, str | bytes) or not all(isinstance(e, Mapping) for e in entries):
            raise ValidationError(f"lock contributor {name}: section {section!r} must be a list of objects")
        out[section] = [dict(e) for e in entries]
    return out


def lock_path(zone: Zone) -> Path:
    """Where the zone keeps its lock: ``lockfile_path`` (default ``stack.lock``) next to ``zone.yaml``."""
    return zone.directory / zone.lockfile_path


def lock_bytes(lock: Mapping[str, Any]) -> bytes:
    """The file form of a lock: canonical JSON plus one LF."""
    return canonical_bytes(lock).data + b"\n"


def resolve_generated_at(explicit: str | None, existing: bytes | None, *, strict: bool) -> Timestamp:
    """The lock's ``generated_at``: explicit, else the replaced lock's, else ``SOURCE_DATE_EPOCH``, else now.

    Raises:
        ValidationError: an unparsable explicit value, or ``strict`` with nothing deterministic to use.
    """
    if explicit is not None:
        return Timestamp.parse(explicit)
    previous = _previous_generated_at(existing)
    if previous is not None:
        return previous
    if os.environ.get("SOURCE_DATE_EPOCH") or not strict:
        return Timestamp.now()
    raise ValidationError(
        "generated_at is not deterministic: pass --generated-at or set SOURCE_DATE_EPOCH (strict mode)"
    )


def _previous_generated_at(existing: bytes | None) -> Timestamp | None:
    if existing is None:
        return None
    try:
        value = load_json(existing).get("generated_at")
        return Timestamp.parse(value) if isinstance(value, str) else None
    except (MsezError, AttributeError):
        return None


@dataclass(frozen=True)
class LockCheck:
    """The CI comparison of an expected lock with the committed one."""

    expected: ContentDigest
    existing: ContentDigest | None

    @property
    def up_to_date(self) -> bool:
        return self.existing == self.expected


def compare_lock(expected: bytes, existing: bytes | None) -> LockCheck:
    """Compare expected lock bytes with the committed bytes (equal with or without the final LF)."""
    want = sha256_bytes(expected)
    if existing is None:
        return LockCheck(want, None)
    have = sha256_bytes(existing)
    if existing == expected.removesuffix(b"\n"):
        have = want
    return LockCheck(want, have)


@dataclass(frozen=True)
class LockOutcome:
    """What :func:`lock_zone` did: the target path, the expected bytes, the check, and whether it wrote."""

    path: Path
    data: bytes
    check: LockCheck
    written: bool


def lock_zone(
    path: Path,
    *,
    library: Library | None = None,
    contributors: Iterable[LockContributor] = (),
    out: Path | None = None,
    generated_at: str | None = None,
    strict: bool = False,
    emit_artifactrefs: bool = False,
    check: bool = False,
) -> LockOutcome:
    """Resolve the zone at ``path`` and write (or, with ``check``, only compare) its lock.

    ``check`` implies ``strict`` and writes nothing. Otherwise the lock is written atomically to ``out`` or the
    zone's ``lockfile_path``; an unchanged lock is not rewritten.

    Raises:
        CompositionError: the zone does not resolve.
        MsezError: a contributor refused, or the lock violates its schema; nothing is written.
    """
    composition = resolve_zone(path, library)
    target = out or lock_path(composition.zone)
    existing = target.read_bytes() if target.is_file() else None
    strict = strict or check
    # With --check and no lockfile the verdict is "missing" whatever the timestamp, so the clock may serve.
    stamp = resolve_generated_at(generated_at, existing, strict=strict and not (check and existing is None))
    lock = compute_lock(
        composition, generated_at=stamp, contributors=contributors, emit_artifactrefs=emit_artifactrefs, strict=strict
    )
    data = lock_bytes(lock)
    comparison = compare_lock(data, existing)
    if check or existing == data:
        return LockOutcome(target, data, comparison, written=False)
    write_atomic(target, data)
    return LockOutcome(target, data, comparison, written=True)

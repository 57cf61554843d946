"""Storage and locks of the JSON packs (regpacks, licensepacks): canonical bytes in the artifact store, a pretty
``<kind>.lock.json`` beside the sources, CI-mode checks, and loading a pack from a file or a lock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from msez.core import (
    ContentDigest,
    MsezError,
    NotFoundError,
    ValidationError,
    canonical_bytes,
    is_sha256_hex,
    load_json,
    sha256_bytes,
)
from msez.crypto import ArtifactStore, FileArtifactStore
from msez.pack._common import pretty_json, relative_posix, write_atomic
from msez.schema import validate


@dataclass(frozen=True)
class JsonPackKind:
    """How one kind of JSON pack is digested, named and locked."""

    kind: str
    digest: Callable[[Mapping[str, Any]], ContentDigest]
    members: Callable[[Mapping[str, Any]], dict[str, str]]
    identity: Callable[[Mapping[str, Any]], dict[str, Any]]

    @property
    def suffix(self) -> str:
        return f".{self.kind}.json"

    @property
    def lock_name(self) -> str:
        return f"{self.kind}.lock.json"


@dataclass(frozen=True)
class PackOutput:
    lock: dict[str, Any]
    lock_path: Path
    artifact_path: Path
    written: bool


def pack_lock(spec: JsonPackKind, document: Mapping[str, Any], *, artifact_path: str) -> dict[str, Any]:
    """The lock value: digest, identity fields, artifact path and hash, an ArtifactRef and member digests."""
    data = canonical_bytes(document).data
    digest = spec.digest(document)
    lock = {
        "lock_version": "1",
        f"{spec.kind}_digest_sha256": digest.hex,
        **spec.identity(document),
        "artifact_path": artifact_path,
        "artifact_sha256": sha256_bytes(data).hex,
        f"{spec.kind}_ref": {
            "artifact_type": spec.kind,
            "digest_sha256": digest.hex,
            "uri": artifact_path,
            "media_type": "application/json",
            "byte_length": len(data),
        },
        "members": spec.members(document),
    }
    validate(lock, f"{spec.kind}.lock", file=spec.lock_name)
    return lock


def write_pack(
    spec: JsonPackKind, document: Mapping[str, Any], *, lock_dir: Path, store: FileArtifactStore, repo_root: Path
) -> PackOutput:
    """Store the pack (its digest rule re-verifies it), then write ``<lock_dir>/<kind>.lock.json`` atomically.

    Side effects: writes into the store and ``lock_dir``.
    """
    ref = store.put(spec.kind, canonical_bytes(document).data, suffix=spec.suffix)
    artifact = store.path_for(spec.kind, ref.digest, spec.suffix)
    lock = pack_lock(spec, document, artifact_path=relative_posix(artifact, repo_root))
    lock_path = lock_dir / spec.lock_name
    data = pretty_json(lock)
    changed = not lock_path.is_file() or lock_path.read_bytes() != data
    if changed:
        write_atomic(lock_path, data)
    return PackOutput(lock, lock_path, artifact, changed)


def check_pack(spec: JsonPackKind, document: Mapping[str, Any], *, lock_dir: Path) -> list[str]:
    """CI mode: how the committed lock differs from the rebuilt pack (empty when current). Writes nothing."""
    lock_path = lock_dir / spec.lock_name
    if not lock_path.is_file():
        return [f"{lock_path}: missing; run msez {spec.kind} build"]
    try:
        existing = load_json(lock_path.read_bytes(), source=str(lock_path))
    except MsezError as e:
        return [str(e)]
    if not isinstance(existing, dict):
        return [f"{lock_path}: not a JSON object"]
    expected = pack_lock(spec, document, artifact_path=str(existing.get("artifact_path", "")))
    return [
        f"{lock_path}: {key} is stale"
        for key in sorted(expected.keys() | existing.keys())
        if existing.get(key) != expected.get(key)
    ]


@dataclass(frozen=True)
class LoadedPack:
    """A pack document read from a file or through a lock, with the digest the caller may trust."""

    document: dict[str, Any]
    expected: ContentDigest | None
    lock: dict[str, Any] | None


def load_pack(spec: JsonPackKind, path: Path, *, store: ArtifactStore | None, repo_root: Path) -> LoadedPack:
    """Read ``<digest>.<kind>.json``, any ``.json`` pack document, or a ``<kind>.lock.json`` (the artifact is then
    resolved from ``store`` by digest, else from ``artifact_path`` under ``repo_root``).

    Raises:
        ValidationError: unreadable or not a pack. NotFoundError: a lock's artifact is missing.
    """
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ValidationError(f"{path}: cannot read: {e.strerror}") from None
    value = load_json(data, source=str(path))
    if not isinstance(value, dict):
        raise ValidationError(f"{path}: expected a JSON object")
    digest_key = f"{spec.kind}_digest_sha256"
    if digest_key not in value:
        stem = path.name.removesuffix(spec.suffix)
        return LoadedPack(value, ContentDigest(stem) if is_sha256_hex(stem) else None, None)
    validate(value, f"{spec.kind}.lock", file=str(path))
    expected = ContentDigest.parse(value[digest_key])
    if store is not None and store.contains(spec.kind, expected):
        raw = store.resolve(spec.kind, expected)
    elif (artifact := repo_root / str(value["artifact_path"])).is_file():
        raw = artifact.read_bytes()
    else:
        raise NotFoundError(f"{spec.kind} {expected.hex} is not in the artifact store; run msez {spec.kind} build")
    document = load_json(raw, source=f"{spec.kind} {expected.hex}")
    if not isinstance(document, dict):
        raise ValidationError(f"{spec.kind} {expected.hex}: expected a JSON object")
    return LoadedPack(document, expected, value)

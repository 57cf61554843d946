"""Lawpack output: the zip in the artifact store, an optional copy, and ``lawpack.lock.json`` (spec 96).

The lock is written last, through a temp file and ``os.replace``, so a failed ingest leaves the previous lock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from msez.core import ContentDigest, MsezError, NotFoundError, ValidationError, is_sha256_hex, load_json, sha256_bytes
from msez.crypto import ArtifactStore, FileArtifactStore
from msez.pack._common import file_sha256, pretty_json, relative_posix, write_atomic
from msez.pack._lawpack import LawpackBuild
from msez.pack._lawpack_verify import LawpackVerification, verify_lawpack_zip
from msez.schema import validate

LOCK_NAME: Final = "lawpack.lock.json"
SUFFIX: Final = ".lawpack.zip"


def lawpack_lock(build: LawpackBuild, *, artifact_path: str) -> dict[str, Any]:
    """The ``lawpack.lock.json`` value (spec 96): digest, identity, artifact path and hash, components."""
    lock = {
        "lawpack_digest_sha256": build.digest.hex,
        "jurisdiction_id": build.jurisdiction_id,
        "domain": build.domain,
        "as_of_date": build.as_of_date,
        "artifact_path": artifact_path,
        "artifact_sha256": sha256_bytes(build.zip_bytes).hex,
        "components": build.components(),
        "lawpack_ref": {
            "artifact_type": "lawpack",
            "digest_sha256": build.digest.hex,
            "uri": artifact_path,
            "media_type": "application/zip",
            "byte_length": len(build.zip_bytes),
        },
        "provenance": {
            "module_manifest_path": "module.yaml",
            "sources_manifest_path": "sources.yaml",
            "raw_sources": dict(build.raw_sources),
            "normalization": dict(build.normalization),
        },
    }
    validate(lock, "lawpack.lock", file=LOCK_NAME)
    return lock


@dataclass(frozen=True)
class LawpackOutput:
    lock: dict[str, Any]
    lock_path: Path
    artifact_path: Path
    written: bool


def write_lawpack(
    build: LawpackBuild, *, module_dir: Path, store: FileArtifactStore, repo_root: Path, copy_dir: Path | None = None
) -> LawpackOutput:
    """Store the zip (type ``lawpack``, suffix ``.lawpack.zip``), optionally copy it to
    ``<copy_dir>/<jid>/<domain>/<digest>.lawpack.zip``, then write ``<module_dir>/lawpack.lock.json``.

    Side effects: writes into the store, ``copy_dir`` and ``module_dir``.
    """
    store.put("lawpack", build.zip_bytes, suffix=SUFFIX)
    artifact = store.path_for("lawpack", build.digest, SUFFIX)
    if copy_dir is not None:
        write_atomic(copy_dir / build.jurisdiction_id / build.domain / f"{build.digest.hex}{SUFFIX}", build.zip_bytes)
    lock = lawpack_lock(build, artifact_path=relative_posix(artifact, repo_root))
    lock_path = module_dir / LOCK_NAME
    data = pretty_json(lock)
    changed = not lock_path.is_file() or lock_path.read_bytes() != data
    if changed:
        write_atomic(lock_path, data)
    return LawpackOutput(lock, lock_path, artifact, changed)


def check_lawpack(build: LawpackBuild, *, module_dir: Path, store: ArtifactStore, repo_root: Path) -> list[str]:
    """CI mode: what is stale about the committed lock and stored zip (empty when both are current). Writes
    nothing."""
    lock_path = module_dir / LOCK_NAME
    if not lock_path.is_file():
        return [f"{lock_path}: missing; run msez law ingest"]
    try:
        existing = load_json(lock_path.read_bytes(), source=str(lock_path))
    except MsezError as e:
        return [str(e)]
    problems = []
    artifact_path = existing.get("artifact_path", "") if isinstance(existing, dict) else ""
    expected = lawpack_lock(build, artifact_path=artifact_path)
    for key in sorted(expected.keys() | (existing.keys() if isinstance(existing, dict) else set())):
        if not isinstance(existing, dict) or existing.get(key) != expected.get(key):
            problems.append(f"{lock_path}: {key} is stale")
    if not store.contains("lawpack", build.digest):
        problems.append(f"lawpack {build.digest.hex} is not in the artifact store")
    elif (artifact := repo_root / artifact_path).is_file() and file_sha256(artifact) != expected["artifact_sha256"]:
        problems.append(f"{artifact_path}: bytes differ from the rebuilt zip")
    return problems


def existing_tool_version(module_dir: Path) -> str | None:
    """``normalization.tool_version`` of an existing lock (``--check`` reuses it, as the reference does)."""
    lock_path = module_dir / LOCK_NAME
    try:
        lock = load_json(lock_path.read_bytes(), source=str(lock_path))
        version = lock["provenance"]["normalization"]["tool_version"]
    except (OSError, MsezError, KeyError, TypeError):
        return None
    return version if isinstance(version, str) else None


def verify_lawpack_path(
    path: Path, *, store: ArtifactStore | None = None, repo_root: Path | None = None
) -> LawpackVerification:
    """Verify a ``.lawpack.zip`` (its CAS name, if it has one, is the expected digest) or a ``lawpack.lock.json``
    (resolving its artifact from ``store`` by digest, else from ``artifact_path`` under ``repo_root``).

    Raises:
        PackIntegrityError: the pack does not verify, naming the member. NotFoundError: the artifact is missing.
        ValidationError: the path is neither.
    """
    data = path.read_bytes()
    if path.name.endswith(".json"):
        lock = load_json(data, source=str(path))
        validate(lock, "lawpack.lock", file=str(path))
        digest = ContentDigest.parse(lock["lawpack_digest_sha256"])
        zip_bytes = _locate_zip(lock, digest, store, repo_root or path.parent)
        return verify_lawpack_zip(zip_bytes, expected=digest, lock=lock)
    if not path.name.endswith(".zip"):
        raise ValidationError(f"{path}: expected a .lawpack.zip or a lawpack.lock.json")
    stem = path.name.removesuffix(SUFFIX)
    expected = ContentDigest(stem) if is_sha256_hex(stem) else None
    return verify_lawpack_zip(data, expected=expected)


def _locate_zip(lock: Mapping[str, Any], digest: ContentDigest, store: ArtifactStore | None, repo_root: Path) -> bytes:
    if store is not None and store.contains("lawpack", digest):
        return store.resolve("lawpack", digest)
    artifact = repo_root / str(lock.get("artifact_path", ""))
    if artifact.is_file():
        return artifact.read_bytes()
    raise NotFoundError(f"lawpack {digest.hex} is neither in the artifact store nor at {artifact}; run msez law ingest")

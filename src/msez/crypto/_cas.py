"""Content-addressed artifact store (spec 97): ``<root>/<type>/<digest><suffix>``.

:class:`ArtifactStore` enforces the rules once (type and digest validation, digest recomputation on store and on
resolve, never overwrite, ambiguity across roots); :class:`FileArtifactStore` and :class:`MemoryArtifactStore`
only move bytes.

What a digest means depends on the artifact type (spec 97 table): raw bytes for ``blob``, the payload digest
(without ``proof``) for ``vc`` and ``checkpoint``, the canonical JSON digest for other JSON. Higher layers
register their own rules (``lawpack`` zips, transition-type locks) through ``rules=``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from msez.core import (
    ArtifactRef,
    ConflictError,
    ContentDigest,
    IntegrityError,
    MsezError,
    NotFoundError,
    ValidationError,
    canonical_bytes,
    digest_of,
    payload_digest,
    sha256_bytes,
    write_atomic,
)

DigestRule = Callable[[bytes], ContentDigest]
"""Computes an artifact's digest from its stored bytes; raises MsezError if the bytes are not that artifact."""

_TYPE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}\Z")
_SUFFIX = re.compile(r"(\.[a-z0-9][a-z0-9_-]{0,31}){0,4}\Z")


def _parse_json(data: bytes) -> Any:
    try:
        return json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise IntegrityError(f"stored artifact is not valid JSON: {e}") from None


def json_digest(data: bytes) -> ContentDigest:
    """Digest of a JSON artifact: SHA-256 of its canonical form."""
    return digest_of(_parse_json(data))


def json_payload_digest(data: bytes) -> ContentDigest:
    """Digest of a signed JSON artifact: SHA-256 of its canonical form without the top-level ``proof``."""
    value = _parse_json(data)
    if not isinstance(value, dict):
        raise IntegrityError("a signed artifact must be a JSON object")
    return payload_digest(value)


DEFAULT_RULES: Mapping[str, DigestRule] = {
    "blob": sha256_bytes,
    "vc": json_payload_digest,
    "checkpoint": json_payload_digest,
    "rule-eval-evidence": json_payload_digest,
    "proof-binding": json_payload_digest,
    "settlement-anchor": json_payload_digest,
    "settlement-plan": json_payload_digest,
}


def artifact_type(text: str) -> str:
    """Validate an artifact type (trimmed and lower-cased first, as the reference does).

    Raises:
        ValidationError: not ``[a-z0-9][a-z0-9-]{0,63}``, so it can never name a path outside the store.
    """
    cleaned = text.strip().lower() if isinstance(text, str) else ""
    if not _TYPE.match(cleaned):
        raise ValidationError(f"invalid artifact type {text!r}: expected [a-z0-9][a-z0-9-]{{0,63}}")
    return cleaned


def _suffix(text: str) -> str:
    if not _SUFFIX.match(text):
        raise ValidationError(f"invalid artifact suffix {text!r}: expected e.g. .json or .lawpack.zip")
    return text


class ArtifactStore(ABC):
    """Store and resolve artifacts by ``(type, digest)``."""

    def __init__(self, rules: Mapping[str, DigestRule] | None = None) -> None:
        self._rules = {**DEFAULT_RULES, **(rules or {})}

    def digest_for(self, kind: str, suffix: str, data: bytes) -> ContentDigest:
        """The digest ``data`` has as an artifact of type ``kind`` stored with ``suffix``."""
        rule = self._rules.get(kind)
        if rule is None:
            rule = json_digest if suffix.endswith(".json") else sha256_bytes
        return rule(data)

    def put(self, kind: str, data: bytes, *, suffix: str = ".json") -> ArtifactRef:
        """Store ``data``; its digest is computed by the type's rule. Idempotent; never overwrites.

        Raises:
            ValidationError: bad type or suffix. IntegrityError: ``data`` is not a valid artifact of that type,
            or a different file already sits at the path. ConflictError: the digest is stored with another suffix.
        """
        kind, suffix = artifact_type(kind), _suffix(suffix)
        digest = self.digest_for(kind, suffix, data)
        existing = self._candidates(kind, digest.hex)
        if existing:
            if any(s != suffix for _, s in existing):
                raise ConflictError(f"{kind}/{digest.hex} is already stored with another suffix")
            self.resolve(kind, digest)
        else:
            self._write_new(kind, digest.hex, suffix, data)
        return ArtifactRef(artifact_type=kind, digest_sha256=digest, byte_length=len(data))

    def put_json(self, kind: str, value: Any, *, suffix: str = ".json") -> ArtifactRef:
        """Store the canonical bytes of ``value``."""
        return self.put(kind, canonical_bytes(value).data, suffix=suffix)

    def put_blob(self, data: bytes, *, suffix: str = "") -> ArtifactRef:
        """Store raw bytes as a ``blob`` (digest = SHA-256 of the bytes)."""
        return self.put("blob", data, suffix=suffix)

    def resolve(self, kind: str, digest: str | ContentDigest) -> bytes:
        """The stored bytes of ``(kind, digest)``, after re-computing their digest.

        Raises:
            NotFoundError: not stored. ConflictError: found more than once (ambiguous).
            IntegrityError: the stored bytes do not have that digest.
        """
        kind, digest = artifact_type(kind), _digest(digest)
        candidates = self._candidates(kind, digest.hex)
        if not candidates:
            raise NotFoundError(f"artifact {kind}/{digest.hex} not found")
        if len(candidates) > 1:
            where = ", ".join(h for h, _ in candidates)
            raise ConflictError(f"ambiguous CAS resolution for {kind}/{digest.hex}: {where}")
        handle, suffix = candidates[0]
        data = self._read(handle)
        try:
            actual = self.digest_for(kind, suffix, data)
        except MsezError as e:
            raise IntegrityError(f"integrity violation: artifact at {handle}: {e}") from e
        if actual != digest:
            raise IntegrityError(
                f"integrity violation: artifact at {handle} has digest {actual.hex} but its name says {digest.hex}"
            )
        return data

    def resolve_ref(self, ref: ArtifactRef) -> bytes:
        """Resolve an ArtifactRef (hints are ignored)."""
        return self.resolve(ref.artifact_type, ref.digest_sha256)

    def contains(self, kind: str, digest: str | ContentDigest) -> bool:
        """True if ``(kind, digest)`` is stored (without checking its bytes)."""
        return bool(self._candidates(artifact_type(kind), _digest(digest).hex))

    def list_digests(self, kind: str) -> list[ContentDigest]:
        """Sorted digests stored under ``kind``."""
        return sorted({ContentDigest(d) for d in self._list(artifact_type(kind))})

    @abstractmethod
    def _candidates(self, kind: str, digest_hex: str) -> list[tuple[str, str]]:
        """``(handle, suffix)`` of every stored copy."""

    @abstractmethod
    def _read(self, handle: str) -> bytes: ...

    @abstractmethod
    def _write_new(self, kind: str, digest_hex: str, suffix: str, data: bytes) -> None:
        """Write atomically; never replace an existing file."""

    @abstractmethod
    def _list(self, kind: str) -> Iterable[str]:
        """Digest hexes stored under ``kind`` (valid ones only)."""


def _digest(value: str | ContentDigest) -> ContentDigest:
    return value if isinstance(value, ContentDigest) else ContentDigest.parse(value)


class FileArtifactStore(ArtifactStore):
    """Artifacts on disk under one or more roots; writes go to the first root."""

    def __init__(self, roots: Sequence[str | Path], *, rules: Mapping[str, DigestRule] | None = None) -> None:
        if not roots:
            raise ValidationError("an artifact store needs at least one root directory")
        super().__init__(rules)
        self.roots = [Path(r) for r in roots]

    def path_for(self, kind: str, digest: str | ContentDigest, suffix: str = ".json") -> Path:
        """Where ``(kind, digest)`` is written in the first root."""
        return self.roots[0] / artifact_type(kind) / (_digest(digest).hex + _suffix(suffix))

    def locate(self, kind: str, digest: str | ContentDigest) -> Path:
        """Path of the single stored copy (see :meth:`resolve` for the errors)."""
        self.resolve(kind, digest)
        return Path(self._candidates(artifact_type(kind), _digest(digest).hex)[0][0])

    def _candidates(self, kind: str, digest_hex: str) -> list[tuple[str, str]]:
        found: dict[str, str] = {}
        for root in self.roots:
            directory = root / kind
            with contextlib.suppress(FileNotFoundError, NotADirectoryError), os.scandir(directory) as entries:
                for entry in entries:
                    name = entry.name
                    if name == digest_hex or name.startswith(digest_hex + "."):
                        found.setdefault(os.path.realpath(entry.path), name[len(digest_hex) :])
        return sorted(found.items())

    def _read(self, handle: str) -> bytes:
        try:
            return Path(handle).read_bytes()
        except OSError as e:
            raise NotFoundError(f"cannot read artifact {handle}: {e.strerror}") from None

    def _write_new(self, kind: str, digest_hex: str, suffix: str, data: bytes) -> None:
        target = self.roots[0] / kind / (digest_hex + suffix)
        # Never overwrite: a concurrent writer of the same digest wins and resolve() checks its bytes.
        with contextlib.suppress(ConflictError):
            write_atomic(target, data, mode=0o644, overwrite=False)

    def _list(self, kind: str) -> Iterable[str]:
        seen: list[str] = []
        for root in self.roots:
            with (
                contextlib.suppress(FileNotFoundError, NotADirectoryError),
                os.scandir(root / kind) as entries,
            ):
                seen.extend(entry.name[:64] for entry in entries if _is_digest_name(entry.name))
        return seen


def _is_digest_name(name: str) -> bool:
    return len(name) >= 64 and re.fullmatch(r"[0-9a-f]{64}", name[:64]) is not None and name[64:65] in ("", ".")


class MemoryArtifactStore(ArtifactStore):
    """An in-memory twin of :class:`FileArtifactStore` for tests and ephemeral nodes."""

    def __init__(self, *, rules: Mapping[str, DigestRule] | None = None) -> None:
        super().__init__(rules)
        self._items: dict[tuple[str, str], tuple[str, bytes]] = {}

    def _candidates(self, kind: str, digest_hex: str) -> list[tuple[str, str]]:
        item = self._items.get((kind, digest_hex))
        return [(f"memory:{kind}/{digest_hex}{item[0]}", item[0])] if item else []

    def _read(self, handle: str) -> bytes:
        kind, _, rest = handle.removeprefix("memory:").partition("/")
        return self._items[(kind, rest[:64])][1]

    def _write_new(self, kind: str, digest_hex: str, suffix: str, data: bytes) -> None:
        self._items[(kind, digest_hex)] = (suffix, bytes(data))

    def _list(self, kind: str) -> Iterable[str]:
        return [d for k, d in self._items if k == kind]

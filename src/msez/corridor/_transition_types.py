"""The transition-type registry and its lock (spec 40.9, reference-impl B §10).

The registry (``transition-types.yaml``: ``{version, transition_types: [{kind, schema_digest_sha256?,
ruleset_digest_sha256?, zk_circuit_digest_sha256?, ...}]}``) is reduced to a snapshot: the tag, the registry
version and, sorted by kind, each kind with its non-empty digests only. ``snapshot_digest_sha256 =
SHA256(MCF(snapshot))`` excludes timestamps and provenance, so it names the registry's meaning; it is also the
lock's digest in the artifact store (type ``transition-types``, see :data:`TRANSITION_TYPES_RULES`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

from msez.core import ContentDigest, IntegrityError, Timestamp, ValidationError, digest_of
from msez.corridor._envelope import DIGEST_FIELDS, digest_field
from msez.corridor._names import SNAPSHOT_TAG, SNAPSHOT_TAGS
from msez.crypto import DigestRule

LOCK_VERSION: Final = 1


def registry_snapshot(registry: Mapping[str, Any], *, tag: str = SNAPSHOT_TAG) -> dict[str, Any]:
    """The snapshot of a registry authoring document.

    Raises:
        ValidationError: not a registry, a duplicate kind, or a malformed digest.
    """
    if not isinstance(registry, Mapping) or not isinstance(registry.get("transition_types"), list):
        raise ValidationError("a transition-type registry needs a transition_types list")
    version = registry.get("version", 1)
    if type(version) is not int or version < 1:
        raise ValidationError(f"registry version must be an integer >= 1, got {version!r}")
    entries: dict[str, dict[str, str]] = {}
    for index, item in enumerate(registry["transition_types"]):
        kind = item.get("kind") if isinstance(item, Mapping) else None
        if not isinstance(kind, str) or not kind:
            raise ValidationError(f"transition_types[{index}] needs a kind")
        if kind in entries:
            raise ValidationError(f"duplicate transition kind {kind!r}")
        entries[kind] = {"kind": kind, **_digests(item, f"transition_types[{index}]")}
    return {"tag": tag, "registry_version": version, "transition_types": [entries[k] for k in sorted(entries)]}


def _digests(item: Mapping[str, Any], where: str) -> dict[str, str]:
    out = {}
    for name, kind in DIGEST_FIELDS.items():
        value = item.get(name)
        if value:
            try:
                out[name] = digest_field(value, kind).hex
            except ValidationError as e:
                raise ValidationError(f"{where}.{name}: {e.message}") from e
    return out


def build_transition_types_lock(
    registry: Mapping[str, Any],
    *,
    generated_at: Timestamp | None = None,
    registry_path: str | None = None,
    registry_sha256: str | ContentDigest | None = None,
) -> dict[str, Any]:
    """The lock document of a registry: version, time, optional provenance, snapshot and its digest."""
    snapshot = registry_snapshot(registry)
    lock: dict[str, Any] = {
        "transition_types_lock_version": LOCK_VERSION,
        "generated_at": str(generated_at or Timestamp.now()),
    }
    if registry_path is not None or registry_sha256 is not None:
        source: dict[str, str] = {}
        if registry_path is not None:
            source["registry_path"] = registry_path
        source["registry_sha256"] = (
            digest_of(dict(registry)).hex if registry_sha256 is None else digest_field(registry_sha256, None).hex
        )
        lock["source"] = source
    lock["snapshot"] = snapshot
    lock["snapshot_digest_sha256"] = digest_of(snapshot).hex
    return lock


@dataclass(frozen=True)
class TransitionTypeLock:
    """A lock whose snapshot digest has been recomputed; maps each kind to its pinned digests."""

    snapshot_digest: ContentDigest
    registry_version: int
    kinds: Mapping[str, Mapping[str, str]]

    @classmethod
    def from_json(cls, value: Any) -> TransitionTypeLock:
        """Read a lock, recomputing its snapshot digest.

        Raises:
            ValidationError: malformed, or an unknown snapshot tag. IntegrityError: the digest does not match.
        """
        if not isinstance(value, Mapping) or not isinstance(value.get("snapshot"), Mapping):
            raise ValidationError("a transition-types lock needs a snapshot object")
        snapshot = value["snapshot"]
        if snapshot.get("tag") not in SNAPSHOT_TAGS:
            raise ValidationError(f"unknown transition-types snapshot tag {snapshot.get('tag')!r}")
        version = value.get("transition_types_lock_version")
        if type(version) is not int or version < 1:
            raise ValidationError(f"transition_types_lock_version must be an integer >= 1, got {version!r}")
        actual = digest_of(dict(snapshot))
        claimed = digest_field(value.get("snapshot_digest_sha256", ""), None)
        if actual != claimed:
            raise IntegrityError(f"transition-types snapshot digest is {actual.hex}, the lock claims {claimed.hex}")
        rebuilt = registry_snapshot({"version": snapshot.get("registry_version"), **snapshot}, tag=snapshot["tag"])
        kinds = {
            e["kind"]: MappingProxyType({k: v for k, v in e.items() if k != "kind"})
            for e in rebuilt["transition_types"]
        }
        return cls(actual, rebuilt["registry_version"], MappingProxyType(kinds))

    def check_envelope(self, envelope: Mapping[str, Any]) -> None:
        """The envelope's kind is registered and every digest it carries equals the registry's, unless it sets
        ``registry_override``.

        Raises:
            ValidationError: naming the kind and the differing digest.
        """
        if envelope.get("registry_override") is True:
            return
        kind = envelope.get("kind")
        pinned = self.kinds.get(kind) if isinstance(kind, str) else None
        if pinned is None:
            raise ValidationError(f"transition kind {kind!r} is not in the registry {self.snapshot_digest.hex[:16]}...")
        for name, artifact_type in DIGEST_FIELDS.items():
            if name in envelope:
                carried = digest_field(envelope[name], artifact_type).hex
                if carried != pinned.get(name):
                    raise ValidationError(f"{kind}: {name} {carried} differs from the registry's {pinned.get(name)}")

    def filled(self, envelope: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of ``envelope`` with the registry's digests for its kind filled in (``--fill-transition-digests``).

        Raises:
            ValidationError: unknown kind, or a digest the envelope carries that conflicts with the registry.
        """
        self.check_envelope({k: v for k, v in envelope.items() if k != "registry_override"})
        return {**envelope, **self.kinds[str(envelope["kind"])]}


def _lock_snapshot_digest(data: bytes) -> ContentDigest:
    try:
        value = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise IntegrityError(f"stored transition-types lock is not JSON: {e}") from None
    try:
        return TransitionTypeLock.from_json(value).snapshot_digest
    except ValidationError as e:
        raise IntegrityError(f"stored transition-types lock is malformed: {e.message}") from e


TRANSITION_TYPES_RULES: Final[Mapping[str, DigestRule]] = MappingProxyType({"transition-types": _lock_snapshot_digest})
"""Artifact-store digest rules: a ``transition-types`` artifact is named by its lock's snapshot digest."""

"""Corridor module files (spec §40.1, §40.2): ``corridor.yaml`` and every file it names, read once into memory.

A module is read through a :class:`FileSource` (a directory, or an in-memory mapping for tests and services), so
the verifier never touches the disk. Each named file is kept as raw bytes plus its parsed value: raw bytes because
the reference binds YAML files by their exact bytes, parsed values for everything else. A missing or unparsable
file does not raise; it is recorded and the verifier reports it. Only a module without ``corridor.yaml`` is
refused.

Authority registries (``authority_registry_vc_path``, ordered parent -> child) form a chain. The first listed
registry's ``parent_registry_ref`` (a path relative to the registry file, a VC payload digest, or an ArtifactRef
of type ``vc``) is followed up to :data:`MAX_PARENT_DEPTH` levels with cycle detection; digests resolve among the
listed registries and then in the artifact store. A listed child that names a parent must name the registry listed
before it.
"""

from __future__ import annotations

import itertools
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Protocol

from msez.core import (
    ArtifactRef,
    CanonicalizationError,
    ContentDigest,
    MsezError,
    NotFoundError,
    ValidationError,
    load_json,
    load_yaml,
    payload_digest,
)
from msez.crypto import ArtifactStore

CORRIDOR_FILE: Final = "corridor.yaml"
DEFAULT_TRUST_ANCHORS: Final = "trust-anchors.yaml"
DEFAULT_KEY_ROTATION: Final = "key-rotation.yaml"
MAX_PARENT_DEPTH: Final = 8


class FileSource(Protocol):
    """Reads module files by module-relative posix path; ``None`` when there is no such file."""

    def read(self, path: str) -> bytes | None: ...


class DirectorySource:
    """Files under a directory on disk."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def read(self, path: str) -> bytes | None:
        target = self.root / path
        try:
            return target.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None
        except OSError as e:
            raise ValidationError(f"{target}: cannot read: {e.strerror}") from e


class MemorySource:
    """Files held in memory, keyed by module-relative path."""

    def __init__(self, files: Mapping[str, bytes]) -> None:
        self._files = {posixpath.normpath(k): v for k, v in files.items()}

    def read(self, path: str) -> bytes | None:
        return self._files.get(posixpath.normpath(path))


@dataclass(frozen=True)
class ModuleFile:
    """One file of the module: its path as named, its bytes (``None`` if missing) and its parsed value."""

    path: str
    raw: bytes | None = field(repr=False)
    value: Any = field(default=None, repr=False)
    error: str | None = None

    @property
    def exists(self) -> bool:
        return self.raw is not None

    @property
    def document(self) -> dict[str, Any]:
        """The parsed value if it is an object, else an empty one."""
        return self.value if isinstance(self.value, dict) else {}

    @property
    def problem(self) -> str | None:
        """Why the file is unusable (missing, unparsable, not an object), or ``None``."""
        if self.raw is None:
            return f"{self.path} does not exist"
        if self.error is not None:
            return self.error
        if not isinstance(self.value, dict):
            return f"{self.path}: expected an object at the top level, got {type(self.value).__name__}"
        return None

    def payload_sha256(self) -> ContentDigest | None:
        """SHA-256 of the canonical document without ``proof``; ``None`` when it has none."""
        if self.problem is not None:
            return None
        try:
            return payload_digest(self.document)
        except CanonicalizationError:
            return None

    @classmethod
    def parse(cls, path: str, raw: bytes | None) -> ModuleFile:
        """Parse ``raw`` as JSON (``.json``) or YAML; a parse error is recorded, not raised."""
        if raw is None:
            return cls(path, None)
        try:
            value = load_json(raw, source=path) if path.endswith(".json") else load_yaml(raw, source=path)
        except ValidationError as e:
            return cls(path, raw, None, e.message)
        return cls(path, raw, value)


@dataclass(frozen=True)
class RegistryChain:
    """Authority registries, root first (the last one is effective), and any problem building the chain."""

    files: tuple[ModuleFile, ...]
    problems: tuple[str, ...]


@dataclass(frozen=True)
class CorridorModule:
    """A corridor module: ``corridor.yaml`` plus the trust, rotation, definition, agreement and registry files."""

    name: str
    source: FileSource = field(repr=False)
    manifest: ModuleFile
    trust_anchors: ModuleFile
    key_rotation: ModuleFile
    definition: ModuleFile | None
    agreements: tuple[ModuleFile, ...]
    registries: tuple[ModuleFile, ...]
    store: ArtifactStore | None = field(default=None, repr=False)

    @classmethod
    def load(cls, path: str | Path, *, store: ArtifactStore | None = None) -> CorridorModule:
        """Read the module at ``path`` (its directory or its ``corridor.yaml``).

        Raises:
            NotFoundError: no ``corridor.yaml`` there.
        """
        path = Path(path)
        root = path.parent if path.is_file() else path
        return cls.from_source(DirectorySource(root), name=str(path), store=store)

    @classmethod
    def from_files(
        cls, files: Mapping[str, bytes], *, name: str = "<memory>", store: ArtifactStore | None = None
    ) -> CorridorModule:
        """A module from in-memory files keyed by module-relative path."""
        return cls.from_source(MemorySource(files), name=name, store=store)

    @classmethod
    def from_source(cls, source: FileSource, *, name: str, store: ArtifactStore | None = None) -> CorridorModule:
        """Read ``corridor.yaml`` and every file it names through ``source``.

        Raises:
            NotFoundError: ``source`` has no ``corridor.yaml``.
        """
        manifest = ModuleFile.parse(CORRIDOR_FILE, source.read(CORRIDOR_FILE))
        if not manifest.exists:
            raise NotFoundError(f"{name}: not a corridor module (no {CORRIDOR_FILE})")
        doc = manifest.document

        def read(path: str) -> ModuleFile:
            return ModuleFile.parse(path, source.read(path))

        definition = doc.get("definition_vc_path")
        return cls(
            name=name,
            source=source,
            manifest=manifest,
            trust_anchors=read(_path(doc, "trust_anchors_path", DEFAULT_TRUST_ANCHORS)),
            key_rotation=read(_path(doc, "key_rotation_path", DEFAULT_KEY_ROTATION)),
            definition=read(definition) if isinstance(definition, str) and definition else None,
            agreements=tuple(read(p) for p in _paths(doc.get("agreement_vc_path"))),
            registries=tuple(read(p) for p in _paths(doc.get("authority_registry_vc_path"))),
            store=store,
        )

    @property
    def corridor_id(self) -> str | None:
        value = self.manifest.document.get("corridor_id")
        return value if isinstance(value, str) and value else None

    @property
    def has_agreements(self) -> bool:
        """``agreement_vc_path`` is configured (spec §95: the agreement lock fields are then required)."""
        return bool(self.agreements)

    @property
    def ruleset(self) -> str | None:
        value = self.manifest.document.get("verification_ruleset")
        return value if isinstance(value, str) else None

    @property
    def transition_types_lock_path(self) -> str | None:
        """``state_channel.transition_type_registry_lock_path`` as written, or ``None`` when not set."""
        channel = self.manifest.document.get("state_channel")
        value = channel.get("transition_type_registry_lock_path") if isinstance(channel, dict) else None
        return value if isinstance(value, str) and value else None

    def read(self, path: str) -> ModuleFile:
        """Any other module file (e.g. a parent registry), by module-relative path."""
        return ModuleFile.parse(path, self.source.read(path))

    def registry_chain(self) -> RegistryChain:
        """The registries root -> leaf: the listed ones preceded by the first one's ancestors (module docstring)."""
        listed = self.registries
        if not listed:
            return RegistryChain((), ())
        problems: list[str] = []
        identities = [_identity(f) for f in listed]
        if len(set(identities)) != len(identities):
            problems.append("authority_registry_vc_path lists one registry twice: cycle")
        ancestors = self._ancestors(listed[0], set(identities), problems)
        for parent, child in itertools.pairwise(listed):
            problems += self._check_named_parent(parent, child)
        return RegistryChain((*reversed(ancestors), *listed), tuple(problems))

    def _ancestors(self, start: ModuleFile, seen: set[str], problems: list[str]) -> list[ModuleFile]:
        ancestors: list[ModuleFile] = []
        current = start
        while (ref := _parent_ref(current)) is not None:
            if len(ancestors) == MAX_PARENT_DEPTH:
                problems.append(f"{current.path}: parent_registry_ref chain is deeper than {MAX_PARENT_DEPTH} levels")
                break
            parent = self.resolve_vc(ref, current)
            if isinstance(parent, str):
                problems.append(parent)
                break
            if _identity(parent) in seen:
                problems.append(f"{current.path}: parent_registry_ref leads back to {parent.path}: cycle")
                break
            seen.add(_identity(parent))
            ancestors.append(parent)
            current = parent
        return ancestors

    def _check_named_parent(self, parent: ModuleFile, child: ModuleFile) -> list[str]:
        ref = _parent_ref(child)
        if ref is None:
            return []
        named = self.resolve_vc(ref, child)
        if isinstance(named, str):
            return [named]
        if _identity(named) != _identity(parent):
            return [f"{child.path}: parent_registry_ref names {named.path}, but the chain lists {parent.path} first"]
        return []

    def resolve_vc(self, ref: Any, referrer: ModuleFile) -> ModuleFile | str:
        """The credential ``ref`` names (relative path, payload digest or ``vc`` ArtifactRef), or why not found."""
        where = f"{referrer.path}: parent_registry_ref"
        if isinstance(ref, str) and not _is_digest(ref):
            target = self.read(posixpath.normpath(posixpath.join(posixpath.dirname(referrer.path), ref)))
            return target if target.exists else f"{where} {ref!r}: {target.path} does not exist"
        try:
            artifact = ArtifactRef.coerce(ref, expected_type="vc")
        except ValidationError as e:
            return f"{where}: {e.message}"
        digest = artifact.digest_sha256
        for candidate in self.registries:
            if candidate.payload_sha256() == digest:
                return candidate
        found = self._from_store(digest, where)
        if found is None and artifact.uri and "://" not in artifact.uri:
            found = self._from_uri(artifact.uri, digest, referrer, where)
        return found if found is not None else f"{where}: vc {digest.hex} is neither listed nor in the artifact store"

    def _from_store(self, digest: ContentDigest, where: str) -> ModuleFile | str | None:
        if self.store is None:
            return None
        try:
            data = self.store.resolve("vc", digest)
        except NotFoundError:
            return None
        except MsezError as e:
            return f"{where}: {e.message}"
        return ModuleFile.parse(f"vc/{digest.hex}.json", data)

    def _from_uri(self, uri: str, digest: ContentDigest, referrer: ModuleFile, where: str) -> ModuleFile | str:
        target = self.read(posixpath.normpath(posixpath.join(posixpath.dirname(referrer.path), uri)))
        actual = target.payload_sha256()
        if actual != digest:
            found = "missing" if not target.exists else (actual.hex if actual else "unreadable")
            return f"{where}: {target.path} (uri hint) has payload sha256 {found}, expected {digest.hex}"
        return target


def _path(doc: Mapping[str, Any], key: str, default: str) -> str:
    value = doc.get(key)
    return value if isinstance(value, str) and value else default


def _paths(value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else (value if isinstance(value, list) else [])
    return tuple(p for p in items if isinstance(p, str) and p)


def _parent_ref(file: ModuleFile) -> Any:
    subject = file.document.get("credentialSubject")
    return subject.get("parent_registry_ref") if isinstance(subject, dict) else None


def _identity(file: ModuleFile) -> str:
    digest = file.payload_sha256()
    return digest.hex if digest is not None else f"path:{file.path}"


def _is_digest(text: str) -> bool:
    try:
        ContentDigest.parse(text)
    except ValidationError:
        return False
    return True

"""Shared helpers of the pack builders: the pack error, tag families, member-digest comparison and file output."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from msez.core import IntegrityError, digest_of, sha256_bytes

STACK_SPEC_VERSION: Final = "0.4.44"
"""Recorded as ``normalization.tool_version`` and ``stack_spec_version``; part of the hashed metadata, so it is a
constant of the format rather than the package version (a release must not change every pack digest)."""


class PackIntegrityError(IntegrityError):
    """A pack failed verification; ``problems`` lists ``(member, message)``, ``member`` is the first one named."""

    def __init__(self, problems: Iterable[tuple[str, str]]) -> None:
        self.problems = tuple(problems)
        self.member = self.problems[0][0] if self.problems else ""
        super().__init__("; ".join(f"{member}: {message}" for member, message in self.problems))


@dataclass(frozen=True)
class TagFamily:
    """The tag a pack digest is emitted with and every tag verification accepts (decision D1)."""

    emit: str
    accepted: tuple[str, ...]


LAWPACK_TAGS: Final = TagFamily("msez-lawpack-v1", ("msez-lawpack-v1", "mez-lawpack-v1"))
REGPACK_TAGS: Final = TagFamily("msez-regpack-v1", ("msez-regpack-v1", "mez-regpack-v1"))
LICENSEPACK_TAGS: Final = TagFamily("msez-licensepack-v1", ("msez-licensepack-v1", "mez-licensepack-v1"))


def record_id(record: Any, key: str) -> str:
    """``record[key]`` as a string; empty for records that are not mappings (malformed packs still hash)."""
    return str(record.get(key, "")) if isinstance(record, Mapping) else ""


def member_digest(value: Any) -> str:
    """Hex SHA-256 of the canonical bytes of one member (a JSON value)."""
    return digest_of(value).hex


def compare_members(expected: Mapping[str, str], actual: Mapping[str, str]) -> list[tuple[str, str]]:
    """``(member, message)`` for every member that was changed, removed or added."""
    problems: list[tuple[str, str]] = []
    for name in sorted(expected.keys() | actual.keys()):
        want, got = expected.get(name), actual.get(name)
        if want == got:
            continue
        if got is None:
            problems.append((name, "missing (the lock records it)"))
        elif want is None:
            problems.append((name, "not in the lock (added)"))
        else:
            problems.append((name, f"changed: the lock records {want}, the pack hashes to {got}"))
    return problems


def pretty_json(value: Any) -> bytes:
    """Lock-file form: sorted keys, two-space indent, UTF-8, one trailing LF (deterministic bytes)."""
    return (json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temp file in the same directory and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's raw bytes."""
    return sha256_bytes(path.read_bytes()).hex


def relative_posix(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` in POSIX form (``..`` segments when it lies outside)."""
    return Path(os.path.relpath(path.resolve(), root.resolve())).as_posix()

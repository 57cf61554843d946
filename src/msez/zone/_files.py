"""File-level helpers: reading a module tree, its directory digest, and atomic writes.

The directory digest is the reference's (reference-impl B §7.1): SHA-256 over the module's files sorted by
posix relative path, each contributing ``relpath || 0x00 || bytes || 0x00``; an empty tree hashes to the
digest of no input. Directories are built in a staging sibling and moved into place, so a failing or
interrupted build never leaves a partial bundle (single files use ``msez.core.write_atomic``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from msez.core import ContentDigest


def read_tree(directory: Path) -> dict[str, bytes]:
    """Every regular file under ``directory`` as posix relative path -> bytes, sorted by path."""
    files = {p.relative_to(directory).as_posix(): p for p in directory.rglob("*") if p.is_file()}
    return {rel: files[rel].read_bytes() for rel in sorted(files)}


def tree_digest(files: Mapping[str, bytes]) -> ContentDigest:
    """The directory digest of an in-memory tree (see the module docstring)."""
    h = hashlib.sha256()
    for rel in sorted(files):
        h.update(rel.encode("utf-8") + b"\0" + files[rel] + b"\0")
    return ContentDigest(h.hexdigest())


def staging_directory(out: Path) -> Path:
    """A fresh empty directory beside ``out`` to build into before :func:`replace_directory`."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp"))
    staged.chmod(0o777 & ~_umask())
    return staged


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def replace_directory(staged: Path, out: Path) -> None:
    """Move the fully written ``staged`` directory to ``out``, replacing what was there.

    The old output is renamed aside first and removed only after the new one is in place.
    """
    aside = None
    if out.exists():
        aside = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, aside)
    try:
        os.replace(staged, out)
    except BaseException:
        if aside is not None:
            os.replace(aside, out)
        raise
    if aside is not None:
        shutil.rmtree(aside)

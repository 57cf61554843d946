"""Atomic file writes: a reader sees the old file or the new one, never a half-written one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from msez.core._errors import ConflictError


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: str | Path, data: bytes, *, mode: int | None = None, overwrite: bool = True) -> None:
    """Write ``data`` to ``path`` through a synced temporary file in the same directory, then rename it into place.

    Args:
        mode: file permissions (default: 0666 minus the umask); set before any byte is written.
        overwrite: when false, refuse to replace an existing file (checked atomically at the rename).

    Raises:
        ConflictError: ``overwrite`` is false and ``path`` exists. OSError: the write itself failed (nothing at
            ``path`` changed).
    Side effects: creates missing parent directories.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), _default_mode() if mode is None else mode)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if overwrite:
            os.replace(temp, path)
        else:
            try:
                os.link(temp, path)  # fails if the target exists: no clobbering, even under a race
            except FileExistsError:
                raise ConflictError(f"{path} exists; refusing to overwrite it") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)

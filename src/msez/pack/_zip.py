"""Deterministic zip archives and a bounded, path-safe zip reader.

Members are written in sorted order with a fixed timestamp (1980-01-01 00:00:00), fixed permissions (0644),
``create_system`` 0, no extra fields and deflate at zlib's default level (6), as the reference's lawpack writer does, so
the same members give the same bytes (given the same zlib).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Mapping
from typing import Final

from msez.core import IntegrityError

_EPOCH: Final = (1980, 1, 1, 0, 0, 0)
_LEVEL: Final = 6  # zlib's default, which the reference's zipfile writer uses
MAX_UNCOMPRESSED: Final = 512 * 1024 * 1024
"""Refuse archives that claim to expand beyond this (zip bombs)."""


def deterministic_zip(members: Mapping[str, bytes]) -> bytes:
    """A zip of ``members`` whose bytes depend only on the names and contents."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0o644 << 16
            archive.writestr(info, members[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=_LEVEL)
    return buffer.getvalue()


def read_zip(data: bytes, *, what: str = "archive") -> dict[str, bytes]:
    """Every member of a zip, by name.

    Raises:
        IntegrityError: not a zip, a corrupt member (CRC), an unsafe or repeated name, or too large.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as e:
        raise IntegrityError(f"{what}: not a zip archive ({e})") from None
    with archive:
        infos = archive.infolist()
        _check_names(infos, what)
        if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED:
            raise IntegrityError(f"{what}: members expand beyond {MAX_UNCOMPRESSED} bytes")
        members: dict[str, bytes] = {}
        for info in infos:
            if info.is_dir():
                continue
            try:
                members[info.filename] = archive.read(info)
            except (zipfile.BadZipFile, zlib.error, OSError, ValueError) as e:
                raise IntegrityError(f"{info.filename}: corrupt zip member ({e})") from None
    return members


def _check_names(infos: list[zipfile.ZipInfo], what: str) -> None:
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        parts = name.split("/")
        if name.startswith("/") or "\\" in name or any(part in ("..", "") for part in parts[:-1]):
            raise IntegrityError(f"{what}: unsafe member name {name!r}")
        if name in seen:
            raise IntegrityError(f"{what}: member {name!r} appears twice")
        seen.add(name)

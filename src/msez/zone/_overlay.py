"""Zone overlays (spec §22): unified diffs applied to a module's files, overlays and patches in list order.

Parsing and hunk application use ``whatthepatch``. Application is strict: every hunk must match at the line
numbers it names, with no fuzz and no offset, so an overlay that applies today cannot silently land somewhere
else after the module changes. A hunk that does not apply is an error naming the overlay, the patch file, the
hunk and the target file. Paths in the diff are module-relative (``a/``/``b/`` prefixes are stripped by the
parser); a path that starts with the module's repo-relative directory (as ``git diff`` at the repo root writes
it) is accepted too. Diffs may create (``/dev/null`` source) or modify files, not delete them.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import Any

import whatthepatch
from whatthepatch.exceptions import HunkApplyException

from msez.core import ValidationError

_DEV_NULL = "/dev/null"


class OverlayError(ValidationError):
    """An overlay patch is malformed or does not apply; ``file`` is the zone manifest, ``path`` the JSON path."""

    def __init__(self, reason: str, *, file: str, path: str) -> None:
        super().__init__(reason, path=path)
        self.file = file
        self.message = f"{file}: {self.message}"


def apply_patch(
    files: Mapping[str, bytes], patch: bytes, *, module_dir: str, where: tuple[str, str], patch_name: str
) -> dict[str, bytes]:
    """Apply one unified diff to an in-memory module (relative posix path -> bytes) and return the new files.

    Args:
        files: the module's files.
        patch: the diff bytes.
        module_dir: the module's repo-relative directory (accepted as a path prefix in the diff).
        where: (zone file, JSON path of the patch entry) for error messages.
        patch_name: the patch file as shown in messages.

    Raises:
        OverlayError: not a unified diff, a target outside the module, or a hunk that does not apply.
    """
    zone_file, json_path = where

    def fail(reason: str) -> OverlayError:
        return OverlayError(f"{patch_name}: {reason}", file=zone_file, path=json_path)

    try:
        diffs = [d for d in whatthepatch.parse_patch(patch.decode("utf-8")) if d.header is not None]
    except (UnicodeDecodeError, ValueError) as e:
        raise fail(f"not a readable unified diff: {e}") from e
    if not diffs or not any(d.changes for d in diffs):
        raise fail("not a unified diff (no file headers or hunks found)")
    result = dict(files)
    for diff in diffs:
        target = _target(diff.header, module_dir, fail)
        original = result.get(target)
        if original is None and diff.header.old_path != _DEV_NULL:
            raise fail(f"patches {target}, which the module does not have")
        result[target] = _apply(diff, original, target, fail)
    return result


def _target(header: Any, module_dir: str, fail: Any) -> str:
    path = header.new_path if header.new_path != _DEV_NULL else header.old_path
    if _DEV_NULL in (path, header.new_path):
        raise fail(f"deletes {header.old_path}; overlays may only modify or create files")
    normal = posixpath.normpath(path)
    prefix = module_dir.rstrip("/") + "/"
    if normal.startswith(prefix):
        normal = normal[len(prefix) :]
    if normal.startswith(("../", "/")) or normal in {"..", "."}:
        raise fail(f"target {path!r} lies outside the module")
    return str(normal)


def _apply(diff: Any, original: bytes | None, target: str, fail: Any) -> bytes:
    text = "" if original is None else original.decode("utf-8")
    try:
        lines = whatthepatch.apply_diff(diff, text)
    except HunkApplyException as e:
        reason = str(e).split(", in hunk #")[0]
        raise fail(f"hunk #{getattr(e, 'hunk', '?')} does not apply to {target}: {reason}") from e
    trailing = "\n" if original is None or text.endswith("\n") or not text else ""
    return ("\n".join(lines) + trailing).encode("utf-8")

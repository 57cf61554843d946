"""``msez build`` (spec §22): a reproducible bundle of a zone's modules, rendered and overlaid.

Layout of the output directory::

    bundle/<repo-relative module dir>/...   every pinned module's files after overlays and rendering
    bundle/profile.resolved.json           profile id and version, modules with variants and resolved params
    stack.lock                             the zone's lock (same bytes as ``msez lock`` with the same inputs)
    bundle.manifest.json                   SHA-256 of every file above, and the bundle digest over them

Every file is canonical where it is JSON, and every file and directory gets the lock's ``generated_at`` as its
mtime, so identical inputs give identical bytes. The bundle is written into a staging directory beside the
output and moved into place only when complete; a failing build leaves the previous output untouched.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from msez.core import ContentDigest, canonical_bytes, sha256_bytes
from msez.zone._check_composition import overlaid_tree
from msez.zone._files import replace_directory, staging_directory, tree_digest
from msez.zone._library import Library
from msez.zone._lock import LockContributor, compute_lock, lock_bytes, lock_path, resolve_generated_at
from msez.zone._render import RENDERED_SUFFIXES, render_text
from msez.zone._resolve import Composition, ResolvedModule, resolve_zone

BUNDLE_DIR = "bundle"
MANIFEST_FILE = "bundle.manifest.json"


@dataclass(frozen=True)
class BuildOutcome:
    """A finished build: where it is, how many files, and the bundle digest (directory digest of all files)."""

    out: Path
    files: int
    bundle_digest: ContentDigest


def build_zone(
    path: Path,
    out: Path,
    *,
    library: Library | None = None,
    strict_render: bool = False,
    contributors: Iterable[LockContributor] = (),
    generated_at: str | None = None,
) -> BuildOutcome:
    """Resolve the zone at ``path`` and write its bundle to ``out`` (replacing a previous bundle only on success).

    Raises:
        CompositionError: the zone does not resolve.
        RenderError: ``strict_render`` and a placeholder has no value.
        OverlayError: an overlay does not apply.
        MsezError: the lock could not be computed.
    """
    composition = resolve_zone(path, library)
    committed = lock_path(composition.zone)
    existing = committed.read_bytes() if committed.is_file() else None
    stamp = resolve_generated_at(generated_at, existing, strict=False)
    files = _module_files(composition, strict_render)
    files[f"{BUNDLE_DIR}/profile.resolved.json"] = _json(_resolved_profile(composition))
    lock = compute_lock(composition, generated_at=stamp, contributors=contributors)
    files["stack.lock"] = lock_bytes(lock)
    digest = tree_digest(files)
    listing = {"bundle_digest_sha256": digest.hex, "files": {p: _sha(d) for p, d in sorted(files.items())}}
    files[MANIFEST_FILE] = _json(listing)
    staged = staging_directory(out)
    try:
        _write_tree(staged, files, stamp.unix())
        replace_directory(staged, out)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return BuildOutcome(out, len(files), digest)


def _module_files(composition: Composition, strict: bool) -> dict[str, bytes]:
    library = composition.library
    files: dict[str, bytes] = {}
    for module in composition.modules:
        module_dir = library.display(module.manifest.directory)
        context = composition.render_context(module)
        for rel, data in overlaid_tree(composition.zone, module.manifest, library).items():
            name = f"{module_dir}/{rel}"
            files[f"{BUNDLE_DIR}/{name}"] = _render(name, data, context, strict)
    return files


def _render(name: str, data: bytes, context: dict[str, Any], strict: bool) -> bytes:
    if PurePosixPath(name).suffix.lower() not in RENDERED_SUFFIXES:
        return data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    return render_text(text, context, strict=strict, source=name).encode("utf-8")


def _resolved_profile(composition: Composition) -> dict[str, Any]:
    return {
        "profile_id": composition.profile.profile_id,
        "version": composition.profile.version,
        "zone_id": composition.zone.zone_id,
        "modules": [_resolved_module(m) for m in composition.modules],
    }


def _resolved_module(module: ResolvedModule) -> dict[str, Any]:
    return {
        "module_id": module.module_id,
        "version": module.manifest.version,
        "variant": module.variant,
        "params": dict(module.params),
    }


def _json(value: Any) -> bytes:
    return canonical_bytes(value).data + b"\n"


def _sha(data: bytes) -> str:
    return sha256_bytes(data).hex


def _write_tree(root: Path, files: dict[str, bytes], mtime: int) -> None:
    for rel, data in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        os.utime(target, (mtime, mtime))
    for directory in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        os.utime(directory, (mtime, mtime))
    os.utime(root, (mtime, mtime))

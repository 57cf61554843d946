"""The ``corridors[]`` entries of ``stack.lock`` (spec §95), for the zone lock contributor.

Given the zone's ``corridors`` list and the directories of the ``kind: corridor`` modules resolved for the zone,
each listed corridor is found by its ``corridor_id`` and pinned: the raw-bytes SHA-256 of ``corridor.yaml``, the
trust anchors, the key-rotation policy and the definition VC file (proofs included), and the DIDs named by the
definition's proofs. With ``agreement_vc_path`` configured the entry also pins each agreement file, its payload
digest by repo-relative path, the agreement-set digest, the agreement signers and the activation verdict with its
blockers (best effort: the lock records a corridor that is not activated; ``msez corridor verify`` is the gate).

A file the entry must pin cannot be recorded as ``MISSING`` (the lock schema takes only digests), so a listed
corridor without a module, or with a missing file, refuses the lock in strict and non-strict mode alike.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from msez.core import (
    ArtifactRef,
    ConflictError,
    ContentDigest,
    NotFoundError,
    Timestamp,
    ValidationError,
    sha256_bytes,
)
from msez.corridor._module import CorridorModule, ModuleFile
from msez.corridor._verify import CorridorReport, verify_corridor

log = logging.getLogger(__name__)


def corridor_lock_entries(
    corridor_ids: Sequence[str],
    module_dirs: Sequence[Path],
    repo_root: Path,
    *,
    emit_artifactrefs: bool = False,
    now: Timestamp | None = None,
) -> list[dict[str, Any]]:
    """One ``corridors[]`` entry per id in ``corridor_ids``, in that order.

    Args:
        corridor_ids: the zone's ``corridors`` list.
        module_dirs: directories of the zone's resolved ``kind: corridor`` modules.
        repo_root: paths in the entries are relative to it.
        emit_artifactrefs: write file digests as ``blob`` ArtifactRefs with repo-relative uris.
        now: judge credential validity dates at this time (default: the wall clock).

    Raises:
        NotFoundError: a listed corridor has no module, or a pinned file is missing.
        ConflictError: two modules declare one corridor id.
        ValidationError: an agreement VC is unreadable, so the agreement-set digest cannot be computed.
    """
    by_id: dict[str, tuple[CorridorModule, Path]] = {}
    for directory in module_dirs:
        module = CorridorModule.load(directory)
        if module.corridor_id in by_id:
            first = by_id[module.corridor_id][1]
            raise ConflictError(f"corridor {module.corridor_id} is declared by {first} and {directory}")
        if module.corridor_id is not None:
            by_id[module.corridor_id] = (module, directory)
    entries = []
    for corridor_id in corridor_ids:
        if corridor_id not in by_id:
            raise NotFoundError(f"corridor {corridor_id}: no kind: corridor module resolved for this zone declares it")
        entries.append(_entry(*by_id[corridor_id], repo_root, emit_artifactrefs, now))
    return entries


def _entry(
    module: CorridorModule, directory: Path, repo_root: Path, refs: bool, now: Timestamp | None
) -> dict[str, Any]:
    report = verify_corridor(module, now=now)
    if not report.ok:
        log.warning("corridor %s does not verify: %s", module.corridor_id, report.summary())
    pin = _Pinner(directory, repo_root, refs)
    definition = module.definition
    if definition is None:
        raise NotFoundError(f"corridor {module.corridor_id}: corridor.yaml names no definition_vc_path")
    entry: dict[str, Any] = {
        "corridor_id": module.corridor_id,
        "corridor_manifest_sha256": pin(module.manifest),
        "trust_anchors_sha256": pin(module.trust_anchors),
        "key_rotation_sha256": pin(module.key_rotation),
        "corridor_definition_vc_sha256": pin(definition),
        "corridor_definition_signers": sorted(report.definition.named_signers),
    }
    if module.has_agreements:
        entry.update(_agreement_fields(module, report, pin))
    return entry


def _agreement_fields(module: CorridorModule, report: CorridorReport, pin: _Pinner) -> dict[str, Any]:
    digests = [pin(f) for f in module.agreements]
    set_digest = report.agreement_set_sha256
    if set_digest is None:
        raise ValidationError(f"corridor {module.corridor_id}: an agreement VC is unreadable; cannot digest the set")
    payloads = report.agreement_payloads
    return {
        "corridor_agreement_vc_sha256": digests,
        "corridor_agreement_signers": list(report.agreement_signers),
        "corridor_activated": report.activated,
        "corridor_activation_blockers": list(report.blockers),
        "corridor_agreement_payload_sha256_by_path": {pin.relative(p): d.hex for p, d in payloads.items()},
        "corridor_agreement_set_sha256": set_digest.hex,
    }


class _Pinner:
    """The raw-bytes digest of a module file, as bare hex or as a ``blob`` ArtifactRef with a repo-relative uri."""

    def __init__(self, directory: Path, repo_root: Path, refs: bool) -> None:
        self.directory, self.repo_root, self.refs = directory, repo_root, refs

    def relative(self, path: str) -> str:
        return Path(os.path.relpath((self.directory / path).resolve(), self.repo_root.resolve())).as_posix()

    def __call__(self, file: ModuleFile) -> Any:
        if file.raw is None:
            raise NotFoundError(f"{self.relative(file.path)} does not exist; the lock must pin it")
        digest: ContentDigest = sha256_bytes(file.raw)
        if not self.refs:
            return digest.hex
        return ArtifactRef(artifact_type="blob", digest_sha256=digest, uri=self.relative(file.path)).to_json()

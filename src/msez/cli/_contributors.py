"""The lock contributors the CLI passes to ``msez.zone`` (``msez lock``, ``msez build``, ``msez conformance``).

Each layer that pins artifacts in ``stack.lock`` plugs in here: the pack layer (lawpacks, regpacks,
licensepacks) and the corridor layer (corridor entries). ``msez.zone`` never imports them itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from msez.corridor import corridor_lock_entries
from msez.pack import lawpack_lock_entries, licensepack_lock_entries, regpack_lock_entries
from msez.zone import LockContext, LockContributor


def pack_entries(context: LockContext) -> Mapping[str, Sequence[Mapping[str, Any]]]:
    """``lawpacks[]``, ``regpacks[]`` and ``licensepacks[]`` pinned from the packs' lock files."""
    zone, root = context.zone.document, context.repo_root
    strict, refs = context.strict, context.emit_artifactrefs
    return {
        "lawpacks": lawpack_lock_entries(zone, root, strict=strict, emit_artifactrefs=refs),
        "regpacks": regpack_lock_entries(zone, root, strict=strict, emit_artifactrefs=refs),
        "licensepacks": licensepack_lock_entries(zone, root, strict=strict, emit_artifactrefs=refs),
    }


def corridors(context: LockContext) -> Mapping[str, Sequence[Mapping[str, Any]]]:
    """``corridors[]``: the zone's listed corridors, found among its resolved ``kind: corridor`` modules."""
    dirs = [m.manifest.directory for m in context.modules if m.manifest.kind == "corridor"]
    entries = corridor_lock_entries(
        context.zone.corridors, dirs, context.repo_root, emit_artifactrefs=context.emit_artifactrefs
    )
    return {"corridors": entries}


def lock_contributors() -> tuple[LockContributor, ...]:
    """Every contributor, in the order their sections' entries are appended."""
    return (pack_entries, corridors)

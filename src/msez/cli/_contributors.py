"""The lock contributors the CLI passes to ``msez.zone`` (``msez lock``, ``msez build``, ``msez conformance``).

Later layers plug in here: the pack layer (lawpacks, regpacks, licensepacks) and the corridor layer (corridor
entries) each add one import and one item. With none, those sections of ``stack.lock`` are empty lists.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from msez.corridor import corridor_lock_entries
from msez.zone import LockContext, LockContributor


def corridors(context: LockContext) -> Mapping[str, Sequence[Mapping[str, Any]]]:
    """``corridors[]``: the zone's listed corridors, found among its resolved ``kind: corridor`` modules."""
    dirs = [m.manifest.directory for m in context.modules if m.manifest.kind == "corridor"]
    entries = corridor_lock_entries(
        context.zone.corridors, dirs, context.repo_root, emit_artifactrefs=context.emit_artifactrefs
    )
    return {"corridors": entries}


def lock_contributors() -> tuple[LockContributor, ...]:
    """Every contributor, in the order their sections' entries are appended."""
    return (corridors,)

"""The lock contributors the CLI passes to ``msez.zone`` (``msez lock``, ``msez build``, ``msez conformance``).

Later layers plug in here: the pack layer (lawpacks, regpacks, licensepacks) and the corridor layer (corridor
entries) each add one import and one item. With none, those sections of ``stack.lock`` are empty lists.
"""

from __future__ import annotations

from msez.zone import LockContributor


def lock_contributors() -> tuple[LockContributor, ...]:
    """Every contributor, in the order their sections' entries are appended."""
    return ()

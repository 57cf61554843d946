"""Field-level differences between two pack documents; lists of records are matched by their id field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

ID_FIELDS: Final = (
    "entry_id",
    "regulator_id",
    "license_type_id",
    "license_id",
    "holder_id",
    "deadline_id",
    "requirement_id",
    "condition_id",
    "permission_id",
    "restriction_id",
    "source_id",
)


@dataclass(frozen=True)
class Change:
    """One difference: ``path`` is a JSON path whose list items are named by id (``regulators[secp].name``)."""

    path: str
    kind: str  # added | removed | changed
    old: Any = None
    new: Any = None

    def describe(self) -> str:
        if self.kind == "changed":
            return f"{self.path}: changed {_short(self.old)} -> {_short(self.new)}"
        return f"{self.path}: {self.kind}"


def diff_documents(old: Any, new: Any, path: str = "$") -> list[Change]:
    """Every difference between ``old`` and ``new``, in a stable order."""
    if old == new:
        return []
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        changes: list[Change] = []
        for key in sorted(old.keys() | new.keys()):
            child = f"{path}.{key}"
            if key not in new:
                changes.append(Change(child, "removed", old[key]))
            elif key not in old:
                changes.append(Change(child, "added", None, new[key]))
            else:
                changes.extend(diff_documents(old[key], new[key], child))
        return changes
    id_field = _id_field(old, new)
    if id_field is not None:
        return _diff_records(old, new, path, id_field)
    return [Change(path, "changed", old, new)]


def keyed_counts(changes: list[Change], section: str) -> dict[str, int]:
    """Added/removed/modified record counts of one keyed section (``$.<section>[id]``)."""
    prefix = f"$.{section}["
    added, removed, modified = set(), set(), set()
    for change in changes:
        if not change.path.startswith(prefix):
            continue
        record, _, rest = change.path[len(prefix) :].partition("]")
        if rest:
            modified.add(record)
        elif change.kind == "added":
            added.add(record)
        elif change.kind == "removed":
            removed.add(record)
    return {"added": len(added), "removed": len(removed), "modified": len(modified - added - removed)}


def _id_field(old: Any, new: Any) -> str | None:
    if not (isinstance(old, list) and isinstance(new, list)):
        return None
    items = [*old, *new]
    if not items or not all(isinstance(i, Mapping) for i in items):
        return None
    for field in ID_FIELDS:
        if all(isinstance(i.get(field), str) for i in items) and all(
            len({i[field] for i in side}) == len(side) for side in (old, new)
        ):
            return field
    return None


def _diff_records(old: list[Any], new: list[Any], path: str, id_field: str) -> list[Change]:
    before = {str(i[id_field]): i for i in old}
    after = {str(i[id_field]): i for i in new}
    changes: list[Change] = []
    for key in sorted(before.keys() | after.keys()):
        child = f"{path}[{key}]"
        if key not in after:
            changes.append(Change(child, "removed", before[key]))
        elif key not in before:
            changes.append(Change(child, "added", None, after[key]))
        else:
            changes.extend(diff_documents(before[key], after[key], child))
    return changes


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."

"""Reading pack source directories: one YAML/JSON record per file, records sorted by their id."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from msez.core import ValidationError, load_document


def read_mapping(path: Path) -> dict[str, Any]:
    """A YAML or JSON file holding a mapping.

    Raises:
        ValidationError: missing, unreadable or not a mapping.
    """
    if not path.is_file():
        raise ValidationError(f"{path}: missing")
    value = load_document(path)
    if not isinstance(value, dict):
        raise ValidationError(f"{path}: expected a mapping at the top level")
    return value


def read_each(directory: Path) -> list[dict[str, Any]]:
    """Every ``*.yaml``/``*.yml``/``*.json`` mapping in ``directory`` (none when it does not exist)."""
    if not directory.is_dir():
        return []
    return [read_mapping(p) for p in sorted(directory.iterdir()) if p.suffix in (".yaml", ".yml", ".json")]


def sorted_records(records: list[Any], key: str) -> list[Any]:
    """``records`` sorted by ``key``.

    Raises:
        ValidationError: a record without a non-empty string ``key``, or a repeated one.
    """
    ids = [r.get(key) if isinstance(r, dict) else None for r in records]
    if any(not isinstance(i, str) or not i for i in ids):
        raise ValidationError(f"every record needs a non-empty string {key}")
    repeated = sorted(str(i) for i, n in Counter(ids).items() if n > 1)
    if repeated:
        raise ValidationError(f"duplicate {key}: {', '.join(repeated[:5])}")
    return sorted(records, key=lambda r: str(r[key]))

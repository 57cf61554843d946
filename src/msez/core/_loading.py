"""Safe loading of JSON and YAML documents into the canonical data model.

YAML is read with PyYAML's safe loader; timestamps and dates become the strings MCF would produce, duplicate
keys and non-string keys are errors, and exotic tags (binary, sets) are refused, so a YAML file and the
equivalent JSON file load to equal values and digest identically.
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from msez.core._canonical import format_utc
from msez.core._errors import ValidationError

_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_Base):  # type: ignore[misc,valid-type]
    """Safe loader that refuses duplicate keys."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    # Keys written twice in one mapping are an error; keys from a ``<<`` merge may be overridden, as YAML says.
    seen: set[Any] = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise _key_error("mapping key must be a string", key_node)
        if key in seen:
            raise _key_error(f"duplicate key {key!r}", key_node)
        seen.add(key)
    loader.flatten_mapping(node)
    return {
        loader.construct_object(key_node, deep=True): loader.construct_object(value_node, deep=True)
        for key_node, value_node in node.value
    }


def _key_error(problem: str, key_node: yaml.Node) -> yaml.constructor.ConstructorError:
    mark = key_node.start_mark
    return yaml.constructor.ConstructorError(None, None, f"{problem} (line {mark.line + 1})", mark)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(text: str | bytes, *, source: str = "<yaml>", strict: bool = False) -> Any:
    """Parse YAML into plain JSON-model values.

    Args:
        strict: also refuse implicit dates/timestamps (quote them) and floats, as the reference's strict
            lawpack mode does (reference-impl B 3.3), instead of turning dates into strings.

    Raises:
        ValidationError: YAML syntax errors, duplicate keys, non-string keys or unsupported tags (and, when
            ``strict``, dates, timestamps and floats), naming ``source`` and the location.
    """
    try:
        value = yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as e:
        raise ValidationError(f"{source}: invalid YAML: {_one_line(e)}") from None
    return _to_json_model(value, source, "$", strict)


def load_json(text: str | bytes, *, source: str = "<json>") -> Any:
    """Parse JSON. Floats load as floats (canonicalisation rejects them with their path).

    Raises:
        ValidationError: JSON syntax errors, naming ``source``, line and column.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ValidationError(f"{source}: invalid JSON: {e.msg} (line {e.lineno}, column {e.colno})") from None
    except UnicodeDecodeError as e:
        raise ValidationError(f"{source}: not UTF-8 text: {e.reason}") from None


def load_document(path: str | Path) -> Any:
    """Load a ``.json`` file as JSON and anything else as YAML (YAML is a superset of JSON).

    Raises:
        ValidationError: unreadable or unparsable file.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ValidationError(f"{path}: cannot read: {e.strerror}") from None
    if path.suffix.lower() == ".json":
        return load_json(data, source=str(path))
    return load_yaml(data, source=str(path))


def _to_json_model(value: Any, source: str, path: str, strict: bool = False) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValidationError(f"{source}: {path}: key {key!r} is not a string (quote it)")
            out[key] = _to_json_model(item, source, f"{path}.{key}", strict)
        return out
    if isinstance(value, list):
        return [_to_json_model(item, source, f"{path}[{i}]", strict) for i, item in enumerate(value)]
    if strict and isinstance(value, date | float):
        what = "float" if isinstance(value, float) else "YAML timestamp/date"
        raise ValidationError(f"{source}: {path}: {what} {value!s} is not allowed in strict mode; quote it")
    if isinstance(value, datetime):
        return format_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, str | bool | int | float):
        return value
    raise ValidationError(f"{source}: {path}: unsupported YAML value of type {type(value).__name__}")


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())

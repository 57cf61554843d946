"""Placeholder rendering (spec §22): ``{{ VAR }}`` (typically AKN XML) and ``${var}`` (typically YAML).

Values render as text: strings verbatim, booleans as ``true``/``false``, integers in decimal, ``null`` for None,
objects and arrays as canonical JSON. A placeholder with no value stays as written, or, in strict mode, is an
error naming the file and where: the JSON path of the YAML/JSON value that holds it, else its line. Shell-style
defaults such as ``${CUSTOMS_API_URL:-}`` are not placeholders and stay literal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from msez.core import MsezError, ValidationError, canonical_bytes, load_yaml

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}|\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
RENDERED_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".xml", ".md", ".rego", ".txt", ".html"})


class RenderError(ValidationError):
    """Strict rendering found a placeholder without a value; ``file``, ``path`` and ``name`` say which."""

    def __init__(self, *, file: str, where: str, name: str) -> None:
        super().__init__(f"placeholder {name!r} has no value in the parameter context (--strict-render)", path=where)
        self.file = file
        self.name = name
        self.message = f"{file}: {self.message}"


def render_text(text: str, context: Mapping[str, Any], *, strict: bool, source: str) -> str:
    """Substitute every placeholder that has a value in ``context``.

    Raises:
        RenderError: ``strict`` and a placeholder has no value (the first one, by position).
    """

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        if name in context:
            return _as_text(context[name])
        if strict:
            raise RenderError(file=source, where=_locate(text, match, source), name=name)
        return match.group(0)

    return PLACEHOLDER.sub(substitute, text)


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    return canonical_bytes(value).data.decode()


def _locate(text: str, match: re.Match[str], source: str) -> str:
    line = text.count("\n", 0, match.start()) + 1
    if source.endswith((".yaml", ".yml", ".json")):
        try:
            path = _json_path_of(load_yaml(text, source=source), match.group(0), "$")
        except MsezError:
            path = None
        if path is not None:
            return f"{path} (line {line})"
    return f"line {line}"


def _json_path_of(value: Any, needle: str, path: str) -> str | None:
    if isinstance(value, str):
        return path if needle in value else None
    items: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        items = [(f"{path}.{k}", v) for k, v in value.items()]
    elif isinstance(value, list):
        items = [(f"{path}[{i}]", v) for i, v in enumerate(value)]
    for child_path, child in items:
        found = _json_path_of(child, needle, child_path)
        if found is not None:
            return found
    return None

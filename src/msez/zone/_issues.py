"""Findings of validation and conformance checks: one line each, naming the file and the JSON path.

Checks report every finding first (lists of :class:`Issue`); callers that need a verdict raise
:class:`CompositionError`, which carries the findings and reads as the first one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from msez.core import MsezError, SchemaValidationError, ValidationError


@dataclass(frozen=True)
class Issue:
    """One finding: ``file`` (repo-relative where possible), ``path`` (a JSON path, or ``line N`` in text and
    XML files) and what was expected and found."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}"


class CompositionError(ValidationError):
    """A zone, profile or module failed its checks; ``issues`` lists every finding, the message shows the first."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        if not issues:
            raise ValueError("CompositionError needs at least one issue")
        self.issues = tuple(issues)
        more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
        super().__init__(f"{issues[0]}{more}")
        self.file = issues[0].file


def raise_issues(issues: Sequence[Issue]) -> None:
    """Raise :class:`CompositionError` when ``issues`` is not empty."""
    if issues:
        raise CompositionError(issues)


def display_path(path: Path, root: Path | None) -> str:
    """``path`` relative to ``root`` in posix form when it lies inside, else as given."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return str(path)


def issue_from_error(error: MsezError, *, file: str) -> Issue:
    """Turn a library error into an :class:`Issue` (schema errors keep their JSON path)."""
    if isinstance(error, CompositionError):
        return error.issues[0]
    if isinstance(error, SchemaValidationError):
        return Issue(file, error.path or "$", error.reason)
    if isinstance(error, ValidationError) and error.path:
        return Issue(file, error.path, error.reason)
    message = error.message
    prefix = f"{file}: "
    for candidate in (prefix, f"{Path(file).name}: "):
        if message.startswith(candidate):
            message = message[len(candidate) :]
    return Issue(file, "$", message)

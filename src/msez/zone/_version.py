"""Semantic versions and the dependency constraints of module manifests (``>=0.1.0,<0.3.0``).

Versions are parsed and ordered by the ``semver`` library (semver 2.0.0 precedence, pre-releases included).
A constraint is a comma-separated list of clauses, each an operator (``>=``, ``<=``, ``>``, ``<``, ``==``,
``=``, ``!=``; none means ``==``) and a version, or ``*`` for any version; all clauses must hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import semver

from msez.core import ValidationError

_CLAUSE = re.compile(r"(>=|<=|==|!=|>|<|=)?\s*(\S+)\Z")


def parse_version(text: str) -> semver.Version:
    """Parse ``MAJOR.MINOR.PATCH[-pre][+build]``.

    Raises:
        ValidationError: not a semantic version.
    """
    try:
        return semver.Version.parse(text)
    except (ValueError, TypeError) as e:
        raise ValidationError(f"invalid semantic version {text!r}: expected MAJOR.MINOR.PATCH") from e


@dataclass(frozen=True)
class Constraint:
    """A parsed version constraint; ``text`` is the original string."""

    text: str
    clauses: tuple[tuple[str, semver.Version], ...]

    @classmethod
    def parse(cls, text: str) -> Constraint:
        """Parse a constraint such as ``>=0.1.0,<0.3.0``.

        Raises:
            ValidationError: an empty clause, an unknown operator or a bad version.
        """
        clauses: list[tuple[str, semver.Version]] = []
        for raw in text.split(","):
            clause = raw.strip()
            if clause == "*":
                continue
            match = _CLAUSE.match(clause)
            if not clause or match is None:
                raise ValidationError(f"invalid constraint {text!r}: clause {clause!r} is not <op><version>")
            op = match.group(1) or "=="
            try:
                version = parse_version(match.group(2))
            except ValidationError as e:
                raise ValidationError(f"invalid constraint {text!r}: {e.reason}") from e
            clauses.append(("==" if op == "=" else op, version))
        return cls(text, tuple(clauses))

    def allows(self, version: str | semver.Version) -> bool:
        """True when ``version`` satisfies every clause."""
        candidate = parse_version(version) if isinstance(version, str) else version
        return all(_holds(candidate.compare(bound), op) for op, bound in self.clauses)

    def __str__(self) -> str:
        return self.text


def _holds(order: int, op: str) -> bool:
    return {
        ">=": order >= 0,
        "<=": order <= 0,
        ">": order > 0,
        "<": order < 0,
        "==": order == 0,
        "!=": order != 0,
    }[op]

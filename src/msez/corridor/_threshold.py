"""One threshold rule, shared by activation, receipt signing and checkpointing (spec 40.4): ``required`` unique
parties of ``role``, with ``of`` the role's party count when stated.

A pydantic dataclass: positional construction for code, validation when the state-channel policy is read from
JSON, and plain equality.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import ConfigDict, Field
from pydantic.dataclasses import dataclass


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class Threshold:
    """``required`` unique parties of ``role``; ``of`` when stated."""

    role: Annotated[str, Field(min_length=1)]
    required: Annotated[int, Field(ge=0, strict=True)]
    of: Annotated[int | None, Field(ge=0, strict=True)] = None
    description: str | None = None

    @classmethod
    def parse_all(cls, value: Any) -> tuple[Threshold, ...]:
        """Well-formed entries of a ``thresholds`` list (the schema check names the others)."""
        out = []
        for entry in value if isinstance(value, list) else []:
            if isinstance(entry, Mapping) and isinstance(entry.get("role"), str) and _is_count(entry.get("required")):
                of, description = entry.get("of"), entry.get("description")
                out.append(
                    cls(
                        entry["role"],
                        entry["required"],
                        of if _is_count(of) else None,
                        description if isinstance(description, str) else None,
                    )
                )
        return tuple(out)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"role": self.role, "required": self.required}
        if self.of is not None:
            out["of"] = self.of
        if self.description is not None:
            out["description"] = self.description
        return out


def _is_count(value: Any) -> bool:
    return type(value) is int and value >= 0

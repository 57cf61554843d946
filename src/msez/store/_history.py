"""Lifecycle history rows shared by the entity and licence registries: one row per applied transition, numbered
per record from 0, with the evidence as ``[{type, digest}]`` (bare hex digests)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from msez.core import Timestamp
from msez.state import TransitionRecord
from msez.store._base import utcnow


@dataclass(frozen=True)
class LifecycleEntry:
    """One applied transition; ``dissolution_stage`` is the entity's stage after it (entities only)."""

    seq: int
    transition: str
    from_state: str
    to_state: str
    at: datetime
    actor: str | None
    reason: str | None
    evidence: tuple[Mapping[str, str], ...]
    dissolution_stage: int | None = None


def wall_clock() -> Timestamp:
    """The lifecycles' clock in the node: the wall clock (``SOURCE_DATE_EPOCH`` is for reproducible files)."""
    return Timestamp(utcnow())


def next_seq(session: Session, seq: InstrumentedAttribute[int], where: Any) -> int:
    """The next history position of one record (its row is locked by the caller)."""
    return int(session.scalar(select(func.count(seq)).where(where)) or 0)


def history_row(seq: int, record: TransitionRecord) -> dict[str, Any]:
    """The columns of a history row for ``record`` (without the record's key)."""
    return {
        "seq": seq,
        "transition": record.transition,
        "from_state": record.from_state,
        "to_state": record.to_state,
        "at": record.at.datetime,
        "actor": record.actor,
        "reason": record.reason,
        "evidence": [{"type": e.type, "digest": e.digest.hex} for e in record.evidence],
    }


def entry_of(row: Mapping[Any, Any]) -> LifecycleEntry:
    return LifecycleEntry(
        row["seq"],
        row["transition"],
        row["from_state"],
        row["to_state"],
        row["at"],
        row["actor"],
        row["reason"],
        tuple(row["evidence"]),
        row.get("dissolution_stage"),
    )

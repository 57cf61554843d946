"""Corridors: the corridor record, its head row and its lifecycle history.

A corridor row holds what never changes after creation (the verified module files, the state-channel policy, the
genesis root, the two jurisdictions) plus the lifecycle record; the head row holds what every receipt append
changes (state, receipt count, head root, MMR peaks). Every writer of a corridor, receipt appends included, first
locks the head row with :func:`lock_head` (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's writer lock already
serialises), so the corridor's audit stream ``corridor:<id>`` and its head only ever move under that lock.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from msez.core import ConflictError, NotFoundError
from msez.crypto.mmr import Peak, bag_peaks
from msez.store._base import utcnow
from msez.store._models_corridors import CorridorHeadRow, CorridorRow, CorridorTransitionRow

INITIAL_STATE: Final = "DRAFT"


def stream_of(corridor: str) -> str:
    """The audit stream of one corridor."""
    return f"corridor:{corridor}"


@dataclass(frozen=True)
class Head:
    """A corridor's head as stored: state, receipt count, head root (the genesis root while empty), MMR peaks."""

    corridor: str
    state: str
    receipt_count: int
    next_root: str
    peaks: tuple[Peak, ...]
    last_timestamp: str | None

    @property
    def mmr_root(self) -> str:
        """The bagged MMR root (``""`` while the chain is empty)."""
        return bag_peaks(self.peaks)

    @property
    def mmr_size(self) -> int:
        return self.receipt_count

    @property
    def sequence(self) -> int | None:
        """The last receipt's sequence (``None`` while the chain is empty)."""
        return self.receipt_count - 1 if self.receipt_count else None


@dataclass(frozen=True)
class Corridor:
    id: str
    zone_id: str
    corridor_id: str
    jurisdiction_a: str
    jurisdiction_b: str
    source: str
    module_path: str | None
    genesis_root: str
    policy: Mapping[str, Any]
    module_files: Mapping[str, str]
    lifecycle: Mapping[str, Any]
    created_at: datetime
    updated_at: datetime
    head: Head

    @property
    def state(self) -> str:
        return self.head.state


@dataclass(frozen=True)
class AppliedTransition:
    """A lifecycle transition as applied by :class:`msez.corridor.CorridorLifecycle`, to be recorded."""

    from_state: str
    to_state: str
    transition: str
    transitioned_at: datetime
    finality_level: str
    reason: str | None
    evidence: Sequence[Mapping[str, str]]
    credential: Mapping[str, Any]


@dataclass(frozen=True)
class Transition:
    seq: int
    from_state: str
    to_state: str
    transition: str
    transitioned_at: datetime
    finality_level: str
    reason: str | None
    evidence: Sequence[Mapping[str, str]]
    credential: Mapping[str, Any]


@dataclass(frozen=True)
class NewCorridor:
    """What :func:`create_corridor` stores (everything is checked by the caller)."""

    corridor_id: str
    jurisdiction_a: str
    jurisdiction_b: str
    source: str
    module_path: str | None
    genesis_root: str
    policy: Mapping[str, Any]
    module_files: Mapping[str, str]
    lifecycle: Mapping[str, Any]


def create_corridor(session: Session, zone_id: str, new: NewCorridor) -> Corridor:
    """Store a corridor in ``DRAFT`` with an empty chain whose head root is the genesis root.

    Raises:
        ConflictError: the zone already has a corridor with this ``corridor_id``.
    """
    taken = session.scalar(
        select(CorridorRow.id).where(CorridorRow.zone_id == zone_id, CorridorRow.corridor_id == new.corridor_id)
    )
    if taken is not None:
        raise ConflictError(f"corridor {new.corridor_id} already exists in this zone (id {taken})")
    now, corridor = utcnow(), str(uuid.uuid4())
    session.execute(
        insert(CorridorRow),
        {
            "zone_id": zone_id,
            "id": corridor,
            "corridor_id": new.corridor_id,
            "jurisdiction_a": new.jurisdiction_a,
            "jurisdiction_b": new.jurisdiction_b,
            "source": new.source,
            "module_path": new.module_path,
            "genesis_root": new.genesis_root,
            "policy": dict(new.policy),
            "module_files": dict(new.module_files),
            "lifecycle": dict(new.lifecycle),
            "created_at": now,
            "updated_at": now,
        },
    )
    session.execute(
        insert(CorridorHeadRow),
        {
            "zone_id": zone_id,
            "corridor_uuid": corridor,
            "state": INITIAL_STATE,
            "receipt_count": 0,
            "next_root": new.genesis_root,
            "peaks": [],
            "last_timestamp": None,
            "updated_at": now,
        },
    )
    return get_corridor(session, zone_id, corridor)


def get_corridor(session: Session, zone_id: str, corridor: str) -> Corridor:
    """Raises: NotFoundError."""
    row = session.execute(_joined().where(CorridorRow.zone_id == zone_id, CorridorRow.id == corridor)).first()
    if row is None:
        raise NotFoundError(f"corridor {corridor} not found")
    return _corridor(row[0], row[1])


def list_corridors(
    session: Session, zone_id: str, *, state: str | None = None, offset: int = 0, limit: int = 100
) -> list[Corridor]:
    """Corridors of the zone, oldest first, optionally in one lifecycle state."""
    query = _joined().where(CorridorRow.zone_id == zone_id)
    if state is not None:
        query = query.where(CorridorHeadRow.state == state)
    rows = session.execute(query.order_by(CorridorRow.created_at, CorridorRow.id).offset(offset).limit(limit))
    return [_corridor(corridor, head) for corridor, head in rows]


_READ_HEAD: Final = select(
    CorridorHeadRow.corridor_uuid,
    CorridorHeadRow.state,
    CorridorHeadRow.receipt_count,
    CorridorHeadRow.next_root,
    CorridorHeadRow.peaks,
    CorridorHeadRow.last_timestamp,
).where(CorridorHeadRow.zone_id == bindparam("zone_id"), CorridorHeadRow.corridor_uuid == bindparam("corridor"))
_LOCK_HEAD: Final = _READ_HEAD.with_for_update()


def lock_head(session: Session, zone_id: str, corridor: str) -> Head:
    """Lock the corridor's head row until the transaction ends, and read it (one statement).

    ``FOR UPDATE`` waits for the previous holder and then reads the row as that holder committed it, so the head
    is current even under READ COMMITTED; on SQLite the transaction already holds the database's writer lock.

    Raises:
        NotFoundError: no such corridor.
    """
    return _read_head(session, zone_id, corridor, lock=True)


def read_head(session: Session, zone_id: str, corridor: str) -> Head:
    """The head as last committed (no lock). Raises: NotFoundError."""
    return _read_head(session, zone_id, corridor, lock=False)


def _read_head(session: Session, zone_id: str, corridor: str, *, lock: bool) -> Head:
    statement = _LOCK_HEAD if lock else _READ_HEAD
    row = session.connection().execute(statement, {"zone_id": zone_id, "corridor": corridor}).first()
    if row is None:
        raise NotFoundError(f"corridor {corridor} not found")
    return Head(row[0], row[1], row[2], row[3], peaks_of(row[4]), row[5])


def record_transition(
    session: Session, zone_id: str, corridor: str, *, lifecycle: Mapping[str, Any], applied: AppliedTransition
) -> Transition:
    """Store an applied lifecycle transition: the history row, the lifecycle record and the head's state.

    The caller holds the head lock (:func:`lock_head`); transitions are numbered from 0 in the order applied.
    """
    now = utcnow()
    seq = int(
        session.scalar(
            select(func.count()).where(
                CorridorTransitionRow.zone_id == zone_id, CorridorTransitionRow.corridor_uuid == corridor
            )
        )
        or 0
    )
    row = CorridorTransitionRow(
        zone_id=zone_id,
        corridor_uuid=corridor,
        seq=seq,
        from_state=applied.from_state,
        to_state=applied.to_state,
        transition=applied.transition,
        transitioned_at=applied.transitioned_at,
        finality_level=applied.finality_level,
        reason=applied.reason,
        evidence=[dict(e) for e in applied.evidence],
        credential=dict(applied.credential),
    )
    session.add(row)
    session.execute(
        update(CorridorRow)
        .where(CorridorRow.zone_id == zone_id, CorridorRow.id == corridor)
        .values(lifecycle=dict(lifecycle), updated_at=now)
    )
    session.execute(
        update(CorridorHeadRow)
        .where(CorridorHeadRow.zone_id == zone_id, CorridorHeadRow.corridor_uuid == corridor)
        .values(state=applied.to_state, updated_at=now)
    )
    session.flush()
    return _transition(row)


def list_transitions(session: Session, zone_id: str, corridor: str) -> list[Transition]:
    """The lifecycle history, oldest first."""
    rows = session.scalars(
        select(CorridorTransitionRow)
        .where(CorridorTransitionRow.zone_id == zone_id, CorridorTransitionRow.corridor_uuid == corridor)
        .order_by(CorridorTransitionRow.seq)
    )
    return [_transition(r) for r in rows]


def _joined() -> Any:
    return select(CorridorRow, CorridorHeadRow).join(
        CorridorHeadRow,
        (CorridorHeadRow.zone_id == CorridorRow.zone_id) & (CorridorHeadRow.corridor_uuid == CorridorRow.id),
    )


def peaks_of(stored: Sequence[Any]) -> tuple[Peak, ...]:
    """Peaks from their stored form ``[[height, hash], ...]``."""
    return tuple(Peak(int(height), str(digest)) for height, digest in stored)


def stored_peaks(peaks: Sequence[Peak]) -> list[list[Any]]:
    return [[p.height, p.hash] for p in peaks]


def _transition(r: CorridorTransitionRow) -> Transition:
    return Transition(
        r.seq,
        r.from_state,
        r.to_state,
        r.transition,
        r.transitioned_at,
        r.finality_level,
        r.reason,
        r.evidence,
        r.credential,
    )


def _head(row: CorridorHeadRow) -> Head:
    return Head(row.corridor_uuid, row.state, row.receipt_count, row.next_root, peaks_of(row.peaks), row.last_timestamp)


def _corridor(row: CorridorRow, head: CorridorHeadRow) -> Corridor:
    return Corridor(
        row.id,
        row.zone_id,
        row.corridor_id,
        row.jurisdiction_a,
        row.jurisdiction_b,
        row.source,
        row.module_path,
        row.genesis_root,
        row.policy,
        row.module_files,
        row.lifecycle,
        row.created_at,
        row.updated_at,
        _head(head),
    )

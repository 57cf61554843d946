"""What is said about a corridor's chain: signed checkpoints, watcher attestations and fork resolutions.

Documents are stored as they were signed (JSON), named by their payload digest where they have one; the columns
beside them (receipt count, MMR root, watcher, head commitment, ...) are what queries select on. The caller
verifies every document before it is stored and holds the corridor's head lock while writing.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from msez.core import ConflictError, NotFoundError
from msez.store._base import utcnow
from msez.store._models_corridors import CheckpointRow, ForkResolutionRow, WatcherAttestationRow


@dataclass(frozen=True)
class Checkpoint:
    digest: str
    receipt_count: int
    mmr_root: str
    document: Mapping[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class WatcherAttestation:
    digest: str
    watcher: str
    receipt_count: int
    head_commitment: str
    observed_at: datetime
    document: Mapping[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class ForkResolution:
    id: str
    sequence: int
    prev_root: str
    chosen_next_root: str
    reason: str
    choice: Mapping[str, Any]
    alarm: Mapping[str, Any]
    resolution: Mapping[str, Any]
    created_at: datetime


def add_checkpoint(
    session: Session, zone_id: str, corridor: str, *, digest: str, receipt_count: int, mmr_root: str, document: Any
) -> Checkpoint:
    """Store a signed checkpoint (a second one with the same digest is a conflict)."""
    if session.get(CheckpointRow, (zone_id, corridor, digest)) is not None:
        raise ConflictError(f"checkpoint {digest} is already stored")
    row = CheckpointRow(
        zone_id=zone_id,
        corridor_uuid=corridor,
        digest=digest,
        receipt_count=receipt_count,
        mmr_root=mmr_root,
        document=dict(document),
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return _checkpoint(row)


def get_checkpoint(session: Session, zone_id: str, corridor: str, digest: str) -> Checkpoint:
    """Raises: NotFoundError."""
    row = session.get(CheckpointRow, (zone_id, corridor, digest))
    if row is None:
        raise NotFoundError(f"corridor {corridor} has no checkpoint {digest}")
    return _checkpoint(row)


def latest_checkpoint(session: Session, zone_id: str, corridor: str) -> Checkpoint | None:
    """The checkpoint covering the most receipts (the newest of those), if any."""
    row = session.scalars(
        select(CheckpointRow)
        .where(CheckpointRow.zone_id == zone_id, CheckpointRow.corridor_uuid == corridor)
        .order_by(CheckpointRow.receipt_count.desc(), CheckpointRow.created_at.desc())
        .limit(1)
    ).first()
    return _checkpoint(row) if row is not None else None


def list_checkpoints(
    session: Session, zone_id: str, corridor: str, *, offset: int = 0, limit: int = 100
) -> list[Checkpoint]:
    """Checkpoints by receipt count, oldest first."""
    rows = session.scalars(
        select(CheckpointRow)
        .where(CheckpointRow.zone_id == zone_id, CheckpointRow.corridor_uuid == corridor)
        .order_by(CheckpointRow.receipt_count, CheckpointRow.created_at)
        .offset(offset)
        .limit(limit)
    )
    return [_checkpoint(r) for r in rows]


def add_watcher_attestation(
    session: Session,
    zone_id: str,
    corridor: str,
    *,
    digest: str,
    watcher: str,
    receipt_count: int,
    head_commitment: str,
    observed_at: datetime,
    document: Any,
) -> WatcherAttestation:
    """Store a checked watcher attestation (the same VC twice is a conflict)."""
    if session.get(WatcherAttestationRow, (zone_id, corridor, digest)) is not None:
        raise ConflictError(f"watcher attestation {digest} is already stored")
    row = WatcherAttestationRow(
        zone_id=zone_id,
        corridor_uuid=corridor,
        digest=digest,
        watcher=watcher,
        receipt_count=receipt_count,
        head_commitment=head_commitment,
        observed_at=observed_at,
        document=dict(document),
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return _attestation(row)


def list_watcher_attestations(
    session: Session, zone_id: str, corridor: str, *, since: datetime | None = None, offset: int = 0, limit: int = 100
) -> list[WatcherAttestation]:
    """Attestations by observation time, oldest first (from ``since`` when given)."""
    query = select(WatcherAttestationRow).where(
        WatcherAttestationRow.zone_id == zone_id, WatcherAttestationRow.corridor_uuid == corridor
    )
    if since is not None:
        query = query.where(WatcherAttestationRow.observed_at >= since)
    rows = session.scalars(
        query.order_by(WatcherAttestationRow.observed_at, WatcherAttestationRow.digest).offset(offset).limit(limit)
    )
    return [_attestation(r) for r in rows]


def add_fork_resolution(
    session: Session,
    zone_id: str,
    corridor: str,
    *,
    sequence: int,
    prev_root: str,
    chosen_next_root: str,
    reason: str,
    choice: Mapping[str, Any],
    alarm: Mapping[str, Any],
    resolution: Mapping[str, Any],
) -> ForkResolution:
    row = ForkResolutionRow(
        zone_id=zone_id,
        corridor_uuid=corridor,
        id=str(uuid.uuid4()),
        sequence=sequence,
        prev_root=prev_root,
        chosen_next_root=chosen_next_root,
        reason=reason,
        choice=dict(choice),
        alarm=dict(alarm),
        resolution=dict(resolution),
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return _fork(row)


def list_fork_resolutions(
    session: Session, zone_id: str, corridor: str, *, offset: int = 0, limit: int = 100
) -> list[ForkResolution]:
    rows = session.scalars(
        select(ForkResolutionRow)
        .where(ForkResolutionRow.zone_id == zone_id, ForkResolutionRow.corridor_uuid == corridor)
        .order_by(ForkResolutionRow.created_at, ForkResolutionRow.id)
        .offset(offset)
        .limit(limit)
    )
    return [_fork(r) for r in rows]


def _checkpoint(row: CheckpointRow) -> Checkpoint:
    return Checkpoint(row.digest, row.receipt_count, row.mmr_root, row.document, row.created_at)


def _attestation(row: WatcherAttestationRow) -> WatcherAttestation:
    return WatcherAttestation(
        row.digest, row.watcher, row.receipt_count, row.head_commitment, row.observed_at, row.document, row.created_at
    )


def _fork(row: ForkResolutionRow) -> ForkResolution:
    return ForkResolution(
        row.id,
        row.sequence,
        row.prev_root,
        row.chosen_next_root,
        row.reason,
        row.choice,
        row.alarm,
        row.resolution,
        row.created_at,
    )

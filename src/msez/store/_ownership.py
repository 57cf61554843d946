"""Ownership (Mass primitive, spec §12): cap tables, share classes, issuances and transfers.

Invariant: for every share class, ``0 <= sum(holdings) == issued_shares <= authorized_shares``. Each change
locks the share-class row (``SELECT ... FOR UPDATE``; SQLite's writer lock) before it reads, so concurrent
issuances cannot both pass the check; CHECK constraints back the rule in the database.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from msez.core import ConflictError, NotFoundError, ValidationError
from msez.store._base import utcnow
from msez.store._models import CapTableRow, HoldingRow, ShareClassRow, ShareMovementRow

MAX_SHARES = 2**62


@dataclass(frozen=True)
class ShareClassSpec:
    name: str
    authorized_shares: int
    par_value: str | None = None
    voting_rights: bool = True


@dataclass(frozen=True)
class Holding:
    holder_id: str
    shares: int


@dataclass(frozen=True)
class ShareClass:
    id: str
    name: str
    authorized_shares: int
    issued_shares: int
    par_value: str | None
    voting_rights: bool
    holdings: tuple[Holding, ...]


@dataclass(frozen=True)
class CapTable:
    id: str
    zone_id: str
    entity_id: str
    created_at: datetime
    share_classes: tuple[ShareClass, ...]


@dataclass(frozen=True)
class ShareMovement:
    id: str
    cap_table_id: str
    share_class: str
    kind: str
    from_holder: str | None
    to_holder: str
    shares: int
    reference: str | None
    created_at: datetime


def create_cap_table(session: Session, zone_id: str, entity_id: str, classes: Sequence[ShareClassSpec]) -> CapTable:
    """Create the cap table of ``entity_id`` with its initial share classes (nothing issued yet).

    Raises:
        ConflictError: the entity already has a cap table.
        ValidationError: duplicate class names or a non-positive authorised count.
    """
    names = [spec.name for spec in classes]
    if len(set(names)) != len(names):
        raise ValidationError(f"share class names must be unique, got {names}")
    existing = session.scalar(
        select(CapTableRow.id).where(CapTableRow.zone_id == zone_id, CapTableRow.entity_id == entity_id)
    )
    if existing:
        raise ConflictError(f"entity {entity_id} already has cap table {existing}")
    row = CapTableRow(id=str(uuid.uuid4()), zone_id=zone_id, entity_id=entity_id, created_at=utcnow())
    session.add(row)
    session.flush()
    for spec in classes:
        _insert_class(session, zone_id, row.id, spec)
    return get_cap_table(session, zone_id, row.id)


def get_cap_table(session: Session, zone_id: str, cap_table_id: str) -> CapTable:
    """Raises: NotFoundError: no such cap table in this zone."""
    row = _cap_table_row(session, zone_id, cap_table_id)
    classes = session.scalars(
        select(ShareClassRow).where(ShareClassRow.cap_table_id == row.id).order_by(ShareClassRow.created_at)
    ).all()
    holdings: dict[str, list[Holding]] = {c.id: [] for c in classes}
    if classes:
        for h in session.scalars(
            select(HoldingRow)
            .where(HoldingRow.share_class_id.in_(holdings), HoldingRow.shares > 0)
            .order_by(HoldingRow.holder_id)
        ):
            holdings[h.share_class_id].append(Holding(h.holder_id, h.shares))
    return CapTable(
        row.id,
        row.zone_id,
        row.entity_id,
        row.created_at,
        tuple(_share_class(c, holdings[c.id]) for c in classes),
    )


def cap_table_entity(session: Session, zone_id: str, cap_table_id: str) -> str:
    """The entity that owns a cap table. Raises: NotFoundError."""
    return _cap_table_row(session, zone_id, cap_table_id).entity_id


def add_share_class(session: Session, zone_id: str, cap_table_id: str, spec: ShareClassSpec) -> CapTable:
    """Raises: NotFoundError: no such cap table. ConflictError: the class name is taken."""
    _cap_table_row(session, zone_id, cap_table_id)
    taken = session.scalar(
        select(ShareClassRow.id).where(ShareClassRow.cap_table_id == cap_table_id, ShareClassRow.name == spec.name)
    )
    if taken:
        raise ConflictError(f"cap table {cap_table_id} already has a share class named {spec.name!r}")
    _insert_class(session, zone_id, cap_table_id, spec)
    return get_cap_table(session, zone_id, cap_table_id)


def issue_shares(
    session: Session,
    zone_id: str,
    cap_table_id: str,
    *,
    share_class: str,
    to_holder: str,
    shares: int,
    reference: str | None = None,
) -> ShareMovement:
    """Issue new shares of a class to a holder.

    Raises:
        NotFoundError: no such cap table or class.
        ConflictError: the issuance would take issued shares past the authorised count.
    """
    _check_count(shares)
    cls = _locked_class(session, zone_id, cap_table_id, share_class)
    if cls.issued_shares + shares > cls.authorized_shares:
        raise ConflictError(
            f"issuing {shares} shares of class {share_class!r} would exceed its authorised shares: "
            f"{cls.issued_shares} of {cls.authorized_shares} already issued"
        )
    cls.issued_shares += shares
    _holding(session, zone_id, cls.id, to_holder).shares += shares
    return _record(
        session,
        zone_id,
        cls,
        kind="issuance",
        from_holder=None,
        to_holder=to_holder,
        shares=shares,
        reference=reference,
    )


def transfer_shares(
    session: Session,
    zone_id: str,
    cap_table_id: str,
    *,
    share_class: str,
    from_holder: str,
    to_holder: str,
    shares: int,
    reference: str | None = None,
) -> ShareMovement:
    """Move shares of a class between holders.

    Raises:
        NotFoundError: no such cap table or class.
        ValidationError: the holders are the same.
        ConflictError: the sender holds fewer shares than ``shares``.
    """
    _check_count(shares)
    if from_holder == to_holder:
        raise ValidationError("a transfer needs two different holders")
    cls = _locked_class(session, zone_id, cap_table_id, share_class)
    sender = _holding(session, zone_id, cls.id, from_holder)
    if sender.shares < shares:
        raise ConflictError(
            f"holder {from_holder!r} has {sender.shares} shares of class {share_class!r}, cannot transfer {shares}"
        )
    sender.shares -= shares
    _holding(session, zone_id, cls.id, to_holder).shares += shares
    return _record(
        session,
        zone_id,
        cls,
        kind="transfer",
        from_holder=from_holder,
        to_holder=to_holder,
        shares=shares,
        reference=reference,
    )


def list_movements(
    session: Session, zone_id: str, cap_table_id: str, *, offset: int = 0, limit: int = 100
) -> list[ShareMovement]:
    """Issuances and transfers of a cap table, oldest first. Raises: NotFoundError."""
    _cap_table_row(session, zone_id, cap_table_id)
    rows = session.execute(
        select(ShareMovementRow, ShareClassRow.name)
        .join(ShareClassRow, ShareClassRow.id == ShareMovementRow.share_class_id)
        .where(ShareMovementRow.zone_id == zone_id, ShareMovementRow.cap_table_id == cap_table_id)
        .order_by(ShareMovementRow.created_at, ShareMovementRow.id)
        .offset(offset)
        .limit(limit)
    ).all()
    return [_movement(row, name) for row, name in rows]


def _check_count(shares: int) -> None:
    if not 0 < shares <= MAX_SHARES:
        raise ValidationError(f"share count must be between 1 and {MAX_SHARES}, got {shares}")


def _cap_table_row(session: Session, zone_id: str, cap_table_id: str) -> CapTableRow:
    row = session.get(CapTableRow, cap_table_id)
    if row is None or row.zone_id != zone_id:
        raise NotFoundError(f"cap table {cap_table_id} not found")
    return row


def _insert_class(session: Session, zone_id: str, cap_table_id: str, spec: ShareClassSpec) -> None:
    _check_count(spec.authorized_shares)
    session.add(
        ShareClassRow(
            id=str(uuid.uuid4()),
            zone_id=zone_id,
            cap_table_id=cap_table_id,
            name=spec.name,
            authorized_shares=spec.authorized_shares,
            issued_shares=0,
            par_value=spec.par_value,
            voting_rights=spec.voting_rights,
            created_at=utcnow(),
        )
    )
    session.flush()


def _locked_class(session: Session, zone_id: str, cap_table_id: str, name: str) -> ShareClassRow:
    _cap_table_row(session, zone_id, cap_table_id)
    row = session.scalar(
        select(ShareClassRow)
        .where(ShareClassRow.cap_table_id == cap_table_id, ShareClassRow.name == name)
        .with_for_update()
    )
    if row is None:
        raise NotFoundError(f"cap table {cap_table_id} has no share class named {name!r}")
    return row


def _holding(session: Session, zone_id: str, share_class_id: str, holder_id: str) -> HoldingRow:
    row = session.get(HoldingRow, (share_class_id, holder_id), with_for_update=True)
    if row is None:
        row = HoldingRow(share_class_id=share_class_id, holder_id=holder_id, zone_id=zone_id, shares=0)
        session.add(row)
    return row


def _record(
    session: Session,
    zone_id: str,
    cls: ShareClassRow,
    *,
    kind: str,
    from_holder: str | None,
    to_holder: str,
    shares: int,
    reference: str | None,
) -> ShareMovement:
    row = ShareMovementRow(
        zone_id=zone_id,
        id=str(uuid.uuid4()),
        cap_table_id=cls.cap_table_id,
        share_class_id=cls.id,
        kind=kind,
        from_holder=from_holder,
        to_holder=to_holder,
        shares=shares,
        reference=reference,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return _movement(row, cls.name)


def _share_class(row: ShareClassRow, holdings: list[Holding]) -> ShareClass:
    return ShareClass(
        row.id, row.name, row.authorized_shares, row.issued_shares, row.par_value, row.voting_rights, tuple(holdings)
    )


def _movement(row: ShareMovementRow, class_name: str) -> ShareMovement:
    return ShareMovement(
        row.id,
        row.cap_table_id,
        class_name,
        row.kind,
        row.from_holder,
        row.to_holder,
        row.shares,
        row.reference,
        row.created_at,
    )

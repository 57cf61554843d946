"""Credentials the zone issued, and the zone's Bitstring Status Lists (revocation and suspension).

Every issued credential owns one slot ``(seq, index)``: bit ``index`` of the revocation list *and* of the
suspension list number ``seq``. Slots are handed out in order from the newest revocation list with one
``UPDATE ... RETURNING``, under the zone's ``status-lists`` lock (which orders concurrent issuers as the row lock
would, and lets the issuer that finds the list full create the next pair of lists, from documents the caller
signs, without racing or deadlocking with the others).
Status changes follow a small machine: active -> suspended | revoked, suspended -> active | revoked; revoked
is final.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from msez.core import NotFoundError, StateTransitionError
from msez.store._base import utcnow
from msez.store._db import lock_key
from msez.store._models_registry import IssuedCredentialRow, StatusListRow

PURPOSES: Final = ("revocation", "suspension")
# action -> (allowed from, to, the list it touches, the bit it writes)
STATUS_CHANGES: Final = {
    "revoke": (("active", "suspended"), "revoked", "revocation", True),
    "suspend": (("active",), "suspended", "suspension", True),
    "reinstate": (("suspended",), "active", "suspension", False),
}


@dataclass(frozen=True)
class StatusSlot:
    seq: int
    index: int


@dataclass(frozen=True)
class NewStatusList:
    """A status list credential the caller built and signed for one purpose of list ``seq``."""

    list_id: str
    size: int
    document: Mapping[str, Any]


@dataclass(frozen=True)
class StatusListRecord:
    purpose: str
    seq: int
    list_id: str
    size: int
    allocated: int
    document: Mapping[str, Any]
    updated_at: datetime


@dataclass(frozen=True)
class IssuedCredential:
    id: str
    zone_id: str
    credential_type: str
    entity_id: str | None
    asset_id: str | None
    status: str
    status_list_seq: int
    status_index: int
    digest: str
    document: Mapping[str, Any]
    issued_at: datetime
    updated_at: datetime


def allocate_slot(
    session: Session, zone_id: str, new_lists: Callable[[int], Mapping[str, NewStatusList]]
) -> StatusSlot:
    """The next free slot, creating lists ``seq + 1`` through ``new_lists(seq + 1)`` when the newest is full.

    ``new_lists`` returns one :class:`NewStatusList` per purpose in :data:`PURPOSES`.
    """
    lock_key(session, "status-lists", zone_id)
    slot = _take(session, zone_id)
    if slot is not None:
        return slot
    seq = _newest_seq(session, zone_id) + 1
    lists, now = new_lists(seq), utcnow()
    rows = [
        {
            "zone_id": zone_id,
            "purpose": purpose,
            "seq": seq,
            "list_id": lists[purpose].list_id,
            "size": lists[purpose].size,
            "allocated": 0,
            "document": dict(lists[purpose].document),
            "updated_at": now,
        }
        for purpose in PURPOSES
    ]
    session.execute(insert(StatusListRow), rows)
    taken = _take(session, zone_id)
    assert taken is not None, "a new status list has free slots"
    return taken


def insert_credential(
    session: Session,
    zone_id: str,
    *,
    credential_id: str,
    credential_type: str,
    slot: StatusSlot,
    digest: str,
    document: Mapping[str, Any],
    issued_at: datetime,
    entity_id: str | None = None,
    asset_id: str | None = None,
) -> IssuedCredential:
    """Store a signed credential as ``active``. Raises: ConflictError (at commit): the id or slot is taken."""
    row: dict[str, Any] = {
        "zone_id": zone_id,
        "id": credential_id,
        "credential_type": credential_type,
        "entity_id": entity_id,
        "asset_id": asset_id,
        "status": "active",
        "status_list_seq": slot.seq,
        "status_index": slot.index,
        "digest": digest,
        "document": dict(document),
        "issued_at": issued_at,
        "updated_at": issued_at,
    }
    session.execute(insert(IssuedCredentialRow), row)
    return IssuedCredential(**row)


def get_credential(session: Session, zone_id: str, credential_id: str) -> IssuedCredential:
    """Raises: NotFoundError."""
    row = session.execute(select(IssuedCredentialRow.__table__).where(_key(zone_id, credential_id))).mappings().first()
    if row is None:
        raise NotFoundError(f"credential {credential_id} not found")
    return IssuedCredential(**row)


def list_credentials(
    session: Session,
    zone_id: str,
    *,
    entity_id: str | None = None,
    asset_id: str | None = None,
    credential_type: str | None = None,
    status: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> list[IssuedCredential]:
    """Issued credentials, oldest first, filtered by exact matches."""
    table = IssuedCredentialRow
    query = select(table.__table__).where(table.zone_id == zone_id)
    for column, value in (
        (table.entity_id, entity_id),
        (table.asset_id, asset_id),
        (table.credential_type, credential_type),
        (table.status, status),
    ):
        if value is not None:
            query = query.where(column == value)
    rows = session.execute(query.order_by(table.issued_at, table.id).offset(offset).limit(limit)).mappings()
    return [IssuedCredential(**r) for r in rows]


def change_status(
    session: Session, zone_id: str, credential_id: str, action: str
) -> tuple[IssuedCredential, str, bool]:
    """Apply ``revoke``, ``suspend`` or ``reinstate`` to the stored status.

    Returns:
        The updated record, the status list purpose to change and the bit to write there.

    Raises:
        NotFoundError. StateTransitionError: the action is not allowed from the current status.
    """
    allowed, target, purpose, bit = STATUS_CHANGES[action]
    row = session.get(IssuedCredentialRow, (zone_id, credential_id), with_for_update=True)
    if row is None:
        raise NotFoundError(f"credential {credential_id} not found")
    if row.status not in allowed:
        valid = tuple(t for a, (sources, t, _, _) in STATUS_CHANGES.items() if row.status in sources)
        raise StateTransitionError(
            f"cannot {action} a {row.status} credential", from_state=row.status, to_state=target, valid_targets=valid
        )
    row.status, row.updated_at = target, utcnow()
    session.flush()
    return get_credential(session, zone_id, credential_id), purpose, bit


def get_status_list(session: Session, zone_id: str, purpose: str, seq: int, *, lock: bool = False) -> StatusListRecord:
    """Raises: NotFoundError."""
    row = session.get(StatusListRow, (zone_id, purpose, seq), with_for_update=lock or None)
    if row is None:
        raise NotFoundError(f"{purpose} status list {seq} not found")
    return StatusListRecord(row.purpose, row.seq, row.list_id, row.size, row.allocated, row.document, row.updated_at)


def status_list_document(session: Session, zone_id: str, list_id: str) -> Mapping[str, Any] | None:
    """The stored status list credential whose ``id`` is ``list_id``, if this zone has it."""
    document: Mapping[str, Any] | None = session.scalar(
        select(StatusListRow.document).where(StatusListRow.zone_id == zone_id, StatusListRow.list_id == list_id)
    )
    return document


def replace_status_list(session: Session, zone_id: str, purpose: str, seq: int, document: Mapping[str, Any]) -> None:
    """Store a re-signed status list credential (the caller locked the row through :func:`get_status_list`)."""
    session.execute(
        update(StatusListRow)
        .where(StatusListRow.zone_id == zone_id, StatusListRow.purpose == purpose, StatusListRow.seq == seq)
        .values(document=dict(document), updated_at=utcnow())
    )


def count_by_status(session: Session, zone_id: str) -> dict[str, int]:
    rows = session.execute(
        select(IssuedCredentialRow.status, func.count())
        .where(IssuedCredentialRow.zone_id == zone_id)
        .group_by(IssuedCredentialRow.status)
    )
    return {status: int(count) for status, count in rows}


def _key(zone_id: str, credential_id: str) -> Any:
    return (IssuedCredentialRow.zone_id == zone_id) & (IssuedCredentialRow.id == credential_id)


def _newest_seq(session: Session, zone_id: str) -> int:
    newest = session.scalar(
        select(func.max(StatusListRow.seq)).where(
            StatusListRow.zone_id == zone_id, StatusListRow.purpose == "revocation"
        )
    )
    return int(newest or 0)


def _take(session: Session, zone_id: str) -> StatusSlot | None:
    """One slot from the newest revocation list, in one statement; ``None`` when there is none or it is full."""
    newest = (
        select(func.max(StatusListRow.seq))
        .where(StatusListRow.zone_id == zone_id, StatusListRow.purpose == "revocation")
        .scalar_subquery()
    )
    taken = session.execute(
        update(StatusListRow)
        .where(
            StatusListRow.zone_id == zone_id,
            StatusListRow.purpose == "revocation",
            StatusListRow.seq == newest,
            StatusListRow.allocated < StatusListRow.size,
        )
        .values(allocated=StatusListRow.allocated + 1)
        .returning(StatusListRow.seq, StatusListRow.allocated)
    ).first()
    return None if taken is None else StatusSlot(int(taken[0]), int(taken[1]) - 1)

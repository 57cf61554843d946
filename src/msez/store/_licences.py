"""Licences the zone grants, with msez.state's licence lifecycle (Applied, UnderReview, Active, Suspended, and
the terminal Revoked, Expired, Surrendered, Rejected) and its history.

A licence belongs to a registered entity; its activities are an allow-list. ``licence_records`` turns a holder's
licences into :class:`msez.pack.LicenseRecord`\\ s so the zone's own licences are checked by the same rules as the
licensepack's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from msez.core import NotFoundError, ValidationError
from msez.pack import LicenseRecord
from msez.state import LICENCE_MACHINE, LicenceLifecycle, TransitionContext
from msez.store._base import utcnow
from msez.store._history import LifecycleEntry, entry_of, history_row, next_seq, wall_clock
from msez.store._models_registry import LicenceRow, LicenceTransitionRow

TRANSITIONS: Final = ("review", "issue", "reject", "suspend", "reinstate", "revoke", "expire", "surrender")
_REASONED: Final = frozenset({"reject", "suspend", "revoke"})
_PACK_STATUS: Final = {
    "Applied": "pending",
    "UnderReview": "pending",
    "Active": "active",
    "Suspended": "suspended",
    "Revoked": "revoked",
    "Expired": "expired",
    "Surrendered": "surrendered",
    "Rejected": "rejected",
}


@dataclass(frozen=True)
class LicenceSpec:
    holder_entity_id: str
    licence_type: str
    activities: tuple[str, ...]
    category: str | None = None
    licence_number: str | None = None
    effective_date: str | None = None
    expiry_date: str | None = None


@dataclass(frozen=True)
class Licence:
    id: str
    zone_id: str
    holder_entity_id: str
    licence_type: str
    category: str | None
    licence_number: str | None
    activities: tuple[str, ...]
    state: str
    state_reason: str | None
    effective_date: str | None
    expiry_date: str | None
    created_at: datetime
    updated_at: datetime


def create_licence(session: Session, zone_id: str, licence_id: str, spec: LicenceSpec) -> Licence:
    """Record an application (state ``Applied``); the holder must exist (the caller checks it).

    Raises:
        ValidationError: no activities, or the expiry is before the effective date.
    """
    if not spec.activities:
        raise ValidationError("a licence permits at least one activity")
    if spec.effective_date and spec.expiry_date and spec.expiry_date < spec.effective_date:
        raise ValidationError(f"expiry_date {spec.expiry_date} is before effective_date {spec.effective_date}")
    now = utcnow()
    row = {
        "zone_id": zone_id,
        "id": licence_id,
        "holder_entity_id": spec.holder_entity_id,
        "licence_type": spec.licence_type,
        "category": spec.category,
        "licence_number": spec.licence_number,
        "activities": sorted(set(spec.activities)),
        "state": LICENCE_MACHINE.initial,
        "state_reason": None,
        "effective_date": spec.effective_date,
        "expiry_date": spec.expiry_date,
        "created_at": now,
        "updated_at": now,
    }
    session.execute(insert(LicenceRow), row)
    return _record(row)


def get_licence(session: Session, zone_id: str, licence_id: str) -> Licence:
    """Raises: NotFoundError."""
    row = session.execute(select(LicenceRow.__table__).where(_key(zone_id, licence_id))).mappings().first()
    if row is None:
        raise NotFoundError(f"licence {licence_id} not found")
    return _record(row)


def list_licences(
    session: Session,
    zone_id: str,
    *,
    holder_entity_id: str | None = None,
    state: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> list[Licence]:
    """Licences oldest first, optionally of one holder or in one state."""
    query = select(LicenceRow.__table__).where(LicenceRow.zone_id == zone_id)
    if holder_entity_id is not None:
        query = query.where(LicenceRow.holder_entity_id == holder_entity_id)
    if state is not None:
        query = query.where(LicenceRow.state == LICENCE_MACHINE.state(state).name)
    rows = session.execute(query.order_by(LicenceRow.created_at, LicenceRow.id).offset(offset).limit(limit))
    return [_record(r) for r in rows.mappings()]


def licence_holder(session: Session, zone_id: str, licence_id: str) -> str:
    """The entity holding a licence. Raises: NotFoundError."""
    holder = session.scalar(select(LicenceRow.holder_entity_id).where(_key(zone_id, licence_id)))
    if holder is None:
        raise NotFoundError(f"licence {licence_id} not found")
    return holder


def transition_licence(
    session: Session,
    zone_id: str,
    licence_id: str,
    name: str,
    context: TransitionContext,
    *,
    reason: str | None = None,
) -> tuple[Licence, LifecycleEntry]:
    """Fire ``name`` (one of :data:`TRANSITIONS`; reject, suspend and revoke need a ``reason``) and record it.

    Raises:
        NotFoundError. ValidationError: an unknown transition name.
        StateTransitionError: the machine refused (not allowed from this state, no reason given).
    """
    if name not in TRANSITIONS:
        raise ValidationError(f"unknown licence transition {name!r}: expected one of {list(TRANSITIONS)}")
    row = session.get(LicenceRow, (zone_id, licence_id), with_for_update=True)
    if row is None:
        raise NotFoundError(f"licence {licence_id} not found")
    lifecycle = LicenceLifecycle.from_json(
        {"machine": "licence", "state": row.state, "licence_id": licence_id, "state_reason": row.state_reason},
        clock=wall_clock,
    )
    step = getattr(lifecycle, name)
    record = step(reason or "", context) if name in _REASONED else step(context.with_reason(reason))
    seq = next_seq(session, LicenceTransitionRow.seq, _history_key(zone_id, licence_id))
    values = {"zone_id": zone_id, "licence_id": licence_id, **history_row(seq, record)}
    session.execute(insert(LicenceTransitionRow), values)
    row.state, row.state_reason, row.updated_at = lifecycle.state, lifecycle.state_reason, utcnow()
    session.flush()
    return get_licence(session, zone_id, licence_id), entry_of(values)


def licence_history(session: Session, zone_id: str, licence_id: str) -> list[LifecycleEntry]:
    """Raises: NotFoundError."""
    get_licence(session, zone_id, licence_id)
    rows = session.execute(
        select(LicenceTransitionRow.__table__)
        .where(_history_key(zone_id, licence_id))
        .order_by(LicenceTransitionRow.seq)
    ).mappings()
    return [entry_of(r) for r in rows]


def licence_records(licences: Sequence[Licence], holder_did: str) -> list[LicenseRecord]:
    """The licences as licensepack records held by ``holder_did`` (states mapped to licensepack statuses)."""
    return [
        LicenseRecord.from_json(
            {
                "license_id": f"urn:msez:licence:{lic.id}",
                "status": _PACK_STATUS[lic.state],
                "holder_id": lic.holder_entity_id,
                "holder_did": holder_did,
                "expiry_date": lic.expiry_date,
                "permitted_activities": list(lic.activities),
            }
        )
        for lic in licences
    ]


def count_by_state(session: Session, zone_id: str) -> dict[str, int]:
    rows = session.execute(
        select(LicenceRow.state, func.count()).where(LicenceRow.zone_id == zone_id).group_by(LicenceRow.state)
    )
    return {state: int(count) for state, count in rows}


def _key(zone_id: str, licence_id: str) -> Any:
    return (LicenceRow.zone_id == zone_id) & (LicenceRow.id == licence_id)


def _history_key(zone_id: str, licence_id: str) -> Any:
    return (LicenceTransitionRow.zone_id == zone_id) & (LicenceTransitionRow.licence_id == licence_id)


def _record(row: Mapping[Any, Any]) -> Licence:
    return Licence(
        row["id"],
        row["zone_id"],
        row["holder_entity_id"],
        row["licence_type"],
        row["category"],
        row["licence_number"],
        tuple(row["activities"]),
        row["state"],
        row["state_reason"],
        row["effective_date"],
        row["expiry_date"],
        row["created_at"],
        row["updated_at"],
    )

"""Entities (Mass primitive, spec §12): the zone's registry of legal entities, their beneficial owners and their
lifecycle (msez.state's entity machine: Applied, Active, Suspended, Dissolving in ten stages, Dissolved, Rejected).

A transition loads the entity's row under a lock, rebuilds its :class:`~msez.state.EntityLifecycle` from the
stored state and dissolution stage, fires the named transition with the caller's evidence, and stores the new
state with one history row; the machine's refusals (:class:`~msez.core.StateTransitionError` subclasses) pass
through unchanged. Beneficial owners' CNIC, NTN and passport numbers are normalised by ``msez.core``, and their
percentages (decimal strings) never sum past 100.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from msez.core import Cnic, ConflictError, NotFoundError, Ntn, PassportNumber, ValidationError
from msez.state import ENTITY_MACHINE, EntityLifecycle, TransitionContext
from msez.store._base import utcnow
from msez.store._history import LifecycleEntry, entry_of, history_row, next_seq, wall_clock
from msez.store._models_registry import BeneficialOwnerRow, EntityRow, EntityTransitionRow

TRANSITIONS: Final = (
    "approve",
    "reject",
    "suspend",
    "reinstate",
    "initiate_dissolution",
    "advance_dissolution",
)
TERMINAL: Final = ENTITY_MACHINE.terminal
UPDATABLE: Final = ("legal_name", "registration_number", "ntn", "did", "details")
_HUNDRED: Final = Decimal(100)


@dataclass(frozen=True)
class BeneficialOwner:
    name: str
    ownership_percentage: str
    cnic: str | None = None
    ntn: str | None = None
    passport: str | None = None

    def identifiers(self) -> dict[str, str]:
        """The owner's national identifiers by type (``cnic``, ``ntn``, ``passport``)."""
        pairs = (("cnic", self.cnic), ("ntn", self.ntn), ("passport", self.passport))
        return {kind: value for kind, value in pairs if value}


@dataclass(frozen=True)
class EntitySpec:
    """What a new entity is registered with."""

    entity_type: str
    legal_name: str
    jurisdiction_id: str
    registration_number: str | None = None
    ntn: str | None = None
    did: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    beneficial_owners: tuple[BeneficialOwner, ...] = ()


@dataclass(frozen=True)
class Entity:
    id: str
    zone_id: str
    entity_type: str
    legal_name: str
    jurisdiction_id: str
    registration_number: str | None
    ntn: str | None
    did: str | None
    state: str
    dissolution_stage: int | None
    details: Mapping[str, Any]
    created_at: datetime
    updated_at: datetime
    beneficial_owners: tuple[BeneficialOwner, ...]

    def identifiers(self) -> dict[str, str]:
        """The entity's own identifiers by type, for sanctions screening."""
        pairs = (("ntn", self.ntn), ("registration", self.registration_number))
        return {kind: value for kind, value in pairs if value}


def owner(
    name: str,
    ownership_percentage: str,
    *,
    cnic: str | None = None,
    ntn: str | None = None,
    passport: str | None = None,
) -> BeneficialOwner:
    """A beneficial owner with normalised identifiers and a checked percentage (0 < p <= 100, two decimals).

    Raises:
        ValidationError: a malformed CNIC, NTN, passport number or percentage.
    """
    percentage = _percentage(ownership_percentage)
    return BeneficialOwner(
        name,
        str(percentage),
        str(Cnic(cnic)) if cnic else None,
        str(Ntn(ntn)) if ntn else None,
        str(PassportNumber(passport)) if passport else None,
    )


def create_entity(session: Session, zone_id: str, entity_id: str, spec: EntitySpec) -> Entity:
    """Register an entity in state ``Applied``.

    Raises:
        ValidationError: a malformed NTN, or owners' percentages summing past 100.
        ConflictError: the id is taken.
    """
    _check_owners(spec.beneficial_owners)
    now = utcnow()
    row = {
        "zone_id": zone_id,
        "id": entity_id,
        "entity_type": spec.entity_type,
        "legal_name": spec.legal_name,
        "jurisdiction_id": spec.jurisdiction_id,
        "registration_number": spec.registration_number,
        "ntn": str(Ntn(spec.ntn)) if spec.ntn else None,
        "did": spec.did,
        "state": ENTITY_MACHINE.initial,
        "dissolution_stage": None,
        "details": dict(spec.details),
        "created_at": now,
        "updated_at": now,
    }
    session.execute(insert(EntityRow), row)
    _insert_owners(session, zone_id, entity_id, spec.beneficial_owners)
    return _record(row, spec.beneficial_owners)


def get_entity(session: Session, zone_id: str, entity_id: str) -> Entity:
    """Raises: NotFoundError."""
    row = session.execute(select(EntityRow.__table__).where(_key(zone_id, entity_id))).mappings().first()
    if row is None:
        raise NotFoundError(f"entity {entity_id} not found")
    return _record(row, _owners(session, zone_id, [entity_id]).get(entity_id, ()))


def list_entities(
    session: Session,
    zone_id: str,
    *,
    state: str | None = None,
    entity_id: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> list[Entity]:
    """Entities oldest first, optionally in one state or only ``entity_id`` (an operator's own)."""
    query = select(EntityRow.__table__).where(EntityRow.zone_id == zone_id)
    if state is not None:
        query = query.where(EntityRow.state == ENTITY_MACHINE.state(state).name)
    if entity_id is not None:
        query = query.where(EntityRow.id == entity_id)
    rows = session.execute(query.order_by(EntityRow.created_at, EntityRow.id).offset(offset).limit(limit)).mappings()
    found = list(rows)
    owners = _owners(session, zone_id, [r["id"] for r in found]) if found else {}
    return [_record(r, owners.get(r["id"], ())) for r in found]


def require_entity(session: Session, zone_id: str, entity_id: str) -> None:
    """Raises: NotFoundError: no such entity. ConflictError: it is dissolved or rejected."""
    state = session.scalar(select(EntityRow.state).where(_key(zone_id, entity_id)))
    if state is None:
        raise NotFoundError(f"entity {entity_id} not found")
    if state in TERMINAL:
        raise ConflictError(f"entity {entity_id} is {state}; it takes no new records")


def update_entity(session: Session, zone_id: str, entity_id: str, changes: Mapping[str, Any]) -> Entity:
    """Change the registration fields in ``changes`` (keys of :data:`UPDATABLE`).

    Raises:
        NotFoundError. ValidationError: an unknown field or a malformed NTN. ConflictError: dissolved or rejected.
    """
    unknown = sorted(set(changes) - set(UPDATABLE))
    if unknown:
        raise ValidationError(f"cannot update {unknown}; updatable fields are {list(UPDATABLE)}")
    row = _locked(session, zone_id, entity_id)
    _refuse_terminal(row)
    for name, value in changes.items():
        setattr(row, name, str(Ntn(value)) if name == "ntn" and value else value)
    row.updated_at = utcnow()
    session.flush()
    return get_entity(session, zone_id, entity_id)


def replace_owners(session: Session, zone_id: str, entity_id: str, owners: Sequence[BeneficialOwner]) -> Entity:
    """Replace the entity's beneficial owners.

    Raises:
        NotFoundError. ValidationError: percentages summing past 100. ConflictError: dissolved or rejected.
    """
    _check_owners(owners)
    row = _locked(session, zone_id, entity_id)
    _refuse_terminal(row)
    session.execute(delete(BeneficialOwnerRow).where(_owner_key(zone_id, entity_id)))
    _insert_owners(session, zone_id, entity_id, owners)
    row.updated_at = utcnow()
    session.flush()
    return get_entity(session, zone_id, entity_id)


def transition_entity(
    session: Session, zone_id: str, entity_id: str, name: str, context: TransitionContext
) -> tuple[Entity, LifecycleEntry]:
    """Fire the lifecycle transition ``name`` (one of :data:`TRANSITIONS`) and record it.

    Raises:
        NotFoundError. ValidationError: an unknown transition name.
        StateTransitionError: the machine refused (not allowed from this state, missing evidence, guard).
    """
    if name not in TRANSITIONS:
        raise ValidationError(f"unknown entity transition {name!r}: expected one of {list(TRANSITIONS)}")
    row = _locked(session, zone_id, entity_id)
    lifecycle = EntityLifecycle.from_json(
        {"machine": "entity", "state": row.state, "entity_id": entity_id, "dissolution_stage": row.dissolution_stage},
        clock=wall_clock,
    )
    record = getattr(lifecycle, name)(context)
    stage = None if lifecycle.dissolution_stage is None else int(lifecycle.dissolution_stage)
    seq = next_seq(session, EntityTransitionRow.seq, _history_key(zone_id, entity_id))
    values = {"zone_id": zone_id, "entity_id": entity_id, **history_row(seq, record), "dissolution_stage": stage}
    session.execute(insert(EntityTransitionRow), values)
    row.state, row.dissolution_stage, row.updated_at = lifecycle.state, stage, utcnow()
    session.flush()
    return get_entity(session, zone_id, entity_id), entry_of(values)


def entity_history(session: Session, zone_id: str, entity_id: str) -> list[LifecycleEntry]:
    """The entity's applied transitions, oldest first. Raises: NotFoundError."""
    get_entity(session, zone_id, entity_id)
    rows = session.execute(
        select(EntityTransitionRow.__table__).where(_history_key(zone_id, entity_id)).order_by(EntityTransitionRow.seq)
    ).mappings()
    return [entry_of(r) for r in rows]


def count_by_state(session: Session, zone_id: str) -> dict[str, int]:
    rows = session.execute(
        select(EntityRow.state, func.count()).where(EntityRow.zone_id == zone_id).group_by(EntityRow.state)
    )
    return {state: int(count) for state, count in rows}


def _key(zone_id: str, entity_id: str) -> Any:
    return (EntityRow.zone_id == zone_id) & (EntityRow.id == entity_id)


def _owner_key(zone_id: str, entity_id: str) -> Any:
    return (BeneficialOwnerRow.zone_id == zone_id) & (BeneficialOwnerRow.entity_id == entity_id)


def _history_key(zone_id: str, entity_id: str) -> Any:
    return (EntityTransitionRow.zone_id == zone_id) & (EntityTransitionRow.entity_id == entity_id)


def _locked(session: Session, zone_id: str, entity_id: str) -> EntityRow:
    row = session.get(EntityRow, (zone_id, entity_id), with_for_update=True)
    if row is None:
        raise NotFoundError(f"entity {entity_id} not found")
    return row


def _refuse_terminal(row: EntityRow) -> None:
    if row.state in TERMINAL:
        raise ConflictError(f"entity {row.id} is {row.state}; its registration can no longer change")


def _percentage(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"ownership_percentage must be a decimal string, got {text!r}") from None
    if not value.is_finite() or value <= 0 or value > _HUNDRED or value != value.quantize(Decimal("0.01")):
        raise ValidationError(f"ownership_percentage must be in (0, 100] with at most two decimals, got {text!r}")
    return value.quantize(Decimal("0.01"))


def _check_owners(owners: Sequence[BeneficialOwner]) -> None:
    total = sum((_percentage(o.ownership_percentage) for o in owners), Decimal(0))
    if total > _HUNDRED:
        raise ValidationError(f"beneficial owners' ownership_percentage sums to {total}, more than 100")


def _insert_owners(session: Session, zone_id: str, entity_id: str, owners: Sequence[BeneficialOwner]) -> None:
    if not owners:
        return
    rows = [
        {
            "zone_id": zone_id,
            "entity_id": entity_id,
            "position": position,
            "name": o.name,
            "ownership_percentage": o.ownership_percentage,
            "cnic": o.cnic,
            "ntn": o.ntn,
            "passport": o.passport,
        }
        for position, o in enumerate(owners)
    ]
    session.execute(insert(BeneficialOwnerRow), rows)


def _owners(session: Session, zone_id: str, entity_ids: Sequence[str]) -> dict[str, tuple[BeneficialOwner, ...]]:
    rows = session.execute(
        select(BeneficialOwnerRow.__table__)
        .where(BeneficialOwnerRow.zone_id == zone_id, BeneficialOwnerRow.entity_id.in_(entity_ids))
        .order_by(BeneficialOwnerRow.entity_id, BeneficialOwnerRow.position)
    ).mappings()
    found: dict[str, list[BeneficialOwner]] = {}
    for r in rows:
        found.setdefault(r["entity_id"], []).append(
            BeneficialOwner(r["name"], r["ownership_percentage"], r["cnic"], r["ntn"], r["passport"])
        )
    return {k: tuple(v) for k, v in found.items()}


def _record(row: Mapping[Any, Any], owners: Sequence[BeneficialOwner]) -> Entity:
    return Entity(
        row["id"],
        row["zone_id"],
        row["entity_type"],
        row["legal_name"],
        row["jurisdiction_id"],
        row["registration_number"],
        row["ntn"],
        row["did"],
        row["state"],
        row["dissolution_stage"],
        row["details"],
        row["created_at"],
        row["updated_at"],
        tuple(owners),
    )

"""``/v1/entities``: the zone's entity registry (audit stream ``entities``).

Zone admins register entities (orchestrated: compliance evaluation, sanctions refusal, formation credential,
attestation) and move them through their lifecycle with evidence; an entity operator reads and updates its own
entity (registration fields, beneficial owners); regulators read.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import Field, StringConstraints, model_validator

from msez.api._auth import Role
from msez.api._node import Context, Tx, WriteOp
from msez.api._wire import Ctx, In, Out, Paging, Text255, WriteOut
from msez.core import Cnic, Did, Ntn, PassportNumber
from msez.state import Evidence, TransitionContext
from msez.store import LifecycleEntry, entities

router = APIRouter(prefix="/v1/entities", tags=["entities"])
STREAM = "entities"
EntityType = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
Percentage = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,3}(\.[0-9]{1,2})?$")]
Registration = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
JurisdictionText = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")]
EvidenceType = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.-]{0,63}$")]
DigestText = Annotated[str, StringConstraints(pattern=r"^(sha256:)?[0-9a-f]{64}$")]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
State = Literal["Applied", "Active", "Suspended", "Dissolving", "Dissolved", "Rejected"]
TransitionName = Literal["approve", "reject", "suspend", "reinstate", "initiate_dissolution", "advance_dissolution"]


class OwnerIn(In):
    name: Text255
    ownership_percentage: Percentage = Field(description="Decimal string, e.g. '25.50'; owners sum to <= 100")
    cnic: Cnic | None = None
    ntn: Ntn | None = None
    passport: PassportNumber | None = None

    def record(self) -> entities.BeneficialOwner:
        return entities.owner(
            self.name, self.ownership_percentage, cnic=self.cnic, ntn=self.ntn, passport=self.passport
        )


class EntityIn(In):
    entity_type: EntityType
    legal_name: Text255
    jurisdiction_id: JurisdictionText | None = Field(default=None, description="Default: the zone's jurisdiction")
    registration_number: Registration | None = None
    ntn: Ntn | None = None
    did: Did | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    beneficial_owners: list[OwnerIn] = Field(default_factory=list, max_length=100)


class EntityPatch(In):
    legal_name: Text255 | None = None
    registration_number: Registration | None = None
    ntn: Ntn | None = None
    did: Did | None = None
    details: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _changes_something(self) -> EntityPatch:
        if not self.model_fields_set:
            raise ValueError("name at least one field to change")
        cleared = sorted(
            f for f in ("legal_name", "details") if f in self.model_fields_set and getattr(self, f) is None
        )
        if cleared:
            raise ValueError(f"{', '.join(cleared)} cannot be null")
        return self


class OwnersIn(In):
    beneficial_owners: list[OwnerIn] = Field(max_length=100)


class EvidenceIn(In):
    type: EvidenceType
    digest: DigestText


class TransitionIn(In):
    transition: TransitionName
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=20)
    reason: Reason | None = None
    shareholder_approval_bps: int | None = Field(default=None, ge=0, le=10000)


class OwnerOut(Out):
    name: str
    ownership_percentage: str
    cnic: str | None
    ntn: str | None
    passport: str | None


class EntityOut(WriteOut):
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
    details: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    beneficial_owners: list[OwnerOut]


class LifecycleEntryOut(Out):
    seq: int
    transition: str
    from_state: str
    to_state: str
    at: datetime
    actor: str | None
    reason: str | None
    evidence: list[dict[str, str]]
    dissolution_stage: int | None = None


class TransitionOut(WriteOut):
    entity: EntityOut
    transition: LifecycleEntryOut


@dataclass(frozen=True)
class _Moved:
    entity: entities.Entity
    transition: LifecycleEntry


@router.post("", status_code=201, summary="Register an entity (orchestrated: compliance, formation credential)")
def create_entity(body: EntityIn, ctx: Ctx) -> EntityOut:
    ctx.caller.require(Role.ZONE_ADMIN)
    entity_id = str(uuid.uuid4())
    spec = entities.EntitySpec(
        entity_type=body.entity_type,
        legal_name=body.legal_name,
        jurisdiction_id=body.jurisdiction_id or ctx.node.settings.jurisdiction_id,
        registration_number=body.registration_number,
        ntn=body.ntn,
        did=body.did,
        details=body.details,
        beneficial_owners=tuple(o.record() for o in body.beneficial_owners),
    )

    def work(tx: Tx) -> entities.Entity:
        entity = entities.create_entity(tx.session, tx.zone_id, entity_id, spec)
        tx.audit(STREAM, "entity.create", subject=entity_id, details={"entity_type": spec.entity_type})
        return entity

    op = WriteOp("entities", "entity.create", entity_id, body.model_dump(mode="json"))
    return EntityOut.written(ctx.write(op, work))


@router.get("", summary="Entities, oldest first (an operator sees its own)")
def list_entities(ctx: Ctx, paging: Paging, state: Annotated[State | None, Query()] = None) -> list[EntityOut]:
    own = ctx.caller.entity_id if ctx.caller.role is Role.ENTITY_OPERATOR else None
    found = ctx.read(
        lambda s: entities.list_entities(
            s, ctx.zone_id, state=state, entity_id=own, offset=paging.offset, limit=paging.limit
        )
    )
    return [EntityOut.of(e) for e in found]


@router.get("/{entity_id}", summary="An entity with its beneficial owners")
def get_entity(entity_id: uuid.UUID, ctx: Ctx) -> EntityOut:
    key = str(entity_id)
    ctx.caller.require_read(key)
    return EntityOut.of(ctx.read(lambda s: entities.get_entity(s, ctx.zone_id, key)))


@router.patch("/{entity_id}", summary="Change registration fields (orchestrated)")
def update_entity(entity_id: uuid.UUID, body: EntityPatch, ctx: Ctx) -> EntityOut:
    key = str(entity_id)
    ctx.caller.require_entity(key)
    changes = body.model_dump(exclude_unset=True)

    def work(tx: Tx) -> entities.Entity:
        entity = entities.update_entity(tx.session, tx.zone_id, key, changes)
        tx.audit(STREAM, "entity.update", subject=key, details={"fields": sorted(changes)})
        return entity

    return EntityOut.written(ctx.write(WriteOp("entities", "entity.update", key, changes), work))


@router.put("/{entity_id}/beneficial-owners", summary="Replace the beneficial owners (orchestrated)")
def replace_owners(entity_id: uuid.UUID, body: OwnersIn, ctx: Ctx) -> EntityOut:
    key = str(entity_id)
    ctx.caller.require_entity(key)
    owners = [o.record() for o in body.beneficial_owners]

    def work(tx: Tx) -> entities.Entity:
        entity = entities.replace_owners(tx.session, tx.zone_id, key, owners)
        tx.audit(STREAM, "entity.owners", subject=key, details={"owners": len(owners)})
        return entity

    op = WriteOp("entities", "entity.owners", key, body.model_dump(mode="json"))
    return EntityOut.written(ctx.write(op, work))


@router.post("/{entity_id}/transitions", summary="Apply a lifecycle transition with evidence (zone admin)")
def transition(entity_id: uuid.UUID, body: TransitionIn, ctx: Ctx) -> TransitionOut:
    ctx.caller.require(Role.ZONE_ADMIN)
    key = str(entity_id)
    context = _context(ctx, body)

    def work(tx: Tx) -> _Moved:
        entity, entry = entities.transition_entity(tx.session, tx.zone_id, key, body.transition, context)
        details = {"transition": entry.transition, "from": entry.from_state, "to": entry.to_state}
        tx.audit(STREAM, f"entity.{body.transition}", subject=key, details=details)
        return _Moved(entity, entry)

    op = WriteOp("entities", f"entity.{body.transition}", key, body.model_dump(mode="json"))
    return TransitionOut.written(ctx.write(op, work))


@router.get("/{entity_id}/transitions", summary="The entity's lifecycle history, oldest first")
def history(entity_id: uuid.UUID, ctx: Ctx) -> list[LifecycleEntryOut]:
    key = str(entity_id)
    ctx.caller.require_read(key)
    return [LifecycleEntryOut.of(e) for e in ctx.read(lambda s: entities.entity_history(s, ctx.zone_id, key))]


def _context(ctx: Context, body: TransitionIn) -> TransitionContext:
    facts = {} if body.shareholder_approval_bps is None else {"shareholder_approval_bps": body.shareholder_approval_bps}
    return TransitionContext(
        actor=ctx.caller.role.label,
        evidence=tuple(Evidence.parse(e.type, e.digest) for e in body.evidence),
        facts=facts,
        reason=body.reason,
    )

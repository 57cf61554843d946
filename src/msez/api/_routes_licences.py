"""``/v1/licences``: licences the zone grants, their lifecycle, and licence checks (audit stream ``licences``).

An entity applies for a licence (orchestrated: compliance evaluation, sanctions refusal); the zone admin
reviews, issues, rejects, suspends, reinstates, revokes or expires it, and the holder may surrender it. A check
answers whether a holder may carry on an activity on a date, by the zone's pinned licensepacks and the node's
own licences under the same rules.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import Field, StringConstraints, model_validator
from sqlalchemy.orm import Session

from msez.api._assess import check_licence
from msez.api._assess import holder_did as entity_holder
from msez.api._auth import Role
from msez.api._node import Context, Tx, WriteOp
from msez.api._routes_entities import EvidenceIn, LifecycleEntryOut, Reason
from msez.api._wire import Ctx, In, Name, Out, Paging, WriteOut
from msez.core import ValidationError
from msez.pack import LicenseCheck
from msez.state import Evidence, TransitionContext
from msez.store import LifecycleEntry, entities, licences, utcnow

router = APIRouter(prefix="/v1/licences", tags=["licences"])
STREAM = "licences"
Activity = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.-]{0,63}$")]
LicenceNumber = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
HolderDid = Annotated[str, StringConstraints(pattern=r"^(did|urn):[A-Za-z0-9._:%-]{1,250}$")]
State = Literal["Applied", "UnderReview", "Active", "Suspended", "Revoked", "Expired", "Surrendered", "Rejected"]
TransitionName = Literal["review", "issue", "reject", "suspend", "reinstate", "revoke", "expire", "surrender"]


class LicenceIn(In):
    holder_entity_id: uuid.UUID
    licence_type: Name
    activities: list[Activity] = Field(min_length=1, max_length=50)
    category: Name | None = None
    licence_number: LicenceNumber | None = None
    effective_date: date | None = None
    expiry_date: date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> LicenceIn:
        if self.effective_date and self.expiry_date and self.expiry_date < self.effective_date:
            raise ValueError("expiry_date is before effective_date")
        return self


class LicenceTransitionIn(In):
    transition: TransitionName
    reason: Reason | None = None
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=20)


class LicenceOut(WriteOut):
    id: str
    zone_id: str
    holder_entity_id: str
    licence_type: str
    category: str | None
    licence_number: str | None
    activities: list[str]
    state: str
    state_reason: str | None
    effective_date: str | None
    expiry_date: str | None
    created_at: datetime
    updated_at: datetime


class LicenceTransitionOut(WriteOut):
    licence: LicenceOut
    transition: LifecycleEntryOut


class LicenceCheckOut(Out):
    holder: str
    activity: str
    on: date
    valid: bool
    state: str
    licence_id: str | None
    source: str | None = Field(description="node (a licence of this zone node) or licensepack")
    licensepack_digest: str | None


@dataclass(frozen=True)
class _Moved:
    licence: licences.Licence
    transition: LifecycleEntry


@router.post("", status_code=201, summary="Apply for a licence (orchestrated)")
def apply(body: LicenceIn, ctx: Ctx) -> LicenceOut:
    holder = str(body.holder_entity_id)
    ctx.caller.require_entity(holder)
    licence_id = str(uuid.uuid4())
    spec = licences.LicenceSpec(
        holder_entity_id=holder,
        licence_type=body.licence_type,
        activities=tuple(body.activities),
        category=body.category,
        licence_number=body.licence_number,
        effective_date=body.effective_date.isoformat() if body.effective_date else None,
        expiry_date=body.expiry_date.isoformat() if body.expiry_date else None,
    )

    def work(tx: Tx) -> licences.Licence:
        tx.require_entity(holder)
        licence = licences.create_licence(tx.session, tx.zone_id, licence_id, spec)
        tx.audit(STREAM, "licence.apply", subject=licence_id, details={"holder": holder, "type": body.licence_type})
        return licence

    op = WriteOp("licences", "licence.apply", holder, body.model_dump(mode="json"))
    return LicenceOut.written(ctx.write(op, work))


@router.get("", summary="Licences, oldest first (an operator sees its own entity's)")
def list_licences(
    ctx: Ctx,
    paging: Paging,
    holder_entity_id: Annotated[uuid.UUID | None, Query()] = None,
    state: Annotated[State | None, Query()] = None,
) -> list[LicenceOut]:
    holder = str(holder_entity_id) if holder_entity_id else None
    if ctx.caller.role is Role.ENTITY_OPERATOR:
        ctx.caller.require_read(holder or ctx.caller.entity_id)
        holder = ctx.caller.entity_id
    found = ctx.read(
        lambda s: licences.list_licences(
            s, ctx.zone_id, holder_entity_id=holder, state=state, offset=paging.offset, limit=paging.limit
        )
    )
    return [LicenceOut.of(x) for x in found]


@router.get("/check", summary="May a holder carry on an activity? (licensepacks and this node's licences)")
def check(
    ctx: Ctx,
    activity: Annotated[Activity, Query()],
    entity_id: Annotated[uuid.UUID | None, Query(description="A registered entity")] = None,
    holder_did: Annotated[HolderDid | None, Query(description="A holder DID (licensepack holders)")] = None,
    on: Annotated[date | None, Query(description="Default: today (UTC)")] = None,
) -> LicenceCheckOut:
    if (entity_id is None) == (holder_did is None):
        raise ValidationError("name exactly one of entity_id and holder_did")
    day = on or utcnow().date()
    entity_key = str(entity_id) if entity_id else None
    if entity_key is not None:
        ctx.caller.require_read(entity_key)

    def work(session: Session) -> tuple[str, LicenseCheck]:
        holder = holder_did or ""
        if entity_key is not None:
            entity = entities.get_entity(session, ctx.zone_id, entity_key)
            holder = entity.did or entity_holder(entity_key)
        return holder, check_licence(
            session, ctx.node.zone, entity_id=entity_key, holder=holder, activity=activity, on=day
        )

    holder, result = ctx.read(work)
    source = (
        None if result.license_id is None else "node" if result.license_id.startswith("urn:msez:") else "licensepack"
    )
    digest = ctx.node.zone.licensepack_digest
    return LicenceCheckOut(
        holder=holder,
        activity=activity,
        on=day,
        valid=result.valid,
        state=str(result.state),
        licence_id=result.license_id,
        source=source,
        licensepack_digest=digest.hex if source == "licensepack" and digest else None,
    )


@router.get("/{licence_id}", summary="A licence")
def get_licence(licence_id: uuid.UUID, ctx: Ctx) -> LicenceOut:
    licence = ctx.read(lambda s: licences.get_licence(s, ctx.zone_id, str(licence_id)))
    ctx.caller.require_read(licence.holder_entity_id)
    return LicenceOut.of(licence)


@router.post("/{licence_id}/transitions", summary="Apply a lifecycle transition (zone admin; holders may surrender)")
def transition(licence_id: uuid.UUID, body: LicenceTransitionIn, ctx: Ctx) -> LicenceTransitionOut:
    key = str(licence_id)
    context = TransitionContext(
        actor=ctx.caller.role.label, evidence=tuple(Evidence.parse(e.type, e.digest) for e in body.evidence)
    )

    def resolve(session: Session) -> WriteOp:
        holder = licences.licence_holder(session, ctx.zone_id, key)
        _authorise(ctx, holder, body.transition)
        return WriteOp("licences", f"licence.{body.transition}", holder, body.model_dump(mode="json"))

    def work(tx: Tx) -> _Moved:
        licence, entry = licences.transition_licence(
            tx.session, tx.zone_id, key, body.transition, context, reason=body.reason
        )
        details = {"transition": entry.transition, "from": entry.from_state, "to": entry.to_state}
        tx.audit(STREAM, f"licence.{body.transition}", subject=key, details=details)
        return _Moved(licence, entry)

    return LicenceTransitionOut.written(ctx.write(resolve, work))


@router.get("/{licence_id}/transitions", summary="The licence's lifecycle history, oldest first")
def history(licence_id: uuid.UUID, ctx: Ctx) -> list[LifecycleEntryOut]:
    key = str(licence_id)
    licence = ctx.read(lambda s: licences.get_licence(s, ctx.zone_id, key))
    ctx.caller.require_read(licence.holder_entity_id)
    return [LifecycleEntryOut.of(e) for e in ctx.read(lambda s: licences.licence_history(s, ctx.zone_id, key))]


def _authorise(ctx: Context, holder: str, name: str) -> None:
    if name == "surrender":
        ctx.caller.require_entity(holder)
    else:
        ctx.caller.require(Role.ZONE_ADMIN)

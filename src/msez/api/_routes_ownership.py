"""``/v1/ownership``: cap tables, share classes, issuances and transfers (audit stream ``ownership``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from fastapi import APIRouter
from pydantic import Field
from sqlalchemy.orm import Session

from msez.api._node import Context, Tx, WriteOp
from msez.api._wire import Count, Ctx, DecimalString, In, Name, Out, Paging, Reference, Text255, WriteOut
from msez.store import ownership

router = APIRouter(prefix="/v1/ownership", tags=["ownership"])
STREAM = "ownership"


class ShareClassIn(In):
    name: Name
    authorized_shares: Count
    par_value: DecimalString | None = None
    voting_rights: bool = True

    def spec(self) -> ownership.ShareClassSpec:
        return ownership.ShareClassSpec(self.name, self.authorized_shares, self.par_value, self.voting_rights)


class CapTableIn(In):
    entity_id: uuid.UUID
    share_classes: list[ShareClassIn] = Field(default_factory=list, max_length=100)


class IssuanceIn(In):
    share_class: Name
    to_holder: Text255
    shares: Count
    reference: Reference | None = None


class TransferIn(In):
    share_class: Name
    from_holder: Text255
    to_holder: Text255
    shares: Count
    reference: Reference | None = None


class HoldingOut(Out):
    holder_id: str
    shares: int


class ShareClassOut(Out):
    id: str
    name: str
    authorized_shares: int
    issued_shares: int
    par_value: str | None
    voting_rights: bool
    holdings: list[HoldingOut]


class CapTableOut(WriteOut):
    id: str
    zone_id: str
    entity_id: str
    created_at: datetime
    share_classes: list[ShareClassOut]


class MovementOut(WriteOut):
    id: str
    cap_table_id: str
    share_class: str
    kind: str
    from_holder: str | None
    to_holder: str
    shares: int
    reference: str | None
    created_at: datetime


@router.post("/cap-tables", status_code=201, summary="Create an entity's cap table")
def create_cap_table(body: CapTableIn, ctx: Ctx) -> CapTableOut:
    entity_id = str(body.entity_id)
    ctx.caller.require_entity(entity_id)

    def work(tx: Tx) -> ownership.CapTable:
        tx.require_entity(entity_id)
        table = ownership.create_cap_table(tx.session, tx.zone_id, entity_id, [c.spec() for c in body.share_classes])
        tx.audit(STREAM, "cap_table.create", subject=table.id, details={"entity_id": entity_id})
        return table

    op = WriteOp("ownership", "cap_table.create", entity_id, body.model_dump(mode="json"))
    return CapTableOut.written(ctx.write(op, work))


@router.get("/cap-tables/{cap_table_id}", summary="A cap table with its classes and holdings")
def get_cap_table(cap_table_id: uuid.UUID, ctx: Ctx) -> CapTableOut:
    table = ctx.read(lambda s: ownership.get_cap_table(s, ctx.zone_id, str(cap_table_id)))
    ctx.caller.require_read(table.entity_id)
    return CapTableOut.of(table)


@router.post("/cap-tables/{cap_table_id}/share-classes", status_code=201, summary="Add a share class")
def add_share_class(cap_table_id: uuid.UUID, body: ShareClassIn, ctx: Ctx) -> CapTableOut:
    table_id = str(cap_table_id)

    def work(tx: Tx) -> ownership.CapTable:
        table = ownership.add_share_class(tx.session, tx.zone_id, table_id, body.spec())
        tx.audit(STREAM, "share_class.create", subject=table_id, details={"name": body.name})
        return table

    return CapTableOut.written(ctx.write(_op(ctx, table_id, "share_class.create", body), work))


@router.post("/cap-tables/{cap_table_id}/issuances", status_code=201, summary="Issue shares")
def issue_shares(cap_table_id: uuid.UUID, body: IssuanceIn, ctx: Ctx) -> MovementOut:
    table_id = str(cap_table_id)

    def work(tx: Tx) -> ownership.ShareMovement:
        movement = ownership.issue_shares(
            tx.session,
            tx.zone_id,
            table_id,
            share_class=body.share_class,
            to_holder=body.to_holder,
            shares=body.shares,
            reference=body.reference,
        )
        tx.audit(STREAM, "shares.issue", subject=movement.id, details=_movement_details(movement))
        return movement

    return MovementOut.written(ctx.write(_op(ctx, table_id, "shares.issue", body), work))


@router.post("/cap-tables/{cap_table_id}/transfers", status_code=201, summary="Transfer shares between holders")
def transfer_shares(cap_table_id: uuid.UUID, body: TransferIn, ctx: Ctx) -> MovementOut:
    table_id = str(cap_table_id)

    def work(tx: Tx) -> ownership.ShareMovement:
        movement = ownership.transfer_shares(
            tx.session,
            tx.zone_id,
            table_id,
            share_class=body.share_class,
            from_holder=body.from_holder,
            to_holder=body.to_holder,
            shares=body.shares,
            reference=body.reference,
        )
        tx.audit(STREAM, "shares.transfer", subject=movement.id, details=_movement_details(movement))
        return movement

    return MovementOut.written(ctx.write(_op(ctx, table_id, "shares.transfer", body), work))


@router.get("/cap-tables/{cap_table_id}/movements", summary="Issuances and transfers, oldest first")
def list_movements(cap_table_id: uuid.UUID, ctx: Ctx, paging: Paging) -> list[MovementOut]:
    table_id = str(cap_table_id)

    def work(session: Session) -> list[ownership.ShareMovement]:
        ctx.caller.require_read(ownership.cap_table_entity(session, ctx.zone_id, table_id))
        return ownership.list_movements(session, ctx.zone_id, table_id, offset=paging.offset, limit=paging.limit)

    return [MovementOut.of(m) for m in ctx.read(work)]


def _op(ctx: Context, table_id: str, action: str, body: In) -> Callable[[Session], WriteOp]:
    def resolve(session: Session) -> WriteOp:
        entity_id = ownership.cap_table_entity(session, ctx.zone_id, table_id)
        ctx.caller.require_entity(entity_id)
        return WriteOp("ownership", action, entity_id, {"cap_table_id": table_id, **body.model_dump(mode="json")})

    return resolve


def _movement_details(movement: ownership.ShareMovement) -> dict[str, object]:
    return {
        "cap_table_id": movement.cap_table_id,
        "share_class": movement.share_class,
        "from_holder": movement.from_holder,
        "to_holder": movement.to_holder,
        "shares": movement.shares,
    }

"""``/v1/identity``: KYC/KYB verifications, CNIC and NTN links, verifier attestations (stream ``identity``).

Entity operators start verifications of their own entity and link its identifiers; attestations, which decide
the outcome, come from the zone (zone admins) only.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import Field
from sqlalchemy.orm import Session

from msez.api._auth import Role
from msez.api._node import Context, Tx, WriteOp
from msez.api._wire import Ctx, In, Name, Out, Text255, WriteOut
from msez.core import Cnic, Ntn
from msez.store import identity

router = APIRouter(prefix="/v1/identity", tags=["identity"])
STREAM = "identity"


class LinkedIdIn(In):
    id_type: Literal["cnic", "ntn", "passport"]
    id_value: Text255


class VerifyIn(In):
    entity_id: uuid.UUID
    identity_type: Literal["kyc", "kyb"]
    linked_ids: list[LinkedIdIn] = Field(default_factory=list, max_length=20)


class CnicIn(In):
    cnic: Cnic


class NtnIn(In):
    ntn: Ntn


class AttestationIn(In):
    attestation_type: Name
    issuer: Text255
    outcome: Literal["verified", "rejected"]
    expires_at: datetime | None = None
    details: dict[str, Any] = Field(default_factory=dict)


class LinkOut(Out):
    id_type: str
    id_value: str
    linked_at: datetime


class AttestationOut(Out):
    id: str
    attestation_type: str
    issuer: str
    outcome: str
    issued_at: datetime
    expires_at: datetime | None
    details: dict[str, Any]


class IdentityOut(WriteOut):
    id: str
    zone_id: str
    entity_id: str
    identity_type: str
    status: str
    created_at: datetime
    updated_at: datetime
    links: list[LinkOut]
    attestations: list[AttestationOut]


@router.post("/verify", status_code=201, summary="Start a KYC/KYB verification")
def verify(body: VerifyIn, ctx: Ctx) -> IdentityOut:
    entity_id = str(body.entity_id)
    ctx.caller.require_entity(entity_id)

    def work(tx: Tx) -> identity.Identity:
        tx.require_entity(entity_id)
        record = identity.create_identity(
            tx.session,
            tx.zone_id,
            entity_id=entity_id,
            identity_type=body.identity_type,
            links=[(link.id_type, link.id_value) for link in body.linked_ids],
        )
        tx.audit(STREAM, "identity.verify", subject=record.id, details={"entity_id": entity_id})
        return record

    op = WriteOp("identity", "identity.verify", entity_id, body.model_dump(mode="json"))
    return IdentityOut.written(ctx.write(op, work))


@router.get("/{identity_id}", summary="A verification with its links and attestations")
def get_identity(identity_id: uuid.UUID, ctx: Ctx) -> IdentityOut:
    record = ctx.read(lambda s: identity.get_identity(s, ctx.zone_id, str(identity_id)))
    ctx.caller.require_read(record.entity_id)
    return IdentityOut.of(record)


@router.post("/{identity_id}/cnic", summary="Link a NADRA CNIC")
def link_cnic(identity_id: uuid.UUID, body: CnicIn, ctx: Ctx) -> IdentityOut:
    return _link(ctx, str(identity_id), "cnic", body.cnic)


@router.post("/{identity_id}/ntn", summary="Link an FBR NTN")
def link_ntn(identity_id: uuid.UUID, body: NtnIn, ctx: Ctx) -> IdentityOut:
    return _link(ctx, str(identity_id), "ntn", body.ntn)


@router.post("/{identity_id}/attestations", status_code=201, summary="Record a verifier's attestation (zone admin)")
def attest(identity_id: uuid.UUID, body: AttestationIn, ctx: Ctx) -> IdentityOut:
    ctx.caller.require(Role.ZONE_ADMIN)
    key = str(identity_id)

    def work(tx: Tx) -> identity.Identity:
        record = identity.add_attestation(
            tx.session,
            tx.zone_id,
            key,
            attestation_type=body.attestation_type,
            issuer=body.issuer,
            outcome=body.outcome,
            expires_at=body.expires_at,
            details=body.details,
        )
        details = {"attestation_type": body.attestation_type, "outcome": body.outcome, "issuer": body.issuer}
        tx.audit(STREAM, "identity.attest", subject=key, details=details)
        return record

    return IdentityOut.written(ctx.write(_op(ctx, key, "identity.attest", body.model_dump(mode="json")), work))


def _link(ctx: Context, identity_id: str, id_type: str, value: str) -> IdentityOut:
    def work(tx: Tx) -> identity.Identity:
        record = identity.link_identifier(tx.session, tx.zone_id, identity_id, id_type, value)
        tx.audit(STREAM, f"identity.link_{id_type}", subject=identity_id, details={"id_type": id_type})
        return record

    op = _op(ctx, identity_id, f"identity.link_{id_type}", {"id_type": id_type, "id_value": value})
    return IdentityOut.written(ctx.write(op, work))


def _op(ctx: Context, identity_id: str, action: str, request: dict[str, Any]) -> Callable[[Session], WriteOp]:
    def resolve(session: Session) -> WriteOp:
        entity_id = identity.identity_entity(session, ctx.zone_id, identity_id)
        ctx.caller.require_entity(entity_id)
        return WriteOp("identity", action, entity_id, {"identity_id": identity_id, **request})

    return resolve

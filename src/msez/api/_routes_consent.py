"""``/v1/consent``: multi-party consent requests, Ed25519-signed decisions, and each request's audit trail.

A party signs ``canonical_bytes(signing_payload)`` (``GET .../signing-payload`` returns it) with the key of its
``signer_did``; the node verifies before recording. Every step is appended to the request's own hash-chained
stream ``consent:<id>``, which ``GET .../audit-trail`` returns with its verification.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import Field, StringConstraints
from sqlalchemy.orm import Session

from msez.api._auth import Role
from msez.api._node import Context, Tx, WriteOp
from msez.api._routes_audit import AuditEntryOut, ChainReportOut
from msez.api._wire import Ctx, In, Name, Out, WriteOut
from msez.core import PolicyError, ValidationError, canonical_bytes
from msez.store import audit, consent

router = APIRouter(prefix="/v1/consent", tags=["consent"])
Description = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
SignerDid = Annotated[str, StringConstraints(pattern=r"^did:key:z[1-9A-HJ-NP-Za-km-z]{20,100}$")]
Decision = Literal["approve", "reject"]


def stream_of(consent_id: str) -> str:
    return f"consent:{consent_id}"


class PartyIn(In):
    entity_id: uuid.UUID
    role: Name
    signer_did: SignerDid


class ConsentIn(In):
    consent_type: Name
    description: Description
    parties: list[PartyIn] = Field(min_length=1, max_length=50)


class SignIn(In):
    entity_id: uuid.UUID
    decision: Decision
    signature: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{86}$")]


class PartyOut(Out):
    entity_id: str
    role: str
    signer_did: str
    decision: str | None
    signature: str | None
    signed_at: datetime | None


class ConsentOut(WriteOut):
    id: str
    zone_id: str
    consent_type: str
    description: str
    status: str
    payload_digest: str
    created_at: datetime
    updated_at: datetime
    parties: list[PartyOut]


class SigningPayloadOut(Out):
    payload: dict[str, str]
    canonical: str


class AuditTrailOut(Out):
    consent_id: str
    entries: list[AuditEntryOut]
    verification: ChainReportOut


@router.post("", status_code=201, summary="Request consent from one or more parties")
def request_consent(body: ConsentIn, ctx: Ctx) -> ConsentOut:
    parties = [consent.PartySpec(str(p.entity_id), p.role, p.signer_did) for p in body.parties]
    if ctx.caller.role is not Role.ZONE_ADMIN and ctx.caller.entity_id not in {p.entity_id for p in parties}:
        ctx.caller.require_entity(parties[0].entity_id)

    def work(tx: Tx) -> consent.Consent:
        for party in parties:
            tx.require_entity(party.entity_id)
        record = consent.create_consent(
            tx.session,
            tx.zone_id,
            consent_type=body.consent_type,
            description=body.description,
            parties=parties,
            created_by_role=tx.caller.role.label,
            created_by_entity_id=tx.caller.entity_id,
        )
        details = {"consent_type": record.consent_type, "parties": [p.entity_id for p in parties]}
        tx.audit(stream_of(record.id), "consent.request", subject=record.id, details=details)
        return record

    op = WriteOp("consent", "consent.request", ctx.caller.entity_id, body.model_dump(mode="json"))
    return ConsentOut.written(ctx.write(op, work))


@router.get("/{consent_id}", summary="A consent request with its parties' decisions")
def get_consent(consent_id: uuid.UUID, ctx: Ctx) -> ConsentOut:
    return ConsentOut.of(_readable(ctx, str(consent_id)))


@router.get("/{consent_id}/signing-payload", summary="What a party signs to record a decision")
def get_signing_payload(
    consent_id: uuid.UUID, ctx: Ctx, entity_id: Annotated[uuid.UUID, Query()], decision: Annotated[Decision, Query()]
) -> SigningPayloadOut:
    record = _readable(ctx, str(consent_id))
    if record.party(str(entity_id)) is None:
        raise ValidationError(f"entity {entity_id} is not a party to consent {record.id}")  # as /sign would say
    payload = consent.signing_payload(record.id, record.payload_digest, str(entity_id), decision)
    return SigningPayloadOut(payload=payload, canonical=canonical_bytes(payload).text())


@router.post("/{consent_id}/sign", summary="Record a party's signed decision")
def sign(consent_id: uuid.UUID, body: SignIn, ctx: Ctx) -> ConsentOut:
    key, entity_id = str(consent_id), str(body.entity_id)
    ctx.caller.require_entity(entity_id)

    def work(tx: Tx) -> consent.Consent:
        record = consent.sign_consent(
            tx.session, tx.zone_id, key, entity_id=entity_id, decision=body.decision, signature=body.signature
        )
        details = {"entity_id": entity_id, "decision": body.decision, "status": record.status}
        tx.audit(stream_of(key), "consent.sign", subject=key, details=details)
        return record

    op = _op(ctx, key, "consent.sign", entity_id, body.model_dump(mode="json"))
    return ConsentOut.written(ctx.write(op, work))


@router.post("/{consent_id}/revoke", summary="Revoke a pending or approved request")
def revoke(consent_id: uuid.UUID, ctx: Ctx) -> ConsentOut:
    key = str(consent_id)

    def work(tx: Tx) -> consent.Consent:
        record = consent.revoke_consent(tx.session, tx.zone_id, key)
        tx.audit(stream_of(key), "consent.revoke", subject=key, details={"status": record.status})
        return record

    return ConsentOut.written(ctx.write(_op(ctx, key, "consent.revoke", ctx.caller.entity_id, {}), work))


@router.get("/{consent_id}/audit-trail", summary="The request's hash-chained audit trail and its verification")
def audit_trail(consent_id: uuid.UUID, ctx: Ctx) -> AuditTrailOut:
    key = str(consent_id)
    _readable(ctx, key)

    def work(session: Session) -> tuple[list[audit.AuditEntry], audit.ChainReport]:
        entries = audit.read_stream(session, ctx.zone_id, stream_of(key), limit=10_000)
        return entries, audit.verify_entries(ctx.zone_id, stream_of(key), entries)

    entries, report = ctx.read(work)
    return AuditTrailOut(
        consent_id=key,
        entries=[AuditEntryOut.of(e) for e in entries],
        verification=ChainReportOut.of(report),
    )


def _readable(ctx: Context, consent_id: str) -> consent.Consent:
    record = ctx.read(lambda s: consent.get_consent(s, ctx.zone_id, consent_id))
    if ctx.caller.role is Role.ENTITY_OPERATOR and record.party(ctx.caller.entity_id or "") is None:
        raise PolicyError(f"entity operator of {ctx.caller.entity_id} is not a party to consent {consent_id}")
    return record


def _op(
    ctx: Context, consent_id: str, action: str, entity_id: str | None, request: dict[str, Any]
) -> Callable[[Session], WriteOp]:
    def resolve(session: Session) -> WriteOp:
        record = consent.get_consent(session, ctx.zone_id, consent_id)
        if ctx.caller.role is Role.ENTITY_OPERATOR and record.party(ctx.caller.entity_id or "") is None:
            raise PolicyError(f"entity operator of {ctx.caller.entity_id} is not a party to consent {consent_id}")
        return WriteOp("consent", action, entity_id, {"consent_id": consent_id, **request})

    return resolve

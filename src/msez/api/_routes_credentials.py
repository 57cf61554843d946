"""``/v1/credentials``: the zone's credentials (audit stream ``credentials``), and the public status lists.

Zone admins issue an entity's compliance credential (only when the evaluation passes), and revoke, suspend or
reinstate any credential the zone issued; the signed ``BitstringStatusListCredential`` that records it is
re-signed and served without a token at ``/status-lists/<purpose>/<seq>`` (it holds only bits). Anyone with a
token may verify any credential JSON: every proof, validity dates, and status against the node's own lists.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import StringConstraints

from msez.api._assess import entity_subject
from msez.api._auth import Role
from msez.api._compliance_wire import EvaluateIn, IssuedOut, issued_out
from msez.api._node import Context, Node, Tx, WriteOp
from msez.api._wire import Ctx, ErrorEnvelope, In, Out, Paging
from msez.store import credentials, entities
from msez.vc import ComplianceAttestationSubject, compliance_attestation_credential

router = APIRouter(prefix="/v1/credentials", tags=["credentials"])
status_router = APIRouter(tags=["credentials"])
CredentialId = Annotated[str, Path(min_length=1, max_length=255, description="The credential's id (a URN)")]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
Status = Literal["active", "suspended", "revoked"]


class EntityComplianceIn(EvaluateIn):
    entity_id: uuid.UUID


class StatusChangeIn(In):
    reason: Reason | None = None


class CredentialOut(Out):
    id: str
    credential_type: str
    entity_id: str | None
    asset_id: str | None
    status: str
    status_list_seq: int
    status_index: int
    digest: str
    document: dict[str, Any]
    issued_at: datetime
    updated_at: datetime


class ProofOut(Out):
    index: int
    type: str | None
    verification_method: str | None
    valid: bool
    reason: str | None
    detail: str


class FindingOut(Out):
    reason: str
    detail: str


class VerifyOut(Out):
    verified: bool
    issuer: str | None
    issued_by_zone: bool
    credential_type: str
    proof_count: int
    results: list[ProofOut]
    findings: list[FindingOut]
    reasons: list[str]


@router.post(
    "/compliance", status_code=201, summary="Issue an entity's compliance credential if it passes (zone admin)"
)
def entity_compliance(body: EntityComplianceIn, ctx: Ctx) -> IssuedOut:
    ctx.caller.require(Role.ZONE_ADMIN)
    entity_id = str(body.entity_id)

    def work(tx: Tx) -> IssuedOut:
        entity = entities.get_entity(tx.session, tx.zone_id, entity_id)
        subject, parties = entity_subject(entity, activity=body.activity)
        cells = body.cells(tx.caller, ctx.node.issuer.did)
        assessment = ctx.node.assessor.assess(
            tx.session, subject, parties=parties, domains=body.domain_list(), cells=cells
        )
        assessment.require_passing(f"entity {entity_id}")
        evaluation = assessment.evaluation
        claims = ComplianceAttestationSubject(
            entity_id=entity_id,
            jurisdiction_id=evaluation.jurisdiction_id,
            domain_states=assessment.domain_states(),
            tensor_commitment=evaluation.commitment().digest,
            evaluated_at=evaluation.evaluated_at,
            evaluation_aggregate=assessment.aggregate.value,
        )
        credential = compliance_attestation_credential(
            claims, issuer=ctx.node.issuer.did, issued_at=evaluation.evaluated_at
        )
        issued = ctx.node.issuer.issue(tx, credential, entity_id=entity_id, summary=assessment.minimised())
        return issued_out(issued.document, issued.attestation_id, assessment, entity_id)

    op = WriteOp("credentials", "credential.compliance", entity_id, {"entity_id": entity_id})
    return ctx.write(op, work).result


@router.post("/verify", summary="Verify any credential: proofs, dates, and status against this node's lists")
def verify(body: dict[str, Any], ctx: Ctx) -> VerifyOut:
    report = ctx.read(lambda s: ctx.node.issuer.verify(s, ctx.zone_id, body))
    issuer = body.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    types = body.get("type")
    return VerifyOut(
        verified=report.ok,
        issuer=issuer_id if isinstance(issuer_id, str) else None,
        issued_by_zone=issuer_id == ctx.node.issuer.did and report.ok,
        credential_type=", ".join(types) if isinstance(types, list) else str(types or ""),
        proof_count=len(report.proofs),
        results=[
            ProofOut(
                index=p.index,
                type=p.proof_type,
                verification_method=p.verification_method,
                valid=p.ok,
                reason=None if p.reason is None else p.reason.value,
                detail=p.detail,
            )
            for p in report.proofs
        ],
        findings=[FindingOut(reason=f.reason.value, detail=f.detail) for f in report.findings],
        reasons=[r.value for r in report.reasons],
    )


@router.get("", summary="Credentials the zone issued, oldest first (an operator sees its own entity's)")
def list_credentials(
    ctx: Ctx,
    paging: Paging,
    *,
    entity_id: Annotated[uuid.UUID | None, Query()] = None,
    asset_id: Annotated[str | None, Query(pattern=r"^[0-9a-f]{64}$")] = None,
    credential_type: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[Status | None, Query()] = None,
) -> list[CredentialOut]:
    wanted = str(entity_id) if entity_id else None
    if ctx.caller.role is Role.ENTITY_OPERATOR:
        ctx.caller.require_read(wanted or ctx.caller.entity_id)
        wanted = ctx.caller.entity_id
    found = ctx.read(
        lambda s: credentials.list_credentials(
            s,
            ctx.zone_id,
            entity_id=wanted,
            asset_id=asset_id,
            credential_type=credential_type,
            status=status,
            offset=paging.offset,
            limit=paging.limit,
        )
    )
    return [CredentialOut.of(c) for c in found]


@router.get("/{credential_id}", summary="One issued credential with its status")
def get_credential(credential_id: CredentialId, ctx: Ctx) -> CredentialOut:
    record = ctx.read(lambda s: credentials.get_credential(s, ctx.zone_id, credential_id))
    ctx.caller.require_read(record.entity_id)
    return CredentialOut.of(record)


@router.post("/{credential_id}/revoke", summary="Revoke (final; zone admin)")
def revoke(credential_id: CredentialId, ctx: Ctx, body: StatusChangeIn | None = None) -> CredentialOut:
    return _change(ctx, credential_id, "revoke", body)


@router.post("/{credential_id}/suspend", summary="Suspend (zone admin)")
def suspend(credential_id: CredentialId, ctx: Ctx, body: StatusChangeIn | None = None) -> CredentialOut:
    return _change(ctx, credential_id, "suspend", body)


@router.post("/{credential_id}/reinstate", summary="Lift a suspension (zone admin)")
def reinstate(credential_id: CredentialId, ctx: Ctx, body: StatusChangeIn | None = None) -> CredentialOut:
    return _change(ctx, credential_id, "reinstate", body)


def _change(ctx: Context, credential_id: str, action: str, body: StatusChangeIn | None) -> CredentialOut:
    ctx.caller.require(Role.ZONE_ADMIN)
    reason = body.reason if body else None

    def work(tx: Tx) -> credentials.IssuedCredential:
        return ctx.node.issuer.change_status(tx, credential_id, action, reason=reason)

    op = WriteOp("credentials", f"credential.{action}", None, {"credential_id": credential_id, "reason": reason})
    return CredentialOut.of(ctx.write(op, work).result)


@status_router.get(
    "/status-lists/{purpose}/{seq}",
    summary="A signed Bitstring status list credential (public, no token)",
    responses={404: {"model": ErrorEnvelope, "description": "No such list"}},
)
def status_list(
    purpose: Literal["revocation", "suspension"], seq: Annotated[int, Path(ge=1, le=2**31 - 1)], request: Request
) -> JSONResponse:
    node: Node = request.app.state.node
    listed = node.read(lambda s: credentials.get_status_list(s, node.settings.zone_id, purpose, seq))
    return JSONResponse(dict(listed.document), headers={"Cache-Control": "no-cache"})

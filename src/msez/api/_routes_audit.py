"""``/v1/audit``: read and verify the zone's hash-chained audit streams (zone admins and regulators)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path
from sqlalchemy.orm import Session

from msez.api._auth import Role
from msez.api._wire import Ctx, Out, Paging
from msez.store import audit

router = APIRouter(prefix="/v1/audit", tags=["audit"])
StreamName = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[a-z][a-z0-9_-]*(:[A-Za-z0-9_.-]+)?$")]


class ActorOut(Out):
    role: str
    entity_id: str | None


class AuditEntryOut(Out):
    stream: str
    seq: int
    occurred_at: datetime
    actor: ActorOut
    action: str
    subject: str | None
    request_id: str | None
    details: dict[str, Any]
    prev_hash: str
    entry_hash: str


class ChainReportOut(Out):
    stream: str
    entries: int
    head_hash: str
    ok: bool
    first_broken: int | None
    reason: str | None


@router.get("/streams", summary="The audit streams of this zone")
def list_streams(ctx: Ctx) -> list[str]:
    ctx.caller.require(Role.REGULATOR)
    return sorted(ctx.read(lambda s: audit.list_streams(s, ctx.zone_id)))


@router.get("/streams/{stream}/entries", summary="Entries of one stream in sequence order")
def list_entries(stream: StreamName, ctx: Ctx, paging: Paging) -> list[AuditEntryOut]:
    ctx.caller.require(Role.REGULATOR)
    entries = ctx.read(lambda s: audit.read_stream(s, ctx.zone_id, stream, offset=paging.offset, limit=paging.limit))
    return [AuditEntryOut.of(e) for e in entries]


@router.get("/streams/{stream}/verify", summary="Walk one stream's hash chain and report the first broken link")
def verify(stream: StreamName, ctx: Ctx) -> ChainReportOut:
    ctx.caller.require(Role.REGULATOR)

    def work(session: Session) -> audit.ChainReport:
        return audit.verify_stream(session, ctx.zone_id, stream)

    return ChainReportOut.of(ctx.read(work))

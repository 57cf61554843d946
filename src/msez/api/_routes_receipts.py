"""``/v1/corridors/{corridor}``: the state channel: receipts, checkpoints, inclusion and consistency proofs.

``POST .../receipts`` is the hot path: the body names a transition (a ``MSEZTransitionEnvelope``, or the
reference's shorthand ``{kind, ...}``), and the node builds the receipt at the next sequence, seals ``next_root``,
signs it with the zone key and appends it, batched with concurrent appends to the same corridor
(:mod:`msez.api._corridor_appender`). The handler is ``async`` and touches the database only through the
appender's worker thread (and once per process to load the corridor's policy).

A checkpoint is built from the stored head (MMR peaks included) and signed by the zone; one checkpoint per head
size. Proofs are built from the stored ``next_root`` values and returned with the receipt and the checkpoint(s)
they bind, so a client can verify them offline with ``msez.corridor.verify_inclusion`` / ``verify_consistency``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Query
from pydantic import Field
from sqlalchemy.orm import Session

from msez.api._auth import Role
from msez.api._corridor_service import Channel, CorridorService, corridor_service
from msez.api._corridor_wire import CorridorKey, Digest, Document, Sequence, corridor_channel, orchestrated
from msez.api._node import Tx, WriteOp
from msez.api._wire import MAX_PAGE, Ctx, In, Out, Paging, WriteOut
from msez.core import ConflictError, NotFoundError, Timestamp, ValidationError
from msez.corridor import (
    CheckpointError,
    build_checkpoint,
    build_consistency_proof,
    build_inclusion_proof,
    coerce_transition,
    sign_checkpoint,
    verify_checkpoint,
)
from msez.crypto.mmr import MerkleMountainRange
from msez.store import audit, corridor_evidence, corridors, receipts

router = APIRouter(prefix="/v1/corridors", tags=["corridor state channel"])
Hex64 = Annotated[str, Query(pattern=r"^[0-9a-f]{64}$")]


class ReceiptIn(In):
    transition: Document | None = Field(
        default=None,
        description="A MSEZTransitionEnvelope, or {kind, ...} (the other fields become the payload); default noop.",
    )


class AppendedOut(Out):
    corridor: str
    corridor_id: str
    sequence: int
    prev_root: str
    next_root: str
    timestamp: str
    mmr_root: str
    mmr_size: int


class ReceiptOut(Out):
    sequence: int
    prev_root: str
    next_root: str
    receipt: dict[str, Any]


class CheckpointOut(WriteOut):
    digest: str
    receipt_count: int
    mmr_root: str
    document: dict[str, Any]
    created_at: datetime


class InclusionProofOut(Out):
    proof: dict[str, Any]
    receipt: dict[str, Any]
    checkpoint: dict[str, Any]


class ConsistencyProofOut(Out):
    proof: dict[str, Any]
    old_checkpoint: dict[str, Any]
    new_checkpoint: dict[str, Any]


@router.post("/{corridor}/receipts", status_code=201, summary="Build, sign and append the next receipt")
async def append_receipt(corridor: CorridorKey, body: ReceiptIn, ctx: Ctx) -> AppendedOut:
    ctx.caller.require(Role.ZONE_ADMIN)
    service = corridor_service(ctx.node)
    channel = service.cached(str(corridor))
    if channel is None:
        channel = await anyio.to_thread.run_sync(_load_channel, ctx, service, corridor)
    envelope = coerce_transition(body.transition)  # a malformed envelope or a float in it: 422
    draft = receipts.Draft(envelope, audit.Actor(ctx.caller.role.label, ctx.caller.entity_id), ctx.request_id)
    done = await service.appender.append(channel, draft)
    return AppendedOut(
        corridor=channel.id,
        corridor_id=channel.corridor_id,
        sequence=done.sequence,
        prev_root=done.prev_root,
        next_root=done.next_root,
        timestamp=done.timestamp,
        mmr_root=done.mmr_root,
        mmr_size=done.mmr_size,
    )


def _load_channel(ctx: Ctx, service: CorridorService, corridor: CorridorKey) -> Channel:
    return ctx.read(lambda s: service.channel(s, str(corridor)))


@router.get("/{corridor}/receipts", summary="Receipts in sequence order, from a sequence number")
def list_receipts(
    corridor: CorridorKey,
    ctx: Ctx,
    start: Annotated[int, Query(alias="from", ge=0, le=2**62, description="First sequence.")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
) -> list[ReceiptOut]:
    _, channel = corridor_channel(ctx, corridor)
    found = ctx.read(lambda s: receipts.list_receipts(s, ctx.zone_id, channel.id, offset=start, limit=limit))
    return [ReceiptOut.of(r) for r in found]


@router.get("/{corridor}/receipts/{sequence}", summary="One signed receipt")
def get_receipt(corridor: CorridorKey, sequence: Sequence, ctx: Ctx) -> ReceiptOut:
    _, channel = corridor_channel(ctx, corridor)
    return ReceiptOut.of(ctx.read(lambda s: receipts.get_receipt(s, ctx.zone_id, channel.id, sequence)))


@router.get(
    "/{corridor}/receipts/{sequence}/inclusion-proof",
    summary="Proof that a receipt is in a checkpoint's MMR (default: the latest checkpoint)",
)
def inclusion_proof(
    corridor: CorridorKey, sequence: Sequence, ctx: Ctx, checkpoint: Hex64 | None = None
) -> InclusionProofOut:
    service, channel = corridor_channel(ctx, corridor)

    def work(session: Session) -> InclusionProofOut:
        receipt = receipts.get_receipt(session, ctx.zone_id, channel.id, sequence)  # 404 before any 409
        stored = _checkpoint(session, ctx.zone_id, channel, checkpoint)
        verified = service.verified_checkpoint(channel, stored)
        if sequence >= verified.size:
            raise ConflictError(
                f"receipt {sequence} is after checkpoint {stored.digest} ({verified.size} receipts); "
                "checkpoint the corridor again"
            )
        mmr = MerkleMountainRange.from_next_roots(receipts.next_roots(session, ctx.zone_id, channel.id, verified.size))
        proof = build_inclusion_proof(mmr, receipt.receipt, checkpoint=verified)
        return InclusionProofOut(proof=proof, receipt=dict(receipt.receipt), checkpoint=dict(stored.document))

    return ctx.read(work)


def _checkpoint(session: Session, zone_id: str, channel: Channel, digest: str | None) -> corridor_evidence.Checkpoint:
    if digest is not None:
        return corridor_evidence.get_checkpoint(session, zone_id, channel.id, digest)
    latest = corridor_evidence.latest_checkpoint(session, zone_id, channel.id)
    if latest is None:
        raise NotFoundError(f"corridor {channel.id} has no checkpoint yet")
    return latest


@router.post("/{corridor}/checkpoints", status_code=201, summary="Checkpoint the head: build, sign and store")
def create_checkpoint(corridor: CorridorKey, ctx: Ctx) -> CheckpointOut:
    service, channel = corridor_channel(ctx, corridor, Role.ZONE_ADMIN)

    def work(tx: Tx) -> corridor_evidence.Checkpoint:
        head = corridors.lock_head(tx.session, tx.zone_id, channel.id)
        if head.receipt_count == 0:
            raise ConflictError(f"corridor {channel.id} has no receipts to checkpoint")
        latest = corridor_evidence.latest_checkpoint(tx.session, tx.zone_id, channel.id)
        if latest is not None and latest.receipt_count == head.receipt_count:
            raise ConflictError(f"checkpoint {latest.digest} already covers the head ({head.receipt_count} receipts)")
        unsigned = build_checkpoint(service.chain_head(channel, head), timestamp=Timestamp.now())
        document = sign_checkpoint(unsigned, service.signer)
        try:
            verified = verify_checkpoint(document, channel.policy)
        except CheckpointError as e:
            raise ConflictError(f"the zone's signature alone does not make a valid checkpoint: {e.message}") from e
        stored = corridor_evidence.add_checkpoint(
            tx.session,
            tx.zone_id,
            channel.id,
            digest=verified.digest.hex,
            receipt_count=verified.size,
            mmr_root=verified.root,
            document=document,
        )
        details = {"receipt_count": stored.receipt_count, "mmr_root": stored.mmr_root}
        tx.audit(corridors.stream_of(channel.id), "checkpoint.create", subject=stored.digest, details=details)
        return stored

    written = ctx.write(WriteOp("corridor", "checkpoint.create", None, {"corridor": channel.id}), work)
    return orchestrated(CheckpointOut.of(written.result), written)


@router.get("/{corridor}/checkpoints", summary="Checkpoints, oldest first")
def list_checkpoints(
    corridor: CorridorKey,
    ctx: Ctx,
    paging: Paging,
) -> list[CheckpointOut]:
    _, channel = corridor_channel(ctx, corridor)
    found = ctx.read(lambda s: corridor_evidence.list_checkpoints(s, ctx.zone_id, channel.id, **paging.model_dump()))
    return [CheckpointOut.of(c) for c in found]


@router.get("/{corridor}/checkpoints/{digest}", summary="One signed checkpoint")
def get_checkpoint(corridor: CorridorKey, digest: Digest, ctx: Ctx) -> CheckpointOut:
    _, channel = corridor_channel(ctx, corridor)
    return CheckpointOut.of(ctx.read(lambda s: corridor_evidence.get_checkpoint(s, ctx.zone_id, channel.id, digest)))


@router.get(
    "/{corridor}/consistency-proof", summary="Proof that an older checkpoint's MMR is a prefix of a newer one's"
)
def consistency_proof(corridor: CorridorKey, old: Hex64, new: Hex64, ctx: Ctx) -> ConsistencyProofOut:
    service, channel = corridor_channel(ctx, corridor)

    def work(session: Session) -> ConsistencyProofOut:
        stored = [corridor_evidence.get_checkpoint(session, ctx.zone_id, channel.id, d) for d in (old, new)]
        older, newer = (service.verified_checkpoint(channel, c) for c in stored)
        if older.size > newer.size:
            raise ValidationError(f"checkpoint {old} covers {older.size} receipts, more than {new} ({newer.size})")
        mmr = MerkleMountainRange.from_next_roots(receipts.next_roots(session, ctx.zone_id, channel.id, newer.size))
        proof = build_consistency_proof(mmr, older, newer)
        return ConsistencyProofOut(
            proof=proof, old_checkpoint=dict(stored[0].document), new_checkpoint=dict(stored[1].document)
        )

    return ctx.read(work)

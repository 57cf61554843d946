"""``/v1/corridors/{corridor}``: what others say about the chain: watcher attestations, forks, and finality.

* Watcher attestations (``MSEZCorridorWatcherAttestationCredential``) are checked as ``watcher-compare`` checks
  them (signature by the issuer, registered watcher, head commitment, staleness) before they are stored;
  ``watcher-comparison`` runs the comparison (forks, lag, K-of-N quorum) over the stored ones still fresh.
* A fork is posted as two receipts extending one ``(sequence, prev_root)``; both must verify as receipts of this
  corridor. The node applies the automatic fork choice (with the posted watcher fork attestations), then issues
  and signs a fork-alarm VC and a fork-resolution VC naming the winner; both are stored and returned (the alarm
  is the evidence for ``ACTIVE -> HALTED``, the resolution for ``HALTED -> ACTIVE``). The node's own chain is
  append-only: the response says whether its stored receipt at that sequence is the chosen one.
* Finality is computed from the stored head, the latest checkpoint and the fresh watcher attestations.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body
from pydantic import Field, StringConstraints
from sqlalchemy.orm import Session

from msez.api._auth import Role
from msez.api._corridor_wire import CorridorKey, Document, corridor_channel, orchestrated
from msez.api._node import Tx, WriteOp
from msez.api._wire import Ctx, In, Paging, WriteOut
from msez.core import NotFoundError, Timestamp, ValidationError, payload_digest
from msez.corridor import (
    ForkBranch,
    ReceiptChecker,
    choose_fork,
    compare_watchers,
    detect_fork,
    fork_alarm_credential,
    fork_resolution_credential,
)
from msez.store import corridor_evidence, corridors, receipts
from msez.vc import sign_credential

router = APIRouter(prefix="/v1/corridors", tags=["corridor watchers and forks"])


class WatcherAttestationOut(WriteOut):
    digest: str
    watcher: str
    receipt_count: int
    head_commitment: str
    observed_at: datetime
    document: dict[str, Any]
    created_at: datetime


class ForkIn(In):
    receipt_a: Document
    receipt_b: Document
    attestations: list[Document] = Field(
        default_factory=list, max_length=256, description="Watcher fork attestations (signed branch observations)."
    )
    notes: Annotated[str, StringConstraints(max_length=1000)] | None = None


class ForkOut(WriteOut):
    id: str
    sequence: int
    prev_root: str
    chosen_next_root: str
    reason: str
    choice: dict[str, Any]
    alarm: dict[str, Any]
    resolution: dict[str, Any]
    created_at: datetime


@router.get("/{corridor}/finality", summary="The finality level of the head, with its evidence")
def finality(corridor: CorridorKey, ctx: Ctx) -> dict[str, Any]:
    service, channel = corridor_channel(ctx, corridor)

    def work(session: Session) -> dict[str, Any]:
        head = corridors.read_head(session, ctx.zone_id, channel.id)
        return service.finality(session, channel, head, Timestamp.now())

    return ctx.read(work)


@router.post("/{corridor}/watcher-attestations", status_code=201, summary="Record a watcher attestation VC")
def add_watcher_attestation(
    corridor: CorridorKey, document: Annotated[dict[str, Any], Body()], ctx: Ctx
) -> WatcherAttestationOut:
    _, channel = corridor_channel(ctx, corridor, Role.ZONE_ADMIN)
    comparison = compare_watchers([document], channel.policy, now=Timestamp.now())
    if comparison.excluded:
        refused = comparison.excluded[0]
        raise ValidationError(f"watcher attestation refused ({refused['reason']}): {refused['detail']}")
    seen = comparison.observations[0]
    digest = payload_digest(document).hex

    def work(tx: Tx) -> corridor_evidence.WatcherAttestation:
        corridors.lock_head(tx.session, tx.zone_id, channel.id)
        stored = corridor_evidence.add_watcher_attestation(
            tx.session,
            tx.zone_id,
            channel.id,
            digest=digest,
            watcher=seen.watcher,
            receipt_count=seen.receipt_count,
            head_commitment=seen.head_commitment,
            observed_at=seen.observed_at.datetime,
            document=document,
        )
        details = {"watcher": seen.watcher, "receipt_count": seen.receipt_count}
        tx.audit(corridors.stream_of(channel.id), "watcher.attest", subject=digest, details=details)
        return stored

    written = ctx.write(WriteOp("corridor", "watcher.attest", None, {"corridor": channel.id, "digest": digest}), work)
    return orchestrated(WatcherAttestationOut.of(written.result), written)


@router.get("/{corridor}/watcher-attestations", summary="Stored watcher attestations, oldest observation first")
def list_watcher_attestations(
    corridor: CorridorKey,
    ctx: Ctx,
    paging: Paging,
) -> list[WatcherAttestationOut]:
    _, channel = corridor_channel(ctx, corridor)
    found = ctx.read(
        lambda s: corridor_evidence.list_watcher_attestations(s, ctx.zone_id, channel.id, **paging.model_dump())
    )
    return [WatcherAttestationOut.of(a) for a in found]


@router.get("/{corridor}/watcher-comparison", summary="watcher-compare over the fresh attestations: forks, lag, quorum")
def watcher_comparison(corridor: CorridorKey, ctx: Ctx) -> dict[str, Any]:
    service, channel = corridor_channel(ctx, corridor)
    return ctx.read(lambda s: service.watchers(s, channel, Timestamp.now()).to_json())


@router.post("/{corridor}/forks", status_code=201, summary="Resolve a fork: automatic choice, alarm and resolution VCs")
def resolve_fork(corridor: CorridorKey, body: ForkIn, ctx: Ctx) -> ForkOut:
    service, channel = corridor_channel(ctx, corridor, Role.ZONE_ADMIN)
    fork = detect_fork(body.receipt_a, body.receipt_b, ReceiptChecker(channel.policy))
    now = Timestamp.now()
    choice = choose_fork(
        ForkBranch.of(fork.receipt_a),
        ForkBranch.of(fork.receipt_b),
        attestations=body.attestations,
        registered=channel.policy.authorized_watchers,
        now=now,
    )
    winner = choice.winner.next_root
    alarm = fork_alarm_credential(fork, issuer=service.did, detected_at=now, notes=body.notes)
    resolution = fork_resolution_credential(
        corridor_id=channel.corridor_id,
        sequence=fork.sequence,
        prev_root=fork.prev_root,
        chosen_next_root=winner,
        issuer=service.did,
        candidates=[choice.loser.next_root],
        resolved_at=now,
        reason=choice.reason.value,
        automatic=choice,
    )

    def work(tx: Tx) -> corridor_evidence.ForkResolution:
        corridors.lock_head(tx.session, tx.zone_id, channel.id)
        try:
            ours: str | None = receipts.get_receipt(tx.session, tx.zone_id, channel.id, fork.sequence).next_root
        except NotFoundError:
            ours = None
        stored = corridor_evidence.add_fork_resolution(
            tx.session,
            tx.zone_id,
            channel.id,
            sequence=fork.sequence,
            prev_root=fork.prev_root,
            chosen_next_root=winner,
            reason=choice.reason.value,
            choice={**choice.to_json(), "stored_next_root": ours, "stored_chosen": ours == winner},
            alarm=sign_credential(alarm, service.signer).to_json(),
            resolution=sign_credential(resolution, service.signer).to_json(),
        )
        details = {"sequence": fork.sequence, "chosen_next_root": winner, "reason": choice.reason.value}
        tx.audit(corridors.stream_of(channel.id), "fork.resolve", subject=stored.id, details=details)
        return stored

    written = ctx.write(WriteOp("corridor", "fork.resolve", None, {"corridor": channel.id}), work)
    return orchestrated(ForkOut.of(written.result), written)


@router.get("/{corridor}/forks", summary="Fork resolutions recorded for this corridor")
def list_forks(
    corridor: CorridorKey,
    ctx: Ctx,
    paging: Paging,
) -> list[ForkOut]:
    _, channel = corridor_channel(ctx, corridor)
    found = ctx.read(
        lambda s: corridor_evidence.list_fork_resolutions(s, ctx.zone_id, channel.id, **paging.model_dump())
    )
    return [ForkOut.of(f) for f in found]

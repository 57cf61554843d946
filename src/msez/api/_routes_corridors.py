"""``/v1/corridors``: open a corridor, list and read corridors, and move a corridor through its v2 lifecycle.

A corridor is opened from a corridor module: one of the zone's library (by ``corridor_id``) or one whose files
are posted. Either way the module must pass ruleset ``msez.corridor.verification.v1`` (definition and agreement
VCs, trust anchors, activation thresholds), and the zone key must be authorised to sign its receipts; the node
stores the files, the state-channel policy and the genesis root, and starts the corridor in ``DRAFT``.

A lifecycle transition is a ``MSEZCorridorLifecycleTransitionCredential`` the node issues and signs with the zone
key, acting for the zone's DID (``zone_authority`` authorisation is the zone admin acting for the zone), applied
with the evidence VCs in the body (verified with ``msez.vc``) and the finality the node computes for its head.
Corridor writes are zone-admin only; reads are for zone admins and regulators. Each corridor's writes go to its
audit stream ``corridor:<id>``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import Field, StringConstraints, model_validator

from msez.api._auth import Role
from msez.api._corridor_service import corridor_service
from msez.api._corridor_wire import CorridorKey, CorridorOut, Document, corridor_channel, orchestrated
from msez.api._node import Tx, WriteOp
from msez.api._wire import Ctx, In, Out, Paging, Text255, WriteOut
from msez.core import Timestamp, ValidationError, payload_digest
from msez.corridor import (
    CorridorLifecycle,
    CorridorModule,
    StateChannelPolicy,
    genesis_root,
    state_channel_policy,
    verify_corridor,
)
from msez.store import corridors
from msez.vc import Signer, new_credential, sign_credential

router = APIRouter(prefix="/v1/corridors", tags=["corridors"])
State = Literal["DRAFT", "PENDING", "ACTIVE", "HALTED", "SUSPENDED", "DEPRECATED"]
ModulePath = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$", max_length=200)]
ModuleText = Annotated[str, StringConstraints(max_length=1024 * 1024)]
TRANSITION_VC = "MSEZCorridorLifecycleTransitionCredential"
TRANSITION_SUBJECT = "MSEZCorridorLifecycleTransition"


class CorridorIn(In):
    """Open a corridor from the library (``corridor_id``) or from posted module ``files`` (path -> UTF-8 text)."""

    corridor_id: Text255 | None = None
    files: Annotated[dict[ModulePath, ModuleText], Field(min_length=1, max_length=64)] | None = None
    jurisdiction_a: Text255 | None = Field(default=None, description="Default: this zone's jurisdiction.")
    jurisdiction_b: Text255

    @model_validator(mode="after")
    def _one_source(self) -> CorridorIn:
        if (self.corridor_id is None) == (self.files is None):
            raise ValueError("give exactly one of corridor_id (a library module) and files (a posted module)")
        if any(".." in path.split("/") for path in self.files or {}):
            raise ValueError("module file paths must not contain '..'")
        return self


class TransitionIn(In):
    to_state: State
    reason: Annotated[str, StringConstraints(max_length=1000)] | None = None
    evidence: list[Document] = Field(default_factory=list, max_length=32)
    include_module_credentials: bool = Field(
        default=False, description="Also offer the corridor module's definition and agreement VCs as evidence."
    )


class TransitionOut(Out):
    seq: int
    from_state: str
    to_state: str
    transition: str
    transitioned_at: datetime
    finality_level: str
    reason: str | None
    evidence: list[dict[str, str]]
    credential: dict[str, Any]


class CorridorDetailOut(CorridorOut):
    since: str | None
    policy: dict[str, Any]
    module_files: list[str]
    history: list[TransitionOut]


class TransitionWriteOut(WriteOut):
    corridor: CorridorOut
    transition: TransitionOut


@router.post("", status_code=201, summary="Open a corridor from a verified corridor module")
def create_corridor(body: CorridorIn, ctx: Ctx) -> CorridorOut:
    ctx.caller.require(Role.ZONE_ADMIN)
    service = corridor_service(ctx.node)
    jurisdiction_a = body.jurisdiction_a or ctx.node.settings.jurisdiction_id
    if jurisdiction_a.casefold() == body.jurisdiction_b.casefold():
        raise ValidationError(f"jurisdiction_a and jurisdiction_b must differ, both are {jurisdiction_a!r}")
    if body.corridor_id is not None:
        module_path, files = service.library_module(body.corridor_id)
        source, name = "library", f"library:{module_path}"
    else:
        module_path, files = None, {k: v.encode() for k, v in (body.files or {}).items()}
        source, name = "posted", "posted"
    policy = _verified_policy(service.did, CorridorModule.from_files(files, name=name), body.corridor_id)
    new = corridors.NewCorridor(
        corridor_id=policy.corridor_id,
        jurisdiction_a=jurisdiction_a,
        jurisdiction_b=body.jurisdiction_b,
        source=source,
        module_path=module_path,
        genesis_root=genesis_root(policy).hex,
        policy=policy.to_json(),
        module_files=_texts(files),
        lifecycle=CorridorLifecycle(policy.corridor_id).to_json(),
    )

    def work(tx: Tx) -> corridors.Corridor:
        record = corridors.create_corridor(tx.session, tx.zone_id, new)
        details = {"corridor_id": record.corridor_id, "source": source, "genesis_root": record.genesis_root}
        tx.audit(corridors.stream_of(record.id), "corridor.create", subject=record.corridor_id, details=details)
        return record

    request = {"corridor_id": new.corridor_id, "source": source, "jurisdiction_b": body.jurisdiction_b}
    return CorridorOut.written(ctx.write(WriteOp("corridor", "corridor.create", None, request), work))


@router.get("", summary="Corridors of this zone, optionally in one lifecycle state")
def list_corridors(ctx: Ctx, paging: Paging, state: Annotated[State | None, Query()] = None) -> list[CorridorOut]:
    ctx.caller.require(Role.REGULATOR)
    found = ctx.read(
        lambda s: corridors.list_corridors(s, ctx.zone_id, state=state, offset=paging.offset, limit=paging.limit)
    )
    return [CorridorOut.of(c) for c in found]


@router.get("/{corridor}", summary="A corridor: state, head, policy and lifecycle history")
def get_corridor(corridor: CorridorKey, ctx: Ctx) -> CorridorDetailOut:
    ctx.caller.require(Role.REGULATOR)
    key = str(corridor)
    record, history = ctx.read(
        lambda s: (corridors.get_corridor(s, ctx.zone_id, key), corridors.list_transitions(s, ctx.zone_id, key))
    )
    return CorridorDetailOut(
        **CorridorOut.of(record).model_dump(),
        since=record.lifecycle.get("since"),
        policy=dict(record.policy),
        module_files=sorted(record.module_files),
        history=[TransitionOut.of(t) for t in history],
    )


@router.post("/{corridor}/transitions", status_code=201, summary="Move the corridor through its v2 lifecycle")
def transition(corridor: CorridorKey, body: TransitionIn, ctx: Ctx) -> TransitionWriteOut:
    service, channel = corridor_channel(ctx, corridor, Role.ZONE_ADMIN)

    def work(tx: Tx) -> tuple[corridors.Corridor, corridors.Transition]:
        head = corridors.lock_head(tx.session, tx.zone_id, channel.id)
        record = corridors.get_corridor(tx.session, tx.zone_id, channel.id)
        lifecycle = CorridorLifecycle.from_json(dict(record.lifecycle))
        now = Timestamp.now()
        finality = service.finality_level(tx.session, channel, head, now)
        evidence = [*body.evidence, *(_module_credentials(record) if body.include_module_credentials else [])]
        credential = _transition_credential(
            service.signer,
            corridor_id=channel.corridor_id,
            from_state=lifecycle.state,
            body=body,
            evidence=evidence,
            now=now,
        )
        applied = lifecycle.apply(credential, channel.policy, evidence=evidence, finality=finality, now=now)
        record_of = corridors.AppliedTransition(
            from_state=applied.from_state,
            to_state=applied.to_state,
            transition=applied.transition,
            transitioned_at=applied.at.datetime,
            finality_level=finality.label,
            reason=body.reason,
            evidence=[{"type": e.type, "digest": e.digest.hex} for e in applied.evidence],
            credential=credential,
        )
        step = corridors.record_transition(
            tx.session, tx.zone_id, channel.id, lifecycle=lifecycle.to_json(), applied=record_of
        )
        details = {"from": step.from_state, "to": step.to_state, "finality": finality.label}
        tx.audit(corridors.stream_of(channel.id), "lifecycle.transition", subject=step.transition, details=details)
        return corridors.get_corridor(tx.session, tx.zone_id, channel.id), step

    request = {"corridor": channel.id, "to_state": body.to_state}
    written = ctx.write(WriteOp("corridor", "lifecycle.transition", None, request), work)
    record, step = written.result
    return orchestrated(TransitionWriteOut(corridor=CorridorOut.of(record), transition=TransitionOut.of(step)), written)


def _verified_policy(zone_did: str, module: CorridorModule, wanted: str | None) -> StateChannelPolicy:
    """The state-channel policy of a module that verifies and that this zone may sign receipts for.

    Raises:
        CorridorVerificationError: the module fails its ruleset. ValidationError: another corridor than asked
            for, or the zone key is not an authorised receipt signer.
    """
    report = verify_corridor(module, now=Timestamp.now())
    policy = state_channel_policy(report)
    if wanted is not None and policy.corridor_id != wanted:
        raise ValidationError(f"the module declares corridor {policy.corridor_id}, not {wanted}")
    if zone_did not in policy.authorized_receipt_signers:
        raise ValidationError(
            f"the zone key {zone_did} may not sign receipts of corridor {policy.corridor_id} "
            "(it is not a corridor_receipt signer in the corridor's trust anchors or authority registry)"
        )
    return policy


def _texts(files: dict[str, bytes]) -> dict[str, str]:
    try:
        return {path: raw.decode() for path, raw in files.items()}
    except UnicodeDecodeError as e:
        raise ValidationError(f"corridor module files must be UTF-8 text: {e}") from e


def _module_credentials(record: corridors.Corridor) -> list[dict[str, Any]]:
    module = CorridorModule.from_files({k: v.encode() for k, v in record.module_files.items()})
    files = [module.definition, *module.agreements]
    return [f.document for f in files if f is not None and f.problem is None]


def _transition_credential(
    signer: Signer,
    *,
    corridor_id: str,
    from_state: str,
    body: TransitionIn,
    evidence: list[dict[str, Any]],
    now: Timestamp,
) -> dict[str, Any]:
    """The lifecycle-transition VC the zone signs; ``meta`` names the evidence it was asked to apply with."""
    subject: dict[str, Any] = {
        "type": TRANSITION_SUBJECT,
        "corridor_id": corridor_id,
        "from_state": from_state,
        "to_state": body.to_state,
        "transitioned_at": str(now),
        "transition_id": f"urn:msez:corridor-transition:{uuid.uuid4()}",
        "meta": {"evidence_sha256": sorted({payload_digest(e).hex for e in evidence})},
    }
    if body.reason is not None:
        subject["reason"] = body.reason
    unsigned = new_credential(types=[TRANSITION_VC], issuer=str(signer.did), subject=subject, issued_at=now)
    return sign_credential(unsigned, signer).to_json()

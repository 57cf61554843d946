"""``/v1/corridors``: settlement over an ACTIVE corridor, and routing across the zone's ACTIVE corridors.

* ``POST .../settlement/compute`` nets the posted obligations (``msez.settlement``, greedy or leg-minimising),
  builds the ``settlement-plan`` document, signs it with the zone key and stores it.
* ``POST .../settlement/plans/{plan}/instruct`` turns the plan's legs into one pacs.008.001.10 message (one
  credit transfer per leg) with the parties' account details from the body, and stores it.
* ``POST /route`` finds the cheapest chain of ACTIVE corridors between two jurisdictions (each corridor usable
  both ways, at a uniform fee); it only reads, so regulators and entity operators may call it too.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter
from pydantic import Field, StringConstraints, model_validator
from sqlalchemy.orm import Session

from msez.api._auth import Role
from msez.api._corridor_service import Channel
from msez.api._corridor_wire import CorridorKey, corridor_channel, orchestrated
from msez.api._node import Tx, WriteOp
from msez.api._wire import Ctx, In, Out, Paging, Text255, WriteOut
from msez.core import ConflictError, NotFoundError, Timestamp, ValidationError
from msez.settlement import (
    CorridorEdge,
    CorridorGraph,
    NettingMode,
    Obligation,
    PartyAccount,
    SettlementLeg,
    build_pacs008,
    build_plan,
    net,
    pacs008_xml,
    plan_digest,
)
from msez.store import corridors, settlements
from msez.vc import add_proof

router = APIRouter(prefix="/v1/corridors", tags=["corridor settlement"])
ROUTE_PATH: Final = "/v1/corridors/route"
DEFAULT_AGENT: Final = "MSEZUS33"
PartyId = Annotated[str, StringConstraints(pattern=r"^\S(.{0,33}\S)?$")]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Bic = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{8}([A-Za-z0-9]{3})?$")]
MAX_ROUTED_CORRIDORS: Final = 10_000


class ObligationIn(In):
    from_party: PartyId
    to_party: PartyId
    amount: Annotated[int, Field(ge=1, le=2**63 - 1, description="Integer minor units.")]
    currency: Currency
    priority: int = Field(default=0, ge=-(2**31), le=2**31 - 1)


class ComputeIn(In):
    obligations: list[ObligationIn] = Field(min_length=1, max_length=10_000)
    mode: Literal["greedy", "min-legs"] = "greedy"


class PlanOut(WriteOut):
    id: str
    corridor: str
    digest: str
    plan: dict[str, Any]
    created_at: datetime


class AccountIn(In):
    name: Annotated[str, StringConstraints(min_length=1, max_length=140)]
    agent_bic: Bic
    iban: Annotated[str, StringConstraints(max_length=34)] | None = None
    account: Annotated[str, StringConstraints(max_length=34)] | None = None
    lei: Annotated[str, StringConstraints(max_length=20)] | None = None


class InstructIn(In):
    parties: Annotated[dict[PartyId, AccountIn], Field(min_length=2, max_length=1000)]
    instructing_agent_bic: Bic = DEFAULT_AGENT
    remittance: Annotated[str, StringConstraints(min_length=1, max_length=140)] | None = None


class InstructionOut(WriteOut):
    id: str
    plan_id: str
    message_id: str
    transactions: int
    xml: str
    created_at: datetime


class PlanDetailOut(PlanOut):
    instructions: list[InstructionOut]


class RouteIn(In):
    source: Text255
    target: Text255
    default_fee_bps: int = Field(default=10, ge=0, le=10_000)
    default_settlement_time_secs: int = Field(default=3600, ge=0, le=10**7)

    @model_validator(mode="after")
    def _differ(self) -> RouteIn:
        if self.source == self.target:
            raise ValueError("source and target must differ")
        return self


class HopOut(Out):
    source: str
    target: str
    corridor: str
    corridor_id: str
    fee_bps: int
    settlement_time_secs: int


class RouteOut(Out):
    source: str
    target: str
    hop_count: int
    total_fee_bps: int
    total_settlement_time_secs: int
    hops: list[HopOut]


@router.post("/{corridor}/settlement/compute", status_code=201, summary="Net obligations into a signed plan")
def compute(corridor: CorridorKey, body: ComputeIn, ctx: Ctx) -> PlanOut:
    service, channel = corridor_channel(ctx, corridor, Role.ZONE_ADMIN)
    obligations = [
        Obligation(o.from_party, o.to_party, o.amount, o.currency, channel.corridor_id, o.priority)
        for o in body.obligations
    ]
    result = net(obligations, mode=NettingMode(body.mode))
    plan = build_plan(
        result,
        plan_id=str(uuid.uuid4()),
        created_at=Timestamp.now(),
        issuer=service.did,
        corridor_id=channel.corridor_id,
    )
    signed = add_proof(plan.to_json(), service.signer)

    def work(tx: Tx) -> settlements.Plan:
        _require_active(tx, channel)
        stored = settlements.add_plan(
            tx.session, tx.zone_id, channel.id, plan_id=plan.plan_id, digest=plan_digest(plan).hex, plan=signed
        )
        details = {"legs": len(plan.legs), "gross_total": plan.gross_total, "net_total": plan.net_total}
        tx.audit(corridors.stream_of(channel.id), "settlement.plan", subject=stored.id, details=details)
        return stored

    written = ctx.write(WriteOp("corridor", "settlement.plan", None, {"corridor": channel.id}), work)
    return orchestrated(PlanOut.of(written.result), written)


@router.get("/{corridor}/settlement/plans", summary="Settlement plans of this corridor, oldest first")
def list_plans(corridor: CorridorKey, ctx: Ctx, paging: Paging) -> list[PlanOut]:
    _, channel = corridor_channel(ctx, corridor)
    found = ctx.read(
        lambda s: settlements.list_plans(s, ctx.zone_id, channel.id, offset=paging.offset, limit=paging.limit)
    )
    return [PlanOut.of(p) for p in found]


@router.get("/{corridor}/settlement/plans/{plan}", summary="A settlement plan and its pacs.008 instructions")
def get_plan(corridor: CorridorKey, plan: uuid.UUID, ctx: Ctx) -> PlanDetailOut:
    _, channel = corridor_channel(ctx, corridor)

    def work(session: Session) -> PlanDetailOut:
        stored = settlements.get_plan(session, ctx.zone_id, channel.id, str(plan))
        sent = settlements.list_instructions(session, ctx.zone_id, stored.id)
        return PlanDetailOut(**PlanOut.of(stored).model_dump(), instructions=[InstructionOut.of(i) for i in sent])

    return ctx.read(work)


@router.post("/{corridor}/settlement/plans/{plan}/instruct", status_code=201, summary="pacs.008 for the plan's legs")
def instruct(corridor: CorridorKey, plan: uuid.UUID, body: InstructIn, ctx: Ctx) -> InstructionOut:
    _, channel = corridor_channel(ctx, corridor, Role.ZONE_ADMIN)
    accounts = {
        party: PartyAccount(party, a.name, a.agent_bic, iban=a.iban, account=a.account, lei=a.lei)
        for party, a in body.parties.items()
    }
    remittance = body.remittance or f"MSEZ corridor {channel.corridor_id} settlement"[:140]

    def work(tx: Tx) -> settlements.Instruction:
        _require_active(tx, channel)
        stored = settlements.get_plan(tx.session, tx.zone_id, channel.id, str(plan))
        legs = [SettlementLeg(**leg) for leg in stored.plan["legs"]]
        try:
            message = build_pacs008(
                legs,
                accounts,
                instructing_agent=body.instructing_agent_bic,
                created_at=Timestamp.now(),
                remittance=remittance,
            )
        except NotFoundError as e:  # a party of the plan without account details in the body: bad input
            raise ValidationError(f"parties: {e.message}") from e
        sent = settlements.add_instruction(
            tx.session,
            tx.zone_id,
            stored.id,
            message_id=message.message_id,
            transactions=len(message.transfers),
            xml=pacs008_xml(message).decode(),
        )
        details = {"plan": stored.id, "message_id": sent.message_id, "transactions": sent.transactions}
        tx.audit(corridors.stream_of(channel.id), "settlement.instruct", subject=sent.id, details=details)
        return sent

    written = ctx.write(WriteOp("corridor", "settlement.instruct", None, {"corridor": channel.id}), work)
    return orchestrated(InstructionOut.of(written.result), written)


@router.post("/route", summary="The cheapest chain of ACTIVE corridors between two jurisdictions")
def route(body: RouteIn, ctx: Ctx) -> RouteOut:
    def work(session: Session) -> list[corridors.Corridor]:
        return corridors.list_corridors(session, ctx.zone_id, state="ACTIVE", limit=MAX_ROUTED_CORRIDORS)

    active = {c.id: c for c in ctx.read(work)}
    edges = [
        CorridorEdge(a, b, c.id, body.default_fee_bps, body.default_settlement_time_secs)
        for c in active.values()
        for a, b in ((c.jurisdiction_a, c.jurisdiction_b), (c.jurisdiction_b, c.jurisdiction_a))
    ]
    found = CorridorGraph(edges).route(body.source, body.target)
    if found is None:
        raise NotFoundError(f"no route from {body.source} to {body.target} over this zone's ACTIVE corridors")
    hops = [
        HopOut(
            source=h.source,
            target=h.target,
            corridor=h.corridor_id,
            corridor_id=active[h.corridor_id].corridor_id,
            fee_bps=h.fee_bps,
            settlement_time_secs=h.settlement_time_secs,
        )
        for h in found.hops
    ]
    return RouteOut(
        source=found.source,
        target=found.target,
        hop_count=found.hop_count,
        total_fee_bps=found.total_fee_bps,
        total_settlement_time_secs=found.total_settlement_time_secs,
        hops=hops,
    )


def _require_active(tx: Tx, channel: Channel) -> None:
    head = corridors.lock_head(tx.session, tx.zone_id, channel.id)
    if head.state != "ACTIVE":
        raise ConflictError(f"corridor {channel.id} is {head.state}; settlement needs an ACTIVE corridor")

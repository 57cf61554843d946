"""Settlement of a corridor: netted plans (signed ``settlement-plan`` documents) and the pacs.008 messages that
pay their legs. The caller nets, builds and signs; this module stores and reads."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from msez.core import NotFoundError
from msez.store._base import utcnow
from msez.store._models_corridors import SettlementInstructionRow, SettlementPlanRow


@dataclass(frozen=True)
class Plan:
    id: str
    corridor: str
    digest: str
    plan: Mapping[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class Instruction:
    id: str
    plan_id: str
    message_id: str
    transactions: int
    xml: str
    created_at: datetime


def add_plan(session: Session, zone_id: str, corridor: str, *, plan_id: str, digest: str, plan: Any) -> Plan:
    row = SettlementPlanRow(
        zone_id=zone_id, id=plan_id, corridor_uuid=corridor, digest=digest, plan=dict(plan), created_at=utcnow()
    )
    session.add(row)
    session.flush()
    return _plan(row)


def get_plan(session: Session, zone_id: str, corridor: str, plan_id: str) -> Plan:
    """Raises: NotFoundError: no such plan for this corridor."""
    row = session.get(SettlementPlanRow, (zone_id, plan_id))
    if row is None or row.corridor_uuid != corridor:
        raise NotFoundError(f"corridor {corridor} has no settlement plan {plan_id}")
    return _plan(row)


def list_plans(session: Session, zone_id: str, corridor: str, *, offset: int = 0, limit: int = 100) -> list[Plan]:
    rows = session.scalars(
        select(SettlementPlanRow)
        .where(SettlementPlanRow.zone_id == zone_id, SettlementPlanRow.corridor_uuid == corridor)
        .order_by(SettlementPlanRow.created_at, SettlementPlanRow.id)
        .offset(offset)
        .limit(limit)
    )
    return [_plan(r) for r in rows]


def add_instruction(
    session: Session, zone_id: str, plan_id: str, *, message_id: str, transactions: int, xml: str
) -> Instruction:
    row = SettlementInstructionRow(
        zone_id=zone_id,
        id=str(uuid.uuid4()),
        plan_id=plan_id,
        message_id=message_id,
        transactions=transactions,
        xml=xml,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return _instruction(row)


def list_instructions(session: Session, zone_id: str, plan_id: str) -> list[Instruction]:
    rows = session.scalars(
        select(SettlementInstructionRow)
        .where(SettlementInstructionRow.zone_id == zone_id, SettlementInstructionRow.plan_id == plan_id)
        .order_by(SettlementInstructionRow.created_at, SettlementInstructionRow.id)
    )
    return [_instruction(r) for r in rows]


def _plan(row: SettlementPlanRow) -> Plan:
    return Plan(row.id, row.corridor_uuid, row.digest, row.plan, row.created_at)


def _instruction(row: SettlementInstructionRow) -> Instruction:
    return Instruction(row.id, row.plan_id, row.message_id, row.transactions, row.xml, row.created_at)

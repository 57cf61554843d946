"""Tables of corridors: the corridor record, its head, receipts, lifecycle transitions, checkpoints, watcher
attestations, fork resolutions, and the settlement plans and pacs.008 instructions computed for it.

Every table leads its primary key with ``zone_id`` and the corridor's record id (``corridor_uuid``), so the large
ones (receipts above all) cluster by corridor. The database enforces by itself: one receipt per
``(zone, corridor, sequence)`` (the primary key), sequences and counts are never negative, and a corridor's head is
in one of the six v2 lifecycle states.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from msez.store._base import ID, ZONE, Base, JsonDoc, UtcDateTime

ROOT = String(64)
STATES = ("DRAFT", "PENDING", "ACTIVE", "HALTED", "SUSPENDED", "DEPRECATED")
_CORRIDOR_FK = (["zone_id", "corridor_uuid"], ["corridors.zone_id", "corridors.id"])


class CorridorRow(Base):
    """A corridor this zone takes part in: its verified module, state-channel policy and lifecycle record."""

    __tablename__ = "corridors"
    zone_id: Mapped[str] = mapped_column(ZONE, primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    corridor_id: Mapped[str] = mapped_column(String(255))
    jurisdiction_a: Mapped[str] = mapped_column(String(255))
    jurisdiction_b: Mapped[str] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(String(16))
    module_path: Mapped[str | None] = mapped_column(String(255))
    genesis_root: Mapped[str] = mapped_column(ROOT)
    policy: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    module_files: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    lifecycle: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (
        UniqueConstraint("zone_id", "corridor_id"),
        CheckConstraint("source IN ('library', 'posted')", name="source_known"),
    )


class CorridorHeadRow(Base):
    """The chain head: lifecycle state, receipt count, head root and MMR peaks (one row, locked by appenders)."""

    __tablename__ = "corridor_heads"
    zone_id: Mapped[str] = mapped_column(ZONE, primary_key=True)
    corridor_uuid: Mapped[str] = mapped_column(ID, primary_key=True)
    state: Mapped[str] = mapped_column(String(16))
    receipt_count: Mapped[int] = mapped_column(BigInteger)
    next_root: Mapped[str] = mapped_column(ROOT)
    peaks: Mapped[list[Any]] = mapped_column(JsonDoc)
    last_timestamp: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (
        ForeignKeyConstraint(*_CORRIDOR_FK),
        CheckConstraint("receipt_count >= 0", name="count_non_negative"),
        CheckConstraint(f"state IN {STATES!r}", name="state_known"),
    )


class ReceiptRow(Base):
    """One signed receipt (its JSON text as built and signed); the primary key makes sequences unique."""

    __tablename__ = "corridor_receipts"
    zone_id: Mapped[str] = mapped_column(ZONE, primary_key=True)
    corridor_uuid: Mapped[str] = mapped_column(ID, primary_key=True)
    sequence: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    prev_root: Mapped[str] = mapped_column(ROOT)
    next_root: Mapped[str] = mapped_column(ROOT)
    receipt: Mapped[str] = mapped_column(Text)
    __table_args__ = (
        ForeignKeyConstraint(*_CORRIDOR_FK),
        CheckConstraint("sequence >= 0", name="sequence_non_negative"),
    )


class CorridorTransitionRow(Base):
    """One applied lifecycle transition: the signed transition VC, the evidence it was judged on, the finality."""

    __tablename__ = "corridor_transitions"
    zone_id: Mapped[str] = mapped_column(ZONE, primary_key=True)
    corridor_uuid: Mapped[str] = mapped_column(ID, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    transition: Mapped[str] = mapped_column(String(64))
    transitioned_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finality_level: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(String(1000))
    evidence: Mapped[list[Any]] = mapped_column(JsonDoc)
    credential: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    __table_args__ = (ForeignKeyConstraint(*_CORRIDOR_FK),)


class CheckpointRow(Base):
    """A signed checkpoint of the chain head, named by its payload digest."""

    __tablename__ = "corridor_checkpoints"
    zone_id: Mapped[str] = mapped_column(ZONE, primary_key=True)
    corridor_uuid: Mapped[str] = mapped_column(ID, primary_key=True)
    digest: Mapped[str] = mapped_column(ROOT, primary_key=True)
    receipt_count: Mapped[int] = mapped_column(BigInteger)
    mmr_root: Mapped[str] = mapped_column(ROOT)
    document: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (
        ForeignKeyConstraint(*_CORRIDOR_FK),
        CheckConstraint("receipt_count >= 1", name="count_positive"),
        Index(None, "zone_id", "corridor_uuid", "receipt_count"),
    )


class WatcherAttestationRow(Base):
    """A watcher attestation VC that passed the watcher checks when it was posted, named by its payload digest."""

    __tablename__ = "corridor_watcher_attestations"
    zone_id: Mapped[str] = mapped_column(ZONE, primary_key=True)
    corridor_uuid: Mapped[str] = mapped_column(ID, primary_key=True)
    digest: Mapped[str] = mapped_column(ROOT, primary_key=True)
    watcher: Mapped[str] = mapped_column(String(255))
    receipt_count: Mapped[int] = mapped_column(BigInteger)
    head_commitment: Mapped[str] = mapped_column(ROOT)
    observed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    document: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (ForeignKeyConstraint(*_CORRIDOR_FK), Index(None, "zone_id", "corridor_uuid", "observed_at"))


class ForkResolutionRow(Base):
    """A fork seen by this zone: the automatic choice, the signed fork-alarm and fork-resolution VCs."""

    __tablename__ = "corridor_fork_resolutions"
    zone_id: Mapped[str] = mapped_column(ZONE, primary_key=True)
    corridor_uuid: Mapped[str] = mapped_column(ID, primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    sequence: Mapped[int] = mapped_column(BigInteger)
    prev_root: Mapped[str] = mapped_column(ROOT)
    chosen_next_root: Mapped[str] = mapped_column(ROOT)
    reason: Mapped[str] = mapped_column(String(32))
    choice: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    alarm: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    resolution: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (ForeignKeyConstraint(*_CORRIDOR_FK),)


class SettlementPlanRow(Base):
    """A netted settlement plan over obligations posted for one corridor, signed by the zone."""

    __tablename__ = "settlement_plans"
    zone_id: Mapped[str] = mapped_column(ZONE, primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    corridor_uuid: Mapped[str] = mapped_column(ID)
    digest: Mapped[str] = mapped_column(ROOT)
    plan: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (ForeignKeyConstraint(*_CORRIDOR_FK), Index(None, "zone_id", "corridor_uuid", "created_at"))


class SettlementInstructionRow(Base):
    """One pacs.008 message paying the legs of a settlement plan."""

    __tablename__ = "settlement_instructions"
    zone_id: Mapped[str] = mapped_column(ZONE, primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    plan_id: Mapped[str] = mapped_column(ID)
    message_id: Mapped[str] = mapped_column(String(35))
    transactions: Mapped[int] = mapped_column(Integer)
    xml: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (
        ForeignKeyConstraint(["zone_id", "plan_id"], ["settlement_plans.zone_id", "settlement_plans.id"]),
        Index(None, "zone_id", "plan_id"),
    )

"""Tables of the zone registry: entities (with lifecycle history and beneficial owners), licences (with history),
smart assets, issued credentials, Bitstring status lists and the attestations regulators query.

Every table leads its primary key with ``zone_id``. Lifecycle history rows are numbered per record (``seq`` from
0) and reference their record, so a history can neither outlive it nor have two entries at one position.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from msez.store._base import ID, ZONE, Base, JsonDoc, UtcDateTime

URN = String(255)
DIGEST = String(64)


class EntityRow(Base):
    """A legal entity registered in the zone, with its lifecycle state (msez.state's entity machine)."""

    __tablename__ = "entities"
    zone_id: Mapped[str] = mapped_column(ZONE, primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(32))
    legal_name: Mapped[str] = mapped_column(String(255))
    jurisdiction_id: Mapped[str] = mapped_column(String(64))
    registration_number: Mapped[str | None] = mapped_column(String(64))
    ntn: Mapped[str | None] = mapped_column(String(7))
    did: Mapped[str | None] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(16))
    dissolution_stage: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (Index(None, "zone_id", "created_at"),)


class EntityTransitionRow(Base):
    __tablename__ = "entity_transitions"
    zone_id: Mapped[str] = mapped_column(ZONE, primary_key=True)
    entity_id: Mapped[str] = mapped_column(ID, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    transition: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    dissolution_stage: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str | None] = mapped_column(String(128))
    reason: Mapped[str | None] = mapped_column(String(1000))
    evidence: Mapped[list[dict[str, str]]] = mapped_column(JsonDoc)
    __table_args__ = (ForeignKeyConstraint(["zone_id", "entity_id"], ["entities.zone_id", "entities.id"]),)


class BeneficialOwnerRow(Base):
    __tablename__ = "beneficial_owners"
    zone_id: Mapped[str] = mapped_column(ZONE, primary_key=True)
    entity_id: Mapped[str] = mapped_column(ID, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(255))
    ownership_percentage: Mapped[str] = mapped_column(String(12))
    cnic: Mapped[str | None] = mapped_column(String(13))
    ntn: Mapped[str | None] = mapped_column(String(7))
    passport: Mapped[str | None] = mapped_column(String(32))
    __table_args__ = (ForeignKeyConstraint(["zone_id", "entity_id"], ["entities.zone_id", "entities.id"]),)


class LicenceRow(Base):
    """A licence the zone grants, with its lifecycle state (msez.state's licence machine)."""

    __tablename__ = "licences"
    zone_id: Mapped[str] = mapped_column(ZONE, primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    holder_entity_id: Mapped[str] = mapped_column(ID)
    licence_type: Mapped[str] = mapped_column(String(100))
    category: Mapped[str | None] = mapped_column(String(100))
    licence_number: Mapped[str | None] = mapped_column(String(100))
    activities: Mapped[list[str]] = mapped_column(JsonDoc)
    state: Mapped[str] = mapped_column(String(16))
    state_reason: Mapped[str | None] = mapped_column(String(1000))
    effective_date: Mapped[str | None] = mapped_column(String(10))
    expiry_date: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (
        ForeignKeyConstraint(["zone_id", "holder_entity_id"], ["entities.zone_id", "entities.id"]),
        Index(None, "zone_id", "holder_entity_id"),
    )


class LicenceTransitionRow(Base):
    __tablename__ = "licence_transitions"
    zone_id: Mapped[str] = mapped_column(ZONE, primary_key=True)
    licence_id: Mapped[str] = mapped_column(ID, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    transition: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str | None] = mapped_column(String(128))
    reason: Mapped[str | None] = mapped_column(String(1000))
    evidence: Mapped[list[dict[str, str]]] = mapped_column(JsonDoc)
    __table_args__ = (ForeignKeyConstraint(["zone_id", "licence_id"], ["licences.zone_id", "licences.id"]),)


class SmartAssetRow(Base):
    """A smart asset: its genesis document (``id`` = msez.vc.compute_asset_id of it) and registry state."""

    __tablename__ = "smart_assets"
    zone_id: Mapped[str] = mapped_column(ZONE, primary_key=True)
    id: Mapped[str] = mapped_column(DIGEST, primary_key=True)
    asset_type: Mapped[str] = mapped_column(String(255))
    asset_name: Mapped[str] = mapped_column(String(255))
    jurisdiction_id: Mapped[str] = mapped_column(String(64))
    owner_entity_id: Mapped[str | None] = mapped_column(ID)
    status: Mapped[str] = mapped_column(String(16))
    compliance_status: Mapped[str] = mapped_column(String(24))
    last_evaluated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_evaluation: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    genesis: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    registry_credential_id: Mapped[str | None] = mapped_column(URN)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (Index(None, "zone_id", "owner_entity_id"), Index(None, "zone_id", "created_at"))


class IssuedCredentialRow(Base):
    """A credential the zone signed; ``(status_list_seq, status_index)`` is its bit in both status lists."""

    __tablename__ = "issued_credentials"
    zone_id: Mapped[str] = mapped_column(ZONE, primary_key=True)
    id: Mapped[str] = mapped_column(URN, primary_key=True)
    credential_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(ID)
    asset_id: Mapped[str | None] = mapped_column(DIGEST)
    status: Mapped[str] = mapped_column(String(16))
    status_list_seq: Mapped[int] = mapped_column(Integer)
    status_index: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(DIGEST)
    document: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (
        UniqueConstraint("zone_id", "status_list_seq", "status_index"),
        CheckConstraint("status IN ('active', 'suspended', 'revoked')", name="status_known"),
        Index(None, "zone_id", "entity_id"),
        Index(None, "zone_id", "issued_at"),
    )


class StatusListRow(Base):
    """One signed ``BitstringStatusListCredential``; ``allocated`` counts the slots handed out (revocation rows)."""

    __tablename__ = "status_lists"
    zone_id: Mapped[str] = mapped_column(ZONE, primary_key=True)
    purpose: Mapped[str] = mapped_column(String(16), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    list_id: Mapped[str] = mapped_column(URN)
    size: Mapped[int] = mapped_column(Integer)
    allocated: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (
        CheckConstraint("purpose IN ('revocation', 'suspension')", name="purpose_known"),
        CheckConstraint("allocated >= 0 AND allocated <= size", name="allocated_within_size"),
    )


class AttestationRow(Base):
    """What the zone attested and when (reference-impl A §12.5): ids, types and digests only, never PII."""

    __tablename__ = "attestations"
    zone_id: Mapped[str] = mapped_column(ZONE, primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    attestation_type: Mapped[str] = mapped_column(String(64))
    issuer: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16))
    jurisdiction_id: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(ID)
    asset_id: Mapped[str | None] = mapped_column(DIGEST)
    credential_id: Mapped[str | None] = mapped_column(URN)
    digest: Mapped[str] = mapped_column(DIGEST)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    details: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    __table_args__ = (
        CheckConstraint("status IN ('ACTIVE', 'PENDING', 'SUSPENDED', 'REVOKED', 'EXPIRED')", name="status_known"),
        Index(None, "zone_id", "issued_at"),
        Index(None, "zone_id", "entity_id"),
        Index(None, "zone_id", "attestation_type"),
        Index(None, "zone_id", "credential_id"),
    )

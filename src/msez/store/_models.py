"""Tables of the audit log and the Mass primitives ownership, fiscal, identity and consent.

Invariants the database enforces by itself, beside the checks the repositories make under a lock:
shares are positive and issued shares never exceed authorised shares; holdings never go negative; an account
without an overdraft facility never has a negative balance; postings and payments are never zero.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from msez.store._base import ID, ZONE, Amount, Base, JsonDoc, UtcDateTime


class AuditEntryRow(Base):
    """One entry of a hash-chained audit stream (``entry_hash`` covers every column and ``prev_hash``)."""

    __tablename__ = "audit_log"
    zone_id: Mapped[str] = mapped_column(ZONE, primary_key=True)
    stream: Mapped[str] = mapped_column(String(128), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_role: Mapped[str] = mapped_column(String(32))
    actor_entity_id: Mapped[str | None] = mapped_column(ID)
    action: Mapped[str] = mapped_column(String(128))
    subject: Mapped[str | None] = mapped_column(String(255))
    request_id: Mapped[str | None] = mapped_column(String(128))
    details: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    __table_args__ = (CheckConstraint("seq >= 0", name="seq_non_negative"),)


# --- ownership ------------------------------------------------------------------------------------------------


class CapTableRow(Base):
    __tablename__ = "cap_tables"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    zone_id: Mapped[str] = mapped_column(ZONE)
    entity_id: Mapped[str] = mapped_column(ID)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (UniqueConstraint("zone_id", "entity_id"),)


class ShareClassRow(Base):
    __tablename__ = "share_classes"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    zone_id: Mapped[str] = mapped_column(ZONE)
    cap_table_id: Mapped[str] = mapped_column(ID, ForeignKey("cap_tables.id"))
    name: Mapped[str] = mapped_column(String(100))
    authorized_shares: Mapped[int] = mapped_column(BigInteger)
    issued_shares: Mapped[int] = mapped_column(BigInteger)
    par_value: Mapped[str | None] = mapped_column(String(40))
    voting_rights: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (
        UniqueConstraint("cap_table_id", "name"),
        CheckConstraint("authorized_shares > 0", name="authorized_positive"),
        CheckConstraint("issued_shares >= 0", name="issued_non_negative"),
        CheckConstraint("issued_shares <= authorized_shares", name="issued_within_authorized"),
    )


class HoldingRow(Base):
    __tablename__ = "holdings"
    share_class_id: Mapped[str] = mapped_column(ID, ForeignKey("share_classes.id"), primary_key=True)
    holder_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    zone_id: Mapped[str] = mapped_column(ZONE)
    shares: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (CheckConstraint("shares >= 0", name="shares_non_negative"),)


class ShareMovementRow(Base):
    """An issuance (no ``from_holder``) or a transfer between holders."""

    __tablename__ = "share_movements"
    zone_id: Mapped[str] = mapped_column(ZONE, primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    cap_table_id: Mapped[str] = mapped_column(ID, ForeignKey("cap_tables.id"))
    share_class_id: Mapped[str] = mapped_column(ID, ForeignKey("share_classes.id"))
    kind: Mapped[str] = mapped_column(String(16))
    from_holder: Mapped[str | None] = mapped_column(String(255))
    to_holder: Mapped[str] = mapped_column(String(255))
    shares: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (
        CheckConstraint("shares > 0", name="shares_positive"),
        CheckConstraint("kind IN ('issuance', 'transfer')", name="kind_known"),
        Index(None, "zone_id", "cap_table_id", "created_at"),
    )


# --- fiscal -----------------------------------------------------------------------------------------------------


class AccountRow(Base):
    """An entity's account, or the zone's external (outside-world) account for one currency."""

    __tablename__ = "accounts"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    zone_id: Mapped[str] = mapped_column(ZONE)
    entity_id: Mapped[str | None] = mapped_column(ID)
    kind: Mapped[str] = mapped_column(String(16))
    account_type: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(3))
    ntn: Mapped[str | None] = mapped_column(String(7))
    allow_overdraft: Mapped[bool] = mapped_column(Boolean)
    balance: Mapped[int] = mapped_column(Amount)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (
        CheckConstraint("allow_overdraft OR balance >= 0", name="no_overdraft"),
        CheckConstraint("kind IN ('entity', 'external')", name="kind_known"),
        Index(None, "zone_id", "entity_id"),
        Index(
            "uq_accounts_external_currency",
            "zone_id",
            "currency",
            unique=True,
            sqlite_where=text("kind = 'external'"),
            postgresql_where=text("kind = 'external'"),
        ),
    )


class JournalEntryRow(Base):
    """One balanced journal entry; its postings sum to zero per currency."""

    __tablename__ = "journal_entries"
    zone_id: Mapped[str] = mapped_column(ZONE, primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    reference: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PostingRow(Base):
    __tablename__ = "postings"
    zone_id: Mapped[str] = mapped_column(ZONE, primary_key=True)
    entry_id: Mapped[str] = mapped_column(ID, primary_key=True)
    line: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    account_id: Mapped[str] = mapped_column(ID, ForeignKey("accounts.id"))
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[int] = mapped_column(Amount)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (
        ForeignKeyConstraint(["zone_id", "entry_id"], ["journal_entries.zone_id", "journal_entries.id"]),
        CheckConstraint("amount <> 0", name="amount_non_zero"),
        Index(None, "zone_id", "account_id", "created_at"),
    )


class PaymentRow(Base):
    __tablename__ = "payments"
    zone_id: Mapped[str] = mapped_column(ZONE, primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    from_account_id: Mapped[str] = mapped_column(ID, ForeignKey("accounts.id"))
    to_account_id: Mapped[str] = mapped_column(ID, ForeignKey("accounts.id"))
    amount: Mapped[int] = mapped_column(Amount)
    currency: Mapped[str] = mapped_column(String(3))
    reference: Mapped[str | None] = mapped_column(String(255))
    entry_id: Mapped[str] = mapped_column(ID)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("from_account_id <> to_account_id", name="distinct_accounts"),
        ForeignKeyConstraint(["zone_id", "entry_id"], ["journal_entries.zone_id", "journal_entries.id"]),
    )


# --- identity ---------------------------------------------------------------------------------------------------


class IdentityRow(Base):
    """A KYC (person) or KYB (business) verification of an entity."""

    __tablename__ = "identities"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    zone_id: Mapped[str] = mapped_column(ZONE)
    entity_id: Mapped[str] = mapped_column(ID)
    identity_type: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (Index(None, "zone_id", "entity_id"),)


class IdentityLinkRow(Base):
    """A national identifier (CNIC, NTN, passport) linked to one identity; unique per zone."""

    __tablename__ = "identity_links"
    zone_id: Mapped[str] = mapped_column(ZONE, primary_key=True)
    id_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    id_value: Mapped[str] = mapped_column(String(32), primary_key=True)
    identity_id: Mapped[str] = mapped_column(ID, ForeignKey("identities.id"), index=True)
    linked_at: Mapped[datetime] = mapped_column(UtcDateTime)


class IdentityAttestationRow(Base):
    __tablename__ = "identity_attestations"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    zone_id: Mapped[str] = mapped_column(ZONE)
    identity_id: Mapped[str] = mapped_column(ID, ForeignKey("identities.id"), index=True)
    attestation_type: Mapped[str] = mapped_column(String(64))
    issuer: Mapped[str] = mapped_column(String(255))
    outcome: Mapped[str] = mapped_column(String(16))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    details: Mapped[dict[str, Any]] = mapped_column(JsonDoc)


# --- consent ----------------------------------------------------------------------------------------------------


class ConsentRow(Base):
    __tablename__ = "consents"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    zone_id: Mapped[str] = mapped_column(ZONE)
    consent_type: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(16))
    payload_digest: Mapped[str] = mapped_column(String(64))
    created_by_role: Mapped[str] = mapped_column(String(32))
    created_by_entity_id: Mapped[str | None] = mapped_column(ID)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (Index(None, "zone_id", "created_at"),)


class ConsentPartyRow(Base):
    __tablename__ = "consent_parties"
    consent_id: Mapped[str] = mapped_column(ID, ForeignKey("consents.id"), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ID, primary_key=True)
    zone_id: Mapped[str] = mapped_column(ZONE)
    position: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(64))
    signer_did: Mapped[str] = mapped_column(String(255))
    decision: Mapped[str | None] = mapped_column(String(16))
    signature: Mapped[str | None] = mapped_column(String(128))
    signed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    __table_args__ = (Index(None, "zone_id", "entity_id"),)

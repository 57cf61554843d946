"""registry: entities, licences, smart assets, credentials, status lists, attestations

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

Entities and licences with their lifecycle histories, beneficial owners, smart assets, the credentials the zone
issued, its Bitstring status lists, and the attestations regulators query. Every key leads with ``zone_id``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attestations",
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("attestation_type", sa.String(length=64), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("jurisdiction_id", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=True),
        sa.Column("asset_id", sa.String(length=64), nullable=True),
        sa.Column("credential_id", sa.String(length=255), nullable=True),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "details", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.CheckConstraint(
            "status IN ('ACTIVE', 'PENDING', 'SUSPENDED', 'REVOKED', 'EXPIRED')",
            name=op.f("ck_attestations_status_known"),
        ),
        sa.PrimaryKeyConstraint("zone_id", "id", name=op.f("pk_attestations")),
    )
    op.create_index(
        op.f("ix_attestations_zone_id_attestation_type"), "attestations", ["zone_id", "attestation_type"], unique=False
    )
    op.create_index(
        op.f("ix_attestations_zone_id_credential_id"), "attestations", ["zone_id", "credential_id"], unique=False
    )
    op.create_index(op.f("ix_attestations_zone_id_entity_id"), "attestations", ["zone_id", "entity_id"], unique=False)
    op.create_index(op.f("ix_attestations_zone_id_issued_at"), "attestations", ["zone_id", "issued_at"], unique=False)
    op.create_table(
        "entities",
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("entity_type", sa.String(length=32), nullable=False),
        sa.Column("legal_name", sa.String(length=255), nullable=False),
        sa.Column("jurisdiction_id", sa.String(length=64), nullable=False),
        sa.Column("registration_number", sa.String(length=64), nullable=True),
        sa.Column("ntn", sa.String(length=7), nullable=True),
        sa.Column("did", sa.String(length=255), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("dissolution_stage", sa.Integer(), nullable=True),
        sa.Column(
            "details", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("zone_id", "id", name=op.f("pk_entities")),
    )
    op.create_index(op.f("ix_entities_zone_id_created_at"), "entities", ["zone_id", "created_at"], unique=False)
    op.create_table(
        "issued_credentials",
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("credential_type", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=True),
        sa.Column("asset_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_list_seq", sa.Integer(), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column(
            "document", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('active', 'suspended', 'revoked')", name=op.f("ck_issued_credentials_status_known")
        ),
        sa.PrimaryKeyConstraint("zone_id", "id", name=op.f("pk_issued_credentials")),
        sa.UniqueConstraint(
            "zone_id",
            "status_list_seq",
            "status_index",
            name=op.f("uq_issued_credentials_zone_id_status_list_seq_status_index"),
        ),
    )
    op.create_index(
        op.f("ix_issued_credentials_zone_id_entity_id"), "issued_credentials", ["zone_id", "entity_id"], unique=False
    )
    op.create_index(
        op.f("ix_issued_credentials_zone_id_issued_at"), "issued_credentials", ["zone_id", "issued_at"], unique=False
    )
    op.create_table(
        "smart_assets",
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("asset_type", sa.String(length=255), nullable=False),
        sa.Column("asset_name", sa.String(length=255), nullable=False),
        sa.Column("jurisdiction_id", sa.String(length=64), nullable=False),
        sa.Column("owner_entity_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("compliance_status", sa.String(length=24), nullable=False),
        sa.Column("last_evaluated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "last_evaluation",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "genesis", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("registry_credential_id", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("zone_id", "id", name=op.f("pk_smart_assets")),
    )
    op.create_index(op.f("ix_smart_assets_zone_id_created_at"), "smart_assets", ["zone_id", "created_at"], unique=False)
    op.create_index(
        op.f("ix_smart_assets_zone_id_owner_entity_id"), "smart_assets", ["zone_id", "owner_entity_id"], unique=False
    )
    op.create_table(
        "status_lists",
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("list_id", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("allocated", sa.Integer(), nullable=False),
        sa.Column(
            "document", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("purpose IN ('revocation', 'suspension')", name=op.f("ck_status_lists_purpose_known")),
        sa.CheckConstraint("allocated >= 0 AND allocated <= size", name=op.f("ck_status_lists_allocated_within_size")),
        sa.PrimaryKeyConstraint("zone_id", "purpose", "seq", name=op.f("pk_status_lists")),
    )
    op.create_table(
        "beneficial_owners",
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("ownership_percentage", sa.String(length=12), nullable=False),
        sa.Column("cnic", sa.String(length=13), nullable=True),
        sa.Column("ntn", sa.String(length=7), nullable=True),
        sa.Column("passport", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["zone_id", "entity_id"],
            ["entities.zone_id", "entities.id"],
            name=op.f("fk_beneficial_owners_zone_id_entities"),
        ),
        sa.PrimaryKeyConstraint("zone_id", "entity_id", "position", name=op.f("pk_beneficial_owners")),
    )
    op.create_table(
        "entity_transitions",
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("transition", sa.String(length=32), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=False),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("dissolution_stage", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=True),
        sa.Column("reason", sa.String(length=1000), nullable=True),
        sa.Column(
            "evidence", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["zone_id", "entity_id"],
            ["entities.zone_id", "entities.id"],
            name=op.f("fk_entity_transitions_zone_id_entities"),
        ),
        sa.PrimaryKeyConstraint("zone_id", "entity_id", "seq", name=op.f("pk_entity_transitions")),
    )
    op.create_table(
        "licences",
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("holder_entity_id", sa.String(length=36), nullable=False),
        sa.Column("licence_type", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("licence_number", sa.String(length=100), nullable=True),
        sa.Column(
            "activities", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("state_reason", sa.String(length=1000), nullable=True),
        sa.Column("effective_date", sa.String(length=10), nullable=True),
        sa.Column("expiry_date", sa.String(length=10), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["zone_id", "holder_entity_id"],
            ["entities.zone_id", "entities.id"],
            name=op.f("fk_licences_zone_id_entities"),
        ),
        sa.PrimaryKeyConstraint("zone_id", "id", name=op.f("pk_licences")),
    )
    op.create_index(
        op.f("ix_licences_zone_id_holder_entity_id"), "licences", ["zone_id", "holder_entity_id"], unique=False
    )
    op.create_table(
        "licence_transitions",
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("licence_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("transition", sa.String(length=32), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=False),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=True),
        sa.Column("reason", sa.String(length=1000), nullable=True),
        sa.Column(
            "evidence", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["zone_id", "licence_id"],
            ["licences.zone_id", "licences.id"],
            name=op.f("fk_licence_transitions_zone_id_licences"),
        ),
        sa.PrimaryKeyConstraint("zone_id", "licence_id", "seq", name=op.f("pk_licence_transitions")),
    )


def downgrade() -> None:
    op.drop_table("licence_transitions")
    op.drop_index(op.f("ix_licences_zone_id_holder_entity_id"), table_name="licences")
    op.drop_table("licences")
    op.drop_table("entity_transitions")
    op.drop_table("beneficial_owners")
    op.drop_table("status_lists")
    op.drop_index(op.f("ix_smart_assets_zone_id_owner_entity_id"), table_name="smart_assets")
    op.drop_index(op.f("ix_smart_assets_zone_id_created_at"), table_name="smart_assets")
    op.drop_table("smart_assets")
    op.drop_index(op.f("ix_issued_credentials_zone_id_issued_at"), table_name="issued_credentials")
    op.drop_index(op.f("ix_issued_credentials_zone_id_entity_id"), table_name="issued_credentials")
    op.drop_table("issued_credentials")
    op.drop_index(op.f("ix_entities_zone_id_created_at"), table_name="entities")
    op.drop_table("entities")
    op.drop_index(op.f("ix_attestations_zone_id_issued_at"), table_name="attestations")
    op.drop_index(op.f("ix_attestations_zone_id_entity_id"), table_name="attestations")
    op.drop_index(op.f("ix_attestations_zone_id_credential_id"), table_name="attestations")
    op.drop_index(op.f("ix_attestations_zone_id_attestation_type"), table_name="attestations")
    op.drop_table("attestations")

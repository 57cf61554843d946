"""corridors: records, heads, receipts, lifecycle transitions, checkpoints, watcher attestations, fork
resolutions, settlement plans and pacs.008 instructions

Revision ID: 0003
Revises: 0002 (0001 until part 2a is merged; see down_revision)
Create Date: 2026-11-27

The receipts' primary key (zone_id, corridor_uuid, sequence) is the uniqueness backstop of the append path.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
# Part 2b was built beside part 2a's 0002_registry; on its own branch it follows 0001. At merge: "0002".
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "corridors",
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("corridor_id", sa.String(length=255), nullable=False),
        sa.Column("jurisdiction_a", sa.String(length=255), nullable=False),
        sa.Column("jurisdiction_b", sa.String(length=255), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("module_path", sa.String(length=255), nullable=True),
        sa.Column("genesis_root", sa.String(length=64), nullable=False),
        sa.Column(
            "policy", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "module_files",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "lifecycle", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("source IN ('library', 'posted')", name=op.f("ck_corridors_source_known")),
        sa.PrimaryKeyConstraint("zone_id", "id", name=op.f("pk_corridors")),
        sa.UniqueConstraint("zone_id", "corridor_id", name=op.f("uq_corridors_zone_id_corridor_id")),
    )
    op.create_table(
        "corridor_checkpoints",
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("corridor_uuid", sa.String(length=36), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("receipt_count", sa.BigInteger(), nullable=False),
        sa.Column("mmr_root", sa.String(length=64), nullable=False),
        sa.Column(
            "document", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("receipt_count >= 1", name=op.f("ck_corridor_checkpoints_count_positive")),
        sa.ForeignKeyConstraint(
            ["zone_id", "corridor_uuid"],
            ["corridors.zone_id", "corridors.id"],
            name=op.f("fk_corridor_checkpoints_zone_id_corridors"),
        ),
        sa.PrimaryKeyConstraint("zone_id", "corridor_uuid", "digest", name=op.f("pk_corridor_checkpoints")),
    )
    op.create_index(
        op.f("ix_corridor_checkpoints_zone_id_corridor_uuid_receipt_count"),
        "corridor_checkpoints",
        ["zone_id", "corridor_uuid", "receipt_count"],
        unique=False,
    )
    op.create_table(
        "corridor_fork_resolutions",
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("corridor_uuid", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("prev_root", sa.String(length=64), nullable=False),
        sa.Column("chosen_next_root", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column(
            "choice", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "alarm", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "resolution", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["zone_id", "corridor_uuid"],
            ["corridors.zone_id", "corridors.id"],
            name=op.f("fk_corridor_fork_resolutions_zone_id_corridors"),
        ),
        sa.PrimaryKeyConstraint("zone_id", "corridor_uuid", "id", name=op.f("pk_corridor_fork_resolutions")),
    )
    op.create_table(
        "corridor_heads",
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("corridor_uuid", sa.String(length=36), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("receipt_count", sa.BigInteger(), nullable=False),
        sa.Column("next_root", sa.String(length=64), nullable=False),
        sa.Column(
            "peaks", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("last_timestamp", sa.String(length=32), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('DRAFT', 'PENDING', 'ACTIVE', 'HALTED', 'SUSPENDED', 'DEPRECATED')",
            name=op.f("ck_corridor_heads_state_known"),
        ),
        sa.CheckConstraint("receipt_count >= 0", name=op.f("ck_corridor_heads_count_non_negative")),
        sa.ForeignKeyConstraint(
            ["zone_id", "corridor_uuid"],
            ["corridors.zone_id", "corridors.id"],
            name=op.f("fk_corridor_heads_zone_id_corridors"),
        ),
        sa.PrimaryKeyConstraint("zone_id", "corridor_uuid", name=op.f("pk_corridor_heads")),
    )
    op.create_table(
        "corridor_receipts",
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("corridor_uuid", sa.String(length=36), nullable=False),
        sa.Column("sequence", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("prev_root", sa.String(length=64), nullable=False),
        sa.Column("next_root", sa.String(length=64), nullable=False),
        sa.Column("receipt", sa.Text(), nullable=False),
        sa.CheckConstraint("sequence >= 0", name=op.f("ck_corridor_receipts_sequence_non_negative")),
        sa.ForeignKeyConstraint(
            ["zone_id", "corridor_uuid"],
            ["corridors.zone_id", "corridors.id"],
            name=op.f("fk_corridor_receipts_zone_id_corridors"),
        ),
        sa.PrimaryKeyConstraint("zone_id", "corridor_uuid", "sequence", name=op.f("pk_corridor_receipts")),
    )
    op.create_table(
        "corridor_transitions",
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("corridor_uuid", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=False),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("transition", sa.String(length=64), nullable=False),
        sa.Column("transitioned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finality_level", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=True),
        sa.Column(
            "evidence", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "credential", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["zone_id", "corridor_uuid"],
            ["corridors.zone_id", "corridors.id"],
            name=op.f("fk_corridor_transitions_zone_id_corridors"),
        ),
        sa.PrimaryKeyConstraint("zone_id", "corridor_uuid", "seq", name=op.f("pk_corridor_transitions")),
    )
    op.create_table(
        "corridor_watcher_attestations",
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("corridor_uuid", sa.String(length=36), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("watcher", sa.String(length=255), nullable=False),
        sa.Column("receipt_count", sa.BigInteger(), nullable=False),
        sa.Column("head_commitment", sa.String(length=64), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "document", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["zone_id", "corridor_uuid"],
            ["corridors.zone_id", "corridors.id"],
            name=op.f("fk_corridor_watcher_attestations_zone_id_corridors"),
        ),
        sa.PrimaryKeyConstraint("zone_id", "corridor_uuid", "digest", name=op.f("pk_corridor_watcher_attestations")),
    )
    op.create_index(
        op.f("ix_corridor_watcher_attestations_zone_id_corridor_uuid_observed_at"),
        "corridor_watcher_attestations",
        ["zone_id", "corridor_uuid", "observed_at"],
        unique=False,
    )
    op.create_table(
        "settlement_plans",
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("corridor_uuid", sa.String(length=36), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column(
            "plan", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["zone_id", "corridor_uuid"],
            ["corridors.zone_id", "corridors.id"],
            name=op.f("fk_settlement_plans_zone_id_corridors"),
        ),
        sa.PrimaryKeyConstraint("zone_id", "id", name=op.f("pk_settlement_plans")),
    )
    op.create_index(
        op.f("ix_settlement_plans_zone_id_corridor_uuid_created_at"),
        "settlement_plans",
        ["zone_id", "corridor_uuid", "created_at"],
        unique=False,
    )
    op.create_table(
        "settlement_instructions",
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("message_id", sa.String(length=35), nullable=False),
        sa.Column("transactions", sa.Integer(), nullable=False),
        sa.Column("xml", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["zone_id", "plan_id"],
            ["settlement_plans.zone_id", "settlement_plans.id"],
            name=op.f("fk_settlement_instructions_zone_id_settlement_plans"),
        ),
        sa.PrimaryKeyConstraint("zone_id", "id", name=op.f("pk_settlement_instructions")),
    )
    op.create_index(
        op.f("ix_settlement_instructions_zone_id_plan_id"),
        "settlement_instructions",
        ["zone_id", "plan_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_settlement_instructions_zone_id_plan_id"), table_name="settlement_instructions")
    op.drop_table("settlement_instructions")
    op.drop_index(op.f("ix_settlement_plans_zone_id_corridor_uuid_created_at"), table_name="settlement_plans")
    op.drop_table("settlement_plans")
    op.drop_index(
        op.f("ix_corridor_watcher_attestations_zone_id_corridor_uuid_observed_at"),
        table_name="corridor_watcher_attestations",
    )
    op.drop_table("corridor_watcher_attestations")
    op.drop_table("corridor_transitions")
    op.drop_table("corridor_receipts")
    op.drop_table("corridor_heads")
    op.drop_table("corridor_fork_resolutions")
    op.drop_index(
        op.f("ix_corridor_checkpoints_zone_id_corridor_uuid_receipt_count"), table_name="corridor_checkpoints"
    )
    op.drop_table("corridor_checkpoints")
    op.drop_table("corridors")

"""initial schema: audit log, ownership, fiscal, identity, consent

Revision ID: 0001
Revises:
Create Date: 2026-11-27

The audit log is append-only at the database level as well: triggers refuse UPDATE and DELETE on both backends.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("account_type", sa.String(length=40), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("ntn", sa.String(length=7), nullable=True),
        sa.Column("allow_overdraft", sa.Boolean(), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('entity', 'external')", name=op.f("ck_accounts_kind_known")),
        sa.CheckConstraint("allow_overdraft OR balance >= 0", name=op.f("ck_accounts_no_overdraft")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
    )
    op.create_index(op.f("ix_accounts_zone_id_entity_id"), "accounts", ["zone_id", "entity_id"], unique=False)
    op.create_index(
        "uq_accounts_external_currency",
        "accounts",
        ["zone_id", "currency"],
        unique=True,
        sqlite_where=sa.text("kind = 'external'"),
        postgresql_where=sa.text("kind = 'external'"),
    )
    op.create_table(
        "audit_log",
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("stream", sa.String(length=128), nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_role", sa.String(length=32), nullable=False),
        sa.Column("actor_entity_id", sa.String(length=36), nullable=True),
        sa.Column("action", sa.String(length=128), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=True),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.Column(
            "details", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("seq >= 0", name=op.f("ck_audit_log_seq_non_negative")),
        sa.PrimaryKeyConstraint("zone_id", "stream", "seq", name=op.f("pk_audit_log")),
    )
    _protect_audit_log()
    op.create_table(
        "cap_tables",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cap_tables")),
        sa.UniqueConstraint("zone_id", "entity_id", name=op.f("uq_cap_tables_zone_id_entity_id")),
    )
    op.create_table(
        "consents",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("consent_type", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("payload_digest", sa.String(length=64), nullable=False),
        sa.Column("created_by_role", sa.String(length=32), nullable=False),
        sa.Column("created_by_entity_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    op.create_index(op.f("ix_consents_zone_id_created_at"), "consents", ["zone_id", "created_at"], unique=False)
    op.create_table(
        "identities",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("identity_type", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identities")),
    )
    op.create_index(op.f("ix_identities_zone_id_entity_id"), "identities", ["zone_id", "entity_id"], unique=False)
    op.create_table(
        "journal_entries",
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("reference", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("zone_id", "id", name=op.f("pk_journal_entries")),
    )
    op.create_table(
        "consent_parties",
        sa.Column("consent_id", sa.String(length=36), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=64), nullable=False),
        sa.Column("signer_did", sa.String(length=255), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("signature", sa.String(length=128), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["consent_id"], ["consents.id"], name=op.f("fk_consent_parties_consent_id_consents")),
        sa.PrimaryKeyConstraint("consent_id", "entity_id", name=op.f("pk_consent_parties")),
    )
    op.create_index(
        op.f("ix_consent_parties_zone_id_entity_id"), "consent_parties", ["zone_id", "entity_id"], unique=False
    )
    op.create_table(
        "identity_attestations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("identity_id", sa.String(length=36), nullable=False),
        sa.Column("attestation_type", sa.String(length=64), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "details", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["identity_id"], ["identities.id"], name=op.f("fk_identity_attestations_identity_id_identities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_attestations")),
    )
    op.create_index(
        op.f("ix_identity_attestations_identity_id"), "identity_attestations", ["identity_id"], unique=False
    )
    op.create_table(
        "identity_links",
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("id_type", sa.String(length=16), nullable=False),
        sa.Column("id_value", sa.String(length=32), nullable=False),
        sa.Column("identity_id", sa.String(length=36), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["identity_id"], ["identities.id"], name=op.f("fk_identity_links_identity_id_identities")
        ),
        sa.PrimaryKeyConstraint("zone_id", "id_type", "id_value", name=op.f("pk_identity_links")),
    )
    op.create_index(op.f("ix_identity_links_identity_id"), "identity_links", ["identity_id"], unique=False)
    op.create_table(
        "payments",
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("from_account_id", sa.String(length=36), nullable=False),
        sa.Column("to_account_id", sa.String(length=36), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reference", sa.String(length=255), nullable=True),
        sa.Column("entry_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payments_amount_positive")),
        sa.CheckConstraint("from_account_id <> to_account_id", name=op.f("ck_payments_distinct_accounts")),
        sa.ForeignKeyConstraint(
            ["from_account_id"], ["accounts.id"], name=op.f("fk_payments_from_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(["to_account_id"], ["accounts.id"], name=op.f("fk_payments_to_account_id_accounts")),
        sa.ForeignKeyConstraint(
            ["zone_id", "entry_id"],
            ["journal_entries.zone_id", "journal_entries.id"],
            name=op.f("fk_payments_zone_id_journal_entries"),
        ),
        sa.PrimaryKeyConstraint("zone_id", "id", name=op.f("pk_payments")),
    )
    op.create_table(
        "postings",
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("entry_id", sa.String(length=36), nullable=False),
        sa.Column("line", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount <> 0", name=op.f("ck_postings_amount_non_zero")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_postings_account_id_accounts")),
        sa.ForeignKeyConstraint(
            ["zone_id", "entry_id"],
            ["journal_entries.zone_id", "journal_entries.id"],
            name=op.f("fk_postings_zone_id_journal_entries"),
        ),
        sa.PrimaryKeyConstraint("zone_id", "entry_id", "line", name=op.f("pk_postings")),
    )
    op.create_index(
        op.f("ix_postings_zone_id_account_id_created_at"),
        "postings",
        ["zone_id", "account_id", "created_at"],
        unique=False,
    )
    op.create_table(
        "share_classes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("cap_table_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("authorized_shares", sa.BigInteger(), nullable=False),
        sa.Column("issued_shares", sa.BigInteger(), nullable=False),
        sa.Column("par_value", sa.String(length=40), nullable=True),
        sa.Column("voting_rights", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("authorized_shares > 0", name=op.f("ck_share_classes_authorized_positive")),
        sa.CheckConstraint(
            "issued_shares <= authorized_shares", name=op.f("ck_share_classes_issued_within_authorized")
        ),
        sa.CheckConstraint("issued_shares >= 0", name=op.f("ck_share_classes_issued_non_negative")),
        sa.ForeignKeyConstraint(
            ["cap_table_id"], ["cap_tables.id"], name=op.f("fk_share_classes_cap_table_id_cap_tables")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_classes")),
        sa.UniqueConstraint("cap_table_id", "name", name=op.f("uq_share_classes_cap_table_id_name")),
    )
    op.create_table(
        "holdings",
        sa.Column("share_class_id", sa.String(length=36), nullable=False),
        sa.Column("holder_id", sa.String(length=255), nullable=False),
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("shares", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("shares >= 0", name=op.f("ck_holdings_shares_non_negative")),
        sa.ForeignKeyConstraint(
            ["share_class_id"], ["share_classes.id"], name=op.f("fk_holdings_share_class_id_share_classes")
        ),
        sa.PrimaryKeyConstraint("share_class_id", "holder_id", name=op.f("pk_holdings")),
    )
    op.create_table(
        "share_movements",
        sa.Column("zone_id", sa.String(length=255), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("cap_table_id", sa.String(length=36), nullable=False),
        sa.Column("share_class_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("from_holder", sa.String(length=255), nullable=True),
        sa.Column("to_holder", sa.String(length=255), nullable=False),
        sa.Column("shares", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('issuance', 'transfer')", name=op.f("ck_share_movements_kind_known")),
        sa.CheckConstraint("shares > 0", name=op.f("ck_share_movements_shares_positive")),
        sa.ForeignKeyConstraint(
            ["cap_table_id"], ["cap_tables.id"], name=op.f("fk_share_movements_cap_table_id_cap_tables")
        ),
        sa.ForeignKeyConstraint(
            ["share_class_id"], ["share_classes.id"], name=op.f("fk_share_movements_share_class_id_share_classes")
        ),
        sa.PrimaryKeyConstraint("zone_id", "id", name=op.f("pk_share_movements")),
    )
    op.create_index(
        op.f("ix_share_movements_zone_id_cap_table_id_created_at"),
        "share_movements",
        ["zone_id", "cap_table_id", "created_at"],
        unique=False,
    )


def _protect_audit_log() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION msez_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION msez_audit_log_append_only()"
        )
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )


def downgrade() -> None:
    op.drop_index(op.f("ix_share_movements_zone_id_cap_table_id_created_at"), table_name="share_movements")
    op.drop_table("share_movements")
    op.drop_table("holdings")
    op.drop_table("share_classes")
    op.drop_index(op.f("ix_postings_zone_id_account_id_created_at"), table_name="postings")
    op.drop_table("postings")
    op.drop_table("payments")
    op.drop_index(op.f("ix_identity_links_identity_id"), table_name="identity_links")
    op.drop_table("identity_links")
    op.drop_index(op.f("ix_identity_attestations_identity_id"), table_name="identity_attestations")
    op.drop_table("identity_attestations")
    op.drop_index(op.f("ix_consent_parties_zone_id_entity_id"), table_name="consent_parties")
    op.drop_table("consent_parties")
    op.drop_table("journal_entries")
    op.drop_index(op.f("ix_identities_zone_id_entity_id"), table_name="identities")
    op.drop_table("identities")
    op.drop_index(op.f("ix_consents_zone_id_created_at"), table_name="consents")
    op.drop_table("consents")
    op.drop_table("cap_tables")
    op.drop_table("audit_log")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION msez_audit_log_append_only()")
    op.drop_index(
        "uq_accounts_external_currency",
        table_name="accounts",
        sqlite_where=sa.text("kind = 'external'"),
        postgresql_where=sa.text("kind = 'external'"),
    )
    op.drop_index(op.f("ix_accounts_zone_id_entity_id"), table_name="accounts")
    op.drop_table("accounts")

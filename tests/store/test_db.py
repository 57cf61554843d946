"""The database handle: migrations, transactions, SQLite settings, the per-key lock."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from msez.core import ConflictError, ValidationError
from msez.store import (
    Base,
    Database,
    DatabaseError,
    advisory_key,
    current_revision,
    head_revision,
    lock_key,
    upgrade_to_head,
    utcnow,
)
from msez.store._models import CapTableRow


def test_migrated_schema_matches_the_models(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_upgrade_is_idempotent(db: Database, db_url: str) -> None:
    assert upgrade_to_head(db_url) == head_revision()
    assert current_revision(db) == head_revision()


def test_a_failed_write_leaves_nothing(db: Database, zone: str) -> None:
    with pytest.raises(RuntimeError, match="boom"), db.write() as session:
        session.add(
            CapTableRow(id="00000000-0000-4000-8000-000000000001", zone_id=zone, entity_id="e", created_at=utcnow())
        )
        session.flush()
        raise RuntimeError("boom")
    with db.read() as session:
        assert session.get(CapTableRow, "00000000-0000-4000-8000-000000000001") is None


def test_a_constraint_violation_is_a_conflict(db: Database, zone: str) -> None:
    row = {"zone_id": zone, "entity_id": "e", "created_at": utcnow()}
    with db.write() as session:
        session.add(CapTableRow(id="00000000-0000-4000-8000-0000000000aa", **row))
    with pytest.raises(ConflictError, match="conflicts with stored data"), db.write() as session:
        session.add(CapTableRow(id="00000000-0000-4000-8000-0000000000ab", **row))


def test_sqlite_runs_in_wal_with_full_sync_and_foreign_keys(sqlite_url: str) -> None:
    database = Database(sqlite_url)
    with database.read() as session:
        pragmas = [
            session.execute(text(f"PRAGMA {name}")).scalar() for name in ("journal_mode", "synchronous", "foreign_keys")
        ]
    database.dispose()
    assert pragmas == ["wal", 2, 1]


def test_lock_key_needs_a_write_transaction(db: Database) -> None:
    with pytest.raises(RuntimeError, match="lock_key needs a write transaction"), db.read() as session:
        lock_key(session, "corridor", "c-1")


def test_lock_key_is_reentrant_within_one_transaction(db: Database) -> None:
    with db.write() as session:
        lock_key(session, "corridor", "c-1")
        lock_key(session, "corridor", "c-1")


def test_advisory_keys_are_stable_signed_64_bit() -> None:
    key = advisory_key("corridor", "c-1")
    assert key == advisory_key("corridor", "c-1") != advisory_key("corridor", "c-2")
    assert -(2**63) <= key < 2**63
    assert advisory_key("a", "b\x00c") != advisory_key("a\x00b", "c")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        pytest.param("mysql://u@h/db", "unsupported database backend 'mysql'", id="mysql"),
        pytest.param("not a url", "invalid database URL", id="garbage"),
    ],
)
def test_unsupported_urls_are_refused(url: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Database(url)


def test_ping_reports_an_unreachable_database() -> None:
    database = Database("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(DatabaseError, match="database unreachable"):
        database.ping()
    database.dispose()

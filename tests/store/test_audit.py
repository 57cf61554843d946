"""The hash-chained audit log: appending, verification, tamper detection, append-only protection."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from sqlalchemy import text

from msez.core import CanonicalizationError, ConflictError
from msez.store import Database, DatabaseError, audit

ADMIN = audit.Actor("zone_admin")


def _append(db: Database, zone: str, stream: str, count: int) -> list[audit.AuditEntry]:
    entries = []
    for i in range(count):
        with db.write() as session:
            entries.append(
                audit.append_audit(
                    session, zone_id=zone, stream=stream, actor=ADMIN, action="test.act", details={"i": i}
                )
            )
    return entries


def test_entries_chain_from_genesis(db: Database, zone: str) -> None:
    entries = _append(db, zone, "admin", 4)
    assert [e.seq for e in entries] == [0, 1, 2, 3]
    assert entries[0].prev_hash == audit.GENESIS_HASH
    assert all(b.prev_hash == a.entry_hash for a, b in itertools.pairwise(entries))
    with db.read() as session:
        report = audit.verify_stream(session, zone, "admin")
        stored = audit.read_stream(session, zone, "admin")
    assert report.ok and report.entries == 4 and report.head_hash == entries[-1].entry_hash
    assert stored == entries


def test_streams_chain_independently(db: Database, zone: str) -> None:
    _append(db, zone, "ownership", 2)
    other = _append(db, zone, "consent:1", 1)
    assert other[0].seq == 0 and other[0].prev_hash == audit.GENESIS_HASH
    with db.read() as session:
        assert sorted(audit.list_streams(session, zone)) == ["consent:1", "ownership"]
        assert audit.stream_length(session, zone, "ownership") == 2


def test_details_must_have_a_canonical_form(db: Database, zone: str) -> None:
    with pytest.raises(CanonicalizationError, match="float"), db.write() as session:
        audit.append_audit(session, zone_id=zone, stream="admin", actor=ADMIN, action="x", details={"ratio": 0.5})


@pytest.mark.parametrize(
    ("tamper", "broken", "reason"),
    [
        pytest.param(lambda es: [*es[:2], replace(es[2], details={"i": 99}), *es[3:]], 2, "entry_hash", id="edited"),
        pytest.param(lambda es: [*es[:1], *es[2:]], 1, "expected seq 1, found 2", id="deleted"),
        pytest.param(lambda es: [es[0], es[2], es[1], *es[3:]], 1, "expected seq 1, found 2", id="reordered"),
        pytest.param(
            lambda es: [
                *es[:3],
                replace(es[3], prev_hash="f" * 64, entry_hash=replace(es[3], prev_hash="f" * 64).computed_hash()),
            ],
            3,
            "prev_hash",
            id="relinked",
        ),
        pytest.param(lambda es: [replace(es[0], actor=audit.Actor("regulator")), *es[1:]], 0, "entry_hash", id="actor"),
    ],
)
def test_verification_reports_the_first_broken_link(db: Database, zone: str, tamper, broken: int, reason: str) -> None:  # type: ignore[no-untyped-def]
    entries = _append(db, zone, "admin", 5)
    report = audit.verify_entries(zone, "admin", tamper(entries))
    assert not report.ok
    assert report.first_broken == broken
    assert reason in (report.reason or "")


def test_tampering_in_the_database_is_detected(db: Database, zone: str) -> None:
    _append(db, zone, "admin", 3)
    with db.write() as session:
        _without_protection(session, "UPDATE audit_log SET details = :d WHERE zone_id = :z AND seq = 1", zone)
    with db.read() as session:
        report = audit.verify_stream(session, zone, "admin")
    assert (report.ok, report.first_broken, report.entries) == (False, 1, 1)
    assert "does not match the recomputed" in (report.reason or "")


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param("UPDATE audit_log SET action = 'forged' WHERE zone_id = :z", id="update"),
        pytest.param("DELETE FROM audit_log WHERE zone_id = :z", id="delete"),
    ],
)
def test_the_log_is_append_only_in_the_database(db: Database, zone: str, statement: str) -> None:
    _append(db, zone, "admin", 1)
    with pytest.raises((ConflictError, DatabaseError), match="append-only"), db.write() as session:
        session.execute(text(statement), {"z": zone})
    with db.read() as session:
        assert audit.verify_stream(session, zone, "admin").entries == 1


def _without_protection(session, statement: str, zone: str) -> None:  # type: ignore[no-untyped-def]
    """Run ``statement`` with the append-only triggers lifted, inside the caller's transaction only."""
    params = {"z": zone, "d": '{"i": 42}'}
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        session.execute(text(statement.replace(":d", "CAST(:d AS jsonb)")), params)
        session.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
        return
    session.execute(text("DROP TRIGGER audit_log_no_update"))
    session.execute(text(statement), params)
    session.execute(
        text(
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )
    )

"""The corridor store: batched receipt appends (driver-level SQL, and the asyncio writer on PostgreSQL) keep one
gap-free chain whose audit stream verifies, also with writers in several processes; refusals leave nothing."""

from __future__ import annotations

import asyncio
import multiprocessing
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from msez.core import ConflictError, NotFoundError
from msez.corridor import CorridorLifecycle, genesis_root, verify_chain
from msez.store import AsyncReceiptWriter, Database, audit, corridors, receipts
from tests.store._corridor_workers import POLICY, append_rounds, build, draft

PROCESSES = 3
ROUNDS = 10


def _open(db: Database, zone: str, *, state: str = "ACTIVE") -> str:
    new = corridors.NewCorridor(
        corridor_id=POLICY.corridor_id,
        jurisdiction_a="pk-rsez",
        jurisdiction_b="ae-difc",
        source="posted",
        module_path=None,
        genesis_root=genesis_root(POLICY).hex,
        policy=POLICY.to_json(),
        module_files={},
        lifecycle=CorridorLifecycle(POLICY.corridor_id).to_json(),
    )
    with db.write() as session:
        corridor = corridors.create_corridor(session, zone, new).id
        session.execute(
            text("UPDATE corridor_heads SET state = :s WHERE zone_id = :z AND corridor_uuid = :c"),
            {"s": state, "z": zone, "c": corridor},
        )
    return corridor


def _chain(db: Database, zone: str, corridor: str) -> list[dict[str, Any]]:
    with db.read() as session:
        return [dict(r.receipt) for r in receipts.list_receipts(session, zone, corridor, limit=10_000)]


def test_batches_extend_one_chain(db: Database, zone: str) -> None:
    corridor = _open(db, zone)
    sizes = [1, 3, 2]
    for size in sizes:
        with db.write() as session:
            appended = receipts.append_receipts(session, zone, corridor, [draft(n) for n in range(size)], build)
        assert [a.sequence for a in appended] == list(range(appended[0].sequence, appended[0].sequence + size))
    head = verify_chain(_chain(db, zone, corridor), POLICY)
    with db.read() as session:
        stored = corridors.read_head(session, zone, corridor)
        report = audit.verify_stream(session, zone, corridors.stream_of(corridor))
    assert (stored.receipt_count, stored.next_root, stored.mmr_root) == (6, head.final_state_root, head.mmr_root)
    assert stored.peaks == head.peaks and stored.last_timestamp == head.last_timestamp
    assert report.ok and report.entries == 6


@given(sizes=st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=5))
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_split_into_batches_gives_one_gap_free_chain(db: Database, sizes: list[int]) -> None:
    zone = f"test-zone-{uuid.uuid4().hex[:12]}"
    corridor = _open(db, zone)
    for size in sizes:
        with db.write() as session:
            receipts.append_receipts(session, zone, corridor, [draft(n) for n in range(size)], build)
    chain = _chain(db, zone, corridor)
    assert [r["sequence"] for r in chain] == list(range(sum(sizes)))
    assert verify_chain(chain, POLICY).receipt_count == sum(sizes)
    with db.read() as session:
        assert audit.verify_stream(session, zone, corridors.stream_of(corridor)).entries == sum(sizes)


def test_refused_batches_leave_nothing(db: Database, zone: str) -> None:
    corridor = _open(db, zone, state="HALTED")
    halted = "is HALTED; receipts are accepted only in PENDING or ACTIVE"
    with pytest.raises(ConflictError, match=halted), db.write() as session:
        receipts.append_receipts(session, zone, corridor, [draft(0)], build)
    with pytest.raises(NotFoundError, match="corridor nope not found"), db.write() as session:
        receipts.append_receipts(session, zone, "nope", [draft(0)], build)
    assert _chain(db, zone, corridor) == []


def test_a_taken_sequence_is_a_conflict(db: Database, zone: str) -> None:
    corridor = _open(db, zone)
    with db.write() as session:
        session.execute(
            text(
                "INSERT INTO corridor_receipts (zone_id, corridor_uuid, sequence, prev_root, next_root, receipt) "
                "VALUES (:z, :c, 0, :r, :r, '{}')"
            ),
            {"z": zone, "c": corridor, "r": "0" * 64},
        )
    with pytest.raises(ConflictError, match="conflicts with stored data"), db.write() as session:
        receipts.append_receipts(session, zone, corridor, [draft(0)], build)


def test_writers_in_several_processes_keep_one_chain(db: Database, db_url: str, zone: str) -> None:
    corridor = _open(db, zone)
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=append_rounds, args=(db_url, zone, corridor, ROUNDS, asynchronous))
        for asynchronous in ([False, True, True] if db_url.startswith("postgresql") else [False] * PROCESSES)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0] * PROCESSES
    chain = _chain(db, zone, corridor)
    assert [r["sequence"] for r in chain] == list(range(PROCESSES * ROUNDS * 2))
    verify_chain(chain, POLICY)
    with db.read() as session:
        assert audit.verify_stream(session, zone, corridors.stream_of(corridor)).ok


@pytest.mark.postgres
def test_the_async_writer_serialises_batches_and_maps_refusals(postgres_url: str, zone: str) -> None:
    db = Database(postgres_url)
    halted, other_zone = _open(db, zone, state="HALTED"), f"{zone}-b"
    corridor = _open(db, other_zone)
    writer = AsyncReceiptWriter(postgres_url, db.engine.dialect, pool_size=3)

    async def scenario() -> list[list[receipts.Appended]]:
        try:
            batches = [writer.append(other_zone, corridor, [draft(n), draft(n)], build) for n in range(4)]
            appended = await asyncio.gather(*batches)
            with pytest.raises(ConflictError, match="is HALTED"):
                await writer.append(zone, halted, [draft(0)], build)
            return appended
        finally:
            await writer.close()

    try:
        appended = asyncio.run(scenario())
        assert sorted(a.sequence for batch in appended for a in batch) == list(range(8))
        verify_chain(_chain(db, other_zone, corridor), POLICY)
    finally:
        db.dispose()


@pytest.mark.postgres
def test_the_async_writer_takes_its_batch_once_the_head_row_is_locked(postgres_url: str, zone: str) -> None:
    db = Database(postgres_url)
    corridor = _open(db, zone)
    writer = AsyncReceiptWriter(postgres_url, db.engine.dialect, pool_size=1)
    queued = [draft(0)]
    taken: list[int] = []

    def take() -> list[receipts.Draft]:
        taken.append(len(queued))
        return list(queued)

    async def scenario(holder: Any) -> list[receipts.Appended]:
        try:
            task = asyncio.create_task(writer.append(zone, corridor, take, build))
            while not _waiting_for_a_lock(db):  # the writer's SELECT ... FOR UPDATE waits on the holder
                await asyncio.sleep(0.01)
            queued.extend([draft(1), draft(2)])  # requests that arrive while the lock is held
            holder.rollback()
            return await task
        finally:
            await writer.close()

    try:
        with db.engine.connect() as holder:
            holder.execute(
                text("SELECT 1 FROM corridor_heads WHERE zone_id = :z AND corridor_uuid = :c FOR UPDATE"),
                {"z": zone, "c": corridor},
            )
            appended = asyncio.run(scenario(holder))
        assert taken == [3]
        assert [a.sequence for a in appended] == [0, 1, 2]
        verify_chain(_chain(db, zone, corridor), POLICY)
    finally:
        db.dispose()


def _waiting_for_a_lock(db: Database) -> bool:
    with db.engine.connect() as conn:
        waiting = conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        ).scalar_one()
    return bool(waiting)

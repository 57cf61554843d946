"""Writers in several processes serialise correctly on both backends (no lost update, no duplicate sequence)."""

from __future__ import annotations

import multiprocessing
import uuid

from msez.store import Database, audit, fiscal, ownership
from tests.store._workers import hammer

PROCESSES = 4
ROUNDS = 15


def test_concurrent_writers_in_several_processes(db: Database, db_url: str, zone: str) -> None:
    with db.write() as session:
        account = fiscal.open_account(
            session, zone, entity_id=str(uuid.uuid4()), account_type="operating", currency="PKR"
        )
        table = ownership.create_cap_table(
            session, zone, str(uuid.uuid4()), [ownership.ShareClassSpec("common", 10_000)]
        )
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=hammer, args=(db_url, zone, account.id, table.id, ROUNDS)) for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0] * PROCESSES
    total = PROCESSES * ROUNDS
    with db.read() as session:
        report = audit.verify_stream(session, zone, "corridor:shared")
        seqs = [e.seq for e in audit.read_stream(session, zone, "corridor:shared", limit=total + 10)]
        balance = fiscal.get_account(session, zone, account.id).balance
        issued = ownership.get_cap_table(session, zone, table.id).share_classes[0].issued_shares
        books = fiscal.trial_balance(session, zone)
    assert report.ok and seqs == list(range(total))
    assert balance == issued == total
    assert books == {"PKR": 0}

"""The per-corridor group commit: a batch that fails before it was taken fails every request queued for it and
leaves the queue empty (nothing retried in a loop, nobody left waiting)."""

from __future__ import annotations

import asyncio
import threading
from types import SimpleNamespace
from typing import Any

from msez.api._corridor_appender import Appender
from msez.store import Database, DatabaseError, audit, receipts


def _never_built(*_: Any) -> dict[str, Any]:
    raise AssertionError("no receipt may be built when the database is unreachable")


def test_an_unreachable_database_fails_every_queued_append_once() -> None:
    db = Database("postgresql+psycopg://postgres@127.0.0.1:9/unreachable")
    appender = Appender(db, "zone", _never_built)
    channel: Any = SimpleNamespace(id="c0ffee00-0000-4000-8000-000000000000")
    actor = audit.Actor("zone_admin", None)

    async def scenario() -> list[BaseException | receipts.Appended]:
        requests = [appender.append(channel, receipts.Draft({"kind": "noop"}, actor, f"r{n}")) for n in range(5)]
        results = await asyncio.gather(*requests, return_exceptions=True)
        assert not appender._queues[channel.id].pending
        assert not appender._queues[channel.id].busy
        await appender.close()
        return results

    outcome: list[list[BaseException | receipts.Appended]] = []
    # In a daemon thread, bounded: a queue that is never emptied would retry the failing write forever.
    runner = threading.Thread(target=lambda: outcome.append(asyncio.run(scenario())), daemon=True)
    try:
        runner.start()
        runner.join(timeout=60)
    finally:
        db.dispose()
    assert outcome, "the appends never completed: the failed batch was retried instead of failed"
    (results,) = outcome
    assert len(results) == 5
    for result in results:
        assert isinstance(result, DatabaseError)
        assert "database unreachable" in result.message

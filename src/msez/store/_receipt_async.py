"""Receipt appends on PostgreSQL from the event loop, over psycopg's asyncio connections.

The same transaction as :func:`msez.store.receipts.append_receipts` (the same SQL, the same batch planning):
``BEGIN``, lock the head row, read the audit head, one write statement, ``COMMIT``. Nothing blocks the event loop
while the row lock is awaited and no thread is involved (a worker thread competing with the event loop for the
GIL doubled the time each batch held the lock), so requests keep being parsed and queued for the next batch
meanwhile. Pipeline mode would save three round trips, but on loopback its extra Python work cost more than the
round trips it saved.

Connections come from a small pool of this writer's own (one per corridor with a batch in flight); a connection
that fails is closed and replaced on next use. Driver errors become ``ConflictError`` (integrity) or
``DatabaseError`` (anything else), as :meth:`msez.store.Database.write` maps them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Final

import psycopg
from sqlalchemy import Dialect
from sqlalchemy.engine import make_url

from msez.core import ConflictError, MsezError
from msez.store._corridors import stream_of
from msez.store._db import DatabaseError
from msez.store._receipt_sql import receipt_sql
from msez.store._receipts import Appended, Build, Draft, plan_batch

POOL_SIZE: Final = 4
Drafts = Sequence[Draft] | Callable[[], Sequence[Draft]]
"""The batch: the drafts, or a callable that gives them once the head row is locked (see :meth:`append`)."""


class AsyncReceiptWriter:
    """Appends batches of receipts over asyncio connections to one PostgreSQL database."""

    def __init__(self, url: str, dialect: Dialect, *, pool_size: int = POOL_SIZE) -> None:
        self._conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self._sql = receipt_sql(dialect)
        self._idle: list[psycopg.AsyncConnection[tuple[object, ...]]] = []
        self._slots: asyncio.Semaphore | None = None
        self._pool_size = pool_size

    async def append(self, zone_id: str, corridor: str, drafts: Drafts, build: Build) -> list[Appended]:
        """Append ``drafts`` to the corridor's chain in one transaction (see the module docstring).

        ``drafts`` may be a callable: it is called once the corridor's head row is locked, so the requests that
        queued while another process held the lock join this batch instead of waiting for the next one.

        Raises:
            NotFoundError, ConflictError: as :func:`~msez.store.receipts.append_receipts`.
            DatabaseError: the database is unreachable or failed.
        """
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._pool_size)
        async with self._slots:
            conn = await self._connection()
            try:
                appended = await self._append(conn, zone_id, corridor, drafts, build)
            except psycopg.Error as e:
                await conn.close()
                raise _translated(e) from e
            except MsezError:
                self._idle.append(conn)  # refused before writing; the transaction was rolled back
                raise
            except BaseException:
                await conn.close()
                raise
            self._idle.append(conn)
            return appended

    async def _append(
        self,
        conn: psycopg.AsyncConnection[tuple[object, ...]],
        zone_id: str,
        corridor: str,
        drafts: Drafts,
        build: Build,
    ) -> list[Appended]:
        sql = self._sql
        async with conn.transaction():
            head = await (await conn.execute(sql.lock_head, (zone_id, corridor))).fetchone()
            audit_head = await (await conn.execute(sql.audit_head, (zone_id, stream_of(corridor)))).fetchone()
            if callable(drafts):
                drafts = drafts()
            batch = plan_batch(sql, zone_id, corridor, head=head, audit_head=audit_head, drafts=drafts, build=build)
            for statement, params in sql.write_statements(batch.receipts, batch.audit, batch.head):
                await conn.execute(statement, params)
        return batch.appended

    async def _connection(self) -> psycopg.AsyncConnection[tuple[object, ...]]:
        while self._idle:
            conn = self._idle.pop()
            if not conn.closed:
                return conn
        try:
            return await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
        except psycopg.Error as e:
            raise DatabaseError(f"database unreachable: {type(e).__name__}") from e

    async def close(self) -> None:
        """Close the idle connections (at shutdown)."""
        idle, self._idle = self._idle, []
        for conn in idle:
            await conn.close()


def _translated(error: psycopg.Error) -> ConflictError | DatabaseError:
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if isinstance(error, psycopg.IntegrityError):
        return ConflictError(f"the write conflicts with stored data: {first}")
    return DatabaseError(f"database write failed: {type(error).__name__}: {first}")

"""The database handle: engines, read and write transactions, and the per-key write lock.

SQLite (the embedded default) and PostgreSQL (psycopg 3) behave the same to callers:

* every unit of work is one transaction: :meth:`Database.write` commits on success and rolls back on any
  exception, so a failed request leaves no row behind; :meth:`Database.read` always rolls back;
* on SQLite a write transaction starts with ``BEGIN IMMEDIATE``, which takes the database's single writer lock
  up front (no failed lock upgrades); before that, writers queue on a thread lock and an ``flock`` on
  ``<db>-writer.lock``, so writers in several processes wait in the kernel rather than in SQLite's sleeping
  busy handler (the 30 s busy timeout remains for writers outside msez);
  the file runs in WAL mode with ``synchronous=FULL`` and foreign keys on;
* :func:`lock_key` serialises writers on one key (a corridor, an audit stream) inside a write transaction: a
  transaction-scoped advisory lock on PostgreSQL, and the writer lock SQLite already holds.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from msez.core import ConflictError, MsezError, ValidationError

log = logging.getLogger(__name__)

DEFAULT_DATABASE_URL: Final = "sqlite:///var/msez.db"
SQLITE_BUSY_TIMEOUT_S: Final = 30.0
_WRITE: Final = "msez_write"


class DatabaseError(MsezError):
    """The database is unreachable or refused an operation for a reason that is not the caller's input."""


class Database:
    """Engines and session factories for one database URL; create one per process and share it."""

    def __init__(self, url: str, *, pool_size: int = 10, echo: bool = False) -> None:
        """Connect lazily to ``url`` (``sqlite:///path`` or ``postgresql+psycopg://...``).

        Raises:
            ValidationError: the URL is malformed or names an unsupported backend.
        """
        try:
            parsed = make_url(url)
        except ArgumentError as e:
            raise ValidationError(f"invalid database URL: {e}") from e
        self.url = url
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite":
            self.engine = _sqlite_engine(url, parsed.database, echo=echo)
        elif self.dialect == "postgresql":
            # No pre-ping: it costs a round trip per request. A connection that died with the server fails on
            # use (that request gets 503) and SQLAlchemy then invalidates the whole pool.
            self.engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size, echo=echo)
        else:
            raise ValidationError(f"unsupported database backend {self.dialect!r}: expected sqlite or postgresql")
        self._reads = sessionmaker(bind=self.engine, expire_on_commit=False, autoflush=False)
        self._writer_gate: AbstractContextManager[object] = (
            _WriterGate(parsed.database) if self.dialect == "sqlite" else nullcontext()
        )
        write_engine = self.engine.execution_options(**{_WRITE: True})
        self._writes = sessionmaker(bind=write_engine, expire_on_commit=False, autoflush=False)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work; it always ends in a rollback.

        Raises:
            DatabaseError: the database failed (connection lost, statement timeout).
        """
        with self._reads() as session:
            try:
                yield session
            except SQLAlchemyError as e:
                raise DatabaseError(f"database read failed: {type(e).__name__}: {_first_line(e)}") from e
            finally:
                session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write unit of work: committed when the block ends, rolled back if it raises.

        Raises:
            ConflictError: a uniqueness, check or foreign-key constraint refused the write (a concurrent writer
                got there first, or the input contradicts stored data).
            DatabaseError: the write failed for a database reason (connection lost, lock timeout).
        """
        with self._writer_gate, self._writes() as session:
            try:
                with session.begin():
                    yield session
            except IntegrityError as e:
                raise ConflictError(f"the write conflicts with stored data: {_first_line(e)}") from e
            except SQLAlchemyError as e:
                raise DatabaseError(f"database write failed: {type(e).__name__}: {_first_line(e)}") from e

    def ping(self) -> None:
        """Run ``SELECT 1``.

        Raises:
            DatabaseError: the database cannot be reached.
        """
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError as e:
            raise DatabaseError(f"database unreachable: {type(e).__name__}") from e

    def dispose(self) -> None:
        """Close pooled connections (at shutdown, or in a child process after fork)."""
        self.engine.dispose()


def lock_key(session: Session, namespace: str, key: str) -> None:
    """Serialise writers on ``(namespace, key)`` until the current write transaction ends.

    PostgreSQL: ``pg_advisory_xact_lock`` on a 64-bit digest of the key (released at commit or rollback).
    SQLite: the ``BEGIN IMMEDIATE`` writer lock already serialises every writer of the file.

    Raises:
        RuntimeError: the session is not inside a write transaction from :meth:`Database.write`.
    """
    conn = session.connection()
    if not conn.get_execution_options().get(_WRITE):
        raise RuntimeError("lock_key needs a write transaction (Database.write())")
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": advisory_key(namespace, key)})


def advisory_key(namespace: str, key: str) -> int:
    """The signed 64-bit advisory-lock id of ``(namespace, key)``."""
    digest = hashlib.sha256(f"{len(namespace)}:{namespace}\x00{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class _WriterGate:
    """Queues SQLite writers: a thread lock, then an exclusive ``flock`` on ``<db>-writer.lock``.

    SQLite admits one writer per file and makes the others poll with a sleeping busy handler, which turns
    contention between worker processes into second-long tail latencies; blocking on a kernel lock instead
    hands the file to the next writer as soon as the previous one commits.
    """

    def __init__(self, database: str | None) -> None:
        self._thread = threading.Lock()
        self._fd: int | None = None
        if database and database != ":memory:":
            self._fd = os.open(f"{database}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)

    def __enter__(self) -> _WriterGate:
        self._thread.acquire()
        if self._fd is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            except BaseException:
                self._thread.release()
                raise
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._thread.release()


def _first_line(error: SQLAlchemyError) -> str:
    original = getattr(error, "orig", None) or error
    return str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__


def _sqlite_engine(url: str, database: str | None, *, echo: bool) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from the sqlite3 module so our "begin" hook decides the mode.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
    finally:
        cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")

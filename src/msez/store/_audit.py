"""The append-only, hash-chained audit log (spec §71, §80: every privileged access leaves an audit event).

Entries form one chain per ``(zone_id, stream)``: ``entry_hash = SHA-256(MCF(entry))`` where the entry includes
``prev_hash`` (64 zeros for ``seq`` 0). Streams keep hot paths apart: each primitive has its own write stream
(``ownership``, ``fiscal``, ``identity``), each consent request its own trail (``consent:<id>``), regulator access
goes to ``regulator``, and corridors will add ``corridor:<id>``. Appending takes the stream's write lock
(:func:`~msez.store.lock_key`) and reads the head inside the same transaction, so sequences have no gap or
duplicate even with writers in several processes. Triggers refuse UPDATE and DELETE on the table.

:func:`verify_entries` is pure (entries in, report out); :func:`verify_stream` feeds it from the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from msez.core import canonical_bytes, sha256_digest
from msez.store._base import utcnow
from msez.store._db import lock_key
from msez.store._models import AuditEntryRow

GENESIS_HASH: Final = "0" * 64
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND: Final = timedelta(microseconds=1)


@dataclass(frozen=True)
class Actor:
    """Who acted: a role (``zone_admin``, ``regulator``, ``entity_operator``, ``system``) and its entity."""

    role: str
    entity_id: str | None = None


@dataclass(frozen=True)
class AuditEntry:
    zone_id: str
    stream: str
    seq: int
    occurred_at: datetime
    actor: Actor
    action: str
    subject: str | None
    request_id: str | None
    details: Mapping[str, Any]
    prev_hash: str
    entry_hash: str

    def hashed_fields(self) -> dict[str, Any]:
        """The value whose canonical bytes are hashed (everything but ``entry_hash``)."""
        micros = (self.occurred_at - _EPOCH) // _MICROSECOND
        return {
            "zone_id": self.zone_id,
            "stream": self.stream,
            "seq": self.seq,
            "occurred_at_us": micros,
            "actor": {"role": self.actor.role, "entity_id": self.actor.entity_id},
            "action": self.action,
            "subject": self.subject,
            "request_id": self.request_id,
            "details": dict(self.details),
            "prev_hash": self.prev_hash,
        }

    def computed_hash(self) -> str:
        return sha256_digest(canonical_bytes(self.hashed_fields())).hex


@dataclass(frozen=True)
class ChainReport:
    """The outcome of walking one stream: ``first_broken`` is the first bad ``seq`` (``None`` when intact)."""

    zone_id: str
    stream: str
    entries: int
    head_hash: str
    first_broken: int | None = None
    reason: str | None = field(default=None)

    @property
    def ok(self) -> bool:
        return self.first_broken is None


def append_audit(
    session: Session,
    *,
    zone_id: str,
    stream: str,
    actor: Actor,
    action: str,
    subject: str | None = None,
    request_id: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to ``stream`` inside the caller's write transaction.

    Raises:
        CanonicalizationError: ``details`` holds something that has no canonical form (a float, say).
        RuntimeError: not inside a write transaction.
    """
    lock_key(session, "audit", f"{zone_id}\x00{stream}")
    head = session.execute(
        select(AuditEntryRow.seq, AuditEntryRow.entry_hash)
        .where(AuditEntryRow.zone_id == zone_id, AuditEntryRow.stream == stream)
        .order_by(AuditEntryRow.seq.desc())
        .limit(1)
    ).first()
    seq, prev_hash = (head[0] + 1, head[1]) if head else (0, GENESIS_HASH)
    draft = AuditEntry(
        zone_id, stream, seq, utcnow(), actor, action, subject, request_id, dict(details or {}), prev_hash, ""
    )
    entry = replace(draft, entry_hash=draft.computed_hash())
    session.execute(
        insert(AuditEntryRow),
        {
            "zone_id": zone_id,
            "stream": stream,
            "seq": seq,
            "occurred_at": entry.occurred_at,
            "actor_role": actor.role,
            "actor_entity_id": actor.entity_id,
            "action": action,
            "subject": subject,
            "request_id": request_id,
            "details": dict(entry.details),
            "prev_hash": prev_hash,
            "entry_hash": entry.entry_hash,
        },
    )
    return entry


def read_stream(session: Session, zone_id: str, stream: str, *, offset: int = 0, limit: int = 100) -> list[AuditEntry]:
    """Entries of one stream in sequence order."""
    rows = session.scalars(
        select(AuditEntryRow)
        .where(AuditEntryRow.zone_id == zone_id, AuditEntryRow.stream == stream)
        .order_by(AuditEntryRow.seq)
        .offset(offset)
        .limit(limit)
    )
    return [_entry(row) for row in rows]


def stream_length(session: Session, zone_id: str, stream: str) -> int:
    count = session.scalar(select(func.count()).where(AuditEntryRow.zone_id == zone_id, AuditEntryRow.stream == stream))
    return int(count or 0)


def verify_entries(zone_id: str, stream: str, entries: Iterable[AuditEntry]) -> ChainReport:
    """Walk ``entries`` (in sequence order) and report the first broken link, if any."""
    expected_seq, prev_hash, count = 0, GENESIS_HASH, 0
    for entry in entries:
        problem = _check(entry, expected_seq, prev_hash)
        if problem is not None:
            return ChainReport(zone_id, stream, count, prev_hash, first_broken=expected_seq, reason=problem)
        expected_seq, prev_hash, count = entry.seq + 1, entry.entry_hash, count + 1
    return ChainReport(zone_id, stream, count, prev_hash)


def verify_stream(session: Session, zone_id: str, stream: str) -> ChainReport:
    """Verify one stored stream from its first entry to its head."""
    rows = session.scalars(
        select(AuditEntryRow)
        .where(AuditEntryRow.zone_id == zone_id, AuditEntryRow.stream == stream)
        .order_by(AuditEntryRow.seq)
        .execution_options(yield_per=1000)
    )
    try:
        return verify_entries(zone_id, stream, (_entry(row) for row in rows))
    finally:
        rows.close()


def list_streams(session: Session, zone_id: str) -> list[str]:
    return list(session.scalars(select(AuditEntryRow.stream).where(AuditEntryRow.zone_id == zone_id).distinct()))


def _check(entry: AuditEntry, expected_seq: int, prev_hash: str) -> str | None:
    if entry.seq != expected_seq:
        return f"expected seq {expected_seq}, found {entry.seq}"
    if entry.prev_hash != prev_hash:
        return f"prev_hash {entry.prev_hash} does not match the previous entry's hash {prev_hash}"
    computed = entry.computed_hash()
    if computed != entry.entry_hash:
        return f"entry_hash {entry.entry_hash} does not match the recomputed {computed}"
    return None


def _entry(row: AuditEntryRow) -> AuditEntry:
    return AuditEntry(
        zone_id=row.zone_id,
        stream=row.stream,
        seq=row.seq,
        occurred_at=row.occurred_at,
        actor=Actor(row.actor_role, row.actor_entity_id),
        action=row.action,
        subject=row.subject,
        request_id=row.request_id,
        details=row.details,
        prev_hash=row.prev_hash,
        entry_hash=row.entry_hash,
    )

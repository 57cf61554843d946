"""Receipt appends: the hot path of a corridor, one transaction for a batch of receipts, in few round trips.

:func:`append_receipts` runs inside the caller's write transaction and, for a batch of drafts:

1. locks and reads the head row in one statement (``SELECT ... FOR UPDATE``, as
   :func:`~msez.store.corridors.lock_head`), and refuses the batch unless the corridor is ``PENDING`` or ``ACTIVE``;
2. reads the head of the corridor's audit stream (it only moves under the head lock);
3. builds each receipt through the caller's ``build(sequence, prev_root, transition)`` (which seals and signs it),
   chains it to the previous one, extends the MMR peaks and hash-chains one audit entry per receipt;
4. writes every receipt in one multi-row INSERT, the audit entries in another and the head in one UPDATE (on
   PostgreSQL the three are one statement; :mod:`msez.store._receipt_sql` says why this path talks to the driver).

Sequences come from the locked head, so writers in any number of processes never produce a gap or a duplicate;
the primary key ``(zone_id, corridor_uuid, sequence)`` is the backstop. A batch commits or fails as a whole.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from msez.core import ConflictError, NotFoundError
from msez.crypto.mmr import PeakAccumulator
from msez.store._audit import GENESIS_HASH, Actor, AuditEntry
from msez.store._base import utcnow
from msez.store._corridors import peaks_of, stored_peaks, stream_of
from msez.store._models_corridors import ReceiptRow
from msez.store._receipt_sql import ReceiptSql, execute, receipt_sql

ACCEPTING: Final = frozenset({"PENDING", "ACTIVE"})
APPEND_ACTION: Final = "receipt.append"

Build = Callable[[int, str, Mapping[str, Any]], dict[str, Any]]
"""``build(sequence, prev_root, transition)``: the sealed, signed receipt at ``sequence`` extending ``prev_root``."""


@dataclass(frozen=True, slots=True)
class Draft:
    """One receipt to append: the transition envelope it commits to, and who asked for it."""

    transition: Mapping[str, Any]
    actor: Actor
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class Appended:
    """Where one appended receipt landed: its sequence and roots, and the MMR after it."""

    sequence: int
    prev_root: str
    next_root: str
    timestamp: str
    mmr_root: str

    @property
    def mmr_size(self) -> int:
        return self.sequence + 1


@dataclass(frozen=True)
class StoredReceipt:
    sequence: int
    prev_root: str
    next_root: str
    receipt: Mapping[str, Any]


@dataclass(frozen=True)
class Batch:
    """What one append transaction writes (flattened row values, the head update) and what each draft got."""

    receipts: list[Any]
    audit: list[Any]
    head: list[Any]
    appended: list[Appended]


def append_receipts(
    session: Session, zone_id: str, corridor: str, drafts: Sequence[Draft], build: Build
) -> list[Appended]:
    """Append ``drafts`` in order to the corridor's chain (steps 1-4 of the module docstring).

    Raises:
        NotFoundError: no such corridor.
        ConflictError: the corridor is not accepting receipts (not ``PENDING`` or ``ACTIVE``).
    """
    conn = session.connection()
    sql = receipt_sql(conn.dialect)
    head = execute(conn, sql.lock_head, (zone_id, corridor)).fetchone()  # (1)
    audit_head = execute(conn, sql.audit_head, (zone_id, stream_of(corridor))).fetchone()  # (2)
    batch = plan_batch(sql, zone_id, corridor, head=head, audit_head=audit_head, drafts=drafts, build=build)  # (3)
    for statement, params in sql.write_statements(batch.receipts, batch.audit, batch.head):  # (4)
        execute(conn, statement, params)
    return batch.appended


def plan_batch(
    sql: ReceiptSql,
    zone_id: str,
    corridor: str,
    *,
    head: Sequence[Any] | None,
    audit_head: Sequence[Any] | None,
    drafts: Sequence[Draft],
    build: Build,
) -> Batch:
    """Step 3: check the locked head, then build, chain and audit each receipt (no I/O).

    Args:
        head: the head row ``(state, receipt_count, next_root, peaks, last_timestamp)``, ``None`` if missing.
        audit_head: the last ``(seq, entry_hash)`` of the corridor's audit stream, ``None`` if empty.

    Raises:
        NotFoundError: no head row. ConflictError: the corridor is not accepting receipts.
    """
    if head is None:
        raise NotFoundError(f"corridor {corridor} not found")
    state, count, prev_root, peaks, _ = head
    if state not in ACCEPTING:
        raise ConflictError(f"corridor {corridor} is {state}; receipts are accepted only in PENDING or ACTIVE")
    stream = stream_of(corridor)
    audit_seq, audit_hash = (audit_head[0] + 1, audit_head[1]) if audit_head else (0, GENESIS_HASH)
    mmr = PeakAccumulator(count, peaks_of(sql.read_json(peaks)))
    batch = Batch([], [], [], [])
    for offset, draft in enumerate(drafts):
        sequence = count + offset
        receipt = build(sequence, prev_root, draft.transition)
        next_root = receipt["next_root"]
        mmr.append(next_root)
        batch.receipts.extend((zone_id, corridor, sequence, prev_root, next_root, _json_text(receipt)))
        entry = _audit_entry(
            draft,
            zone_id=zone_id,
            stream=stream,
            seq=audit_seq + offset,
            prev_hash=audit_hash,
            sequence=sequence,
            next_root=next_root,
        )
        batch.audit.extend(_audit_values(sql, entry))
        audit_hash = entry.entry_hash
        batch.appended.append(Appended(sequence, prev_root, next_root, receipt["timestamp"], mmr.root()))
        prev_root = next_root
    last = batch.appended[-1].timestamp if batch.appended else None
    peaks_value = sql.bind_json(stored_peaks(mmr.peaks()))
    batch.head.extend((mmr.size, prev_root, peaks_value, last, sql.bind_datetime(utcnow()), zone_id, corridor))
    return batch


def _json_text(receipt: Mapping[str, Any]) -> str:
    return json.dumps(receipt, separators=(",", ":"), ensure_ascii=False)


def _audit_entry(
    draft: Draft, *, zone_id: str, stream: str, seq: int, prev_hash: str, sequence: int, next_root: str
) -> AuditEntry:
    unhashed = AuditEntry(
        zone_id=zone_id,
        stream=stream,
        seq=seq,
        occurred_at=utcnow(),
        actor=draft.actor,
        action=APPEND_ACTION,
        subject=str(sequence),
        request_id=draft.request_id,
        details={"sequence": sequence, "next_root": next_root},
        prev_hash=prev_hash,
        entry_hash="",
    )
    return replace(unhashed, entry_hash=unhashed.computed_hash())


def _audit_values(sql: ReceiptSql, entry: AuditEntry) -> tuple[Any, ...]:
    return (
        entry.zone_id,
        entry.stream,
        entry.seq,
        sql.bind_datetime(entry.occurred_at),
        entry.actor.role,
        entry.actor.entity_id,
        entry.action,
        entry.subject,
        entry.request_id,
        sql.bind_details(dict(entry.details)),
        entry.prev_hash,
        entry.entry_hash,
    )


def get_receipt(session: Session, zone_id: str, corridor: str, sequence: int) -> StoredReceipt:
    """Raises: NotFoundError: no receipt at ``sequence``."""
    row = session.execute(
        select(ReceiptRow.sequence, ReceiptRow.prev_root, ReceiptRow.next_root, ReceiptRow.receipt).where(
            ReceiptRow.zone_id == zone_id, ReceiptRow.corridor_uuid == corridor, ReceiptRow.sequence == sequence
        )
    ).first()
    if row is None:
        raise NotFoundError(f"corridor {corridor} has no receipt {sequence}")
    return StoredReceipt(row[0], row[1], row[2], json.loads(row[3]))


def list_receipts(
    session: Session, zone_id: str, corridor: str, *, offset: int = 0, limit: int = 100
) -> list[StoredReceipt]:
    """Receipts in sequence order from ``offset`` (a sequence number)."""
    rows = session.execute(
        select(ReceiptRow.sequence, ReceiptRow.prev_root, ReceiptRow.next_root, ReceiptRow.receipt)
        .where(ReceiptRow.zone_id == zone_id, ReceiptRow.corridor_uuid == corridor, ReceiptRow.sequence >= offset)
        .order_by(ReceiptRow.sequence)
        .limit(limit)
    )
    return [StoredReceipt(r[0], r[1], r[2], json.loads(r[3])) for r in rows]


def next_roots(session: Session, zone_id: str, corridor: str, size: int) -> list[str]:
    """The ``next_root`` of receipts ``0 .. size-1`` in order (the leaves of the MMR at that size).

    Raises:
        ConflictError: fewer than ``size`` receipts are stored.
    """
    roots = list(
        session.scalars(
            select(ReceiptRow.next_root)
            .where(ReceiptRow.zone_id == zone_id, ReceiptRow.corridor_uuid == corridor, ReceiptRow.sequence < size)
            .order_by(ReceiptRow.sequence)
        )
    )
    if len(roots) != size:
        raise ConflictError(f"corridor {corridor} stores {len(roots)} of the {size} receipts asked for")
    return roots

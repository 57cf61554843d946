"""Receipt appends: the hot path of a corridor, one transaction for a batch of receipts, in few round trips.

:func:`append_receipts` runs inside the caller's write transaction and, for a batch of drafts:

1. locks and reads the head row in one statement (:func:`~msez.store.corridors.lock_head`), and refuses the batch
   unless the corridor is ``PENDING`` or ``ACTIVE``;
2. reads the head of the corridor's audit stream (it only moves under the head lock);
3. builds each receipt through the caller's ``build(sequence, prev_root, transition)`` (which seals and signs it),
   chains it to the previous one, extends the MMR peaks and hash-chains one audit entry per receipt;
4. writes every receipt in one multi-row INSERT, the head in one UPDATE and the audit entries in one multi-row
   INSERT.

Sequences come from the locked head, so writers in any number of processes never produce a gap or a duplicate;
the primary key ``(zone_id, corridor_uuid, sequence)`` is the backstop. A batch commits or fails as a whole.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from msez.core import ConflictError, NotFoundError
from msez.crypto.mmr import PeakAccumulator
from msez.store._audit import GENESIS_HASH, Actor, AuditEntry
from msez.store._base import utcnow
from msez.store._corridors import lock_head, stored_peaks, stream_of
from msez.store._models import AuditEntryRow
from msez.store._models_corridors import CorridorHeadRow, ReceiptRow

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


def append_receipts(
    session: Session, zone_id: str, corridor: str, drafts: Sequence[Draft], build: Build
) -> list[Appended]:
    """Append ``drafts`` in order to the corridor's chain (steps 1-4 of the module docstring).

    Raises:
        NotFoundError: no such corridor.
        ConflictError: the corridor is not accepting receipts (not ``PENDING`` or ``ACTIVE``).
    """
    head = lock_head(session, zone_id, corridor)  # (1)
    if head.state not in ACCEPTING:
        raise ConflictError(f"corridor {corridor} is {head.state}; receipts are accepted only in PENDING or ACTIVE")
    stream = stream_of(corridor)
    audit_row = session.execute(  # (2)
        select(AuditEntryRow.seq, AuditEntryRow.entry_hash)
        .where(AuditEntryRow.zone_id == zone_id, AuditEntryRow.stream == stream)
        .order_by(AuditEntryRow.seq.desc())
        .limit(1)
    ).first()
    audit_seq, audit_hash = (audit_row[0] + 1, audit_row[1]) if audit_row else (0, GENESIS_HASH)
    mmr = PeakAccumulator(head.receipt_count, head.peaks)
    prev_root, receipts, entries, out = head.next_root, [], [], []
    for offset, draft in enumerate(drafts):  # (3)
        sequence = head.receipt_count + offset
        receipt = build(sequence, prev_root, draft.transition)
        next_root = receipt["next_root"]
        mmr.append(next_root)
        receipts.append(_receipt_row(zone_id, corridor, sequence, prev_root, receipt))
        entry = _audit_entry(
            draft,
            zone_id=zone_id,
            stream=stream,
            seq=audit_seq + offset,
            prev_hash=audit_hash,
            sequence=sequence,
            next_root=next_root,
        )
        entries.append(entry)
        audit_hash = entry["entry_hash"]
        out.append(Appended(sequence, prev_root, next_root, receipt["timestamp"], mmr.root()))
        prev_root = next_root
    if not out:
        return out
    session.execute(insert(ReceiptRow), receipts)  # (4)
    session.execute(
        update(CorridorHeadRow)
        .where(CorridorHeadRow.zone_id == zone_id, CorridorHeadRow.corridor_uuid == corridor)
        .values(
            receipt_count=mmr.size,
            next_root=prev_root,
            peaks=stored_peaks(mmr.peaks()),
            last_timestamp=out[-1].timestamp,
            updated_at=utcnow(),
        )
    )
    session.execute(insert(AuditEntryRow), entries)
    return out


def _receipt_row(
    zone_id: str, corridor: str, sequence: int, prev_root: str, receipt: Mapping[str, Any]
) -> dict[str, Any]:
    return {
        "zone_id": zone_id,
        "corridor_uuid": corridor,
        "sequence": sequence,
        "prev_root": prev_root,
        "next_root": receipt["next_root"],
        "receipt": json.dumps(receipt, separators=(",", ":"), ensure_ascii=False),
    }


def _audit_entry(
    draft: Draft, *, zone_id: str, stream: str, seq: int, prev_hash: str, sequence: int, next_root: str
) -> dict[str, Any]:
    draft_entry = AuditEntry(
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
    entry = replace(draft_entry, entry_hash=draft_entry.computed_hash())
    return {
        "zone_id": zone_id,
        "stream": stream,
        "seq": seq,
        "occurred_at": entry.occurred_at,
        "actor_role": entry.actor.role,
        "actor_entity_id": entry.actor.entity_id,
        "action": entry.action,
        "subject": entry.subject,
        "request_id": entry.request_id,
        "details": dict(entry.details),
        "prev_hash": prev_hash,
        "entry_hash": entry.entry_hash,
    }


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

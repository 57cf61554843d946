"""msez.store: the node's persistence (SQLAlchemy 2, alembic migrations shipped in the package).

``Database`` opens SQLite (default, embedded) or PostgreSQL (psycopg 3) from a URL and hands out one
transaction per unit of work; ``upgrade_to_head`` applies the shipped migrations; ``lock_key`` serialises
writers on one key across processes. The repositories are namespaces of functions over a ``Session``:
``audit`` (hash-chained, append-only log), ``ownership``, ``fiscal``, ``identity`` and ``consent``; the zone
registry: ``entities`` (lifecycle history, beneficial owners), ``licences``, ``assets`` (smart assets),
``credentials`` (issued credentials, status lists) and ``attestations``; ``evidence`` (what a compliance
evaluation reads from the primitives' records) and ``overview`` (zone-wide counts); for corridors
``corridors`` (records, heads, lifecycle), ``receipts`` (the batched append path), ``corridor_evidence``
(checkpoints, watcher attestations, fork resolutions) and ``settlements`` (plans, pacs.008 instructions), plus
``AsyncReceiptWriter`` (receipt appends on PostgreSQL from the event loop). Each returns frozen records and
raises ``msez.core`` errors (``NotFoundError``, ``ConflictError``, ``ValidationError``,
``StateTransitionError``).
"""

from msez.store import _assets as assets
from msez.store import _attestations as attestations
from msez.store import _audit as audit
from msez.store import _consent as consent
from msez.store import _corridor_evidence as corridor_evidence
from msez.store import _corridors as corridors
from msez.store import _credentials as credentials
from msez.store import _entities as entities
from msez.store import _evidence as evidence
from msez.store import _fiscal as fiscal
from msez.store import _identity as identity
from msez.store import _licences as licences
from msez.store import _overview as overview
from msez.store import _ownership as ownership
from msez.store import _receipts as receipts
from msez.store import _settlements as settlements
from msez.store._base import ID, ZONE, Base, JsonDoc, UtcDateTime, utcnow
from msez.store._db import DEFAULT_DATABASE_URL, Database, DatabaseError, advisory_key, lock_key
from msez.store._history import LifecycleEntry
from msez.store._migrate import alembic_config, current_revision, head_revision, upgrade_to_head
from msez.store._receipt_async import AsyncReceiptWriter

__all__ = [
    "DEFAULT_DATABASE_URL",
    "AsyncReceiptWriter",
    "ID",
    "ZONE",
    "Base",
    "Database",
    "DatabaseError",
    "JsonDoc",
    "LifecycleEntry",
    "UtcDateTime",
    "advisory_key",
    "alembic_config",
    "assets",
    "attestations",
    "audit",
    "consent",
    "credentials",
    "corridor_evidence",
    "corridors",
    "current_revision",
    "entities",
    "evidence",
    "fiscal",
    "head_revision",
    "identity",
    "licences",
    "lock_key",
    "overview",
    "ownership",
    "receipts",
    "settlements",
    "upgrade_to_head",
    "utcnow",
]

"""The node's shared state and the one-transaction write orchestration every write route goes through.

A write route builds a :class:`WriteOp` and hands a function of a :class:`Tx` to :meth:`Context.write`. The
node opens ONE write transaction and runs, in order (reference-impl §12.8):

1. every :class:`WriteHook`'s ``before`` (the compliance pre-flight; raising ``PolicyError`` refuses with 403),
2. the route's work (persist; it appends its audit entries through :meth:`Tx.audit`),
3. every hook's ``after`` (issue the credential, record the attestation), whose outputs are merged into the
   response's ``orchestration`` field,

and commits only if all of them succeed, so a refused or failed write leaves nothing behind. ``create_app``
installs the compliance orchestration hook (msez.api._orchestration); more can be added with
:meth:`Node.add_hook`. Entities referenced by a write are checked through the :class:`EntityDirectory` seam,
by default the zone's :class:`EntityRegistry`. The node also holds the zone it serves (packs, applicable
domains), the :class:`~msez.api._assess.Assessor` and the zone's :class:`~msez.api._issuer.CredentialIssuer`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy.orm import Session

from msez.api._assess import Assessor
from msez.api._auth import Authenticator, Caller
from msez.api._issuer import CredentialIssuer
from msez.api._ratelimit import RateLimiter, rate_limiter
from msez.api._settings import Settings
from msez.api._zone import load_zone
from msez.store import Database, audit, entities, lock_key

log = logging.getLogger(__name__)
T = TypeVar("T")

REGULATOR_STREAM = "regulator"


class EntityDirectory(Protocol):
    """Answers whether an entity exists in the zone (the entity registry implements it)."""

    def require(self, session: Session, zone_id: str, entity_id: str) -> None:
        """Raises: NotFoundError: no such entity."""
        ...


class EntityRegistry:
    """The zone's entity registry (``msez.store.entities``): unknown entities are 404, dissolved or rejected 409."""

    def require(self, session: Session, zone_id: str, entity_id: str) -> None:
        entities.require_entity(session, zone_id, entity_id)


@dataclass(frozen=True)
class WriteOp:
    """What a write is about, for hooks: the primitive, the action, the entity concerned and the request."""

    primitive: str
    action: str
    entity_id: str | None
    request: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Tx:
    """One write transaction of one request: the session plus who is acting and why."""

    session: Session
    node: Node
    caller: Caller
    request_id: str | None
    op: WriteOp
    notes: dict[str, Any] = field(default_factory=dict)
    """Scratch space the hooks of this one transaction share (e.g. ``before``'s evaluation for ``after``)."""

    @property
    def zone_id(self) -> str:
        return self.node.settings.zone_id

    def audit(
        self, stream: str, action: str, *, subject: str | None = None, details: Mapping[str, Any] | None = None
    ) -> audit.AuditEntry:
        """Append to an audit stream of this zone, in this transaction, as this caller."""
        return audit.append_audit(
            self.session,
            zone_id=self.zone_id,
            stream=stream,
            actor=audit.Actor(self.caller.role.label, self.caller.entity_id),
            action=action,
            subject=subject,
            request_id=self.request_id,
            details=details,
        )

    def lock(self, namespace: str, key: str) -> None:
        """Serialise with other writers of ``(namespace, key)`` until this transaction ends."""
        lock_key(self.session, namespace, key)

    def require_entity(self, entity_id: str) -> None:
        """Raises: NotFoundError: the entity directory does not know ``entity_id``."""
        self.node.entities.require(self.session, self.zone_id, entity_id)


class WriteHook(Protocol):
    def before(self, tx: Tx) -> None:
        """Runs before the write's work; raise ``PolicyError`` to refuse it (403)."""
        ...

    def after(self, tx: Tx, result: Any) -> Mapping[str, Any]:
        """Runs after the work, in the same transaction; returns fields for the response's ``orchestration``."""
        ...


@dataclass(frozen=True)
class Written(Generic[T]):
    result: T
    orchestration: Mapping[str, Any] | None


class Node:
    """Per-process state of a running node, built once by ``create_app``."""

    def __init__(self, settings: Settings, *, database: Database | None = None) -> None:
        self.settings = settings
        self.db = database or Database(settings.database_url)
        self.authenticator = Authenticator(admin_token=settings.admin_token, tokens=settings.api_tokens)
        self.limiter: RateLimiter = rate_limiter(settings.rate_limit, settings.redis_url)
        self.entities: EntityDirectory = EntityRegistry()
        self.zone = load_zone(
            settings.zone_path,
            zone_id=settings.zone_id,
            jurisdiction_id=settings.jurisdiction_id,
            artifacts=settings.data_dir / "artifacts",
        )
        self.assessor = Assessor(self.zone)
        self.issuer = CredentialIssuer(settings)
        self.hooks: list[WriteHook] = []
        self.read_only_posts: set[str] = set()

    def add_hook(self, hook: WriteHook) -> None:
        self.hooks.append(hook)

    def write(
        self,
        caller: Caller,
        request_id: str | None,
        op: WriteOp | Callable[[Session], WriteOp],
        work: Callable[[Tx], T],
    ) -> Written[T]:
        """Run ``work`` inside the orchestrated write transaction (module docstring).

        ``op`` may be a function of the session, run first in the same transaction, for writes whose entity
        comes from a stored record (and whose authorisation check therefore needs the database).
        """
        with self.db.write() as session:
            tx = Tx(session, self, caller, request_id, op if isinstance(op, WriteOp) else op(session))
            for hook in self.hooks:
                hook.before(tx)
            result = work(tx)
            extras: dict[str, Any] = {}
            for hook in self.hooks:
                extras.update(hook.after(tx, result))
        return Written(result, extras or None)

    def read(self, work: Callable[[Session], T]) -> T:
        with self.db.read() as session:
            return work(session)

    def audit_regulator(self, caller: Caller, request_id: str | None, details: Mapping[str, Any]) -> None:
        """Record one regulator request attempt (allowed or denied) in the ``regulator`` stream."""
        with self.db.write() as session:
            audit.append_audit(
                session,
                zone_id=self.settings.zone_id,
                stream=REGULATOR_STREAM,
                actor=audit.Actor(caller.role.label, caller.entity_id),
                action="regulator.access",
                subject=str(details.get("path", ""))[:255],
                request_id=request_id,
                details=details,
            )


@dataclass(frozen=True)
class Context:
    """What a route handler gets: the node, the authenticated caller and the request id."""

    node: Node
    caller: Caller
    request_id: str | None

    @property
    def zone_id(self) -> str:
        return self.node.settings.zone_id

    def write(self, op: WriteOp | Callable[[Session], WriteOp], work: Callable[[Tx], T]) -> Written[T]:
        return self.node.write(self.caller, self.request_id, op, work)

    def read(self, work: Callable[[Session], T]) -> T:
        return self.node.read(work)

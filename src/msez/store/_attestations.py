"""Attestations: the zone's record of what it attested, for regulators (reference-impl A §12.5, spec §71).

Data-minimised by construction: an attestation names the entity or asset by id, the credential by id and the
attested document by digest, with details limited to states, commitments and ids; never names or national
identifiers. Status is ACTIVE, PENDING, SUSPENDED, REVOKED or EXPIRED; an ACTIVE attestation whose
``expires_at`` has passed reads (and filters) as EXPIRED.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.orm import Session

from msez.store._base import utcnow
from msez.store._models_registry import AttestationRow

STATUSES: Final = ("ACTIVE", "PENDING", "SUSPENDED", "REVOKED", "EXPIRED")


@dataclass(frozen=True)
class Attestation:
    id: str
    zone_id: str
    attestation_type: str
    issuer: str
    status: str
    jurisdiction_id: str
    entity_id: str | None
    asset_id: str | None
    credential_id: str | None
    digest: str
    issued_at: datetime
    expires_at: datetime | None
    details: Mapping[str, Any]


@dataclass(frozen=True)
class AttestationFilter:
    """Exact-match filters (``None`` matches anything) and an optional issuance window ``[since, until)``."""

    jurisdiction_id: str | None = None
    entity_id: str | None = None
    asset_id: str | None = None
    attestation_type: str | None = None
    status: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def record_attestation(
    session: Session,
    zone_id: str,
    *,
    attestation_type: str,
    issuer: str,
    jurisdiction_id: str,
    digest: str,
    issued_at: datetime,
    entity_id: str | None = None,
    asset_id: str | None = None,
    credential_id: str | None = None,
    expires_at: datetime | None = None,
    details: Mapping[str, Any] | None = None,
) -> Attestation:
    """Store an ACTIVE attestation (``details`` must hold no PII; see the module docstring)."""
    row: dict[str, Any] = {
        "zone_id": zone_id,
        "id": str(uuid.uuid4()),
        "attestation_type": attestation_type,
        "issuer": issuer,
        "status": "ACTIVE",
        "jurisdiction_id": jurisdiction_id,
        "entity_id": entity_id,
        "asset_id": asset_id,
        "credential_id": credential_id,
        "digest": digest,
        "issued_at": issued_at,
        "expires_at": expires_at,
        "details": dict(details or {}),
    }
    session.execute(insert(AttestationRow), row)
    return Attestation(**row)


def query_attestations(
    session: Session, zone_id: str, wanted: AttestationFilter, *, offset: int = 0, limit: int = 100
) -> tuple[int, list[Attestation]]:
    """The total number of matches and one page of them, newest first."""
    now = utcnow()
    conditions = [AttestationRow.zone_id == zone_id, *_filters(wanted, now)]
    total = session.scalar(select(func.count()).select_from(AttestationRow).where(*conditions)) or 0
    rows = session.execute(
        select(AttestationRow.__table__)
        .where(*conditions)
        .order_by(AttestationRow.issued_at.desc(), AttestationRow.id)
        .offset(offset)
        .limit(limit)
    ).mappings()
    return int(total), [_record(r, now) for r in rows]


def set_credential_status(session: Session, zone_id: str, credential_id: str, status: str) -> None:
    """Give every attestation of ``credential_id`` the status ``status`` (after a revocation or suspension)."""
    session.execute(
        update(AttestationRow)
        .where(AttestationRow.zone_id == zone_id, AttestationRow.credential_id == credential_id)
        .values(status=status)
    )


def totals(session: Session, zone_id: str) -> tuple[int, int]:
    """The number of attestations and of distinct entities they name."""
    count, entities = session.execute(
        select(func.count(), func.count(func.distinct(AttestationRow.entity_id))).where(
            AttestationRow.zone_id == zone_id
        )
    ).one()
    return int(count), int(entities)


def _filters(wanted: AttestationFilter, now: datetime) -> list[Any]:
    found: list[Any] = []
    for column, value in (
        (AttestationRow.jurisdiction_id, wanted.jurisdiction_id),
        (AttestationRow.entity_id, wanted.entity_id),
        (AttestationRow.asset_id, wanted.asset_id),
        (AttestationRow.attestation_type, wanted.attestation_type),
    ):
        if value is not None:
            found.append(column == value)
    if wanted.since is not None:
        found.append(AttestationRow.issued_at >= wanted.since)
    if wanted.until is not None:
        found.append(AttestationRow.issued_at < wanted.until)
    if wanted.status is not None:
        found.append(_status_is(wanted.status, now))
    return found


def _status_is(status: str, now: datetime) -> Any:
    lapsed = and_(AttestationRow.status == "ACTIVE", AttestationRow.expires_at < now)
    if status == "EXPIRED":
        return or_(AttestationRow.status == "EXPIRED", lapsed)
    if status == "ACTIVE":
        in_force = or_(AttestationRow.expires_at.is_(None), AttestationRow.expires_at >= now)
        return and_(AttestationRow.status == "ACTIVE", in_force)
    return AttestationRow.status == status


def _record(row: Mapping[Any, Any], now: datetime) -> Attestation:
    values = dict(row)
    if values["status"] == "ACTIVE" and values["expires_at"] is not None and values["expires_at"] < now:
        values["status"] = "EXPIRED"
    return Attestation(**values)

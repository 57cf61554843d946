"""Smart assets: the genesis document (its ``asset_id`` is msez.vc.compute_asset_id of it), the registry status
(GENESIS until the zone issues the registry credential, then REGISTERED) and the latest compliance evaluation
(its aggregate as ``compliance_status``, and a data-minimised summary: states, commitment, time)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from msez.core import ConflictError, NotFoundError
from msez.store._base import utcnow
from msez.store._models_registry import SmartAssetRow

STATUSES: Final = ("GENESIS", "REGISTERED", "ACTIVE", "PENDING", "SUSPENDED", "RETIRED")
UNEVALUATED: Final = "unevaluated"


@dataclass(frozen=True)
class SmartAsset:
    id: str
    zone_id: str
    asset_type: str
    asset_name: str
    jurisdiction_id: str
    owner_entity_id: str | None
    status: str
    compliance_status: str
    last_evaluated_at: datetime | None
    last_evaluation: Mapping[str, Any]
    genesis: Mapping[str, Any]
    registry_credential_id: str | None
    created_at: datetime
    updated_at: datetime


def create_asset(
    session: Session,
    zone_id: str,
    asset_id: str,
    *,
    asset_type: str,
    asset_name: str,
    jurisdiction_id: str,
    owner_entity_id: str | None,
    genesis: Mapping[str, Any],
) -> SmartAsset:
    """Record a genesis (status GENESIS, compliance unevaluated).

    Raises:
        ConflictError: an asset with this id (the same genesis) exists.
    """
    if session.scalar(select(SmartAssetRow.id).where(_key(zone_id, asset_id))) is not None:
        raise ConflictError(f"asset {asset_id} already exists (the same genesis document)")
    now = utcnow()
    row = {
        "zone_id": zone_id,
        "id": asset_id,
        "asset_type": asset_type,
        "asset_name": asset_name,
        "jurisdiction_id": jurisdiction_id,
        "owner_entity_id": owner_entity_id,
        "status": "GENESIS",
        "compliance_status": UNEVALUATED,
        "last_evaluated_at": None,
        "last_evaluation": {},
        "genesis": dict(genesis),
        "registry_credential_id": None,
        "created_at": now,
        "updated_at": now,
    }
    session.execute(insert(SmartAssetRow), row)
    return _record(row)


def get_asset(session: Session, zone_id: str, asset_id: str) -> SmartAsset:
    """Raises: NotFoundError."""
    row = session.execute(select(SmartAssetRow.__table__).where(_key(zone_id, asset_id))).mappings().first()
    if row is None:
        raise NotFoundError(f"asset {asset_id} not found")
    return _record(row)


def list_assets(
    session: Session, zone_id: str, *, owner_entity_id: str | None = None, offset: int = 0, limit: int = 100
) -> list[SmartAsset]:
    """Assets oldest first, optionally of one owner."""
    query = select(SmartAssetRow.__table__).where(SmartAssetRow.zone_id == zone_id)
    if owner_entity_id is not None:
        query = query.where(SmartAssetRow.owner_entity_id == owner_entity_id)
    rows = session.execute(query.order_by(SmartAssetRow.created_at, SmartAssetRow.id).offset(offset).limit(limit))
    return [_record(r) for r in rows.mappings()]


def mark_registered(session: Session, zone_id: str, asset_id: str, credential_id: str) -> SmartAsset:
    """Record the registry credential and move GENESIS to REGISTERED.

    Raises:
        NotFoundError. ConflictError: the asset already has a registry credential.
    """
    row = _locked(session, zone_id, asset_id)
    if row.registry_credential_id is not None:
        raise ConflictError(f"asset {asset_id} is already registered by {row.registry_credential_id}")
    row.registry_credential_id, row.status, row.updated_at = credential_id, "REGISTERED", utcnow()
    session.flush()
    return get_asset(session, zone_id, asset_id)


def record_evaluation(
    session: Session, zone_id: str, asset_id: str, *, status: str, summary: Mapping[str, Any], at: datetime
) -> SmartAsset:
    """Store the latest evaluation's aggregate and summary. Raises: NotFoundError."""
    row = _locked(session, zone_id, asset_id)
    row.compliance_status, row.last_evaluation, row.last_evaluated_at = status, dict(summary), at
    row.updated_at = utcnow()
    session.flush()
    return get_asset(session, zone_id, asset_id)


def count_assets(session: Session, zone_id: str) -> int:
    return int(session.scalar(select(func.count()).where(SmartAssetRow.zone_id == zone_id)) or 0)


def count_by_compliance(session: Session, zone_id: str) -> dict[str, int]:
    rows = session.execute(
        select(SmartAssetRow.compliance_status, func.count())
        .where(SmartAssetRow.zone_id == zone_id)
        .group_by(SmartAssetRow.compliance_status)
    )
    return {status: int(count) for status, count in rows}


def _key(zone_id: str, asset_id: str) -> Any:
    return (SmartAssetRow.zone_id == zone_id) & (SmartAssetRow.id == asset_id)


def _locked(session: Session, zone_id: str, asset_id: str) -> SmartAssetRow:
    row = session.get(SmartAssetRow, (zone_id, asset_id), with_for_update=True)
    if row is None:
        raise NotFoundError(f"asset {asset_id} not found")
    return row


def _record(row: Mapping[Any, Any]) -> SmartAsset:
    return SmartAsset(**{name: row[name] for name in SmartAsset.__dataclass_fields__})

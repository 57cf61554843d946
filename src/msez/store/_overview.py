"""Zone-wide counts for the regulator's summary and dashboard (one grouped statement each)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from msez.store._models import AuditEntryRow


def audit_streams(session: Session, zone_id: str) -> dict[str, int]:
    """The number of entries in each of the zone's audit streams."""
    rows = session.execute(
        select(AuditEntryRow.stream, func.count())
        .where(AuditEntryRow.zone_id == zone_id)
        .group_by(AuditEntryRow.stream)
    )
    return {stream: int(count) for stream, count in rows}

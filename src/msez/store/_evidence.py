"""What a compliance evaluation reads about an entity from the primitives' records: the verifier attestations
on its identity verifications (KYC/AML and FBR filer status) and the NTNs linked to it (identity links and
fiscal accounts). Read-only, two or three Core statements per entity."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from msez.store._models import AccountRow, IdentityAttestationRow, IdentityLinkRow, IdentityRow


@dataclass(frozen=True)
class IdentityEvidence:
    """One verifier attestation on one of the entity's identity verifications (and that verification's status)."""

    attestation_id: str
    identity_id: str
    identity_type: str
    identity_status: str
    attestation_type: str
    issuer: str
    outcome: str
    issued_at: datetime
    expires_at: datetime | None
    details: Mapping[str, Any]


def identity_evidence(session: Session, zone_id: str, entity_id: str) -> list[IdentityEvidence]:
    """Every attestation on the entity's verifications, oldest first."""
    a, i = IdentityAttestationRow, IdentityRow
    rows = session.execute(
        select(
            a.id,
            i.id,
            i.identity_type,
            i.status,
            a.attestation_type,
            a.issuer,
            a.outcome,
            a.issued_at,
            a.expires_at,
            a.details,
        )
        .join(i, i.id == a.identity_id)
        .where(i.zone_id == zone_id, i.entity_id == entity_id)
        .order_by(a.issued_at, a.id)
    )
    return [IdentityEvidence(*row) for row in rows]


def linked_ntns(session: Session, zone_id: str, entity_id: str) -> list[str]:
    """NTNs linked to the entity's identity verifications or recorded on its fiscal accounts, sorted."""
    links = (
        select(IdentityLinkRow.id_value.label("ntn"))
        .join(IdentityRow, IdentityRow.id == IdentityLinkRow.identity_id)
        .where(IdentityRow.zone_id == zone_id, IdentityRow.entity_id == entity_id, IdentityLinkRow.id_type == "ntn")
    )
    accounts = select(AccountRow.ntn.label("ntn")).where(
        AccountRow.zone_id == zone_id, AccountRow.entity_id == entity_id, AccountRow.ntn.is_not(None)
    )
    return sorted(str(n) for n in session.scalars(select(union(links, accounts).subquery().c.ntn)))

"""Identity (Mass primitive, spec §12): KYC/KYB verifications, national identifiers and attestations.

A verification starts ``pending``; attestations from a verifier move it to ``verified`` or ``rejected``
(``rejected`` is final; an adverse attestation can still reject a verified identity). A CNIC, NTN or passport
number is normalised by ``msez.core`` and can be linked to one identity per zone only.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from msez.core import Cnic, ConflictError, NotFoundError, Ntn, PassportNumber, StateTransitionError, ValidationError
from msez.store._base import utcnow
from msez.store._models import IdentityAttestationRow, IdentityLinkRow, IdentityRow

IDENTITY_TYPES: Final = ("kyc", "kyb")
ID_TYPES: Final = {"cnic": Cnic, "ntn": Ntn, "passport": PassportNumber}
OUTCOMES: Final = ("verified", "rejected")
_TRANSITIONS: Final = {"pending": ("verified", "rejected"), "verified": ("verified", "rejected"), "rejected": ()}


@dataclass(frozen=True)
class IdentityLink:
    id_type: str
    id_value: str
    linked_at: datetime


@dataclass(frozen=True)
class IdentityAttestation:
    id: str
    attestation_type: str
    issuer: str
    outcome: str
    issued_at: datetime
    expires_at: datetime | None
    details: Mapping[str, Any]


@dataclass(frozen=True)
class Identity:
    id: str
    zone_id: str
    entity_id: str
    identity_type: str
    status: str
    created_at: datetime
    updated_at: datetime
    links: tuple[IdentityLink, ...]
    attestations: tuple[IdentityAttestation, ...]


def normalise_identifier(id_type: str, value: str) -> str:
    """The stored form of a national identifier. Raises: ValidationError: unknown type or malformed value."""
    kind = ID_TYPES.get(id_type)
    if kind is None:
        raise ValidationError(f"unknown identifier type {id_type!r}: expected one of {sorted(ID_TYPES)}")
    return str(kind(value))


def create_identity(
    session: Session, zone_id: str, *, entity_id: str, identity_type: str, links: Sequence[tuple[str, str]] = ()
) -> Identity:
    """Start a verification for an entity, linking identifiers given up front.

    Raises:
        ValidationError: unknown identity type, or a malformed identifier.
        ConflictError: an identifier is already linked to another identity.
    """
    if identity_type not in IDENTITY_TYPES:
        raise ValidationError(f"identity_type must be one of {list(IDENTITY_TYPES)}, got {identity_type!r}")
    now = utcnow()
    row = IdentityRow(
        id=str(uuid.uuid4()),
        zone_id=zone_id,
        entity_id=entity_id,
        identity_type=identity_type,
        status="pending",
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    for id_type, value in links:
        _link(session, row, id_type, value)
    return get_identity(session, zone_id, row.id)


def get_identity(session: Session, zone_id: str, identity_id: str) -> Identity:
    """Raises: NotFoundError."""
    row = _identity_row(session, zone_id, identity_id)
    links = session.scalars(
        select(IdentityLinkRow).where(IdentityLinkRow.identity_id == row.id).order_by(IdentityLinkRow.linked_at)
    )
    attestations = session.scalars(
        select(IdentityAttestationRow)
        .where(IdentityAttestationRow.identity_id == row.id)
        .order_by(IdentityAttestationRow.issued_at, IdentityAttestationRow.id)
    )
    return Identity(
        row.id,
        row.zone_id,
        row.entity_id,
        row.identity_type,
        row.status,
        row.created_at,
        row.updated_at,
        tuple(IdentityLink(link.id_type, link.id_value, link.linked_at) for link in links),
        tuple(_attestation(a) for a in attestations),
    )


def identity_entity(session: Session, zone_id: str, identity_id: str) -> str:
    """The entity an identity belongs to. Raises: NotFoundError."""
    return _identity_row(session, zone_id, identity_id).entity_id


def link_identifier(session: Session, zone_id: str, identity_id: str, id_type: str, value: str) -> Identity:
    """Link a CNIC, NTN or passport number (idempotent for the same identity).

    Raises:
        NotFoundError: no such identity. ValidationError: malformed identifier.
        ConflictError: the identifier belongs to another identity.
    """
    row = _identity_row(session, zone_id, identity_id, lock=True)
    _link(session, row, id_type, value)
    return get_identity(session, zone_id, identity_id)


def add_attestation(
    session: Session,
    zone_id: str,
    identity_id: str,
    *,
    attestation_type: str,
    issuer: str,
    outcome: str,
    expires_at: datetime | None = None,
    details: Mapping[str, Any] | None = None,
) -> Identity:
    """Record a verifier's attestation and move the verification to ``outcome``.

    Raises:
        NotFoundError: no such identity. ValidationError: unknown outcome.
        StateTransitionError: the verification was already rejected.
    """
    if outcome not in OUTCOMES:
        raise ValidationError(f"outcome must be one of {list(OUTCOMES)}, got {outcome!r}")
    row = _identity_row(session, zone_id, identity_id, lock=True)
    allowed = _TRANSITIONS[row.status]
    if outcome not in allowed:
        raise StateTransitionError(
            f"identity {identity_id} is {row.status}", from_state=row.status, to_state=outcome, valid_targets=allowed
        )
    now = utcnow()
    session.add(
        IdentityAttestationRow(
            id=str(uuid.uuid4()),
            zone_id=zone_id,
            identity_id=identity_id,
            attestation_type=attestation_type,
            issuer=issuer,
            outcome=outcome,
            issued_at=now,
            expires_at=expires_at,
            details=dict(details or {}),
        )
    )
    row.status, row.updated_at = outcome, now
    session.flush()
    return get_identity(session, zone_id, identity_id)


def _link(session: Session, identity: IdentityRow, id_type: str, value: str) -> None:
    normalised = normalise_identifier(id_type, value)
    existing = session.get(IdentityLinkRow, (identity.zone_id, id_type, normalised))
    if existing is not None:
        if existing.identity_id != identity.id:
            raise ConflictError(f"{id_type} {normalised} is already linked to identity {existing.identity_id}")
        return
    session.add(
        IdentityLinkRow(
            zone_id=identity.zone_id, id_type=id_type, id_value=normalised, identity_id=identity.id, linked_at=utcnow()
        )
    )
    session.flush()


def _identity_row(session: Session, zone_id: str, identity_id: str, *, lock: bool = False) -> IdentityRow:
    row = session.get(IdentityRow, identity_id, with_for_update=lock or None)
    if row is None or row.zone_id != zone_id:
        raise NotFoundError(f"identity {identity_id} not found")
    return row


def _attestation(row: IdentityAttestationRow) -> IdentityAttestation:
    return IdentityAttestation(
        row.id, row.attestation_type, row.issuer, row.outcome, row.issued_at, row.expires_at, row.details
    )

"""Consent (Mass primitive, spec §12): multi-party consent requests signed with Ed25519.

A request names its parties, each with the ``did:key`` that will sign for it. Its *consent document* (id, zone,
type, description, parties) has a SHA-256 ``payload_digest``; a party signs the canonical bytes of
:func:`signing_payload` (``{type, consent_id, payload_digest, entity_id, decision}``) and the node verifies the
signature before it records the decision. Status: ``pending`` -> ``approved`` (every party approved) or
``rejected`` (any party rejected); ``pending``/``approved`` -> ``revoked``. The audit trail of each request is
its own hash-chained stream ``consent:<id>`` (written by the API layer in the same transaction).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from msez.core import (
    ConflictError,
    CryptoError,
    NotFoundError,
    StateTransitionError,
    ValidationError,
    canonical_bytes,
    sha256_digest,
)
from msez.crypto import Signature, VerifyingKey
from msez.store._base import utcnow
from msez.store._models import ConsentPartyRow, ConsentRow

DECISIONS: Final = ("approve", "reject")
SIGNATURE_TYPE: Final = "MsezConsentSignature"
_TRANSITIONS: Final = {
    "pending": ("approved", "rejected", "revoked"),
    "approved": ("revoked",),
    "rejected": (),
    "revoked": (),
}


@dataclass(frozen=True)
class PartySpec:
    entity_id: str
    role: str
    signer_did: str


@dataclass(frozen=True)
class ConsentParty:
    entity_id: str
    role: str
    signer_did: str
    decision: str | None
    signature: str | None
    signed_at: datetime | None


@dataclass(frozen=True)
class Consent:
    id: str
    zone_id: str
    consent_type: str
    description: str
    status: str
    payload_digest: str
    created_at: datetime
    updated_at: datetime
    parties: tuple[ConsentParty, ...]

    def party(self, entity_id: str) -> ConsentParty | None:
        return next((p for p in self.parties if p.entity_id == entity_id), None)


def consent_document(
    consent_id: str, zone_id: str, consent_type: str, description: str, parties: Sequence[PartySpec]
) -> dict[str, Any]:
    """The document every party consents to (its digest is ``payload_digest``)."""
    return {
        "consent_id": consent_id,
        "zone_id": zone_id,
        "consent_type": consent_type,
        "description": description,
        "parties": [{"entity_id": p.entity_id, "role": p.role, "signer_did": p.signer_did} for p in parties],
    }


def signing_payload(consent_id: str, payload_digest: str, entity_id: str, decision: str) -> dict[str, str]:
    """What a party signs (as canonical bytes) to record ``decision``."""
    return {
        "type": SIGNATURE_TYPE,
        "consent_id": consent_id,
        "payload_digest": payload_digest,
        "entity_id": entity_id,
        "decision": decision,
    }


def create_consent(
    session: Session,
    zone_id: str,
    *,
    consent_type: str,
    description: str,
    parties: Sequence[PartySpec],
    created_by_role: str,
    created_by_entity_id: str | None,
) -> Consent:
    """Open a consent request.

    Raises:
        ValidationError: no parties, a party twice, or a signer that is not an Ed25519 ``did:key``.
    """
    if not parties:
        raise ValidationError("a consent request needs at least one party")
    entity_ids = [p.entity_id for p in parties]
    if len(set(entity_ids)) != len(entity_ids):
        raise ValidationError(f"each party may appear once, got {entity_ids}")
    for index, party in enumerate(parties):
        _signer_key(party.signer_did, f"$.parties[{index}].signer_did")
    consent_id, now = str(uuid.uuid4()), utcnow()
    digest = sha256_digest(
        canonical_bytes(consent_document(consent_id, zone_id, consent_type, description, parties))
    ).hex
    session.add(
        ConsentRow(
            id=consent_id,
            zone_id=zone_id,
            consent_type=consent_type,
            description=description,
            status="pending",
            payload_digest=digest,
            created_by_role=created_by_role,
            created_by_entity_id=created_by_entity_id,
            created_at=now,
            updated_at=now,
        )
    )
    session.flush()
    for position, party in enumerate(parties):
        session.add(
            ConsentPartyRow(
                consent_id=consent_id,
                entity_id=party.entity_id,
                zone_id=zone_id,
                position=position,
                role=party.role,
                signer_did=party.signer_did,
            )
        )
    session.flush()
    return get_consent(session, zone_id, consent_id)


def get_consent(session: Session, zone_id: str, consent_id: str) -> Consent:
    """Raises: NotFoundError."""
    row = _consent_row(session, zone_id, consent_id)
    parties = session.scalars(
        select(ConsentPartyRow).where(ConsentPartyRow.consent_id == consent_id).order_by(ConsentPartyRow.position)
    )
    return Consent(
        row.id,
        row.zone_id,
        row.consent_type,
        row.description,
        row.status,
        row.payload_digest,
        row.created_at,
        row.updated_at,
        tuple(ConsentParty(p.entity_id, p.role, p.signer_did, p.decision, p.signature, p.signed_at) for p in parties),
    )


def sign_consent(
    session: Session, zone_id: str, consent_id: str, *, entity_id: str, decision: str, signature: str
) -> Consent:
    """Verify and record one party's signed decision, then settle the request's status.

    Raises:
        NotFoundError: no such consent request.
        ValidationError: unknown decision, or ``entity_id`` is not a party.
        StateTransitionError: the request is no longer pending.
        ConflictError: the party has already signed.
        VerificationError: the signature does not verify under the party's ``did:key``.
    """
    if decision not in DECISIONS:
        raise ValidationError(f"decision must be one of {list(DECISIONS)}, got {decision!r}")
    row = _consent_row(session, zone_id, consent_id, lock=True)
    if row.status != "pending":
        raise StateTransitionError(
            f"consent {consent_id} is {row.status}; only pending requests take signatures",
            from_state=row.status,
            to_state="approved" if decision == "approve" else "rejected",
            valid_targets=_TRANSITIONS[row.status],
        )
    party = session.get(ConsentPartyRow, (consent_id, entity_id))
    if party is None:
        raise ValidationError(f"entity {entity_id} is not a party to consent {consent_id}")
    if party.decision is not None:
        raise ConflictError(f"party {entity_id} already signed consent {consent_id} ({party.decision})")
    message = canonical_bytes(signing_payload(consent_id, row.payload_digest, entity_id, decision))
    _signer_key(party.signer_did, "signer_did").verify(message, _signature(signature))
    now = utcnow()
    party.decision, party.signature, party.signed_at = decision, signature, now
    session.flush()
    row.status, row.updated_at = _settled_status(session, consent_id), now
    session.flush()
    return get_consent(session, zone_id, consent_id)


def revoke_consent(session: Session, zone_id: str, consent_id: str) -> Consent:
    """Raises: NotFoundError; StateTransitionError: already rejected or revoked."""
    row = _consent_row(session, zone_id, consent_id, lock=True)
    if "revoked" not in _TRANSITIONS[row.status]:
        raise StateTransitionError(
            f"consent {consent_id} cannot be revoked",
            from_state=row.status,
            to_state="revoked",
            valid_targets=_TRANSITIONS[row.status],
        )
    row.status, row.updated_at = "revoked", utcnow()
    session.flush()
    return get_consent(session, zone_id, consent_id)


def _settled_status(session: Session, consent_id: str) -> str:
    decisions = list(session.scalars(select(ConsentPartyRow.decision).where(ConsentPartyRow.consent_id == consent_id)))
    if "reject" in decisions:
        return "rejected"
    return "approved" if all(d == "approve" for d in decisions) else "pending"


def _signer_key(did: str, path: str) -> VerifyingKey:
    try:
        return VerifyingKey.from_did(did)
    except CryptoError as e:
        raise ValidationError(f"signer must be an Ed25519 did:key: {e}", path=path) from e


def _signature(text: str) -> Signature:
    try:
        return Signature.from_b64url(text)
    except CryptoError as e:
        raise ValidationError(f"signature must be 64 bytes of unpadded base64url: {e}", path="signature") from e


def _consent_row(session: Session, zone_id: str, consent_id: str, *, lock: bool = False) -> ConsentRow:
    row = session.get(ConsentRow, consent_id, with_for_update=lock or None)
    if row is None or row.zone_id != zone_id:
        raise NotFoundError(f"consent {consent_id} not found")
    return row

"""The zone as credential issuer: signing with the zone key, status lists, revocation and verification.

Issuing a credential, inside the caller's write transaction:

1. take the credential's status slot ``(seq, index)`` (creating and signing the zone's next pair of Bitstring
   status lists when needed) and point ``credentialStatus`` at bit ``index`` of revocation list ``seq`` and of
   suspension list ``seq``; the slot also makes the id unique (``<reference id>:<seq>-<index>``);
2. sign it (``Ed25519Signature2020``, ``<zone did:key>#key-1``) and store it;
3. record the attestation regulators query (ids, type, digest and a data-minimised evaluation summary);
4. append ``credential.issue`` to the ``credentials`` audit stream.

Revoking, suspending or reinstating flips the credential's bit, re-signs the status list and updates the
attestation; verification checks any credential's proofs, dates and status against the node's stored lists.
Status list credentials are served, unauthenticated, at ``<public url>/status-lists/<purpose>/<seq>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy.orm import Session

from msez.api._settings import Settings
from msez.core import Timestamp, digest_of
from msez.store import attestations, credentials, utcnow
from msez.vc import (
    MIN_STATUS_LIST_BITS,
    Credential,
    CredentialVerifier,
    DidKeyResolver,
    Signer,
    StatusPurpose,
    VerificationReport,
    add_proof,
    set_status,
    status_entry,
    status_list_credential,
)

if TYPE_CHECKING:
    from msez.api._node import Tx

SUITE: Final = "ed25519-2020"
STREAM: Final = "credentials"
_ATTESTATION_STATUS: Final = {"active": "ACTIVE", "suspended": "SUSPENDED", "revoked": "REVOKED"}


@dataclass(frozen=True)
class Issued:
    """A credential the zone just issued, and the attestation recorded for it."""

    credential_id: str
    document: Mapping[str, Any]
    attestation_id: str


class CredentialIssuer:
    """Signs, stores and changes the status of the zone's credentials (one per node)."""

    def __init__(self, settings: Settings) -> None:
        self.signer = Signer.from_key(settings.zone_key)
        self.did = str(self.signer.did)
        self.jurisdiction_id = settings.jurisdiction_id
        self.base_url = settings.public_url.rstrip("/")

    def list_url(self, purpose: str, seq: int) -> str:
        return f"{self.base_url}/status-lists/{purpose}/{seq}"

    def issue(
        self,
        tx: Tx,
        credential: Credential,
        *,
        entity_id: str | None = None,
        asset_id: str | None = None,
        summary: Mapping[str, Any] | None = None,
    ) -> Issued:
        """Steps 1-4 of the module docstring for an unsigned ``credential`` (its ``issuer`` is the zone DID)."""
        session, zone_id = tx.session, tx.zone_id
        slot = credentials.allocate_slot(session, zone_id, self._new_lists)
        document = credential.to_json()
        document["id"] = f"{document['id']}:{slot.seq}-{slot.index}"
        document["credentialStatus"] = [
            status_entry(self.list_url(purpose, slot.seq), slot.index, purpose=_purpose(purpose))
            for purpose in credentials.PURPOSES
        ]
        now = utcnow()
        signed = add_proof(document, self.signer, suite=SUITE, created=Timestamp(now))
        kind = next(t for t in credential.types if t != "VerifiableCredential")
        digest = digest_of(signed).hex
        credentials.insert_credential(
            session,
            zone_id,
            credential_id=signed["id"],
            credential_type=kind,
            slot=slot,
            digest=digest,
            document=signed,
            issued_at=now,
            entity_id=entity_id,
            asset_id=asset_id,
        )
        attestation = attestations.record_attestation(
            session,
            zone_id,
            attestation_type=kind,
            issuer=self.did,
            jurisdiction_id=self.jurisdiction_id,
            digest=digest,
            issued_at=now,
            entity_id=entity_id,
            asset_id=asset_id,
            credential_id=signed["id"],
            details=summary,
        )
        details = {"credential_type": kind, "entity_id": entity_id, "asset_id": asset_id, "digest": digest}
        tx.audit(STREAM, "credential.issue", subject=signed["id"], details=details)
        return Issued(signed["id"], signed, attestation.id)

    def change_status(
        self, tx: Tx, credential_id: str, action: str, *, reason: str | None = None
    ) -> credentials.IssuedCredential:
        """``revoke``, ``suspend`` or ``reinstate``: update the record, its list bit (re-signed) and attestation.

        Raises:
            NotFoundError: no such credential. StateTransitionError: not allowed from its current status.
        """
        session, zone_id = tx.session, tx.zone_id
        record, purpose, bit = credentials.change_status(session, zone_id, credential_id, action)
        listed = credentials.get_status_list(session, zone_id, purpose, record.status_list_seq, lock=True)
        changed = set_status(Credential.from_json(listed.document), record.status_index, bit)
        credentials.replace_status_list(session, zone_id, purpose, listed.seq, self._sign(changed.to_json()))
        attestations.set_credential_status(session, zone_id, credential_id, _ATTESTATION_STATUS[record.status])
        details = {
            "status": record.status,
            "status_list": listed.list_id,
            "index": record.status_index,
            "reason": reason,
        }
        tx.audit(STREAM, f"credential.{action}", subject=credential_id, details=details)
        return record

    def verify(self, session: Session, zone_id: str, document: Mapping[str, Any]) -> VerificationReport:
        """Proofs (``did:key`` methods), dates and status against this node's status lists."""
        verifier = CredentialVerifier(resolver=DidKeyResolver(), status_source=_StoredLists(session, zone_id))
        return verifier.verify(document)

    def _new_lists(self, seq: int) -> dict[str, credentials.NewStatusList]:
        lists = {}
        for purpose in credentials.PURPOSES:
            list_id = self.list_url(purpose, seq)
            unsigned = status_list_credential(
                list_id=list_id, issuer=self.did, purpose=_purpose(purpose), valid_from=Timestamp(utcnow())
            )
            lists[purpose] = credentials.NewStatusList(list_id, MIN_STATUS_LIST_BITS, self._sign(unsigned.to_json()))
        return lists

    def _sign(self, document: Mapping[str, Any]) -> dict[str, Any]:
        return add_proof(document, self.signer, suite=SUITE, created=Timestamp(utcnow()))


class _StoredLists:
    """The node's status list credentials as a :class:`msez.vc.StatusListSource`."""

    def __init__(self, session: Session, zone_id: str) -> None:
        self._session = session
        self._zone_id = zone_id

    def get(self, list_id: str) -> Mapping[str, Any] | None:
        return credentials.status_list_document(self._session, self._zone_id, list_id)


def _purpose(text: str) -> StatusPurpose:
    return "suspension" if text == "suspension" else "revocation"

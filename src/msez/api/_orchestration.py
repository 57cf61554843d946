"""The write orchestration of reference-impl §12.8, as one :class:`~msez.api.WriteHook`.

For every write whose action is in :data:`PLANS`, inside the write's one transaction:

1. ``before``: evaluate compliance for the plan's domains (the subject is the entity the write is about, or for
   ``entity.create`` the entity being registered; parties are its beneficial owners plus whoever the request
   names: share holders, linked identifiers, consent parties, an asset's owner);
2. sanctions non_compliant: refuse with 403, the per-domain explanations in the error's ``details``; the
   transaction rolls back, so nothing of the write (records, audit entries) is stored;
3. the route's work persists the write;
4. ``after``: for ``entity.create`` issue the signed ``MsezFormationComplianceCredential``, for a cap-table write
   the ``MsezOwnershipComplianceCredential``, with the zone key, and record the attestation; the response's
   ``orchestration`` carries the compliance summary, the credential and the attestation id.

A write about an entity that does not exist is not evaluated (the work then answers 404). Actions that
reduce rights (suspend, reject, dissolve, revoke) are deliberately not planned: they must never be blocked.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from msez.api._assess import Assessment, Party, asset_subject, entity_subject
from msez.api._node import Tx
from msez.core import ComplianceDomain, NotFoundError
from msez.store import entities, ownership
from msez.tensor import Subject
from msez.vc import (
    FormationComplianceSubject,
    OwnershipComplianceSubject,
    ShareClassSummary,
    formation_compliance_credential,
    ownership_compliance_credential,
)

D = ComplianceDomain
ENTITY_DOMAINS: Final = (D.SANCTIONS, D.KYC, D.AML, D.CORPORATE, D.TAX)
OWNERSHIP_DOMAINS: Final = (D.SANCTIONS, D.AML, D.CORPORATE, D.SECURITIES)
FISCAL_DOMAINS: Final = (D.SANCTIONS, D.AML, D.TAX, D.PAYMENTS)
IDENTITY_DOMAINS: Final = (D.SANCTIONS, D.KYC, D.AML)
CONSENT_DOMAINS: Final = (D.SANCTIONS, D.CORPORATE)
LICENCE_DOMAINS: Final = (D.SANCTIONS, D.KYC, D.AML, D.CORPORATE)
ASSET_DOMAINS: Final = (D.SANCTIONS, D.KYC, D.AML)
Credential = Literal["formation", "ownership"]


@dataclass(frozen=True)
class Plan:
    """What an action is evaluated for, and the credential it earns (if any)."""

    domains: tuple[ComplianceDomain, ...]
    credential: Credential | None = None


PLANS: Final[Mapping[str, Plan]] = {
    "entity.create": Plan(ENTITY_DOMAINS, "formation"),
    "entity.update": Plan(ENTITY_DOMAINS),
    "entity.owners": Plan(ENTITY_DOMAINS),
    "entity.approve": Plan(ENTITY_DOMAINS),
    "entity.reinstate": Plan(ENTITY_DOMAINS),
    "cap_table.create": Plan(OWNERSHIP_DOMAINS, "ownership"),
    "share_class.create": Plan(OWNERSHIP_DOMAINS, "ownership"),
    "shares.issue": Plan(OWNERSHIP_DOMAINS, "ownership"),
    "shares.transfer": Plan(OWNERSHIP_DOMAINS, "ownership"),
    "account.open": Plan(FISCAL_DOMAINS),
    "account.link_ntn": Plan(FISCAL_DOMAINS),
    "payment.create": Plan(FISCAL_DOMAINS),
    "identity.verify": Plan(IDENTITY_DOMAINS),
    "identity.link_cnic": Plan(IDENTITY_DOMAINS),
    "identity.link_ntn": Plan(IDENTITY_DOMAINS),
    "consent.request": Plan(CONSENT_DOMAINS),
    "licence.apply": Plan(LICENCE_DOMAINS),
    "asset.genesis": Plan(ASSET_DOMAINS),
}
_NOTE: Final = "compliance"


class ComplianceHook:
    """Evaluates planned writes, refuses sanctioned ones and issues their credentials (module docstring)."""

    def before(self, tx: Tx) -> None:
        plan = PLANS.get(tx.op.action)
        if plan is None:
            return
        found = _subject(tx)
        if found is None:
            return
        subject, parties, recorded = found
        assessment = tx.node.assessor.assess(
            tx.session, subject, parties=parties, domains=plan.domains, recorded=recorded
        )
        if assessment.sanctioned:
            raise assessment.refusal()
        tx.notes[_NOTE] = assessment

    def after(self, tx: Tx, result: Any) -> Mapping[str, Any]:
        assessment: Assessment | None = tx.notes.get(_NOTE)
        if assessment is None:
            return {}
        out: dict[str, Any] = {"compliance": assessment.summary()}
        kind = PLANS[tx.op.action].credential
        credential = None
        if kind == "formation":
            credential = _formation(tx, assessment, result)
        elif kind == "ownership":
            credential = _ownership(tx, assessment, result)
        if credential is not None:
            entity_id = tx.op.entity_id
            issued = tx.node.issuer.issue(tx, credential, entity_id=entity_id, summary=assessment.minimised())
            out.update(credential=dict(issued.document), attestation_id=issued.attestation_id)
        return out


def _subject(tx: Tx) -> tuple[Subject, list[Party], bool] | None:
    """The subject, the further parties, and whether the subject has records yet; ``None``: nothing to evaluate."""
    op, request = tx.op, tx.op.request
    if op.action == "entity.create":
        assert op.entity_id is not None
        subject = Subject(
            op.entity_id,
            name=request["legal_name"],
            identifiers={
                k: request[f] for k, f in (("ntn", "ntn"), ("registration", "registration_number")) if request.get(f)
            },
            did=request.get("did"),
            ntn=request.get("ntn"),
        )
        return subject, _owners(request), False
    if op.action == "asset.genesis":
        return _asset(tx)
    if op.entity_id is None:
        return None
    try:
        entity = entities.get_entity(tx.session, tx.zone_id, op.entity_id)
    except NotFoundError:
        return None
    subject, parties = entity_subject(entity)
    return subject, [*parties, *_request_parties(tx, entity, request)], True


def _request_parties(tx: Tx, entity: entities.Entity, request: Mapping[str, Any]) -> list[Party]:
    action = tx.op.action
    if action == "entity.update" and request.get("legal_name"):
        return [Party("new_legal_name", request["legal_name"])]
    if action == "entity.owners":
        return _owners(request)
    if action in ("shares.issue", "shares.transfer"):
        return [_named(tx, "holder", request["to_holder"])]
    if action in ("identity.link_cnic", "identity.link_ntn"):
        return [Party("linked_identifier", entity.legal_name, {request["id_type"]: request["id_value"]})]
    if action == "consent.request":
        return [_named(tx, "consent_party", str(p["entity_id"])) for p in request.get("parties", ())]
    return []


def _owners(request: Mapping[str, Any]) -> list[Party]:
    return [
        Party(
            "beneficial_owner",
            owner["name"],
            {k: owner[k] for k in ("cnic", "ntn", "passport") if owner.get(k)},
        )
        for owner in request.get("beneficial_owners") or ()
    ]


def _named(tx: Tx, role: str, holder: str) -> Party:
    """A party named by a holder id: a registered entity's legal name when it is one, else the text itself."""
    try:
        entity_id = str(uuid.UUID(holder))
        return Party(role, entities.get_entity(tx.session, tx.zone_id, entity_id).legal_name)
    except (ValueError, NotFoundError):
        return Party(role, holder)


def _asset(tx: Tx) -> tuple[Subject, list[Party], bool]:
    request = tx.op.request
    return asset_subject(
        tx.session,
        tx.zone_id,
        asset_id=request["asset_id"],
        name=request["asset_name"],
        identifiers=request.get("identifiers") or {},
        owner_id=tx.op.entity_id,
    )


def _formation(tx: Tx, assessment: Assessment, entity: entities.Entity) -> Any:
    subject = FormationComplianceSubject(
        entity_id=entity.id,
        legal_name=entity.legal_name,
        entity_type=entity.entity_type,
        **_fields(assessment),
    )
    return formation_compliance_credential(
        subject, issuer=tx.node.issuer.did, issued_at=assessment.evaluation.evaluated_at
    )


def _ownership(tx: Tx, assessment: Assessment, result: Any) -> Any:
    table_id = result.id if isinstance(result, ownership.CapTable) else result.cap_table_id
    table = ownership.get_cap_table(tx.session, tx.zone_id, table_id)
    if not table.share_classes:
        return None
    classes = [
        ShareClassSummary(name=c.name, authorized_shares=c.authorized_shares, issued_shares=c.issued_shares)
        for c in table.share_classes
    ]
    subject = OwnershipComplianceSubject(
        entity_id=table.entity_id, cap_table_id=table.id, share_classes=classes, **_fields(assessment)
    )
    return ownership_compliance_credential(
        subject, issuer=tx.node.issuer.did, issued_at=assessment.evaluation.evaluated_at
    )


def _fields(assessment: Assessment) -> dict[str, Any]:
    evaluation = assessment.evaluation
    return {
        "jurisdiction_id": evaluation.jurisdiction_id,
        "domain_states": assessment.domain_states(),
        "tensor_commitment": evaluation.commitment().digest,
        "evaluated_at": evaluation.evaluated_at,
        "evaluation_aggregate": evaluation.aggregate.value,
    }

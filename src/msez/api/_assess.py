"""Compliance evaluation inside the node: the zone's pack-backed evaluators fed from the node's own records.

Per evaluation (all inside the caller's transaction):

* sanctions: the zone's pinned sanctions regpack screens the subject's name and identifiers, and every further
  party (beneficial owners, share holders, linked identifiers, an asset's owner); one match makes the domain
  non_compliant and the detail names the party and the entry;
* KYC / AML: verifier attestations on the entity's identity verifications that are ``verified`` and in force
  (KYC: any attestation on a verified KYC or KYB verification; AML: types in :data:`AML_ATTESTATIONS`);
* tax: the filer status of the subject's NTN (the entity's own, else one linked to its identity or fiscal
  records) from FBR Active Taxpayer List attestations (:data:`FILER_ATTESTATION`, ``details.filer_status``);
* licensing: the zone's licensepacks plus the node's own licences of the holder, for the requested activity;
* every other applicable domain: the reference default (a stored or asserted state, else pending).

``assess`` returns an :class:`Assessment` over the 20 domains that knows the domains relevant to the request,
their aggregate, what blocks, and how to explain it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any, Final

from sqlalchemy.orm import Session

from msez.api._zone import ZoneContext
from msez.core import ComplianceDomain, ConflictError, NotFoundError, PolicyError, Timestamp, digest_of
from msez.pack import LicenseCheck, verify_license
from msez.store import entities, evidence, licences, utcnow
from msez.tensor import (
    AttestationEvaluator,
    AttestationRef,
    ComplianceState,
    DomainResult,
    Evaluation,
    EvaluationContext,
    Evaluators,
    LicensingEvaluator,
    SanctionsEvaluator,
    StoredCell,
    Subject,
    TaxEvaluator,
    meet_all,
)

D = ComplianceDomain
ALL: Final = tuple(ComplianceDomain)
AML_ATTESTATIONS: Final = frozenset({"aml_screening", "cdd", "edd"})
FILER_ATTESTATION: Final = "fbr_atl"
_FILER_STATUSES: Final = frozenset({"filer", "late_filer", "non_filer"})
_NO_CELLS: Mapping[ComplianceDomain, StoredCell] = MappingProxyType({})


@dataclass(frozen=True)
class Party:
    """Someone besides the subject whom a write involves, screened for sanctions."""

    role: str
    name: str
    identifiers: Mapping[str, str] = field(default_factory=dict)


class ComplianceRefusedError(PolicyError):
    """Sanctions are non_compliant: the write is refused (403); ``details`` explains every relevant domain."""

    def __init__(self, message: str, details: Mapping[str, Any]) -> None:
        super().__init__(message)
        self.details = dict(details)


class NotPassingError(ConflictError):
    """The evaluation does not pass, so the zone will not attest it (409); ``details`` says what blocks and why."""

    def __init__(self, message: str, details: Mapping[str, Any]) -> None:
        super().__init__(message)
        self.details = dict(details)


@dataclass(frozen=True)
class Assessment:
    """An evaluation of all 20 domains and the domains the request is about."""

    evaluation: Evaluation
    domains: tuple[ComplianceDomain, ...]

    @property
    def aggregate(self) -> ComplianceState:
        return meet_all(self.evaluation.state(d) for d in self.domains)

    @property
    def blocking(self) -> tuple[ComplianceDomain, ...]:
        return tuple(d for d in self.domains if not self.evaluation.state(d).is_passing)

    @property
    def sanctioned(self) -> bool:
        return self.evaluation.state(D.SANCTIONS) is ComplianceState.NON_COMPLIANT

    def summary(self) -> dict[str, Any]:
        """The response form: states, aggregate, blocking domains and every relevant domain's explanation."""
        ev = self.evaluation
        return {
            "jurisdiction_id": ev.jurisdiction_id,
            "evaluated_at": str(ev.evaluated_at),
            "domains": [d.value for d in self.domains],
            "aggregate": self.aggregate.value,
            "passing_domains": [d.value for d in self.domains if ev.state(d).is_passing],
            "blocking_domains": [d.value for d in self.blocking],
            "tensor_commitment": ev.commitment().digest.hex,
            "results": {d.value: ev.results[d].to_json() for d in self.domains},
        }

    def minimised(self) -> dict[str, Any]:
        """The regulator's form: states, aggregate and commitment; no explanation text (it may name people)."""
        return {
            "aggregate": self.aggregate.value,
            "domain_states": {d.value: self.evaluation.state(d).value for d in self.domains},
            "blocking_domains": [d.value for d in self.blocking],
            "tensor_commitment": self.evaluation.commitment().digest.hex,
            "evaluated_at": str(self.evaluation.evaluated_at),
        }

    def domain_states(self) -> dict[str, Any]:
        """All 20 domains' states (what a credential records next to the commitment over them)."""
        return {d.value: self.evaluation.state(d).value for d in ALL}

    def refusal(self) -> ComplianceRefusedError:
        result = self.evaluation.results[D.SANCTIONS]
        return ComplianceRefusedError(f"refused: {result.explain()}", self._details())

    def require_passing(self, what: str) -> None:
        """Raises: ComplianceRefusedError (sanctions), NotPassingError (anything else blocking)."""
        if self.sanctioned:
            raise self.refusal()
        if self.blocking:
            names = ", ".join(d.value for d in self.blocking)
            raise NotPassingError(
                f"{what}: the evaluation is not passing (aggregate {self.aggregate.value}); blocking domains: {names}",
                self._details(),
            )

    def _details(self) -> dict[str, Any]:
        results = self.evaluation.results
        return {
            "aggregate": self.aggregate.value,
            "blocking_domains": [d.value for d in self.blocking],
            "explanations": [results[d].explain() for d in self.blocking],
            "results": {d.value: results[d].to_json() for d in self.domains},
        }


class Assessor:
    """Evaluates subjects against the zone (one per node; stateless between calls)."""

    def __init__(self, zone: ZoneContext) -> None:
        self.zone = zone

    def assess(
        self,
        session: Session,
        subject: Subject,
        *,
        parties: Iterable[Party] = (),
        domains: Sequence[ComplianceDomain] = ALL,
        cells: Mapping[ComplianceDomain, StoredCell] = _NO_CELLS,
        recorded: bool = True,
    ) -> Assessment:
        """Evaluate ``subject`` (``recorded=False``: it has no records yet, so none are read)."""
        records = _Records(session, self.zone, subject.entity_id if recorded else None)
        if subject.ntn is None and recorded:
            linked = evidence.linked_ntns(session, self.zone.zone_id, subject.entity_id)
            subject = dataclasses.replace(subject, ntn=linked[0]) if linked else subject
        evaluators = self._evaluators(records)
        ctx = EvaluationContext(subject, Timestamp(utcnow()), cells)
        evaluation = evaluators.evaluate(ctx)
        screened = [evaluators.evaluate_domain(D.SANCTIONS, _party_context(ctx, p)) for p in parties]
        sanctions = _combine(evaluation.results[D.SANCTIONS], list(parties), screened)
        results = {**evaluation.results, D.SANCTIONS: sanctions}
        evaluation = Evaluation(evaluation.jurisdiction_id, evaluation.entity_id, evaluation.evaluated_at, results)
        return Assessment(evaluation, tuple(domains))

    def _evaluators(self, records: _Records) -> Evaluators:
        zone = self.zone
        custom: list[Any] = [
            AttestationEvaluator(D.KYC, records, required_types=("kyc",)),
            AttestationEvaluator(D.AML, records, required_types=("aml",)),
            TaxEvaluator(records),
            LicensingEvaluator(records, pack_digest=zone.licensepack_digest),
        ]
        if zone.screener is not None:
            custom.append(SanctionsEvaluator(zone.screener, pack_digest=zone.sanctions_digest))
        return Evaluators(zone.jurisdiction, custom)


def entity_subject(entity: entities.Entity, *, activity: str | None = None) -> tuple[Subject, list[Party]]:
    """A registered entity as a subject, with its beneficial owners as parties."""
    subject = Subject(
        entity.id,
        name=entity.legal_name,
        identifiers=entity.identifiers(),
        did=entity.did or holder_did(entity.id),
        activity=activity,
        ntn=entity.ntn,
    )
    return subject, [Party("beneficial_owner", o.name, o.identifiers()) for o in entity.beneficial_owners]


def asset_subject(
    session: Session,
    zone_id: str,
    *,
    asset_id: str,
    name: str,
    identifiers: Mapping[str, str],
    owner_id: str | None,
    activity: str | None = None,
) -> tuple[Subject, list[Party], bool]:
    """An asset as a subject (its name and identifiers screened), evaluated through its owner's records.

    Returns:
        The subject, the owner and its beneficial owners as parties, and whether the owner has records.
    """
    owner = None
    if owner_id is not None:
        try:
            owner = entities.get_entity(session, zone_id, owner_id)
        except NotFoundError:
            owner = None
    if owner is None:
        return Subject(asset_id, name=name, identifiers=dict(identifiers), activity=activity), [], False
    owner_subject, owners = entity_subject(owner)
    subject = Subject(
        owner.id, name=name, identifiers=dict(identifiers), did=owner_subject.did, activity=activity, ntn=owner.ntn
    )
    return subject, [Party("asset_owner", owner.legal_name, owner.identifiers()), *owners], True


def holder_did(entity_id: str) -> str:
    """The holder identifier of an entity without a DID, as the node's own licences name it."""
    return f"urn:msez:entity:{entity_id}"


def _party_context(ctx: EvaluationContext, party: Party) -> EvaluationContext:
    subject = Subject(ctx.subject.entity_id, name=party.name, identifiers=dict(party.identifiers))
    return EvaluationContext(subject, ctx.now)


def _combine(main: DomainResult, parties: list[Party], screened: list[DomainResult]) -> DomainResult:
    """The subject's sanctions result, unless a party matched: then the party's, naming the party."""
    hits = [(p, r) for p, r in zip(parties, screened, strict=True) if r.state is ComplianceState.NON_COMPLIANT]
    if not hits or main.state is ComplianceState.NON_COMPLIANT:
        return main
    detail = "; ".join(f"{p.role} {p.name!r}: {r.detail}" for p, r in hits)
    evidence_ids = tuple(dict.fromkeys(e for _, r in hits for e in r.evidence_ids))
    return dataclasses.replace(hits[0][1], detail=detail, evidence_ids=evidence_ids)


class _Records:
    """The node's records of one entity, as the tensor's attestation, filer-status and licence sources."""

    def __init__(self, session: Session, zone: ZoneContext, entity_id: str | None) -> None:
        self._session = session
        self._zone = zone
        self._entity_id = entity_id
        found = evidence.identity_evidence(session, zone.zone_id, entity_id) if entity_id else []
        self._evidence = [e for e in found if e.outcome == "verified" and e.identity_status == "verified"]
        self._refs = {
            D.KYC: [_ref(e, "kyc") for e in self._evidence if _is_kyc(e)],
            D.AML: [_ref(e, "aml") for e in self._evidence if e.attestation_type in AML_ATTESTATIONS],
        }

    def attestations_for(self, entity_id: str, domain: ComplianceDomain) -> Sequence[AttestationRef]:
        return self._refs.get(domain, [])

    def filer_status(self, ntn: str, on: date) -> str | None:
        current = [
            e
            for e in self._evidence
            if e.attestation_type == FILER_ATTESTATION
            and e.details.get("filer_status") in _FILER_STATUSES
            and e.details.get("ntn", ntn) == ntn
            and e.issued_at.date() <= on
            and (e.expires_at is None or e.expires_at.date() >= on)
        ]
        return str(current[-1].details["filer_status"]) if current else None

    def verify_license(self, holder: str, activity: str, on: date) -> tuple[bool, str, str | None]:
        check = check_licence(
            self._session, self._zone, entity_id=self._entity_id, holder=holder, activity=activity, on=on
        )
        return check.valid, str(check.state), check.license_id


def check_licence(
    session: Session, zone: ZoneContext, *, entity_id: str | None, holder: str, activity: str, on: date
) -> LicenseCheck:
    """Is ``holder`` licensed for ``activity`` on ``on``, by the zone's licensepacks or (for ``entity_id``) by
    the node's own licences? The licensepack rules decide (the first compliant licence by id wins)."""
    own = licences.list_licences(session, zone.zone_id, holder_entity_id=entity_id, limit=1000) if entity_id else []
    records = licences.licence_records(own, holder)
    records += [lic for pack in zone.licensepacks for lic in pack.licenses_of(holder)]
    return verify_license(records, holder, activity, on)


def _is_kyc(e: evidence.IdentityEvidence) -> bool:
    return e.attestation_type not in AML_ATTESTATIONS and e.attestation_type != FILER_ATTESTATION


def _ref(e: evidence.IdentityEvidence, kind: str) -> AttestationRef:
    issued = str(Timestamp(e.issued_at))
    value = {
        "attestation_id": e.attestation_id,
        "identity_id": e.identity_id,
        "attestation_type": e.attestation_type,
        "issuer": e.issuer,
        "outcome": e.outcome,
        "issued_at": issued,
    }
    expires = str(Timestamp(e.expires_at)) if e.expires_at is not None else None
    return AttestationRef(e.attestation_id, kind, e.issuer, issued, digest_of(value), expires)

"""Wire models of compliance evaluation requests and results, shared by the asset and credential routes.

A request may name the domains its aggregate covers (default: all 20), an activity (for licensing) and, from a
zone admin only, asserted states for domains the zone evaluates by the reference's default rules
(reference-impl A §12.7: ``{domain: {status, issuer_did?, expires_at?}}``). Unlike the reference, an unknown
domain or status is refused (422) rather than ignored. Sanctions, KYC, AML, tax and licensing always come from
the zone's packs and records; an assertion cannot override them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from msez.api._assess import ALL, Assessment
from msez.api._auth import Caller, Role
from msez.api._wire import In, Out
from msez.core import ComplianceDomain, Did, Timestamp, digest_of
from msez.store import utcnow
from msez.tensor import AttestationRef, ComplianceState, StoredCell

DomainName = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Activity = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.-]{0,63}$")]
StatusText = Annotated[str, StringConstraints(min_length=1, max_length=32)]


class AssertedIn(In):
    status: StatusText = Field(description="compliant, non_compliant, pending, exempt or not_applicable")
    issuer_did: Did | None = None
    expires_at: datetime | None = None


class EvaluateIn(In):
    domains: list[DomainName] | None = Field(default=None, max_length=20)
    activity: Activity | None = None
    attestations: dict[DomainName, AssertedIn] = Field(default_factory=dict, max_length=20)

    def domain_list(self) -> tuple[ComplianceDomain, ...]:
        """Raises: ValidationError: an unknown domain name."""
        if self.domains is None:
            return ALL
        return tuple(dict.fromkeys(ComplianceDomain.parse(d) for d in self.domains))

    def cells(self, caller: Caller, zone_did: str) -> dict[ComplianceDomain, StoredCell]:
        """The asserted states as stored cells (zone admins only).

        Raises:
            PolicyError: a caller other than a zone admin asserts states. ValidationError: unknown domain/status.
        """
        if self.attestations:
            caller.require(Role.ZONE_ADMIN)
        now = Timestamp(utcnow())
        return {ComplianceDomain.parse(name): _cell(name, a, now, zone_did) for name, a in self.attestations.items()}


def _cell(name: str, asserted: AssertedIn, now: Timestamp, zone_did: str) -> StoredCell:
    state = ComplianceState.parse(asserted.status)
    issuer = str(asserted.issuer_did or zone_did)
    expires = str(Timestamp(asserted.expires_at)) if asserted.expires_at is not None else None
    claim = {"domain": name, "status": state.value, "issuer_did": issuer, "expires_at": expires}
    ref = AttestationRef(f"asserted:{name}", "asserted", issuer, str(now), digest_of(claim), expires)
    return StoredCell(state, (ref,), now, f"asserted by {issuer}")


class EvaluationOut(Out):
    """An evaluation with an explanation per domain (reference-impl A §12.7 shape, snake_case states)."""

    jurisdiction_id: str
    subject_id: str
    overall_status: str
    domains: list[str]
    domain_results: dict[str, dict[str, Any]]
    domain_count: int
    passing_domains: list[str]
    blocking_domains: list[str]
    tensor_commitment: str
    evaluated_at: str

    @classmethod
    def of_assessment(cls, assessment: Assessment, subject_id: str) -> EvaluationOut:
        summary = assessment.summary()
        evaluation = assessment.evaluation
        return cls(
            jurisdiction_id=evaluation.jurisdiction_id,
            subject_id=subject_id,
            overall_status=summary["aggregate"],
            domains=summary["domains"],
            domain_results=summary["results"],
            domain_count=len(evaluation.results),
            passing_domains=summary["passing_domains"],
            blocking_domains=summary["blocking_domains"],
            tensor_commitment=summary["tensor_commitment"],
            evaluated_at=summary["evaluated_at"],
        )


class IssuedOut(Out):
    """A credential the zone issued, the attestation it recorded, and the evaluation behind it."""

    credential: dict[str, Any]
    attestation_id: str
    evaluation: EvaluationOut


def issued_out(document: Mapping[str, Any], attestation_id: str, assessment: Assessment, subject_id: str) -> IssuedOut:
    evaluation = EvaluationOut.of_assessment(assessment, subject_id)
    return IssuedOut(credential=dict(document), attestation_id=attestation_id, evaluation=evaluation)

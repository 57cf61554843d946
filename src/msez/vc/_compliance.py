"""Compliance credentials the zone issues: the compliance attestation over a tensor evaluation, and the
formation and ownership compliance credentials issued when an entity or a cap table is written
(reference-impl A 12.6, 12.8).

Subjects carry the per-domain states (the five snake_case lattice names, keyed by the 20 domain names), the
tensor commitment digest and the evaluation time. The lattice itself belongs to ``msez.tensor``; these builders
only record what the caller evaluated.
"""

from __future__ import annotations

from typing import Any, Final, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from msez.core import ComplianceDomain, ContentDigest, Timestamp, ValidationError
from msez.vc._model import Credential, new_credential

COMPLIANCE_ATTESTATION_TYPE: Final = "MsezComplianceAttestationCredential"
FORMATION_COMPLIANCE_TYPE: Final = "MsezFormationComplianceCredential"
OWNERSHIP_COMPLIANCE_TYPE: Final = "MsezOwnershipComplianceCredential"
ComplianceState = Literal["compliant", "non_compliant", "pending", "exempt", "not_applicable"]


class _ComplianceFields(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    jurisdiction_id: str = Field(min_length=1)
    domain_states: dict[str, ComplianceState] = Field(min_length=1)
    tensor_commitment: ContentDigest
    evaluated_at: Timestamp
    evaluation_aggregate: ComplianceState | None = None

    @field_validator("domain_states")
    @classmethod
    def _known_domains(cls, states: dict[str, ComplianceState]) -> dict[str, ComplianceState]:
        try:
            return {ComplianceDomain.parse(name).value: state for name, state in states.items()}
        except ValidationError as e:
            raise ValueError(e.message) from None

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class ComplianceAttestationSubject(_ComplianceFields):
    """``credentialSubject`` of a ``MsezComplianceAttestationCredential``: an asset or an entity, or both."""

    asset_id: str | None = Field(default=None, min_length=1)
    entity_id: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _names_a_subject(self) -> Self:
        if self.asset_id is None and self.entity_id is None:
            raise ValueError("a compliance attestation names an asset_id or an entity_id")
        return self


class FormationComplianceSubject(_ComplianceFields):
    """``credentialSubject`` of a ``MsezFormationComplianceCredential`` (issued when an entity is formed)."""

    entity_id: str = Field(min_length=1)
    legal_name: str = Field(min_length=1)
    entity_type: str = Field(min_length=1)


class ShareClassSummary(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    authorized_shares: int = Field(ge=0)
    issued_shares: int = Field(ge=0)

    @model_validator(mode="after")
    def _within_authorised(self) -> Self:
        if self.issued_shares > self.authorized_shares:
            raise ValueError(f"{self.name}: {self.issued_shares} issued exceeds {self.authorized_shares} authorised")
        return self


class OwnershipComplianceSubject(_ComplianceFields):
    """``credentialSubject`` of a ``MsezOwnershipComplianceCredential`` (issued when a cap table is written)."""

    entity_id: str = Field(min_length=1)
    cap_table_id: str | None = None
    share_classes: list[ShareClassSummary] = Field(min_length=1)


def compliance_attestation_credential(
    subject: ComplianceAttestationSubject,
    *,
    issuer: str,
    issued_at: Timestamp | None = None,
    expires_at: Timestamp | None = None,
) -> Credential:
    """Unsigned; id ``urn:msez:vc:compliance:<asset_id or entity_id>:<issued_at as YYYYMMDDTHHMMSSZ>``.

    ``issued_at`` defaults to now (``SOURCE_DATE_EPOCH`` when set).
    """
    named = subject.asset_id or subject.entity_id
    return _issue(
        COMPLIANCE_ATTESTATION_TYPE,
        "compliance",
        str(named),
        subject,
        issuer=issuer,
        issued_at=issued_at,
        expires_at=expires_at,
    )


def formation_compliance_credential(
    subject: FormationComplianceSubject,
    *,
    issuer: str,
    issued_at: Timestamp | None = None,
    expires_at: Timestamp | None = None,
) -> Credential:
    """Unsigned; id ``urn:msez:vc:formation:<entity_id>:<issued_at>``."""
    return _issue(
        FORMATION_COMPLIANCE_TYPE,
        "formation",
        subject.entity_id,
        subject,
        issuer=issuer,
        issued_at=issued_at,
        expires_at=expires_at,
    )


def ownership_compliance_credential(
    subject: OwnershipComplianceSubject,
    *,
    issuer: str,
    issued_at: Timestamp | None = None,
    expires_at: Timestamp | None = None,
) -> Credential:
    """Unsigned; id ``urn:msez:vc:ownership:<entity_id>:<issued_at>``."""
    return _issue(
        OWNERSHIP_COMPLIANCE_TYPE,
        "ownership",
        subject.entity_id,
        subject,
        issuer=issuer,
        issued_at=issued_at,
        expires_at=expires_at,
    )


def _issue(
    vc_type: str,
    kind: str,
    named: str,
    subject: _ComplianceFields,
    *,
    issuer: str,
    issued_at: Timestamp | None,
    expires_at: Timestamp | None,
) -> Credential:
    issued_at = issued_at or Timestamp.now()
    stamp = str(issued_at).replace("-", "").replace(":", "")
    return new_credential(
        types=[vc_type],
        issuer=issuer,
        subject=subject.to_json(),
        issued_at=issued_at,
        expires_at=expires_at,
        credential_id=f"urn:msez:vc:{kind}:{named}:{stamp}",
    )

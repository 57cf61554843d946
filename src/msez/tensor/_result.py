"""What an evaluation sees (:class:`Subject`, :class:`EvaluationContext`) and what it returns for each domain
(:class:`DomainResult`): the state plus why, i.e. the rule applied, the evidence and attestation ids used, the
legal citation (an AKN ``eId`` of the zone's pinned lawpack, when a module maps one) and the pack digest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from msez.core import ComplianceDomain, ContentDigest, Timestamp
from msez.tensor._attestation import AttestationRef
from msez.tensor._lattice import ComplianceState


@dataclass(frozen=True, slots=True)
class Citation:
    """A legal citation: the AKN ``eId`` of a provision in a pinned lawpack."""

    eid: str
    lawpack_digest: ContentDigest | None = None
    title: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"eid": self.eid}
        if self.lawpack_digest is not None:
            data["lawpack_digest"] = self.lawpack_digest.hex
        if self.title is not None:
            data["title"] = self.title
        return data


@dataclass(frozen=True, slots=True)
class DomainResult:
    """One domain's evaluated state and its explanation."""

    domain: ComplianceDomain
    state: ComplianceState
    rule: str
    reason: str
    detail: str
    attestation_ids: tuple[str, ...] = ()
    evidence_ids: tuple[str, ...] = ()
    citation: Citation | None = None
    pack_digest: ContentDigest | None = None

    def cited(self, citation: Citation | None) -> DomainResult:
        """This result with ``citation`` attached (unless it already has one)."""
        return self if citation is None or self.citation is not None else replace(self, citation=citation)

    def explain(self) -> str:
        """One line answering "why": ``kyc: non_compliant (attestation_expired) - ... [eId ...]``."""
        parts = [f"{self.domain.value}: {self.state.value} ({self.reason}) - {self.detail}"]
        if self.citation is not None:
            parts.append(f"[{self.citation.eid}]")
        return " ".join(parts)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "domain": self.domain.value,
            "state": self.state.value,
            "rule": self.rule,
            "reason": self.reason,
            "detail": self.detail,
            "attestation_ids": list(self.attestation_ids),
            "evidence_ids": list(self.evidence_ids),
        }
        if self.citation is not None:
            data["citation"] = self.citation.to_json()
        if self.pack_digest is not None:
            data["pack_digest"] = self.pack_digest.hex
        return data


@dataclass(frozen=True, slots=True)
class Subject:
    """The entity or asset being evaluated, with what the pack-backed evaluators look up."""

    entity_id: str
    name: str | None = None
    identifiers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    did: str | None = None
    activity: str | None = None
    ntn: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class StoredCell:
    """A cell: its determined state (``None``: attestations recorded, no state determined) and attestations."""

    state: ComplianceState | None
    attestations: tuple[AttestationRef, ...] = ()
    determined_at: Timestamp | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class EvaluationContext:
    """One subject's evaluation: the subject, the cells determined so far, and the evaluation time."""

    subject: Subject
    now: Timestamp
    cells: Mapping[ComplianceDomain, StoredCell] = field(default_factory=lambda: MappingProxyType({}))

    def stored(self, domain: ComplianceDomain) -> StoredCell | None:
        """The cell determined for ``domain``, if any."""
        return self.cells.get(domain)

"""Domain evaluators: the protocol every evaluator satisfies, and the reference's defaults (A §4.1).

The eight attested domains (aml, kyc, sanctions, tax, securities, corporate, custody, data_privacy) use the
stored cell and its attestations: a stored state stands unless it is passing and an attestation has expired
(then non_compliant); with no stored state, no attestations means pending, all fresh means compliant, any
expired means non_compliant. The twelve extended domains return their stored state or fail closed to pending.
Results that do not depend on the subject are built once and shared (they are immutable).
"""

from __future__ import annotations

from typing import Protocol

from msez.core import ComplianceDomain
from msez.tensor._attestation import AttestationRef
from msez.tensor._lattice import ComplianceState
from msez.tensor._result import Citation, DomainResult, EvaluationContext, StoredCell

ATTESTED_DOMAINS = tuple(ComplianceDomain)[:8]
EXTENDED_DOMAINS = tuple(ComplianceDomain)[8:]


class DomainEvaluator(Protocol):
    """Decides one domain for one subject and says why."""

    @property
    def domain(self) -> ComplianceDomain: ...

    def evaluate(self, ctx: EvaluationContext) -> DomainResult: ...


def _expired_detail(expired: list[AttestationRef], ctx: EvaluationContext) -> str:
    listed = ", ".join(f"{a.attestation_id} ({a.attestation_type}, expires_at {a.expires_at})" for a in expired)
    return f"attestation expired before the evaluation time {ctx.now}: {listed}"


def _ids(attestations: tuple[AttestationRef, ...]) -> tuple[str, ...]:
    return tuple(a.attestation_id for a in attestations)


class _StoredStateEvaluator:
    """Shared: the stored-state branch and the cached results."""

    rule = "default"

    def __init__(self, domain: ComplianceDomain, citation: Citation | None = None) -> None:
        self._domain = domain
        self._citation = citation

    @property
    def domain(self) -> ComplianceDomain:
        return self._domain

    def _result(
        self, state: ComplianceState, reason: str, detail: str, attestations: tuple[AttestationRef, ...] = ()
    ) -> DomainResult:
        return DomainResult(self._domain, state, self.rule, reason, detail, _ids(attestations), (), self._citation)

    def _stored(self, state: ComplianceState, cell: StoredCell, ctx: EvaluationContext) -> DomainResult:
        expired = [a for a in cell.attestations if a.is_expired(ctx.now)]
        if expired and state.is_passing:
            detail = f"stored state {state.value} no longer holds: " + _expired_detail(expired, ctx)
            return self._result(ComplianceState.NON_COMPLIANT, "attestation_expired", detail, cell.attestations)
        when = f" at {cell.determined_at}" if cell.determined_at else ""
        detail = f"state {state.value} determined{when} ({cell.reason or 'no reason recorded'})"
        return self._result(state, cell.reason or "stored_state", detail, cell.attestations)


class AttestedDomainEvaluator(_StoredStateEvaluator):
    """The reference's default for the eight attested domains."""

    rule = "default.attested"

    def __init__(self, domain: ComplianceDomain, citation: Citation | None = None) -> None:
        super().__init__(domain, citation)
        self._pending = self._result(
            ComplianceState.PENDING, "no_attestation", f"no state determined and no attestation for {domain.value}"
        )

    def evaluate(self, ctx: EvaluationContext) -> DomainResult:
        cell = ctx.cells.get(self._domain)
        if cell is None or (cell.state is None and not cell.attestations):
            return self._pending
        if cell.state is not None:
            return self._stored(cell.state, cell, ctx)
        expired = [a for a in cell.attestations if a.is_expired(ctx.now)]
        if expired:
            detail = _expired_detail(expired, ctx)
            return self._result(ComplianceState.NON_COMPLIANT, "attestation_expired", detail, cell.attestations)
        detail = f"{len(cell.attestations)} attestation(s) in force at {ctx.now}"
        return self._result(ComplianceState.COMPLIANT, "attested", detail, cell.attestations)


class ExtendedDomainEvaluator(_StoredStateEvaluator):
    """The reference's default for the twelve extended domains: stored state, else fail closed to pending."""

    rule = "default.extended"

    def __init__(self, domain: ComplianceDomain, citation: Citation | None = None) -> None:
        super().__init__(domain, citation)
        self._pending = self._result(
            ComplianceState.PENDING,
            "not_implemented",
            f"no evaluator for {domain.value} is configured in this zone and no state was determined; fails closed",
        )

    def evaluate(self, ctx: EvaluationContext) -> DomainResult:
        cell = ctx.cells.get(self._domain)
        if cell is None or cell.state is None:
            return self._pending
        return self._stored(cell.state, cell, ctx)


def default_evaluator(domain: ComplianceDomain, citation: Citation | None = None) -> DomainEvaluator:
    """The reference's default evaluator for ``domain``."""
    if domain in ATTESTED_DOMAINS:
        return AttestedDomainEvaluator(domain, citation)
    return ExtendedDomainEvaluator(domain, citation)

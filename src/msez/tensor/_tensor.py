"""The compliance tensor (reference-impl A §4.2): one subject's 20 domain cells in one jurisdiction, and the
zone's evaluators that turn cells plus the subject into an :class:`Evaluation` with a result per domain.

Domains the jurisdiction does not list as applicable evaluate to not_applicable. Only determined cells are
stored; an undetermined cell reads as pending (applicable) or not_applicable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from msez.core import ComplianceDomain, ConflictError, JurisdictionId, Timestamp
from msez.tensor._attestation import AttestationRef
from msez.tensor._commitment import TensorCommitment
from msez.tensor._evaluators import DomainEvaluator, default_evaluator
from msez.tensor._lattice import ComplianceState, meet_all
from msez.tensor._result import Citation, DomainResult, EvaluationContext, StoredCell, Subject

ALL_DOMAINS = tuple(ComplianceDomain)


@dataclass(frozen=True)
class JurisdictionConfig:
    """A jurisdiction and the domains that apply in it (default: all 20)."""

    jurisdiction_id: str
    applicable_domains: frozenset[ComplianceDomain] = frozenset(ComplianceDomain)

    def __post_init__(self) -> None:
        object.__setattr__(self, "jurisdiction_id", JurisdictionId(self.jurisdiction_id))
        object.__setattr__(self, "applicable_domains", frozenset(self.applicable_domains))


@dataclass(frozen=True)
class Evaluation:
    """Every domain's result for one subject, with the aggregate and the commitment over evaluated states."""

    jurisdiction_id: str
    entity_id: str
    evaluated_at: Timestamp
    results: Mapping[ComplianceDomain, DomainResult]

    def state(self, domain: ComplianceDomain) -> ComplianceState:
        return self.results[domain].state

    @property
    def aggregate(self) -> ComplianceState:
        return meet_all(r.state for r in self.results.values())

    @property
    def all_passing(self) -> bool:
        return all(r.state.is_passing for r in self.results.values())

    @property
    def passing_domains(self) -> tuple[ComplianceDomain, ...]:
        return tuple(sorted(d for d, r in self.results.items() if r.state.is_passing))

    @property
    def blocking_domains(self) -> tuple[ComplianceDomain, ...]:
        """Every non-passing domain; each has a result explaining why."""
        return tuple(sorted(d for d, r in self.results.items() if not r.state.is_passing))

    def commitment(self) -> TensorCommitment:
        return TensorCommitment.of(self.jurisdiction_id, [(d, self.results[d].state) for d in ALL_DOMAINS])

    def to_json(self) -> dict[str, Any]:
        return {
            "jurisdiction_id": self.jurisdiction_id,
            "entity_id": self.entity_id,
            "evaluated_at": str(self.evaluated_at),
            "aggregate": self.aggregate.value,
            "passing_domains": [d.value for d in self.passing_domains],
            "blocking_domains": [d.value for d in self.blocking_domains],
            "tensor_commitment": self.commitment().digest.hex,
            "results": {d.value: self.results[d].to_json() for d in ALL_DOMAINS},
        }


class Evaluators:
    """A jurisdiction's evaluators: the defaults, overridden per domain by registered (pack-backed) ones."""

    def __init__(
        self,
        jurisdiction: JurisdictionConfig,
        evaluators: Iterable[DomainEvaluator] = (),
        *,
        citations: Mapping[ComplianceDomain, Citation] | None = None,
    ) -> None:
        self._jurisdiction = jurisdiction
        self._citations = dict(citations or {})
        self._by_domain: dict[ComplianceDomain, DomainEvaluator] = {
            d: default_evaluator(d, self._citations.get(d)) for d in ALL_DOMAINS
        }
        self._custom: set[ComplianceDomain] = set()
        self._not_applicable = {
            d: DomainResult(
                d,
                ComplianceState.NOT_APPLICABLE,
                "jurisdiction.applicable_domains",
                "not_applicable_in_jurisdiction",
                f"{d.value} is not an applicable domain in {jurisdiction.jurisdiction_id}",
            )
            for d in ALL_DOMAINS
        }
        for evaluator in evaluators:
            self.register(evaluator)

    @property
    def jurisdiction(self) -> JurisdictionConfig:
        return self._jurisdiction

    def register(self, evaluator: DomainEvaluator) -> None:
        """Use ``evaluator`` for its domain from now on (replacing the default or an earlier one)."""
        self._by_domain[evaluator.domain] = evaluator
        self._custom.add(evaluator.domain)

    def evaluate_domain(self, domain: ComplianceDomain, ctx: EvaluationContext) -> DomainResult:
        if domain not in self._jurisdiction.applicable_domains:
            return self._not_applicable[domain]
        result = self._by_domain[domain].evaluate(ctx)
        return result.cited(self._citations.get(domain)) if domain in self._custom else result

    def evaluate(self, ctx: EvaluationContext) -> Evaluation:
        """Evaluate all 20 domains for ``ctx.subject``."""
        results = {d: self.evaluate_domain(d, ctx) for d in ALL_DOMAINS}
        return Evaluation(str(self._jurisdiction.jurisdiction_id), ctx.subject.entity_id, ctx.now, results)


class ComplianceTensor:
    """One subject's cells in one jurisdiction. Mutable; ``clock`` stamps determinations and evaluations."""

    def __init__(
        self,
        jurisdiction: JurisdictionConfig | str,
        *,
        evaluators: Evaluators | None = None,
        clock: Callable[[], Timestamp] = Timestamp.now,
    ) -> None:
        config = jurisdiction if isinstance(jurisdiction, JurisdictionConfig) else JurisdictionConfig(jurisdiction)
        self.jurisdiction = config
        self.evaluators = evaluators or Evaluators(config)
        self._clock = clock
        self._cells: dict[ComplianceDomain, StoredCell] = {}

    @property
    def jurisdiction_id(self) -> str:
        return str(self.jurisdiction.jurisdiction_id)

    @property
    def cells(self) -> Mapping[ComplianceDomain, StoredCell]:
        """The determined cells."""
        return MappingProxyType(self._cells)

    def set(
        self,
        domain: ComplianceDomain,
        state: ComplianceState,
        attestations: Iterable[AttestationRef] = (),
        reason: str | None = None,
    ) -> None:
        """Determine ``domain`` (refreshes ``determined_at``)."""
        self._cells[domain] = StoredCell(state, tuple(attestations), self._clock(), reason)

    def restore(self, domain: ComplianceDomain, cell: StoredCell) -> None:
        """Put a stored cell back as it was (when loading a saved tensor)."""
        self._cells[domain] = cell

    def attest(self, domain: ComplianceDomain, attestations: Iterable[AttestationRef]) -> None:
        """Record attestations for ``domain`` without determining a state (the default evaluator decides)."""
        current = self._cells.get(domain)
        state = current.state if current else None
        known = current.attestations if current else ()
        self._cells[domain] = StoredCell(
            state, (*known, *attestations), self._clock(), current.reason if current else None
        )

    def get(self, domain: ComplianceDomain) -> ComplianceState:
        """The stored state; an undetermined cell is pending, or not_applicable outside the applicable domains."""
        cell = self._cells.get(domain)
        if cell is not None and cell.state is not None:
            return cell.state
        applicable = domain in self.jurisdiction.applicable_domains
        return ComplianceState.PENDING if applicable else ComplianceState.NOT_APPLICABLE

    def evaluate(self, subject: Subject, domain: ComplianceDomain) -> DomainResult:
        return self.evaluators.evaluate_domain(domain, self._context(subject))

    def evaluate_all(self, subject: Subject) -> Evaluation:
        return self.evaluators.evaluate(self._context(subject))

    def _context(self, subject: Subject) -> EvaluationContext:
        return EvaluationContext(subject, self._clock(), MappingProxyType(self._cells))

    def merge(self, other: ComplianceTensor) -> None:
        """Per domain, keep the meet of both states; changed cells get reason ``merged`` and both attestation sets.

        Raises:
            ConflictError: the tensors are for different jurisdictions.
        """
        if other.jurisdiction_id != self.jurisdiction_id:
            raise ConflictError(f"cannot merge a {other.jurisdiction_id} tensor into a {self.jurisdiction_id} tensor")
        for domain in ALL_DOMAINS:
            mine, theirs = self.get(domain), other.get(domain)
            merged = mine.meet(theirs)
            if merged != mine:
                attestations = {
                    a.attestation_id: a
                    for c in (self._cells, other._cells)
                    if domain in c
                    for a in c[domain].attestations
                }
                self.set(domain, merged, attestations.values(), "merged")

    def slice(self, domains: Iterable[ComplianceDomain]) -> dict[ComplianceDomain, ComplianceState]:
        return {d: self.get(d) for d in domains}

    def full_slice(self) -> dict[ComplianceDomain, ComplianceState]:
        return self.slice(ALL_DOMAINS)

    def aggregate_state(self, domains: Iterable[ComplianceDomain] = ALL_DOMAINS) -> ComplianceState:
        """The meet over ``domains`` (Compliant for none)."""
        return meet_all(self.get(d) for d in domains)

    def all_passing(self) -> bool:
        return all(self.get(d).is_passing for d in ALL_DOMAINS)

    def non_compliant_domains(self) -> tuple[ComplianceDomain, ...]:
        return tuple(d for d in ALL_DOMAINS if self.get(d) is ComplianceState.NON_COMPLIANT)

    def pending_domains(self) -> tuple[ComplianceDomain, ...]:
        return tuple(d for d in ALL_DOMAINS if self.get(d) is ComplianceState.PENDING)

    def commitment(self) -> TensorCommitment:
        """The commitment over the stored states of all 20 cells."""
        return TensorCommitment.of(self.jurisdiction_id, [(d, self.get(d)) for d in ALL_DOMAINS])

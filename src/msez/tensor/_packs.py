"""Evaluators backed by the zone's packs, and the small protocols the packs must satisfy.

The pack package (msez.pack) provides objects with these shapes; nothing here imports it. Each evaluator takes
the digest of the pack as pinned in the zone's lockfile, so every result names the exact pack it relied on.

* :class:`SanctionsScreener` (regpack screening, ``msez.pack.SanctionsScreener``): ``screen(name,
  [(type, value)]) -> outcome`` whose ``matches`` each carry ``entry_id``, ``score`` (0..1), ``field`` (what
  matched: ``primary_name``, ``alias``, ``identifier`` ...) and ``explanation``. Any match makes sanctions
  non_compliant; no name makes it pending.
* :class:`LicenceVerifier` (licensepack): ``verify_license(holder_did, activity, on) -> (valid, state,
  license_id)`` with ``state`` one of COMPLIANT, NON_COMPLIANT, PENDING, SUSPENDED, UNKNOWN.
* :class:`AttestationSource`: ``attestations_for(entity_id, domain) -> [AttestationRef]``; used for KYC and
  AML, each required attestation type needing one attestation in force.
* :class:`FilerStatusSource` (tax authority): ``filer_status(ntn, on) -> "filer" | "late_filer" |
  "non_filer" | None``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Protocol

from msez.core import ComplianceDomain, ContentDigest
from msez.tensor._attestation import AttestationRef
from msez.tensor._lattice import ComplianceState
from msez.tensor._result import Citation, DomainResult, EvaluationContext

_C, _N, _P = ComplianceState.COMPLIANT, ComplianceState.NON_COMPLIANT, ComplianceState.PENDING


class ScreeningMatch(Protocol):
    """One sanctions hit."""

    @property
    def entry_id(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def field(self) -> str: ...
    @property
    def explanation(self) -> str: ...


class ScreeningOutcome(Protocol):
    """The result of screening one name: every entry at or above the screener's threshold."""

    @property
    def matches(self) -> Sequence[ScreeningMatch]: ...


class SanctionsScreener(Protocol):
    def screen(self, name: str, identifiers: Sequence[tuple[str, str]]) -> ScreeningOutcome: ...


class LicenceVerifier(Protocol):
    def verify_license(self, holder_did: str, activity: str, on: date) -> tuple[bool, str, str | None]: ...


class AttestationSource(Protocol):
    def attestations_for(self, entity_id: str, domain: ComplianceDomain) -> Sequence[AttestationRef]: ...


class FilerStatusSource(Protocol):
    def filer_status(self, ntn: str, on: date) -> str | None: ...


class _PackEvaluator:
    rule = "pack"

    def __init__(self, domain: ComplianceDomain, pack_digest: ContentDigest | None, citation: Citation | None) -> None:
        self._domain = domain
        self._digest = pack_digest
        self._citation = citation

    @property
    def domain(self) -> ComplianceDomain:
        return self._domain

    def _result(
        self,
        state: ComplianceState,
        reason: str,
        detail: str,
        *,
        evidence: Iterable[str] = (),
        attestations: Iterable[str] = (),
    ) -> DomainResult:
        return DomainResult(
            self._domain,
            state,
            self.rule,
            reason,
            detail,
            tuple(attestations),
            tuple(evidence),
            self._citation,
            self._digest,
        )


class SanctionsEvaluator(_PackEvaluator):
    """Sanctions through regpack screening of the subject's name and identifiers."""

    rule = "regpack.sanctions_screening"

    def __init__(
        self, screener: SanctionsScreener, *, pack_digest: ContentDigest | None = None, citation: Citation | None = None
    ) -> None:
        super().__init__(ComplianceDomain.SANCTIONS, pack_digest, citation)
        self._screener = screener

    def evaluate(self, ctx: EvaluationContext) -> DomainResult:
        subject = ctx.subject
        if not subject.name:
            return self._result(_P, "no_entity_name", "the subject has no name to screen")
        matches = self._screener.screen(subject.name, sorted(subject.identifiers.items())).matches
        if not matches:
            return self._result(_C, "sanctions_clear", f"no sanctions entry matches {subject.name!r}")
        hits = "; ".join(f"entry {m.entry_id} on {m.field} (score {m.score:.2f}): {m.explanation}" for m in matches)
        return self._result(
            _N, "sanctions_match", f"{subject.name!r} matched {hits}", evidence=[m.entry_id for m in matches]
        )


_LICENCE_STATES = {
    "NON_COMPLIANT": (_N, "no_valid_licence"),
    "SUSPENDED": (_N, "licence_suspended"),
    "PENDING": (_P, "licence_pending"),
    "UNKNOWN": (_P, "licence_unknown"),
}


class LicensingEvaluator(_PackEvaluator):
    """Licensing through licensepack verification of the subject's DID for its activity on the evaluation date."""

    rule = "licensepack.verify_license"

    def __init__(
        self, verifier: LicenceVerifier, *, pack_digest: ContentDigest | None = None, citation: Citation | None = None
    ) -> None:
        super().__init__(ComplianceDomain.LICENSING, pack_digest, citation)
        self._verifier = verifier

    def evaluate(self, ctx: EvaluationContext) -> DomainResult:
        subject = ctx.subject
        if not subject.did or not subject.activity:
            missing = " and ".join(n for n, v in (("did", subject.did), ("activity", subject.activity)) if not v)
            return self._result(_P, "no_licence_subject", f"the subject has no {missing} to verify a licence for")
        on = ctx.now.date()
        valid, state, licence_id = self._verifier.verify_license(subject.did, subject.activity, on)
        evidence = [licence_id] if licence_id else []
        what = f"{subject.activity!r} by {subject.did} on {on}"
        if valid:
            return self._result(_C, "licence_valid", f"licence {licence_id} permits {what}", evidence=evidence)
        outcome, reason = _LICENCE_STATES.get(str(state).upper(), (_N, "no_valid_licence"))
        detail = f"no licence in force permits {what} (licensepack state {state}"
        detail += f", licence {licence_id})" if licence_id else ")"
        return self._result(outcome, reason, detail, evidence=evidence)


class AttestationEvaluator(_PackEvaluator):
    """KYC, AML (or any domain) through attestations with expiry: each required type needs one in force."""

    rule = "attestations.in_force"

    def __init__(
        self,
        domain: ComplianceDomain,
        source: AttestationSource,
        *,
        required_types: Iterable[str],
        pack_digest: ContentDigest | None = None,
        citation: Citation | None = None,
    ) -> None:
        super().__init__(domain, pack_digest, citation)
        self._source = source
        self._required = tuple(sorted(set(required_types)))

    def evaluate(self, ctx: EvaluationContext) -> DomainResult:
        cell = ctx.stored(self._domain)
        found = [
            *self._source.attestations_for(ctx.subject.entity_id, self._domain),
            *(cell.attestations if cell else ()),
        ]
        used, expired, missing = [], [], []
        for kind in self._required:
            of_kind = [a for a in found if a.attestation_type == kind]
            fresh = [a for a in of_kind if not a.is_expired(ctx.now)]
            if fresh:
                used.append(fresh[0])
            elif of_kind:
                expired.extend(of_kind)
            else:
                missing.append(kind)
        ids = [a.attestation_id for a in (*used, *expired)]
        if expired:
            listed = ", ".join(f"{a.attestation_id} ({a.attestation_type}) expired at {a.expires_at}" for a in expired)
            return self._result(
                _N, "attestation_expired", f"no attestation in force at {ctx.now}: {listed}", attestations=ids
            )
        if missing:
            detail = f"no attestation of type {', '.join(missing)} for {ctx.subject.entity_id}"
            return self._result(_P, "missing_attestation", detail, attestations=ids)
        detail = "in force: " + ", ".join(f"{a.attestation_id} ({a.attestation_type})" for a in used)
        return self._result(_C, "attested", detail, attestations=ids)


_FILER = {
    "filer": (_C, "active_filer", "is an active filer"),
    "late_filer": (_P, "late_filer", "is a late filer; compliant again once the return is filed"),
    "non_filer": (_N, "non_filer", "is a non-filer"),
}


class TaxEvaluator(_PackEvaluator):
    """Tax through the subject's filer status (NTN) on the evaluation date."""

    rule = "tax.filer_status"

    def __init__(
        self, source: FilerStatusSource, *, pack_digest: ContentDigest | None = None, citation: Citation | None = None
    ) -> None:
        super().__init__(ComplianceDomain.TAX, pack_digest, citation)
        self._source = source

    def evaluate(self, ctx: EvaluationContext) -> DomainResult:
        ntn = ctx.subject.ntn
        if not ntn:
            return self._result(_P, "no_ntn", "the subject has no NTN to look up")
        on = ctx.now.date()
        status = self._source.filer_status(ntn, on)
        if status is None:
            return self._result(_P, "filer_status_unknown", f"NTN {ntn} has no filer status on {on}", evidence=[ntn])
        outcome = _FILER.get(str(status))
        if outcome is None:
            return self._result(
                _P, "filer_status_unrecognised", f"NTN {ntn} has filer status {status!r}", evidence=[ntn]
            )
        state, reason, what = outcome
        return self._result(state, reason, f"NTN {ntn} {what} on {on}", evidence=[ntn])

"""One verification result per rule and subject, the unit every corridor report is made of, and the shared checks.

Verifiers report first and raise only on request, so a report names every failing binding, proof and signer at
once (spec §40.5). :class:`Rule` values are stable; tests and callers match on them. Schema and credential
(proofs, validity dates) checks are shared by every corridor credential.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from msez.core import Did, Timestamp, ValidationError
from msez.corridor._module import ModuleFile
from msez.schema import default_registry
from msez.vc import KeyResolver, ProofResult, Reason, verify_credential


class Rule(StrEnum):
    """The rules of ruleset ``msez.corridor.verification.v1`` (spec §40.2-§40.5)."""

    SCHEMA = "schema"
    """A corridor file is missing, unparsable or violates its schema."""
    RULESET = "ruleset"
    """The corridor names a verification ruleset this verifier does not implement."""
    CORRIDOR_ID = "corridor-id"
    """A credential is for another corridor than ``corridor.yaml``."""
    BINDING = "binding"
    """A digest binding: definition VC -> file, agreement -> definition payload."""
    PROOF = "proof"
    """One proof of a credential."""
    VALIDITY = "validity"
    """A credential's envelope or validity dates."""
    SIGNER = "signer"
    """A signer is not authorised for the attestation kind (trust anchors, authority registry)."""
    REGISTRY = "registry"
    """The authority-registry chain: resolution, issuer authorisation, cycles, depth."""
    PARTY = "party"
    """A party-specific agreement is not signed by its party, or names no participant."""
    CONSISTENCY = "consistency"
    """Agreement VCs disagree on the shared (base) terms."""
    STATUS_LOCK = "status-lock"
    """More than one current agreement VC for one party."""
    COMMITMENT = "commitment"
    """A non-affirmative commitment, which blocks activation."""
    THRESHOLD = "threshold"
    """An activation threshold: met, not met, or inconsistent with the participants."""
    LAWPACK_COVERAGE = "lawpack-coverage"
    """An agreement does not pin a lawpack for every domain the definition requires."""
    LAWPACK_ALLOW_LIST = "lawpack-allow-list"
    """A pinned lawpack digest is not in the definition's allow-list."""
    ACTIVATION = "activation"
    """The overall activation verdict."""


@dataclass(frozen=True, slots=True)
class Check:
    """The outcome of one rule on one subject (a file, a file's field, a proof, a party)."""

    rule: Rule
    subject: str
    ok: bool
    detail: str

    def __str__(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'} {self.rule.value} {self.subject}: {self.detail}"

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule.value, "subject": self.subject, "ok": self.ok, "detail": self.detail}


def passed(rule: Rule, subject: str, detail: str) -> Check:
    return Check(rule, subject, True, detail)


def failed(rule: Rule, subject: str, detail: str) -> Check:
    return Check(rule, subject, False, detail)


def schema_checks(file: ModuleFile, schema: str) -> list[Check]:
    """The file exists, parses to an object and satisfies ``<schema>.schema.json``: one check per error."""
    if file.problem is not None:
        return [failed(Rule.SCHEMA, file.path, file.problem)]
    errors = default_registry().errors(file.document, schema, file=file.path)
    if not errors:
        return [passed(Rule.SCHEMA, file.path, f"valid {schema}")]
    return [failed(Rule.SCHEMA, f"{file.path}: {e.path or '$'}", e.reason) for e in errors]


@dataclass(frozen=True)
class CredentialOutcome:
    """A credential's proof and validity checks, and who signed it (base DIDs, in proof order, distinct)."""

    checks: tuple[Check, ...]
    signers: tuple[Did, ...]
    """DIDs with at least one valid proof."""
    named: tuple[Did, ...]
    """DIDs named by any proof, valid or not (the lockfile's ``*_signers``)."""


def credential_checks(file: ModuleFile, *, now: Timestamp | None, resolver: KeyResolver | None) -> CredentialOutcome:
    """Verify every proof and the validity dates of the credential in ``file`` (spec X.4)."""
    if file.problem is not None:
        return CredentialOutcome((), (), ())
    report = verify_credential(file.document, resolver=resolver, now=now)
    checks = [_proof_check(file.path, p) for p in report.proofs]
    checks += [
        failed(Rule.PROOF if f.reason is Reason.NO_PROOFS else Rule.VALIDITY, file.path, f"{f.reason}: {f.detail}")
        for f in report.findings
    ]
    valid = [d for p in report.proofs if p.ok and (d := base_did(p.verification_method)) is not None]
    named = [d for p in report.proofs if (d := base_did(p.verification_method)) is not None]
    return CredentialOutcome(tuple(checks), tuple(dict.fromkeys(valid)), tuple(dict.fromkeys(named)))


def _proof_check(path: str, proof: ProofResult) -> Check:
    subject = f"{path}: proof[{proof.index}] {proof.verification_method or '?'}"
    if proof.ok:
        return passed(Rule.PROOF, subject, f"{proof.proof_type} verified")
    return failed(Rule.PROOF, subject, f"{proof.reason}: {proof.detail}")


def base_did(value: Any) -> Did | None:
    """The DID of a DID URL (fragment stripped), or ``None`` if ``value`` is not a DID."""
    if not isinstance(value, str):
        return None
    try:
        return Did(value.split("#", 1)[0])
    except ValidationError:
        return None

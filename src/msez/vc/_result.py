"""Verification outcomes: stable reason codes, one result per proof, and the report over a whole credential.

Verifiers report first and raise only on request (:meth:`VerificationReport.raise_for_failure`), so callers
(corridor thresholds, the API) can count valid signers and show every failure at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from msez.core import VerificationError


class Reason(StrEnum):
    """Why a proof or a credential failed. The values are stable; callers and tests match on them."""

    MALFORMED_PAYLOAD = "malformed-payload"
    """The document without ``proof`` has no canonical form (a float, a non-string key)."""
    MALFORMED_PROOF = "malformed-proof"
    """A proof is not an object, lacks a field or has one of the wrong shape."""
    UNSUPPORTED_SUITE = "unsupported-suite"
    """No registered suite handles the proof's ``type`` (and ``cryptosuite``)."""
    WRONG_PURPOSE = "wrong-purpose"
    """``proofPurpose`` is not the purpose the verifier asked for."""
    MALFORMED_SIGNATURE = "malformed-signature"
    """The signature value is badly encoded (alphabet, multibase prefix)."""
    PADDED_SIGNATURE = "padded-signature"
    """A base64url signature carries ``=`` padding, which the proof profile forbids."""
    SIGNATURE_LENGTH = "wrong-signature-length"
    """The signature decodes, but not to the 64 bytes of an Ed25519 signature."""
    UNRESOLVABLE_KEY = "unresolvable-key"
    """The verification method resolves to no usable Ed25519 key for that purpose."""
    BAD_SIGNATURE = "bad-signature"
    """Well-formed, but the signature does not verify over the payload."""
    NO_PROOFS = "no-proofs"
    ISSUER_NOT_SIGNER = "issuer-not-a-signer"
    """The issuer is a DID and no proof names a verification method of it."""
    MALFORMED_CREDENTIAL = "malformed-credential"
    NOT_YET_VALID = "not-yet-valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    STATUS_UNRESOLVABLE = "status-unresolvable"
    """The status list credential named by ``credentialStatus`` is not in the status source."""
    STATUS_INVALID = "status-invalid"
    """The status entry or its status list credential is malformed or does not verify."""


@dataclass(frozen=True, slots=True)
class ProofResult:
    """The outcome for one proof: ``reason`` is ``None`` exactly when ``ok``."""

    index: int
    proof_type: str | None
    verification_method: str | None
    reason: Reason | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.reason is None

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "type": self.proof_type,
            "verification_method": self.verification_method,
            "ok": self.ok,
            "reason": None if self.reason is None else self.reason.value,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class Finding:
    """A credential-level failure (dates, status, shape), independent of any one proof."""

    reason: Reason
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"reason": self.reason.value, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """Every proof's result plus the credential-level findings; ``ok`` only if all pass and a proof exists."""

    proofs: tuple[ProofResult, ...]
    findings: tuple[Finding, ...] = ()

    @property
    def ok(self) -> bool:
        return bool(self.proofs) and not self.findings and all(p.ok for p in self.proofs)

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """Distinct failure reasons, credential findings first, in order of appearance."""
        seen = [f.reason for f in self.findings] + [p.reason for p in self.proofs if p.reason is not None]
        return tuple(dict.fromkeys(seen))

    @property
    def valid_methods(self) -> tuple[str, ...]:
        """Verification methods whose proofs verified (for threshold counting)."""
        return tuple(p.verification_method for p in self.proofs if p.ok and p.verification_method)

    def raise_for_failure(self) -> None:
        """Raise unless ``ok``.

        Raises:
            VerificationError: naming every failure (``reasons`` on the exception lists them).
        """
        if self.ok:
            return
        raise ProofVerificationError(self)

    def summary(self) -> str:
        """One line naming every failure, e.g. ``proof[1] bad-signature: ...; expired: ...``."""
        parts = [f"{f.reason}: {f.detail}" for f in self.findings]
        parts += [f"proof[{p.index}] {p.reason}: {p.detail}" for p in self.proofs if not p.ok]
        return "; ".join(parts) if parts else "verified"

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "reasons": [r.value for r in self.reasons],
            "proofs": [p.to_json() for p in self.proofs],
            "findings": [f.to_json() for f in self.findings],
        }


class ProofVerificationError(VerificationError):
    """A document's proofs or credential checks failed; ``report`` holds every result, ``reasons`` the codes."""

    def __init__(self, report: VerificationReport) -> None:
        super().__init__(f"does not verify: {report.summary()}")
        self.report = report
        self.reasons = report.reasons

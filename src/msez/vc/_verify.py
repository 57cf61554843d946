"""Verifying a whole credential: envelope, every proof, validity dates and Bitstring Status List status.

Steps, in order (every step runs; the report lists each failure):

1. Envelope (VCDM 1.1/2.0): ``type`` contains ``VerifiableCredential``; a 1.1 credential has ``issuanceDate``.
2. Proofs (spec X.4): one result per proof, via :func:`msez.vc.verify_proofs`; when the issuer is a DID, at
   least one proof must name a verification method of that DID (co-signers may add proofs of their own), so a
   proof lifted from another issuer's credential reports ``issuer-not-a-signer`` as well as ``bad-signature``.
3. Dates (spec X.4): ``issuanceDate``/``validFrom`` at most 60 s after now; ``expirationDate``/``validUntil`` not
   passed (absent means it never expires). The clock is injectable.
4. Status (Bitstring Status List v1.0 section 3.2): each ``BitstringStatusListEntry`` names a status list
   credential found in the :class:`StatusListSource`; that list must itself verify (steps 1-3), be issued and
   signed by the credential's issuer, and have the entry's purpose; a set bit reports ``revoked`` or
   ``suspended``. Any other ``credentialStatus`` type fails closed.

Inputs are plain JSON (or a :class:`Credential`); nothing is fetched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, Final

from msez.core import Timestamp, ValidationError
from msez.vc._model import VC_TYPE, VC_V1_CONTEXT, Credential
from msez.vc._proofs import ASSERTION, proofs_of, verify_proofs
from msez.vc._resolver import DidKeyResolver, KeyResolver
from msez.vc._result import Finding, Reason, VerificationReport
from msez.vc._status import STATUS_LIST_ENTRY, STATUS_PURPOSES, StatusListSource, status_list_of
from msez.vc._suites import DEFAULT_SUITES, SuiteRegistry

Clock = Callable[[], Timestamp]
MAX_FUTURE_SKEW: Final = timedelta(seconds=60)
_CANONICAL_Z: Final = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z")
_INDEX: Final = re.compile(r"(0|[1-9][0-9]{0,18})\Z")


def system_clock() -> Timestamp:
    """The wall clock (``SOURCE_DATE_EPOCH`` is for reproducible output, not for judging validity)."""
    return Timestamp(datetime.now(UTC))


@dataclass(frozen=True)
class CredentialVerifier:
    """Verifies credentials against a fixed configuration: key resolver, status source, suites, clock."""

    resolver: KeyResolver = field(default_factory=DidKeyResolver)
    status_source: StatusListSource | None = None
    suites: SuiteRegistry = DEFAULT_SUITES
    clock: Clock = system_clock
    purpose: str = ASSERTION
    max_future_skew: timedelta = MAX_FUTURE_SKEW

    def verify(self, credential: Credential | Mapping[str, Any]) -> VerificationReport:
        """Run steps 1-4 (module docstring) and report every failure; never raises for bad input."""
        document = credential.to_json() if isinstance(credential, Credential) else credential
        return self._verify(document, self.clock(), check_status=True)

    def _verify(self, document: Mapping[str, Any], now: Timestamp, *, check_status: bool) -> VerificationReport:
        if not isinstance(document, Mapping):
            detail = f"a credential must be a JSON object, got {type(document).__name__}"
            return VerificationReport((), (Finding(Reason.MALFORMED_CREDENTIAL, detail),))
        findings = list(_envelope_findings(document))  # (1)
        proofs = verify_proofs(document, resolver=self.resolver, purpose=self.purpose, suites=self.suites)  # (2)
        findings += _issuer_findings(document)
        findings += _date_findings(document, now, self.max_future_skew)  # (3)
        if check_status:
            findings += self._status_findings(document, now)  # (4)
        return VerificationReport(proofs.proofs, (*proofs.findings, *findings))

    def _status_findings(self, document: Mapping[str, Any], now: Timestamp) -> Iterator[Finding]:
        status = document.get("credentialStatus")
        for entry in [] if status is None else (status if isinstance(status, list) else [status]):
            try:
                finding = self._check_entry(document, entry, now)
            except ValidationError as e:
                finding = Finding(Reason.STATUS_INVALID, e.message)
            if finding is not None:
                yield finding

    def _check_entry(self, document: Mapping[str, Any], entry: Any, now: Timestamp) -> Finding | None:
        purpose, index, list_id = _parse_entry(entry)
        listed = self.status_source.get(list_id) if self.status_source is not None else None
        if listed is None:
            return Finding(Reason.STATUS_UNRESOLVABLE, f"status list {list_id} is not available to this verifier")
        report = self._verify(listed, now, check_status=False)
        if not report.ok:
            return Finding(Reason.STATUS_INVALID, f"status list {list_id} does not verify: {report.summary()}")
        issuer = _issuer_id(document)
        if _issuer_id(listed) != issuer or not any(m.split("#")[0] == issuer for m in report.valid_methods):
            return Finding(Reason.STATUS_INVALID, f"status list {list_id} is not issued and signed by {issuer}")
        list_purpose, bits = status_list_of(listed)
        if list_purpose != purpose:
            return Finding(Reason.STATUS_INVALID, f"status list {list_id} is for {list_purpose}, entry is {purpose}")
        if not bits.get(index):
            return None
        reason = Reason.REVOKED if purpose == "revocation" else Reason.SUSPENDED
        return Finding(reason, f"{reason.value} in status list {list_id} at index {index}")


def verify_credential(
    credential: Credential | Mapping[str, Any],
    *,
    resolver: KeyResolver | None = None,
    status_source: StatusListSource | None = None,
    now: Timestamp | None = None,
    suites: SuiteRegistry = DEFAULT_SUITES,
) -> VerificationReport:
    """Verify ``credential`` (see :class:`CredentialVerifier`) at ``now`` (default: the wall clock)."""
    verifier = CredentialVerifier(
        resolver=resolver or DidKeyResolver(),
        status_source=status_source,
        suites=suites,
        clock=system_clock if now is None else (lambda: now),
    )
    return verifier.verify(credential)


def _envelope_findings(document: Mapping[str, Any]) -> Iterator[Finding]:
    types = document.get("type")
    if VC_TYPE not in (types if isinstance(types, list) else [types]):
        yield Finding(Reason.MALFORMED_CREDENTIAL, "type does not contain VerifiableCredential")
    context = document.get("@context")
    first = context[0] if isinstance(context, list) and context else context
    if first == VC_V1_CONTEXT and "issuanceDate" not in document:
        yield Finding(Reason.MALFORMED_CREDENTIAL, "a data model 1.1 credential needs issuanceDate")


@lru_cache(maxsize=16)
def _window(now: Timestamp, skew: timedelta) -> tuple[str, str]:
    """Now and the latest acceptable issuance, in the canonical form that orders correctly as text."""
    return str(now), str(now + skew)


def _date_findings(document: Mapping[str, Any], now: Timestamp, skew: timedelta) -> Iterator[Finding]:
    current, latest = _window(now, skew)
    for name in ("issuanceDate", "validFrom"):
        if name in document:
            moment = _instant(document[name], name)
            if isinstance(moment, Finding):
                yield moment
            elif moment > latest:
                yield Finding(
                    Reason.NOT_YET_VALID, f"{name} {moment} is more than {int(skew.total_seconds())} s after {current}"
                )
    for name in ("expirationDate", "validUntil"):
        if name in document:
            moment = _instant(document[name], name)
            if isinstance(moment, Finding):
                yield moment
            elif moment < current:
                yield Finding(Reason.EXPIRED, f"{name} {moment} has passed (now {current})")


def _instant(value: Any, name: str) -> str | Finding:
    """The canonical ``...Z`` form, which orders correctly as a string; a finding if it is no date."""
    if isinstance(value, str) and _CANONICAL_Z.match(value):
        return value
    try:
        return str(Timestamp.parse(value))
    except ValidationError as e:
        return Finding(Reason.MALFORMED_CREDENTIAL, f"{name}: {e.message}")


def _parse_entry(entry: Any) -> tuple[str, int, str]:
    if not isinstance(entry, Mapping) or entry.get("type") != STATUS_LIST_ENTRY:
        kind = entry.get("type") if isinstance(entry, Mapping) else type(entry).__name__
        raise ValidationError(f"unsupported credentialStatus {kind!r}; expected {STATUS_LIST_ENTRY}")
    purpose, index, list_id = (
        entry.get("statusPurpose"),
        entry.get("statusListIndex"),
        entry.get("statusListCredential"),
    )
    if purpose not in STATUS_PURPOSES:
        raise ValidationError(f"unsupported statusPurpose {purpose!r}; expected one of {', '.join(STATUS_PURPOSES)}")
    if not isinstance(index, str) or not _INDEX.match(index):
        raise ValidationError(f"statusListIndex must be a base-10 integer string, got {index!r}")
    if not isinstance(list_id, str) or not list_id:
        raise ValidationError("statusListCredential must be a URL")
    return purpose, int(index), list_id


def issuer_without_proof(document: Mapping[str, Any]) -> str | None:
    """The issuer's DID when ``document`` has proofs and none names a verification method of it, else ``None``."""
    issuer = _issuer_id(document)
    if issuer is None or not issuer.startswith("did:"):
        return None
    signers = _signer_dids(document)
    return issuer if signers and issuer not in signers else None


def _signer_dids(document: Mapping[str, Any]) -> set[str]:
    methods = (p.get("verificationMethod") for p in proofs_of(document) if isinstance(p, Mapping))
    return {m.split("#")[0] for m in methods if isinstance(m, str)}


def _issuer_findings(document: Mapping[str, Any]) -> Iterator[Finding]:
    issuer = issuer_without_proof(document)
    if issuer is not None:
        named = ", ".join(sorted(_signer_dids(document)))
        yield Finding(Reason.ISSUER_NOT_SIGNER, f"no proof is by the issuer {issuer}; the proofs name {named}")


def _issuer_id(document: Mapping[str, Any]) -> str | None:
    issuer = document.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    return issuer if isinstance(issuer, str) else None

"""Adding and verifying proofs on any JSON object with a top-level ``proof`` (credentials, receipts, checkpoints).

``proof`` is absent, one object, or a list (spec X.4). Adding a proof never changes the payload: the first proof
is stored as an object, a second turns ``proof`` into a list. Verification reports one
:class:`~msez.vc.ProofResult` per proof and never raises for bad input; it checks no dates or status (that is
:func:`msez.vc.verify_credential`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from msez.core import CanonicalizationError, Timestamp, ValidationError
from msez.vc._keys import Signer
from msez.vc._model import Credential
from msez.vc._resolver import DidKeyResolver, KeyResolver
from msez.vc._result import Finding, ProofResult, Reason, VerificationReport
from msez.vc._suites import DEFAULT_SUITES, Payload, ProofError, ProofSuite, SuiteRegistry

ASSERTION: Final = "assertionMethod"
_DID_KEY: Final = DidKeyResolver()


def create_proof(
    document: Mapping[str, Any],
    signer: Signer,
    *,
    suite: str | ProofSuite = "msez",
    created: Timestamp | None = None,
    purpose: str = ASSERTION,
    suites: SuiteRegistry = DEFAULT_SUITES,
) -> dict[str, Any]:
    """A proof object over ``document``'s payload (the document itself is not changed).

    Args:
        suite: a suite, or its short name (``msez``, ``ed25519-2020``, ``eddsa-jcs-2022``) in ``suites``.
        created: defaults to now, or ``SOURCE_DATE_EPOCH`` when set.

    Raises:
        CanonicalizationError: the payload has no canonical form (e.g. it holds a float).
        NotFoundError: unknown suite name.
    """
    chosen = suites.get(suite) if isinstance(suite, str) else suite
    return chosen.create(Payload(_mapping(document)), signer, created=created or Timestamp.now(), purpose=purpose)


def attach_proof(document: Mapping[str, Any], proof: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``document`` with ``proof`` appended (object -> list); every other key is kept as it was."""
    existing = _mapping(document).get("proof")
    if existing is None:
        combined: Any = dict(proof)
    elif isinstance(existing, list):
        combined = [*existing, dict(proof)]
    else:
        combined = [existing, dict(proof)]
    return {**document, "proof": combined}


def add_proof(
    document: Mapping[str, Any],
    signer: Signer,
    *,
    suite: str | ProofSuite = "msez",
    created: Timestamp | None = None,
    purpose: str = ASSERTION,
    suites: SuiteRegistry = DEFAULT_SUITES,
) -> dict[str, Any]:
    """A copy of ``document`` with a new proof by ``signer`` appended; see :func:`create_proof`."""
    proof = create_proof(document, signer, suite=suite, created=created, purpose=purpose, suites=suites)
    return attach_proof(document, proof)


def sign_credential(
    credential: Credential,
    signer: Signer,
    *,
    suite: str | ProofSuite = "msez",
    created: Timestamp | None = None,
    suites: SuiteRegistry = DEFAULT_SUITES,
) -> Credential:
    """``credential`` with a new ``assertionMethod`` proof by ``signer`` appended; see :func:`create_proof`."""
    signed = add_proof(credential.to_json(), signer, suite=suite, created=created, suites=suites)
    return Credential.from_json(signed)


def proofs_of(document: Mapping[str, Any]) -> tuple[Any, ...]:
    """The proof entries of ``document`` as a tuple (empty when it has none)."""
    proof = _mapping(document).get("proof")
    if proof is None:
        return ()
    return tuple(proof) if isinstance(proof, list) else (proof,)


def verify_proofs(
    document: Mapping[str, Any],
    *,
    resolver: KeyResolver | None = None,
    purpose: str = ASSERTION,
    suites: SuiteRegistry = DEFAULT_SUITES,
) -> VerificationReport:
    """Check every proof of ``document`` against its payload.

    Args:
        resolver: turns verification methods into keys; defaults to ``did:key`` only.
        purpose: the ``proofPurpose`` every proof must carry.

    Returns:
        One :class:`ProofResult` per proof, in order; a ``no-proofs`` finding when there is none.
    """
    proofs = proofs_of(document)
    if not proofs:
        return VerificationReport((), (Finding(Reason.NO_PROOFS, "the document carries no proof"),))
    payload = Payload(document)
    try:
        payload.bytes  # noqa: B018 - canonicalise once up front; every suite reuses it
    except CanonicalizationError as e:
        return VerificationReport(
            tuple(_result(i, p, Reason.MALFORMED_PAYLOAD, e.message) for i, p in enumerate(proofs))
        )
    active = resolver or _DID_KEY
    return VerificationReport(
        tuple(_verify_one(i, p, payload, resolver=active, purpose=purpose, suites=suites) for i, p in enumerate(proofs))
    )


def _verify_one(
    index: int, proof: Any, payload: Payload, *, resolver: KeyResolver, purpose: str, suites: SuiteRegistry
) -> ProofResult:
    if not isinstance(proof, Mapping):
        return _result(index, proof, Reason.MALFORMED_PROOF, "a proof must be a JSON object")
    suite = suites.for_proof(proof)
    if suite is None:
        named = f"type {proof.get('type')!r}" + (
            f" cryptosuite {proof['cryptosuite']!r}" if "cryptosuite" in proof else ""
        )
        return _result(index, proof, Reason.UNSUPPORTED_SUITE, f"no proof suite for {named}")
    try:
        suite.verify(payload, proof, resolver, purpose=purpose)
    except ProofError as e:
        return _result(index, proof, e.reason, e.detail)
    return _result(index, proof, None, "")


def _result(index: int, proof: Any, reason: Reason | None, detail: str) -> ProofResult:
    fields = proof if isinstance(proof, Mapping) else {}
    proof_type, method = fields.get("type"), fields.get("verificationMethod")
    return ProofResult(
        index,
        proof_type if isinstance(proof_type, str) else None,
        method if isinstance(method, str) else None,
        reason,
        detail,
    )


def _mapping(document: Any) -> Mapping[str, Any]:
    if not isinstance(document, Mapping):
        raise ValidationError(f"a signed document must be a JSON object, got {type(document).__name__}")
    return document

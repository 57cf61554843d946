"""Proof suites: how a proof object is built from, and checked against, the payload of any JSON document.

Every suite signs the canonical bytes (MCF) of the document without its top-level ``proof``
(:func:`msez.core.payload_bytes`), so proofs are independent and several parties can co-sign one payload.

* ``MsezEd25519Signature2025`` (spec X.4, ref tools/vc.py): ``jws`` = unpadded base64url of the raw signature
  over the payload bytes; ``created`` whole seconds with ``Z``. The later ``MezEd25519Signature2025`` name is
  accepted, and so is the Rust API's 128-hex ``proofValue`` in place of ``jws``.
* ``Ed25519Signature2020`` as the reference API writes it (reference-impl A 7): ``proofValue`` = 128 hex chars
  of the signature over the payload bytes (not the W3C RDF-canonicalised suite of that name).
* ``DataIntegrityProof`` / ``eddsa-jcs-2022`` (W3C vc-di-eddsa 1.0 section 3.3, with MCF in place of JCS):
  Ed25519 over ``SHA-256(MCF(proofConfig)) || SHA-256(MCF(payload))``, ``proofValue`` = ``z`` + base58btc.

A suite only checks and signs; verifiers (:mod:`msez.vc._proofs`) turn its :class:`ProofError` into a result.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Final

import base58

from msez.core import (
    CanonicalBytes,
    ContentDigest,
    CryptoError,
    MsezError,
    NotFoundError,
    Timestamp,
    ValidationError,
    digest_of,
    payload_bytes,
    sha256_digest,
)
from msez.crypto import Signature, VerifyingKey, b64url_decode
from msez.vc._keys import Signer
from msez.vc._resolver import KeyResolver
from msez.vc._result import Reason

_WHOLE_SECONDS_Z: Final = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z")
_HEX_CHARS: Final = re.compile(r"[0-9a-fA-F]*\Z")


class ProofError(CryptoError):
    """One proof failed a check; ``reason`` is the stable code a verifier reports."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class Payload:
    """A document's signing payload (the document without ``proof``), canonicalised at most once."""

    __slots__ = ("_bytes", "_digest", "document")

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self._bytes: CanonicalBytes | None = None
        self._digest: ContentDigest | None = None

    @property
    def bytes(self) -> CanonicalBytes:
        """:func:`msez.core.payload_bytes` of the document.

        Raises:
            CanonicalizationError: the payload has no canonical form.
        """
        if self._bytes is None:
            self._bytes = payload_bytes(self.document)
        return self._bytes

    @property
    def digest(self) -> ContentDigest:
        if self._digest is None:
            self._digest = sha256_digest(self.bytes)
        return self._digest


class ProofSuite(ABC):
    """A proof type: builds proof objects and checks them (shape, purpose, encoding, key, signature).

    A new suite sets the class attributes and implements :meth:`sign_options` and :meth:`decode_signature`;
    it overrides :meth:`signature_is_valid` when it signs something other than the payload bytes.
    """

    name: ClassVar[str]
    """Short name for ``--suite`` and :meth:`SuiteRegistry.get`."""
    proof_type: ClassVar[str]
    """The ``type`` written into new proofs."""
    accepted_types: ClassVar[frozenset[str]]
    cryptosuite: ClassVar[str | None] = None

    def handles(self, proof: Mapping[str, Any]) -> bool:
        return proof.get("type") in self.accepted_types and (
            self.cryptosuite is None or proof.get("cryptosuite") == self.cryptosuite
        )

    def create(self, payload: Payload, signer: Signer, *, created: Timestamp, purpose: str) -> dict[str, Any]:
        """A new proof object over ``payload``; the payload itself is not touched."""
        options: dict[str, Any] = {"type": self.proof_type}
        if self.cryptosuite is not None:
            options["cryptosuite"] = self.cryptosuite
        options |= {"created": str(created), "verificationMethod": signer.verification_method, "proofPurpose": purpose}
        return self.sign_options(payload, options, signer)

    def verify(self, payload: Payload, proof: Mapping[str, Any], resolver: KeyResolver, *, purpose: str) -> None:
        """Check one proof against ``payload``.

        Raises:
            ProofError: the first check that fails, in the order shape, purpose, signature encoding, key,
                signature.
        """
        method = self._check_shape(proof)
        if proof["proofPurpose"] != purpose:
            raise ProofError(Reason.WRONG_PURPOSE, f"proofPurpose is {proof['proofPurpose']!r}, expected {purpose!r}")
        signature = self.decode_signature(proof)
        key = _resolve(resolver, method, purpose)
        if not self.signature_is_valid(payload, proof, key, signature):
            raise ProofError(Reason.BAD_SIGNATURE, "the Ed25519 signature does not verify over the payload")

    def _check_shape(self, proof: Mapping[str, Any]) -> str:
        method = _text(proof, "verificationMethod")
        if not method.startswith("did:"):
            raise ProofError(Reason.MALFORMED_PROOF, f"verificationMethod must be a DID URL, got {method[:80]!r}")
        _text(proof, "proofPurpose")
        self._check_created(proof.get("created"))
        return method

    def _check_created(self, created: Any) -> None:
        if not isinstance(created, str):
            raise ProofError(Reason.MALFORMED_PROOF, "proof.created is missing")
        try:
            Timestamp.parse(created)
        except ValidationError as e:
            raise ProofError(Reason.MALFORMED_PROOF, f"proof.created: {e.message}") from None

    @abstractmethod
    def sign_options(self, payload: Payload, options: dict[str, Any], signer: Signer) -> dict[str, Any]:
        """The proof: ``options`` (type, created, method, purpose) with the signature field added."""

    @abstractmethod
    def decode_signature(self, proof: Mapping[str, Any]) -> Signature:
        """The raw signature in ``proof``.

        Raises:
            ProofError: ``malformed-signature`` (bad encoding), ``padded-signature`` or ``wrong-signature-length``.
        """

    def signature_is_valid(
        self, payload: Payload, proof: Mapping[str, Any], key: VerifyingKey, signature: Signature
    ) -> bool:
        return key.is_valid(payload.bytes, signature)


class MsezEd25519Signature2025(ProofSuite):
    """The reference's proof: ``jws`` = unpadded base64url of the raw Ed25519 signature over the payload bytes."""

    name = "msez"
    proof_type = "MsezEd25519Signature2025"
    accepted_types = frozenset({"MsezEd25519Signature2025", "MezEd25519Signature2025"})

    def sign_options(self, payload: Payload, options: dict[str, Any], signer: Signer) -> dict[str, Any]:
        return {**options, "jws": signer.key.sign(payload.bytes).b64url()}

    def _check_created(self, created: Any) -> None:
        if not isinstance(created, str) or not _WHOLE_SECONDS_Z.match(created):
            raise ProofError(Reason.MALFORMED_PROOF, f"proof.created must be YYYY-MM-DDTHH:MM:SSZ, got {created!r}")

    def decode_signature(self, proof: Mapping[str, Any]) -> Signature:
        if "jws" not in proof and "proofValue" in proof:
            return _hex_signature(proof["proofValue"])  # the Rust API's form of this proof type
        text = _text(proof, "jws")
        if "=" in text:
            raise ProofError(Reason.PADDED_SIGNATURE, "jws must be base64url without padding, found '='")
        try:
            raw = b64url_decode(text, what="jws")
        except CryptoError as e:
            raise ProofError(Reason.MALFORMED_SIGNATURE, e.message) from None
        return _signature(raw, "jws")


class Ed25519Signature2020(ProofSuite):
    """``Ed25519Signature2020`` as the reference API writes it: ``proofValue`` = 128 hex chars."""

    name = "ed25519-2020"
    proof_type = "Ed25519Signature2020"
    accepted_types = frozenset({"Ed25519Signature2020"})

    def sign_options(self, payload: Payload, options: dict[str, Any], signer: Signer) -> dict[str, Any]:
        return {**options, "proofValue": signer.key.sign(payload.bytes).hex()}

    def decode_signature(self, proof: Mapping[str, Any]) -> Signature:
        return _hex_signature(_text(proof, "proofValue"))


class EddsaJcs2022(ProofSuite):
    """W3C ``DataIntegrityProof`` with cryptosuite ``eddsa-jcs-2022``, MCF standing in for JCS (decision D14)."""

    name = "eddsa-jcs-2022"
    proof_type = "DataIntegrityProof"
    accepted_types = frozenset({"DataIntegrityProof"})
    cryptosuite = "eddsa-jcs-2022"

    def sign_options(self, payload: Payload, options: dict[str, Any], signer: Signer) -> dict[str, Any]:
        config = _proof_config(payload.document, options)
        signature = signer.key.sign_digests([digest_of(config), payload.digest])
        return {**options, "proofValue": "z" + base58.b58encode(signature.raw).decode("ascii")}

    def _check_created(self, created: Any) -> None:
        if created is not None:  # optional in Data Integrity
            super()._check_created(created)

    def _check_shape(self, proof: Mapping[str, Any]) -> str:
        if "previousProof" in proof:
            raise ProofError(Reason.UNSUPPORTED_SUITE, "proof chains (previousProof) are not supported")
        return super()._check_shape(proof)

    def decode_signature(self, proof: Mapping[str, Any]) -> Signature:
        text = _text(proof, "proofValue")
        if not text.startswith("z"):
            raise ProofError(Reason.MALFORMED_SIGNATURE, "proofValue must be multibase base58btc (prefix 'z')")
        try:
            raw = base58.b58decode(text[1:])
        except ValueError as e:
            raise ProofError(Reason.MALFORMED_SIGNATURE, f"proofValue: {e}") from None
        return _signature(raw, "proofValue")

    def signature_is_valid(
        self, payload: Payload, proof: Mapping[str, Any], key: VerifyingKey, signature: Signature
    ) -> bool:
        options = {k: v for k, v in proof.items() if k != "proofValue"}
        if "@context" in options:  # vc-di-eddsa 3.3.2 step 4: the proof pins a prefix of the document's contexts
            if not _starts_with(payload.document.get("@context"), options["@context"]):
                raise ProofError(Reason.MALFORMED_PROOF, "proof @context is not a prefix of the document @context")
            payload = Payload({**payload.document, "@context": options["@context"]})
        config = _proof_config(payload.document, options)
        return key.is_valid_digests([digest_of(config), payload.digest], signature)


class SuiteRegistry:
    """The proof suites a signer may use and a verifier accepts, looked up by proof ``type``/``cryptosuite``."""

    def __init__(self, suites: Iterable[ProofSuite]) -> None:
        self._suites = tuple(suites)
        self._by_type: dict[str, tuple[ProofSuite, ...]] = {}
        for suite in self._suites:
            for proof_type in suite.accepted_types:
                self._by_type[proof_type] = (*self._by_type.get(proof_type, ()), suite)

    def with_suite(self, suite: ProofSuite) -> SuiteRegistry:
        """A new registry with ``suite`` added (the receiver is unchanged)."""
        return SuiteRegistry((*self._suites, suite))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self._suites)

    def get(self, name: str) -> ProofSuite:
        """A suite by short name (``msez``) or emitted proof type (``MsezEd25519Signature2025``).

        Raises:
            NotFoundError: no such suite; the message lists the known names.
        """
        for suite in self._suites:
            if name == suite.name or (suite.cryptosuite is None and name == suite.proof_type):
                return suite
        raise NotFoundError(f"unknown proof suite {name!r}; expected one of: {', '.join(self.names)}")

    def for_proof(self, proof: Mapping[str, Any]) -> ProofSuite | None:
        """The suite that handles ``proof``, or ``None``."""
        proof_type = proof.get("type")
        for suite in self._by_type.get(proof_type, ()) if isinstance(proof_type, str) else ():
            if suite.handles(proof):
                return suite
        return None


DEFAULT_SUITES: Final = SuiteRegistry([MsezEd25519Signature2025(), Ed25519Signature2020(), EddsaJcs2022()])


def _text(proof: Mapping[str, Any], field: str) -> str:
    value = proof.get(field)
    if not isinstance(value, str) or not value:
        raise ProofError(Reason.MALFORMED_PROOF, f"proof.{field} must be a non-empty string")
    return value


def _signature(raw: bytes, field: str) -> Signature:
    if len(raw) != 64:
        raise ProofError(Reason.SIGNATURE_LENGTH, f"{field}: Ed25519 signature must be 64 bytes, got {len(raw)}")
    return Signature(raw)


def _hex_signature(value: Any) -> Signature:
    if not isinstance(value, str) or not _HEX_CHARS.match(value) or len(value) % 2:
        shown = f"{len(value)} chars" if isinstance(value, str) else type(value).__name__
        raise ProofError(Reason.MALFORMED_SIGNATURE, f"proofValue must be hex (128 chars), got {shown}")
    return _signature(bytes.fromhex(value), "proofValue")


def _resolve(resolver: KeyResolver, method: str, purpose: str) -> VerifyingKey:
    try:
        return resolver.resolve(method, purpose=purpose)
    except MsezError as e:
        raise ProofError(Reason.UNRESOLVABLE_KEY, f"{method}: {e.message}") from None


def _proof_config(document: Mapping[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
    config = dict(options)
    if "@context" in document:
        config["@context"] = document["@context"]
    return config


def _starts_with(document_context: Any, proof_context: Any) -> bool:
    doc = document_context if isinstance(document_context, list) else [document_context]
    pinned = proof_context if isinstance(proof_context, list) else [proof_context]
    return doc[: len(pinned)] == pinned

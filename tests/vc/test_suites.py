"""The three proof suites, the suite registry, and proofs on arbitrary JSON objects (receipts, checkpoints)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any, ClassVar

import base58
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from msez.core import CanonicalizationError, CryptoError, NotFoundError, Timestamp, payload_digest
from msez.crypto import Signature
from msez.vc import (
    DEFAULT_SUITES,
    Payload,
    ProofError,
    ProofSuite,
    Reason,
    Signer,
    add_proof,
    attach_proof,
    create_proof,
    verify_proofs,
)
from tests.vc.conftest import NOW, credential, signer

RECEIPT = {"type": "MSEZCorridorStateReceipt", "corridor_id": "c-1", "sequence": 0, "prev_root": "0" * 64}


def _only_reason(document: Mapping[str, Any], **kwargs: Any) -> Reason | None:
    (result,) = verify_proofs(document, **kwargs).proofs
    return result.reason


def test_msez_proof_is_exactly_the_reference_shape(alice: Signer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1766361600")

    proof = create_proof(RECEIPT, alice)

    assert list(proof) == ["type", "created", "verificationMethod", "proofPurpose", "jws"]
    assert proof["type"] == "MsezEd25519Signature2025"
    assert proof["created"] == "2025-12-22T00:00:00Z"
    assert proof["verificationMethod"] == f"{alice.did}#key-1"
    assert re.fullmatch(r"[A-Za-z0-9_-]{86}", proof["jws"])


def test_ed25519_2020_proof_value_is_128_hex(alice: Signer) -> None:
    signed = add_proof(RECEIPT, alice, suite="ed25519-2020", created=NOW)

    assert re.fullmatch(r"[0-9a-f]{128}", signed["proof"]["proofValue"])
    assert verify_proofs(signed).ok
    short = {**signed, "proof": {**signed["proof"], "proofValue": signed["proof"]["proofValue"][:-2]}}
    assert _only_reason(short) == Reason.SIGNATURE_LENGTH


def test_eddsa_jcs_2022_matches_an_independent_w3c_construction(alice: Signer) -> None:
    document = credential(alice, name="Alice")
    signed = add_proof(document, alice, suite="eddsa-jcs-2022", created=NOW)
    proof = signed["proof"]

    def jcs_hash(value: Any) -> bytes:  # JCS equals MCF here: integers only, canonical timestamps, ASCII keys
        return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":")).encode()).digest()

    config = {k: v for k, v in proof.items() if k != "proofValue"} | {"@context": document["@context"]}
    hash_data = jcs_hash(config) + jcs_hash(document)
    signature = base58.b58decode(proof["proofValue"][1:])
    public = Ed25519PrivateKey.from_private_bytes(alice.key.seed()).public_key()
    public.verify(signature, hash_data)  # raises if our construction differs
    assert proof["cryptosuite"] == "eddsa-jcs-2022"
    assert verify_proofs(signed).ok


def _raw_di_proof(document: dict[str, Any], key: Signer, proof_context: list[str]) -> dict[str, Any]:
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": str(NOW),
        "verificationMethod": key.verification_method,
        "proofPurpose": "assertionMethod",
        "@context": proof_context,
    }
    signed_doc = {**document, "@context": proof_context}

    def digest(value: Any) -> bytes:
        return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":")).encode()).digest()

    raw = Ed25519PrivateKey.from_private_bytes(key.key.seed()).sign(digest(options) + digest(signed_doc))
    return {**options, "proofValue": "z" + base58.b58encode(raw).decode()}


def test_eddsa_jcs_2022_proof_context_pins_a_prefix_of_the_document_contexts(alice: Signer) -> None:
    document = credential(alice)
    extended = {**document, "@context": [*document["@context"], "https://example.org/added-later/v1"]}
    proof = _raw_di_proof(document, alice, document["@context"])

    assert verify_proofs({**extended, "proof": proof}).ok
    not_prefix = {**extended, "@context": ["https://www.w3.org/2018/credentials/v1", "https://other/v1"]}
    assert _only_reason({**not_prefix, "proof": proof}) == Reason.MALFORMED_PROOF


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        pytest.param({"cryptosuite": "eddsa-rdfc-2022"}, Reason.UNSUPPORTED_SUITE, id="other-cryptosuite"),
        pytest.param({"previousProof": "urn:p:1"}, Reason.UNSUPPORTED_SUITE, id="proof-chain"),
        pytest.param({"proofValue": "u" + "A" * 86}, Reason.MALFORMED_SIGNATURE, id="not-base58btc"),
        pytest.param({"proofValue": "z" + "1" * 20}, Reason.SIGNATURE_LENGTH, id="short"),
        pytest.param({"created": "yesterday"}, Reason.MALFORMED_PROOF, id="bad-created"),
    ],
)
def test_eddsa_jcs_2022_rejects(alice: Signer, change: dict[str, Any], reason: Reason) -> None:
    signed = add_proof(RECEIPT, alice, suite="eddsa-jcs-2022", created=NOW)

    assert _only_reason({**signed, "proof": {**signed["proof"], **change}}) == reason


def test_eddsa_jcs_2022_created_is_optional(alice: Signer) -> None:
    signed = add_proof(RECEIPT, alice, suite="eddsa-jcs-2022", created=NOW)
    proof = {k: v for k, v in signed["proof"].items() if k != "created"}

    assert _only_reason({**signed, "proof": proof}) == Reason.BAD_SIGNATURE  # created was signed; shape is fine


def test_later_mez_name_and_rust_hex_form_verify(alice: Signer) -> None:
    signed = add_proof(RECEIPT, alice, created=NOW)
    proof = signed["proof"]
    rust_hex = {k: v for k, v in proof.items() if k != "jws"} | {
        "proofValue": Signature.from_b64url(proof["jws"]).hex()
    }

    assert _only_reason({**signed, "proof": {**proof, "type": "MezEd25519Signature2025"}}) is None
    assert _only_reason({**signed, "proof": rust_hex}) is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        pytest.param({"created": "2026-01-15T12:00:00.5Z"}, Reason.MALFORMED_PROOF, id="created-fraction"),
        pytest.param({"created": None}, Reason.MALFORMED_PROOF, id="created-missing"),
        pytest.param({"verificationMethod": "key-1"}, Reason.MALFORMED_PROOF, id="method-not-a-did"),
        pytest.param({"proofPurpose": "authentication"}, Reason.WRONG_PURPOSE, id="purpose"),
        pytest.param({"jws": "not base64!"}, Reason.MALFORMED_SIGNATURE, id="jws-alphabet"),
        pytest.param({"verificationMethod": "did:web:zone.example#key-1"}, Reason.UNRESOLVABLE_KEY, id="no-resolver"),
        pytest.param({"verificationMethod": "did:key:z6Mk#key-1"}, Reason.UNRESOLVABLE_KEY, id="bad-did-key"),
        pytest.param({"verificationMethod": f"{signer(2).did}#key-1"}, Reason.BAD_SIGNATURE, id="other-key"),
    ],
)
def test_msez_proof_checks(alice: Signer, change: dict[str, Any], reason: Reason) -> None:
    signed = add_proof(RECEIPT, alice, created=NOW)

    assert _only_reason({**signed, "proof": {**signed["proof"], **change}}) == reason


def test_purpose_is_chosen_by_the_verifier(alice: Signer) -> None:
    signed = add_proof(RECEIPT, alice, created=NOW, purpose="authentication")

    assert _only_reason(signed) == Reason.WRONG_PURPOSE
    assert _only_reason(signed, purpose="authentication") is None


@pytest.mark.parametrize("suite", DEFAULT_SUITES.names)
def test_co_signing_never_changes_the_payload(alice: Signer, bob: Signer, suite: str) -> None:
    once = add_proof(RECEIPT, alice, suite=suite, created=NOW)
    twice = add_proof(once, bob, suite=suite, created=NOW)

    assert isinstance(once["proof"], dict)
    assert isinstance(twice["proof"], list)
    assert twice["proof"][0] == once["proof"]
    assert payload_digest(once) == payload_digest(twice) == payload_digest(RECEIPT)
    report = verify_proofs(twice)
    assert report.ok
    assert report.valid_methods == (alice.verification_method, bob.verification_method)


def test_attach_proof_keeps_the_document_as_it_was(alice: Signer) -> None:
    proof = create_proof(RECEIPT, alice, created=NOW)
    document = {"proof": [], **RECEIPT}

    attached = attach_proof(document, proof)

    assert list(attached) == list(document)
    assert attached["proof"] == [proof]
    assert "proof" not in RECEIPT


def test_one_bad_proof_fails_the_verdict_but_not_the_others(alice: Signer, bob: Signer) -> None:
    signed = add_proof(add_proof(RECEIPT, alice, created=NOW), bob, created=NOW)
    signed["proof"][1] = {**signed["proof"][1], "jws": signed["proof"][0]["jws"]}

    report = verify_proofs(signed)

    assert not report.ok
    assert [p.reason for p in report.proofs] == [None, Reason.BAD_SIGNATURE]
    assert report.valid_methods == (alice.verification_method,)


@pytest.mark.parametrize(
    ("proof", "reason"),
    [
        pytest.param("a string", Reason.MALFORMED_PROOF, id="not-an-object"),
        pytest.param({"verificationMethod": "did:key:z"}, Reason.UNSUPPORTED_SUITE, id="no-type"),
    ],
)
def test_malformed_entries_are_reported_per_proof(proof: Any, reason: Reason) -> None:
    assert _only_reason({**RECEIPT, "proof": proof}) == reason


def test_no_proof_is_a_finding() -> None:
    report = verify_proofs(RECEIPT)

    assert not report.ok
    assert report.reasons == (Reason.NO_PROOFS,)


def test_a_payload_without_canonical_form_is_reported_and_not_signed(alice: Signer) -> None:
    signed = add_proof(RECEIPT, alice, created=NOW)
    with_float = {**signed, "amount": 1.5}

    assert _only_reason(with_float) == Reason.MALFORMED_PAYLOAD
    with pytest.raises(CanonicalizationError, match=r"\$\.amount: float 1.5 is not allowed"):
        create_proof({**RECEIPT, "amount": 1.5}, alice)


def test_unknown_suite_name_lists_the_known_ones(alice: Signer) -> None:
    with pytest.raises(NotFoundError, match="unknown proof suite 'rsa'; expected one of: msez, ed25519-2020"):
        create_proof(RECEIPT, alice, suite="rsa")
    assert DEFAULT_SUITES.get("MsezEd25519Signature2025").name == "msez"
    assert DEFAULT_SUITES.get("Ed25519Signature2020").name == "ed25519-2020"


class _HexSignature2099(ProofSuite):
    """A toy suite: hex signature in ``sig``."""

    name: ClassVar[str] = "hex-2099"
    proof_type: ClassVar[str] = "HexSignature2099"
    accepted_types: ClassVar[frozenset[str]] = frozenset({"HexSignature2099"})

    def sign_options(self, payload: Payload, options: dict[str, Any], signer: Signer) -> dict[str, Any]:
        return {**options, "sig": signer.key.sign(payload.bytes).hex()}

    def decode_signature(self, proof: Mapping[str, Any]) -> Signature:
        try:
            return Signature.from_hex(proof.get("sig", ""))
        except CryptoError as e:
            raise ProofError(Reason.MALFORMED_SIGNATURE, str(e)) from None


def test_a_new_suite_plugs_into_a_registry(alice: Signer) -> None:
    suites = DEFAULT_SUITES.with_suite(_HexSignature2099())

    signed = add_proof(RECEIPT, alice, suite="hex-2099", suites=suites, created=NOW)

    assert verify_proofs(signed, suites=suites).ok
    assert _only_reason(signed) == Reason.UNSUPPORTED_SUITE
    assert "hex-2099" not in DEFAULT_SUITES.names


def test_created_defaults_to_now(alice: Signer) -> None:
    before = Timestamp.now()
    created = Timestamp.parse(create_proof(RECEIPT, alice)["created"])
    assert before <= created <= Timestamp.now()

"""Offline key resolution: did:key built in, other DID methods from a local registry of DID documents."""

from __future__ import annotations

from typing import Any

import base58
import pytest

from msez.core import CryptoError, NotFoundError, ValidationError
from msez.vc import DidDocumentRegistry, DidKeyResolver, DidResolver, Reason, Signer, add_proof, verify_proofs
from tests.vc.conftest import NOW

ZONE = "did:web:zone.example"


def _document(key: Signer, **relationships: Any) -> dict[str, Any]:
    multibase = str(key.verifying_key.did).removeprefix("did:key:")
    return {
        "id": ZONE,
        "verificationMethod": [
            {"id": "#key-1", "type": "Multikey", "controller": ZONE, "publicKeyMultibase": multibase},
        ],
        **relationships,
    }


def test_did_key_resolves_and_ignores_the_fragment(alice: Signer) -> None:
    key = DidKeyResolver().resolve(f"{alice.did}#anything", purpose="assertionMethod")

    assert key == alice.verifying_key


def test_a_registered_did_document_signs_and_verifies(alice: Signer) -> None:
    zone = Signer(alice.key, f"{ZONE}#key-1")
    resolver = DidResolver(DidDocumentRegistry([_document(alice, assertionMethod=["#key-1"])]))
    signed = add_proof({"type": "Receipt"}, zone, suite="eddsa-jcs-2022", created=NOW)

    assert verify_proofs(signed, resolver=resolver).ok
    assert verify_proofs(signed).proofs[0].reason == Reason.UNRESOLVABLE_KEY
    assert resolver.resolve(f"{alice.did}#key-1", purpose="assertionMethod") == alice.verifying_key


@pytest.mark.parametrize(
    ("method", "purpose", "error", "message"),
    [
        pytest.param(f"{ZONE}#key-1", "authentication", CryptoError, "not authorised for authentication", id="purpose"),
        pytest.param(f"{ZONE}#key-2", "assertionMethod", NotFoundError, "no verification method", id="method"),
        pytest.param("did:web:other#key-1", "assertionMethod", NotFoundError, "no DID document", id="did"),
    ],
)
def test_registry_refuses(alice: Signer, method: str, purpose: str, error: type[Exception], message: str) -> None:
    registry = DidDocumentRegistry([_document(alice, assertionMethod=["#key-1"])])

    with pytest.raises(error, match=message):
        registry.resolve(method, purpose=purpose)


def test_bare_did_resolves_when_one_method_serves_the_purpose(alice: Signer, bob: Signer) -> None:
    document = _document(alice, assertionMethod=[f"{ZONE}#key-1"])
    document["authentication"] = [
        {"id": f"{ZONE}#auth", "type": "JsonWebKey2020", "publicKeyJwk": bob.verifying_key.jwk()},
        {"id": "#legacy", "type": "Ed25519VerificationKey2018", "publicKeyBase58": _b58(bob)},
    ]
    registry = DidDocumentRegistry([document])

    assert registry.resolve(ZONE, purpose="assertionMethod") == alice.verifying_key
    assert registry.resolve(f"{ZONE}#legacy", purpose="authentication") == bob.verifying_key
    with pytest.raises(NotFoundError, match="has 2 methods for authentication; name one"):
        registry.resolve(ZONE, purpose="authentication")


def _b58(key: Signer) -> str:
    return base58.b58encode(key.verifying_key.raw).decode()


@pytest.mark.parametrize(
    ("document", "error", "message"),
    [
        pytest.param({"id": "zone"}, ValidationError, "invalid DID", id="not-a-did"),
        pytest.param({"id": f"{ZONE}#x"}, ValidationError, "without fragment", id="fragment"),
        pytest.param({"id": ZONE, "assertionMethod": ["#nope"]}, ValidationError, "undeclared method", id="undeclared"),
        pytest.param(
            {"id": ZONE, "verificationMethod": [{"id": "did:web:other#k"}]},
            ValidationError,
            "does not belong",
            id="foreign",
        ),
        pytest.param(
            {"id": ZONE, "verificationMethod": [{"id": "#k"}]}, CryptoError, "no publicKeyMultibase", id="no-key"
        ),
        pytest.param(
            {"id": ZONE, "verificationMethod": [{"id": "#k", "publicKeyBase58": "111"}]},
            CryptoError,
            "not an Ed25519",
            id="short",
        ),
    ],
)
def test_malformed_documents_are_refused(document: dict[str, Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        DidDocumentRegistry([document])


def test_did_key_resolver_refuses_other_methods() -> None:
    with pytest.raises(NotFoundError, match="is not a did:key"):
        DidKeyResolver().resolve("did:web:zone.example#key-1", purpose="assertionMethod")

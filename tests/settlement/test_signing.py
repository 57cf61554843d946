"""Signed plans, anchors and bindings: the digest ignores proofs, every proof is reported, signers can be required."""

from __future__ import annotations

import pytest

from msez.core import IntegrityError
from msez.crypto import MemoryArtifactStore, SigningKey
from msez.settlement import (
    AnchorSide,
    Commitment,
    Obligation,
    ProofBinding,
    SettlementAnchor,
    SettlementPlan,
    anchor_digest,
    binding_digest,
    build_plan,
    check_plan,
    check_signatures,
    net,
    plan_digest,
    sign_artifact,
    store_anchor,
    store_binding,
    store_plan,
    verify_plan,
)
from msez.vc import Signer

from .conftest import T0


@pytest.fixture(scope="module")
def alice() -> Signer:
    return Signer.from_key(SigningKey.from_seed(b"a" * 32))


@pytest.fixture(scope="module")
def bob() -> Signer:
    return Signer.from_key(SigningKey.from_seed(b"b" * 32))


def _plan() -> SettlementPlan:
    obligations = [Obligation("A", "B", 100, "USD"), Obligation("B", "A", 60, "USD"), Obligation("C", "A", 7, "KWD")]
    return build_plan(net(obligations), plan_id="urn:msez:settlement-plan:signed", created_at=T0)


def test_cosigned_plan_keeps_its_digest_and_store_name(alice: Signer, bob: Signer) -> None:
    plan = _plan()
    signed = sign_artifact(sign_artifact(plan, alice, created=T0), bob, suite="eddsa-jcs-2022", created=T0)
    assert [p["type"] for p in signed.to_json()["proof"]] == ["MsezEd25519Signature2025", "DataIntegrityProof"]
    assert plan_digest(signed) == plan_digest(plan)
    report = check_plan(signed, required_signers=[str(alice.did), bob.verification_method])
    assert report.ok, report.all_failures()
    assert report.signatures.signers == {str(alice.did), str(bob.did)}
    assert [p.ok for p in report.signatures.proofs] == [True, True]
    assert store_plan(MemoryArtifactStore(), signed).digest_sha256 == plan_digest(plan)
    assert verify_plan(signed.to_json(), required_signers=[str(bob.did)]) == plan_digest(plan)


def test_unsigned_plan_passes_unless_a_signer_is_required(alice: Signer) -> None:
    report = check_plan(_plan())
    assert report.ok and not report.signatures.signed
    report = check_plan(_plan(), required_signers=[str(alice.did)])
    assert report.all_failures() == (f"no valid proof by required signer {alice.did}",)
    with pytest.raises(IntegrityError, match=f"does not verify: no valid proof by required signer {alice.did}"):
        verify_plan(_plan(), required_signers=[str(alice.did)])


def test_each_bad_proof_is_reported(alice: Signer, bob: Signer) -> None:
    document = sign_artifact(sign_artifact(_plan(), alice, created=T0), bob, created=T0).to_json()
    document["proof"][1]["jws"] = document["proof"][0]["jws"]
    report = check_plan(document, required_signers=[str(bob.did)])
    assert [p.ok for p in report.signatures.proofs] == [True, False]
    assert report.signatures.failures() == (
        f"proof[1] by {bob.verification_method}: bad-signature: the Ed25519 signature does not verify over the payload",
        f"no valid proof by required signer {bob.did}",
    )
    document["legs"][0]["amount"] += 1
    failures = check_plan(document).all_failures()
    assert failures[0].startswith("legs do not balance")
    assert sum("bad-signature" in f for f in failures) == 2


def test_anchor_and_binding_are_signable(alice: Signer) -> None:
    store = MemoryArtifactStore()
    evidence = store.put_blob(b"pacs.002 ACSC")
    binding = ProofBinding(
        binding_purpose="settlement.confirmation",
        proof_ref=evidence,
        commitments=(Commitment(kind="checkpoint", digest_sha256=evidence.digest_sha256),),
        issued_at=str(T0),
    )
    signed_binding = sign_artifact(binding, alice, created=T0)
    assert store_binding(store, signed_binding).digest_sha256 == binding_digest(binding)
    anchor = SettlementAnchor(
        settlement_id="s-1",
        created_at=str(T0),
        obligation=AnchorSide(corridor_id="a", checkpoint_ref="ab" * 32),
        settlement=AnchorSide(corridor_id="b", checkpoint_ref="cd" * 32),
    )
    signed_anchor = sign_artifact(anchor, alice, created=T0)
    assert store_anchor(store, signed_anchor).digest_sha256 == anchor_digest(anchor)
    assert check_signatures(signed_anchor.to_json(), required=[str(alice.did)]).ok
    assert check_signatures(signed_binding.to_json(), required=[str(alice.did)]).signers == {str(alice.did)}

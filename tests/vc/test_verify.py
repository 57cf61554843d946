"""Credential verification: envelope checks, validity dates with an injected clock, the report and the raise."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from msez.vc import (
    VC_V2_CONTEXT,
    Credential,
    CredentialVerifier,
    ProofVerificationError,
    Reason,
    Signer,
    add_proof,
    sign_credential,
    verify_credential,
)
from tests.vc.conftest import NOW, credential


def _signed(signer: Signer, **fields: Any) -> dict[str, Any]:
    return add_proof({**credential(signer), **fields}, signer, created=NOW)


@pytest.mark.parametrize(
    ("fields", "reasons"),
    [
        pytest.param({"issuanceDate": str(NOW + timedelta(seconds=60))}, (), id="issued-60s-ahead"),
        pytest.param(
            {"issuanceDate": str(NOW + timedelta(seconds=61))}, (Reason.NOT_YET_VALID,), id="issued-61s-ahead"
        ),
        pytest.param({"issuanceDate": "2026-01-15T17:01:01+05:00"}, (Reason.NOT_YET_VALID,), id="offset-form"),
        pytest.param({"expirationDate": str(NOW)}, (), id="expires-now"),
        pytest.param({"expirationDate": str(NOW + timedelta(seconds=-1))}, (Reason.EXPIRED,), id="expired-1s-ago"),
        pytest.param({"validFrom": "2026-01-15T12:01:01Z"}, (Reason.NOT_YET_VALID,), id="validFrom-future"),
        pytest.param({"validUntil": "2026-01-15"}, (Reason.EXPIRED,), id="validUntil-date-only"),
        pytest.param({"issuanceDate": "soon"}, (Reason.MALFORMED_CREDENTIAL,), id="unparseable"),
    ],
)
def test_validity_dates(alice: Signer, fields: dict[str, Any], reasons: tuple[Reason, ...]) -> None:
    report = verify_credential(_signed(alice, **fields), now=NOW)

    assert report.reasons == reasons
    assert all(p.ok for p in report.proofs)


def test_clock_is_injectable_on_the_verifier(alice: Signer) -> None:
    document = _signed(alice, expirationDate="2026-02-01T00:00:00Z")

    assert CredentialVerifier(clock=lambda: NOW).verify(document).ok
    late = CredentialVerifier(clock=lambda: NOW + timedelta(days=30)).verify(document)
    assert late.reasons == (Reason.EXPIRED,)
    assert late.findings[0].detail == "expirationDate 2026-02-01T00:00:00Z has passed (now 2026-02-14T12:00:00Z)"


def _envelope_finding(document: dict[str, Any], signer: Signer) -> str:
    report = verify_credential(add_proof(document, signer, created=NOW), now=NOW)
    assert report.reasons == (Reason.MALFORMED_CREDENTIAL,)
    return report.findings[0].detail


def test_type_must_contain_verifiable_credential(alice: Signer) -> None:
    document = {**credential(alice), "type": ["MsezTestCredential"]}

    assert _envelope_finding(document, alice) == "type does not contain VerifiableCredential"


def test_a_v1_credential_needs_issuance_date(alice: Signer) -> None:
    document = {k: v for k, v in credential(alice).items() if k != "issuanceDate"}

    assert _envelope_finding(document, alice) == "a data model 1.1 credential needs issuanceDate"


def test_not_an_object() -> None:
    assert verify_credential(["not", "a", "credential"], now=NOW).reasons == (Reason.MALFORMED_CREDENTIAL,)  # type: ignore[arg-type]


def test_a_v2_credential_needs_no_issuance_date(alice: Signer) -> None:
    document: dict[str, Any] = {"@context": [VC_V2_CONTEXT], "type": "VerifiableCredential", "issuer": str(alice.did)}
    document["credentialSubject"] = {"id": "did:example:1"}

    assert verify_credential(add_proof(document, alice, created=NOW), now=NOW).ok


def test_typed_credential_input(alice: Signer) -> None:
    signed = sign_credential(Credential.from_json(credential(alice)), alice, created=NOW)

    assert verify_credential(signed, now=NOW).ok


def test_raise_for_failure_names_every_failure(alice: Signer) -> None:
    document = _signed(alice, expirationDate="2020-01-01T00:00:00Z")
    document["credentialSubject"] = {"id": "did:example:other"}
    report = verify_credential(document, now=NOW)

    with pytest.raises(ProofVerificationError, match=r"expired: .*; proof\[0\] bad-signature") as caught:
        report.raise_for_failure()
    assert caught.value.reasons == (Reason.EXPIRED, Reason.BAD_SIGNATURE)
    assert caught.value.report is report
    verify_credential(_signed(alice), now=NOW).raise_for_failure()

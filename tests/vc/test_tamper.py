"""Acceptance 2: a credential signed by ``msez vc sign`` verifies, and each kind of damage fails with its reason.

Each case has its own reason. A proof lifted from another issuer's credential fails twice over: its signature is
not over this payload (``bad-signature``) and no proof is by the issuer (``issuer-not-a-signer``). A proof swapped
between two credentials of the same issuer is, to any verifier, the same as a changed payload: ``bad-signature``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from msez.cli import run
from msez.crypto import b64url_decode, b64url_encode
from msez.vc import Reason, VerificationReport, load_signer, verify_credential
from tests.vc.conftest import NOW, credential, signer


def _cli_signed(tmp_path: Path, document: dict[str, Any], name: str = "vc", key_name: str = "key") -> dict[str, Any]:
    """``document`` issued by the key ``<key_name>.jwk`` (made by ``msez vc keygen``) and signed by ``msez vc sign``."""
    key = tmp_path / f"{key_name}.jwk"
    if not key.exists():
        assert run(["vc", "keygen", "--out", str(key)]) == 0
    source = tmp_path / f"{name}.json"
    source.write_text(json.dumps({**document, "issuer": str(load_signer(key).did)}))
    assert run(["vc", "sign", str(source), "--key", str(key)]) == 0
    signed: dict[str, Any] = json.loads((tmp_path / f"{name}.signed.json").read_text())
    return signed


@pytest.fixture
def signed(tmp_path: Path) -> dict[str, Any]:
    return _cli_signed(tmp_path, credential(signer(1), name="Alice", shares=100))


def _verify(document: dict[str, Any]) -> VerificationReport:
    return verify_credential(document, now=NOW)


def test_cli_signed_credential_verifies(signed: dict[str, Any]) -> None:
    report = _verify(signed)

    assert report.ok, report.summary()
    assert set(signed["proof"]) == {"type", "created", "verificationMethod", "proofPurpose", "jws"}


def _mutate(value: Any) -> Any:
    if isinstance(value, str):
        return ("1" if value[0] != "1" else "2") + value[1:]
    if isinstance(value, list):
        return [*value, "x"]
    return {**value, "extra": 1}


@pytest.mark.parametrize(
    "field", ["@context", "id", "type", "issuer", "issuanceDate", "credentialSubject"], ids=lambda f: f
)
def test_changing_the_payload_fails_with_bad_signature(signed: dict[str, Any], field: str) -> None:
    tampered = {**signed, field: _mutate(signed[field])}

    report = _verify(tampered)

    assert report.reasons == (Reason.BAD_SIGNATURE,)
    assert report.proofs[0].detail == "the Ed25519 signature does not verify over the payload"


def test_changing_one_subject_byte_fails_with_bad_signature(signed: dict[str, Any]) -> None:
    tampered = {**signed, "credentialSubject": {**signed["credentialSubject"], "shares": 101}}

    assert _verify(tampered).reasons == (Reason.BAD_SIGNATURE,)


def test_a_proof_from_another_issuers_credential_fails_with_issuer_not_a_signer(
    tmp_path: Path, signed: dict[str, Any]
) -> None:
    other = _cli_signed(tmp_path, credential(signer(1), name="Bob", shares=100), name="other", key_name="other")
    swapped = {**signed, "proof": other["proof"]}

    report = _verify(swapped)

    assert report.reasons == (Reason.ISSUER_NOT_SIGNER, Reason.BAD_SIGNATURE)
    assert report.findings[0].detail.startswith(f"no proof is by the issuer {signed['issuer']}")
    assert _verify({**other, "proof": signed["proof"]}).reasons == (Reason.ISSUER_NOT_SIGNER, Reason.BAD_SIGNATURE)


def test_a_proof_swapped_between_credentials_of_one_issuer_fails_with_bad_signature(
    tmp_path: Path, signed: dict[str, Any]
) -> None:
    other = _cli_signed(tmp_path, credential(signer(1), name="Bob", shares=100), name="other")

    assert _verify({**signed, "proof": other["proof"]}).reasons == (Reason.BAD_SIGNATURE,)


def _with_jws(signed: dict[str, Any], change: Callable[[str], str]) -> dict[str, Any]:
    return {**signed, "proof": {**signed["proof"], "jws": change(signed["proof"]["jws"])}}


def test_padded_signature_fails_with_padded_signature(signed: dict[str, Any]) -> None:
    report = _verify(_with_jws(signed, lambda jws: jws + "=="))

    assert report.reasons == (Reason.PADDED_SIGNATURE,)
    assert "without padding" in report.proofs[0].detail


def test_wrong_length_signature_fails_with_wrong_signature_length(signed: dict[str, Any]) -> None:
    report = _verify(_with_jws(signed, lambda jws: b64url_encode(b64url_decode(jws)[:63])))

    assert report.reasons == (Reason.SIGNATURE_LENGTH,)
    assert "must be 64 bytes, got 63" in report.proofs[0].detail


def test_unknown_suite_fails_with_unsupported_suite(signed: dict[str, Any]) -> None:
    unknown = {**signed, "proof": {**signed["proof"], "type": "RsaSignature2018"}}

    report = _verify(unknown)

    assert report.reasons == (Reason.UNSUPPORTED_SUITE,)
    assert "RsaSignature2018" in report.proofs[0].detail


def test_future_issuance_date_fails_with_not_yet_valid(tmp_path: Path) -> None:
    future = {**credential(signer(1)), "issuanceDate": str(NOW + timedelta(seconds=61))}
    document = _cli_signed(tmp_path, future)

    report = _verify(document)

    assert report.reasons == (Reason.NOT_YET_VALID,)
    assert all(p.ok for p in report.proofs)


def test_past_expiration_date_fails_with_expired(tmp_path: Path) -> None:
    document = _cli_signed(tmp_path, {**credential(signer(1)), "expirationDate": str(NOW + timedelta(seconds=-1))})

    report = _verify(document)

    assert report.reasons == (Reason.EXPIRED,)
    assert all(p.ok for p in report.proofs)


def test_each_case_has_its_own_reason(tmp_path: Path, signed: dict[str, Any]) -> None:
    other = _cli_signed(tmp_path, credential(signer(1), name="Bob"), name="other", key_name="other")
    cases = [
        {**signed, "id": "urn:other"},
        {**signed, "proof": other["proof"]},
        _with_jws(signed, lambda jws: jws + "="),
        _with_jws(signed, lambda jws: b64url_encode(b64url_decode(jws)[:63])),
        {**signed, "proof": {**signed["proof"], "type": "X"}},
        _cli_signed(tmp_path, {**credential(signer(1)), "issuanceDate": "2030-01-01T00:00:00Z"}, "f"),
        _cli_signed(tmp_path, {**credential(signer(1)), "expirationDate": "2020-01-01T00:00:00Z"}, "p"),
    ]

    reasons = [_verify(case).reasons for case in cases]

    assert all(reasons)
    assert len(set(reasons)) == len(cases), reasons

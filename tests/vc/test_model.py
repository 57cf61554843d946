"""The credential model: validation, data models 1.1 and 2.0, byte-for-byte round trips, builders."""

from __future__ import annotations

import json
from typing import Any

import pytest

from msez.core import Timestamp, ValidationError
from msez.vc import MSEZ_CONTEXT, VC_V1_CONTEXT, VC_V2_CONTEXT, Credential, new_credential
from tests.vc.conftest import NOW

BASE: dict[str, Any] = {
    "@context": [VC_V1_CONTEXT],
    "type": "VerifiableCredential",
    "issuer": "did:example:issuer",
    "issuanceDate": "2026-01-15T12:00:00Z",
    "credentialSubject": {"id": "did:example:1"},
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"@context": ["https://example.org/v1"]}, r"\$\.@context: .*first @context", id="context"),
        pytest.param({"type": ["X"]}, r"\$\.type: .*must contain VerifiableCredential", id="type"),
        pytest.param({"issuer": {"name": "Zone"}}, r"\$\.issuer: .*`id` URI", id="issuer"),
        pytest.param({"issuanceDate": "15/01/2026"}, r"\$\.issuanceDate: .*invalid timestamp", id="date"),
        pytest.param({"credentialSubject": "x"}, r"credentialSubject", id="subject"),
        pytest.param({"proof": "x"}, r"\$\.proof", id="proof"),
    ],
)
def test_invalid_credentials_are_refused(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Credential.from_json({**BASE, **change})


def test_v1_needs_issuance_date_and_v2_does_not() -> None:
    without = {k: v for k, v in BASE.items() if k != "issuanceDate"}

    with pytest.raises(ValidationError, match="needs issuanceDate"):
        Credential.from_json(without)
    assert Credential.from_json({**without, "@context": VC_V2_CONTEXT}).data_model == "2.0"


def test_unknown_fields_and_key_order_survive() -> None:
    document = {"zeta": 1, **BASE, "evidence": [{"id": "urn:e"}], "proof": [{"type": "X"}], "alpha": {"b": 1}}

    credential = Credential.from_json(document)

    assert json.dumps(credential.to_json()) == json.dumps(document)
    assert credential.proofs == ({"type": "X"},)


def test_accessors() -> None:
    credential = Credential.from_json(
        {**BASE, "issuer": {"id": "did:example:z", "name": "Zone"}, "expirationDate": "2026-02-01T05:00:00+05:00"}
    )

    assert credential.issuer_id == "did:example:z"
    assert credential.issued_at == NOW
    assert credential.expires_at == Timestamp.parse("2026-02-01T00:00:00Z")
    assert credential.types == ("VerifiableCredential",)
    assert credential.subjects == ({"id": "did:example:1"},)
    assert credential.status_entries == ()
    assert credential.proofs == ()


@pytest.mark.parametrize(
    ("data_model", "issued", "expires", "base"),
    [("1.1", "issuanceDate", "expirationDate", VC_V1_CONTEXT), ("2.0", "validFrom", "validUntil", VC_V2_CONTEXT)],
)
def test_new_credential_writes_the_data_model_fields(data_model: Any, issued: str, expires: str, base: str) -> None:
    credential = new_credential(
        types=["MsezX", "VerifiableCredential"],
        issuer="did:example:z",
        subject={"id": "did:example:1"},
        issued_at=NOW,
        expires_at=NOW,
        credential_id="urn:x",
        data_model=data_model,
    )

    assert list(credential.to_json()) == ["@context", "id", "type", "issuer", issued, expires, "credentialSubject"]
    assert credential.to_json()["@context"] == [base, MSEZ_CONTEXT]
    assert credential.types == ("VerifiableCredential", "MsezX")
    assert credential.issued_at == credential.expires_at == NOW


def test_new_credential_defaults_to_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1766361600")

    credential = new_credential(types=[], issuer="did:example:z", subject={})

    assert credential.issuance_date == "2025-12-22T00:00:00Z"


def test_the_model_is_frozen() -> None:
    credential = Credential.from_json(BASE)

    with pytest.raises(ValueError, match="frozen"):
        credential.issuer = "did:example:other"

"""Acceptance 1: the reference's corridor credentials verify, every proof; the renamed (tampered) copies fail
with a reason per proof. Reference credentials also round-trip byte for byte and satisfy the vc schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from msez.cli import run
from msez.core import Timestamp, payload_digest
from msez.schema import default_registry
from msez.vc import Credential, Reason, verify_credential
from tests.conftest import INTEROP

VALID = INTEROP / "corridor_agreement_2of2"
TAMPERED = INTEROP / "corridor_agreement_2of2_tampered"
FILES = [
    pytest.param("corridor.vc.json", 1, id="definition"),
    pytest.param("corridor.agreement.vc.json", 2, id="agreement"),
]


@pytest.mark.parametrize(("name", "proofs"), FILES)
def test_reference_credential_verifies_every_proof(name: str, proofs: int) -> None:
    report = verify_credential(json.loads((VALID / name).read_text()))

    assert report.ok, report.summary()
    assert len(report.proofs) == proofs
    assert all(p.ok and p.proof_type == "MsezEd25519Signature2025" for p in report.proofs)


@pytest.mark.parametrize(("name", "proofs"), FILES)
def test_tampered_credential_fails_with_a_reason_per_proof(name: str, proofs: int) -> None:
    report = verify_credential(json.loads((TAMPERED / name).read_text()))

    assert not report.ok
    assert [p.reason for p in report.proofs] == [Reason.BAD_SIGNATURE] * proofs
    assert all(p.proof_type == "MezEd25519Signature2025" for p in report.proofs)  # the later name is understood


@pytest.mark.parametrize(("name", "proofs"), FILES)
def test_cli_verify_accepts_reference_and_rejects_tampered(
    name: str, proofs: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["vc", "verify", str(VALID / name)]) == 0
    assert capsys.readouterr().out.count("OK   proof[") == proofs

    assert run(["vc", "verify", str(TAMPERED / name)]) == 1
    captured = capsys.readouterr()
    assert captured.out.count("bad-signature") == proofs
    assert "NOT verified: bad-signature" in captured.err


def test_cli_verify_json_reports_each_proof(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["vc", "verify", "--json", str(TAMPERED / "corridor.agreement.vc.json")]) == 1
    report = json.loads(capsys.readouterr().out)

    assert report["ok"] is False
    assert [(p["index"], p["ok"], p["reason"]) for p in report["proofs"]] == [
        (0, False, "bad-signature"),
        (1, False, "bad-signature"),
    ]


def test_definition_payload_hash_is_bound_by_the_agreement(capsys: pytest.CaptureFixture[str]) -> None:
    agreement = json.loads((VALID / "corridor.agreement.vc.json").read_text())
    expected = agreement["credentialSubject"]["definition_payload_sha256"]

    assert run(["vc", "payload-hash", str(VALID / "corridor.vc.json")]) == 0
    assert capsys.readouterr().out.strip() == expected
    assert payload_digest(json.loads((TAMPERED / "corridor.vc.json").read_text())).hex != expected


@pytest.mark.parametrize(
    "path", [VALID / "corridor.vc.json", VALID / "corridor.agreement.vc.json"], ids=lambda p: p.name
)
def test_reference_credential_round_trips_byte_for_byte(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    credential = Credential.from_json(json.loads(text))

    assert json.dumps(credential.to_json(), indent=2, ensure_ascii=False) + "\n" == text
    assert credential.issued_at == Timestamp.parse("2025-12-22T00:00:00Z")


@pytest.mark.parametrize("directory", [VALID, TAMPERED], ids=["valid", "tampered"])
def test_reference_credentials_satisfy_the_vc_schema(directory: Path) -> None:
    for name in ("corridor.vc.json", "corridor.agreement.vc.json"):
        assert default_registry().errors(json.loads((directory / name).read_text()), "vc") == []

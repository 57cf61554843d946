"""``msez vc``: keygen (mode 0600, never echoes the key, refuses to overwrite), sign, verify, payload-hash and
status lists end to end."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from msez.cli import run
from msez.core import payload_digest
from msez.vc import add_proof, load_signer, verify_credential
from tests.vc.conftest import NOW, credential, signer

LIST_ID = "https://zone.example/status/1"


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "zone.jwk"
    assert run(["vc", "keygen", "--out", str(path), "--kid", "zone-1"]) == 0
    return path


def test_keygen_writes_0600_and_never_echoes_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    private, public = tmp_path / "k.jwk", tmp_path / "k.pub.jwk"

    assert run(["vc", "keygen", "--out", str(private), "--public-out", str(public)]) == 0

    out = capsys.readouterr()
    jwk = json.loads(private.read_text())
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert set(jwk) == {"kty", "crv", "x", "d", "kid"}
    assert "d" not in json.loads(public.read_text())
    assert jwk["d"] not in out.out + out.err
    assert f"#{jwk['kid']}" in out.out


def test_keygen_refuses_to_overwrite_unless_forced(key: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = key.read_text()

    assert run(["vc", "keygen", "--out", str(key)]) == 2
    assert "exists; use --force to overwrite" in capsys.readouterr().err
    assert key.read_text() == before
    assert run(["vc", "keygen", "--out", str(key), "--force"]) == 0
    assert key.read_text() != before
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def _write(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value))
    return path


@pytest.mark.parametrize("suite", ["msez", "ed25519-2020", "eddsa-jcs-2022"])
def test_sign_then_verify(tmp_path: Path, key: Path, suite: str, capsys: pytest.CaptureFixture[str]) -> None:
    source = _write(tmp_path / "vc.json", credential(load_signer(key)))

    assert run(["vc", "sign", str(source), "--key", str(key), "--suite", suite]) == 0
    assert run(["vc", "verify", str(tmp_path / "vc.signed.json")]) == 0
    assert "verified (1/1 proofs)" in capsys.readouterr().out


def test_sign_appends_and_honours_source_date_epoch(tmp_path: Path, key: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1766361600")
    source = _write(tmp_path / "vc.json", credential(load_signer(key)))
    once, twice = tmp_path / "once.json", tmp_path / "twice.json"

    assert run(["vc", "sign", str(source), "--key", str(key), "--out", str(once)]) == 0
    assert run(["vc", "sign", str(once), "--key", str(key), "--out", str(twice), "--verification-method", "x"]) == 0

    proofs = json.loads(twice.read_text())["proof"]
    assert [p["created"] for p in proofs] == ["2025-12-22T00:00:00Z"] * 2
    assert proofs[1]["verificationMethod"] == "x"
    assert {k: v for k, v in json.loads(twice.read_text()).items() if k != "proof"} == json.loads(source.read_text())


def test_sign_errors_are_one_line(tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _write(tmp_path / "vc.json", {**credential(load_signer(key)), "amount": 1.5})

    assert run(["vc", "sign", str(source), "--key", str(key)]) == 2
    assert capsys.readouterr().err == "error: $.amount: float 1.5 is not allowed; use an integer or a decimal string\n"
    assert run(["vc", "sign", str(_write(tmp_path / "ok.json", {})), "--key", str(key), "--suite", "rsa"]) == 2
    assert "unknown proof suite 'rsa'" in capsys.readouterr().err


def test_verify_failure_prints_a_line_per_proof(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = add_proof(add_proof(credential(signer(1)), signer(1)), signer(2))
    document["proof"][1]["jws"] += "="
    path = _write(tmp_path / "vc.json", document)

    assert run(["vc", "verify", str(path)]) == 1

    out = capsys.readouterr()
    assert out.out.splitlines()[0].startswith("OK   proof[0] MsezEd25519Signature2025 did:key:")
    assert "FAIL proof[1]" in out.out.splitlines()[1]
    assert "padded-signature" in out.out.splitlines()[1]
    assert "NOT verified: padded-signature (1/2 proofs valid)" in out.err


def test_verify_at_a_given_time(tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _write(tmp_path / "vc.json", {**credential(load_signer(key)), "expirationDate": "2026-02-01T00:00:00Z"})
    assert run(["vc", "sign", str(source), "--key", str(key)]) == 0
    signed = str(tmp_path / "vc.signed.json")

    assert run(["vc", "verify", signed, "--at", str(NOW)]) == 0
    assert run(["vc", "verify", signed, "--at", "2026-03-01T00:00:00Z"]) == 1
    assert "FAIL credential: expired: expirationDate 2026-02-01T00:00:00Z has passed" in capsys.readouterr().out


def test_payload_hash_ignores_proof(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = credential(signer(1))
    path = _write(tmp_path / "vc.json", {**document, "proof": {"type": "X"}})

    assert run(["vc", "payload-hash", str(path)]) == 0
    assert capsys.readouterr().out.strip() == payload_digest(document).hex


def test_status_list_revoke_and_reinstate(tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status_list = tmp_path / "status.json"
    assert run(["vc", "status-list", "create", "--out", str(status_list), "--id", LIST_ID, "--key", str(key)]) == 0
    issuer = json.loads(status_list.read_text())["issuer"]
    holder = {
        **credential(signer(1)),
        "issuer": issuer,
        "credentialStatus": {
            "id": f"{LIST_ID}#42",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "42",
            "statusListCredential": LIST_ID,
        },
    }
    source = _write(tmp_path / "vc.json", holder)
    assert run(["vc", "sign", str(source), "--key", str(key)]) == 0
    verify = ["vc", "verify", str(tmp_path / "vc.signed.json"), "--status-list", str(status_list)]
    assert run(verify) == 0

    assert run(["vc", "status-list", "set", str(status_list), "42", "--key", str(key)]) == 0
    capsys.readouterr()
    assert run(verify) == 1
    assert "FAIL credential: revoked: revoked in status list" in capsys.readouterr().out

    assert run(["vc", "status-list", "clear", str(status_list), "42", "--key", str(key)]) == 0
    assert run(verify) == 0


def test_status_list_without_key_is_unsigned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status_list = tmp_path / "status.json"

    assert run(["vc", "status-list", "create", "--out", str(status_list), "--id", LIST_ID]) == 2
    assert "give --issuer or --key" in capsys.readouterr().err
    args = ["vc", "status-list", "create", "--out", str(status_list), "--id", LIST_ID, "--issuer", "did:web:z"]
    assert run([*args, "--purpose", "suspension"]) == 0
    assert run([*args]) == 2
    assert run(["vc", "status-list", "set", str(status_list), "9"]) == 0
    assert "unsigned: sign it before publishing" in capsys.readouterr().out
    document: dict[str, Any] = json.loads(status_list.read_text())
    assert "proof" not in document
    assert document["credentialSubject"]["statusPurpose"] == "suspension"
    assert not verify_credential(document).ok


def test_signing_with_a_key_that_is_not_the_issuers_says_so(
    tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _write(tmp_path / "vc.json", credential(signer(9)))

    assert run(["vc", "sign", str(source), "--key", str(key)]) == 0
    assert f"note: {signer(9).did} (the issuer) has not signed" in capsys.readouterr().err
    assert run(["vc", "verify", str(tmp_path / "vc.signed.json")]) == 1
    assert "issuer-not-a-signer" in capsys.readouterr().out

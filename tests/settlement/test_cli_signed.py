"""``msez settle``: signed plans, anchors and proof bindings end to end on files, against two in-memory corridors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from msez.cli import run
from msez.crypto import SigningKey
from msez.vc import Signer, write_private_jwk

from .conftest import Corridor


def write(path: Path, value: object) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def key_file(path: Path, seed: bytes) -> tuple[Path, Signer]:
    key = SigningKey.from_seed(seed * 32)
    write_private_jwk(path, key)
    return path, Signer.from_key(key)


@pytest.fixture
def obligations(tmp_path: Path) -> Path:
    rows = [
        {"from_party": "A", "to_party": "B", "amount": 10000, "currency": "USD"},
        {"from_party": "B", "to_party": "A", "amount": 6000, "currency": "USD"},
    ]
    return write(tmp_path / "obligations.json", {"obligations": rows})


def test_signed_plan_verify_and_cosign(tmp_path: Path, obligations: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (alice_key, alice), (bob_key, bob) = key_file(tmp_path / "a.jwk", b"a"), key_file(tmp_path / "b.jwk", b"b")
    plan, store = tmp_path / "plan.json", tmp_path / "store"
    args = ["settle", "plan", "--input", str(obligations), "--out", str(plan), "--store", str(store)]
    assert run([*args, "--sign", "--key", str(alice_key), "--created-at", "2026-01-15T12:00:00Z"]) == 0
    digest = capsys.readouterr().out.split()[0]
    document = json.loads(plan.read_text(encoding="utf-8"))
    assert document["issuer"] == str(alice.did) and document["proof"]["type"] == "MsezEd25519Signature2025"
    stored = json.loads((store / "settlement-plan" / f"{digest}.json").read_text(encoding="utf-8"))
    assert stored["proof"] == document["proof"]

    assert run(["settle", "verify", str(plan), "--signer", str(alice.did)]) == 0
    assert capsys.readouterr().out == (
        f"PROOF 0 OK {alice.verification_method} (MsezEd25519Signature2025)\nPLAN OK {digest}\n"
    )
    assert run(["settle", "verify", str(plan), "--signer", str(bob.did)]) == 1
    assert f"FAIL no valid proof by required signer {bob.did}" in capsys.readouterr().out

    cosigned = tmp_path / "plan.2.json"
    assert (
        run(["vc", "sign", str(plan), "--key", str(bob_key), "--suite", "eddsa-jcs-2022", "--out", str(cosigned)]) == 0
    )
    capsys.readouterr()
    assert run(["settle", "verify", str(cosigned), "--signer", str(alice.did), "--signer", str(bob.did)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == f"PROOF 1 OK {bob.verification_method} (DataIntegrityProof)"
    assert lines[-1] == f"PLAN OK {digest}"

    tampered = json.loads(cosigned.read_text(encoding="utf-8"))
    tampered["proof"][0]["jws"] = tampered["proof"][0]["jws"][:-4] + "AAAA"
    write(cosigned, tampered)
    assert run(["settle", "verify", str(cosigned)]) == 1
    out = capsys.readouterr().out
    assert f"PROOF 0 FAIL {alice.verification_method} (MsezEd25519Signature2025)  bad-signature" in out
    assert "PLAN OK" not in out


def test_key_without_sign_is_refused(tmp_path: Path, obligations: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key, _ = key_file(tmp_path / "a.jwk", b"a")
    assert (
        run(["settle", "plan", "--input", str(obligations), "--out", str(tmp_path / "p.json"), "--key", str(key)]) == 2
    )
    assert "--sign and --key go together" in capsys.readouterr().err
    assert not (tmp_path / "p.json").exists()


def test_anchor_and_binding_round_trip(
    tmp_path: Path, obligations: Path, corridor_a: Corridor, corridor_b: Corridor, capsys: pytest.CaptureFixture[str]
) -> None:
    key, signer = key_file(tmp_path / "k.jwk", b"k")
    store = tmp_path / "store"
    receipt_a = corridor_a.extend(3)[1]
    checkpoint_a = corridor_a.checkpoint()
    receipt_b = corridor_b.extend(2)[1]
    checkpoint_b = corridor_b.checkpoint()
    files: dict[str, Any] = {
        "policy-a": corridor_a.policy.to_json(),
        "policy-b": corridor_b.policy.to_json(),
        "checkpoint-a": dict(checkpoint_a.document),
        "checkpoint-b": dict(checkpoint_b.document),
        "receipt-a": receipt_a,
        "receipt-b": receipt_b,
        "proof-a": corridor_a.log.inclusion_proof(1),
    }
    path = {name: write(tmp_path / f"{name}.json", value) for name, value in files.items()}
    evidence = tmp_path / "pacs002.xml"
    evidence.write_bytes(b"<Document>ACSC</Document>")
    sign = ["--sign", "--key", str(key)]
    plan = tmp_path / "plan.json"
    assert run(["settle", "plan", "--input", str(obligations), "--out", str(plan), *sign]) == 0

    binding = tmp_path / "binding.json"
    binding_args = ["--purpose", "settlement.confirmation", "--evidence", str(evidence), "--out", str(binding)]
    assert (
        run(["settle", "proof-binding", "init", *binding_args, "--checkpoint", str(path["checkpoint-b"]), *sign]) == 0
    )
    assert run(["settle", "proof-binding", "verify", str(binding), "--purpose", "refund"]) == 1
    assert "FAIL the binding is for 'settlement.confirmation', not 'refund'" in capsys.readouterr().out

    anchor = tmp_path / "anchor.json"
    anchor_args = [
        *("--obligation-checkpoint", str(path["checkpoint-a"]), "--obligation-receipt", str(path["receipt-a"])),
        *("--settlement-checkpoint", str(path["checkpoint-b"]), "--settlement-receipt", str(path["receipt-b"])),
        *("--plan", str(plan), "--proof-binding", str(binding), "--proof", str(evidence)),
    ]
    assert run(["settle", "anchor-init", *anchor_args, "--out", str(anchor), "--store", str(store), *sign]) == 0
    capsys.readouterr()
    assert (
        run(["settle", "proof-binding", "verify", str(binding), "--store", str(store), "--signer", str(signer.did)])
        == 0
    )
    assert capsys.readouterr().out.splitlines()[-1].startswith("BINDING OK ")

    verify = ["settle", "anchor-verify", str(anchor), "--store", str(store)]
    verify += ["--obligation-policy", str(path["policy-a"]), "--settlement-policy", str(path["policy-b"])]
    receipts = ["--obligation-receipt", str(path["receipt-a"]), "--obligation-proof", str(path["proof-a"])]
    assert run([*verify, *receipts, "--settlement-receipt", str(path["receipt-b"]), "--signer", str(signer.did)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"PROOF 0 OK {signer.verification_method} (MsezEd25519Signature2025)"
    assert out[1] == f"CHECKPOINT OK obligation {checkpoint_a.digest.hex}"
    assert out[-1].startswith("ANCHOR OK ")

    assert run([*verify, "--obligation-receipt", str(path["receipt-a"])]) == 1
    assert "FAIL obligation receipt: it is not the checkpoint's head" in capsys.readouterr().out
    swapped = ["settle", "anchor-verify", str(anchor), "--store", str(store)]
    swapped += ["--obligation-policy", str(path["policy-b"]), "--settlement-policy", str(path["policy-b"])]
    assert run([*swapped, *receipts]) == 1
    assert "FAIL obligation checkpoint: the policy is for 'org.example.corridor.b'" in capsys.readouterr().out

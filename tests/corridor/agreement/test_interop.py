"""Acceptance 1: the reference's 2-of-2 corridor verifies and activates; its renamed (tampered) copy fails, naming
every failing binding and proof."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from msez.cli import run
from msez.corridor import CorridorModule, Rule, verify_corridor
from tests.conftest import INTEROP
from tests.corridor.agreement.conftest import NOW, failing

FIXTURE = INTEROP / "corridor_agreement_2of2"
TAMPERED = INTEROP / "corridor_agreement_2of2_tampered"
ZONE_A = "did:key:z6MkpcPvSoHcaxHrowuHYv6NKhBVpvUsptJUUrQenEQ1aYJX"
ZONE_B = "did:key:z6MkrcX3jnavDvJcR4Kcr6i8G1D4LzZ3X2XZdo3dc91QZbvo"
GOVERNANCE = "did:key:z6MkiwVVR6BAAnxmH8sLxKpzGaMCjZJZU2pqNEKiJz6ef8ze"


def test_fixture_verifies_and_activates_2_of_2() -> None:
    report = verify_corridor(CorridorModule.load(FIXTURE), now=NOW)

    assert report.ok, report.summary()
    assert report.activated and report.blockers == ()
    (role,) = report.activation.roles if report.activation else ()
    assert (role.role, role.count, role.threshold.required, role.threshold.of) == ("zone_authority", 2, 2, 2)
    assert role.parties == (ZONE_A, ZONE_B)
    assert report.definition_payload_sha256 is not None
    assert report.definition_payload_sha256.hex == "58cba8e47a792561985dd5bc5a04322ca9166c20ef0c0ddad8a40df7053450eb"
    assert report.agreement_set_sha256 is not None
    assert report.agreement_set_sha256.hex == "60978273aee7ace9b151685cb7f86b2297fe3904deee7731d10060b81c7945ed"
    assert report.agreement_payloads["corridor.agreement.vc.json"].hex.startswith("df55e8a5")
    assert report.definition.named_signers == (GOVERNANCE,)
    assert report.agreement_signers == (ZONE_A, ZONE_B)


def test_fixture_binds_the_raw_bytes_of_its_yaml_files() -> None:
    report = verify_corridor(CorridorModule.load(FIXTURE / "corridor.yaml"), now=NOW)
    assert dict(report.definition.binding_modes) == {
        "corridor_manifest": "raw-bytes",
        "trust_anchors": "raw-bytes",
        "key_rotation": "raw-bytes",
    }


def test_tampered_copy_names_every_failing_binding_and_proof() -> None:
    report = verify_corridor(CorridorModule.load(TAMPERED), now=NOW)

    assert not report.ok and not report.activated
    failures = failing(report)
    assert {(rule, subject) for rule, subject, _ in failures} == {
        ("binding", "corridor.vc.json: artifacts.corridor_manifest -> corridor.yaml"),
        ("binding", "corridor.agreement.vc.json: definition_payload_sha256"),
        ("proof", f"corridor.vc.json: proof[0] {GOVERNANCE}#key-1"),
        ("proof", f"corridor.agreement.vc.json: proof[0] {ZONE_A}#key-1"),
        ("proof", f"corridor.agreement.vc.json: proof[1] {ZONE_B}#key-1"),
        ("threshold", "activation zone_authority"),
        ("activation", "agreements"),
    }
    details = {subject: detail for _, subject, detail in failures}
    manifest = details["corridor.vc.json: artifacts.corridor_manifest -> corridor.yaml"]
    assert manifest.startswith(
        "expected sha256 eae3ed66b4d0fe2b75dc59906a7b71a83d34fe214ee5bb91a60faaf635ea7161, found "
    )
    assert "(raw bytes)" in manifest and "(canonical)" in manifest
    assert details["corridor.agreement.vc.json: definition_payload_sha256"].startswith(
        "names 58cba8e47a792561985dd5bc5a04322ca9166c20ef0c0ddad8a40df7053450eb, but the definition payload is "
    )
    assert details[f"corridor.vc.json: proof[0] {GOVERNANCE}#key-1"].startswith("bad-signature:")
    # the files a text rename did not touch still bind, and the later MEZ names are accepted
    assert dict(report.definition.binding_modes) == {"trust_anchors": "raw-bytes", "key_rotation": "raw-bytes"}
    assert not [c for c in report.failures if c.rule in (Rule.SCHEMA, Rule.RULESET)]


def test_cli_verify_and_status_on_the_fixture(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["corridor", "verify", str(FIXTURE)]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("VERIFIED")
    assert (
        "ok   binding corridor.vc.json: artifacts.trust_anchors -> trust-anchors.yaml: raw-bytes sha256 d563f5" in out
    )

    assert run(["corridor", "status", str(FIXTURE)]) == 0
    out = capsys.readouterr().out
    assert "activation: activated" in out
    assert "  zone_authority: 2 of 2 required (of 2): met" in out
    assert "agreement set sha256: 60978273aee7ace9b151685cb7f86b2297fe3904deee7731d10060b81c7945ed" in out


def test_cli_verify_json_is_the_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["corridor", "verify", str(FIXTURE), "--json", "--at", "2026-01-01T00:00:00Z"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and report["agreement_set_sha256"].startswith("60978273")
    assert report["binding_modes"]["corridor_manifest"] == "raw-bytes"
    subjects = {(c["rule"], c["subject"]): c["ok"] for c in report["checks"]}
    assert subjects[("binding", "corridor.agreement.vc.json: definition_payload_sha256")] is True


def test_cli_status_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["corridor", "status", str(FIXTURE), "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["activation"]["state"] == "activated"
    assert status["activation"]["thresholds"] == [
        {
            "role": "zone_authority",
            "required": 2,
            "of": 2,
            "description": "2-of-2 zone authorities must sign",
            "count": 2,
            "met": True,
            "parties": [ZONE_A, ZONE_B],
        }
    ]
    assert status["definition_ok"] is True


def test_cli_fails_on_the_tampered_copy(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["corridor", "verify", str(TAMPERED)]) == 1
    captured = capsys.readouterr()
    assert (
        "FAIL binding corridor.vc.json: artifacts.corridor_manifest -> corridor.yaml: expected sha256" in captured.out
    )
    assert f"FAIL proof corridor.agreement.vc.json: proof[1] {ZONE_B}#key-1: bad-signature" in captured.out
    assert "FAILED: 7 check(s) failed" in captured.err

    assert run(["corridor", "verify", str(TAMPERED), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["ruleset"] == "msez.corridor.verification.v1"


def test_cli_operational_error_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["corridor", "verify", str(tmp_path)]) == 2
    assert "not a corridor module (no corridor.yaml)" in capsys.readouterr().err

"""The law, regpack and licensepack commands: exit codes and one-line output."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from msez.cli import run
from msez.pack import deterministic_zip
from tests.conftest import REPO


def test_law_ingest_verify_and_check(module_dir: Path, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(repo / "dist/artifacts")
    assert run(["law", "ingest", str(module_dir), "--as-of-date", "2025-01-01", "--store", store]) == 0
    lock = module_dir / "lawpack.lock.json"
    assert run(["law", "verify", str(lock), "--store", store]) == 0
    assert "ok: lawpack" in capsys.readouterr().out
    assert run(["law", "ingest", str(module_dir), "--as-of-date", "2025-01-01", "--check", "--store", store]) == 0
    assert "up to date" in capsys.readouterr().out
    main = module_dir / "src/akn/main.xml"
    main.write_text(main.read_text().replace("thirty days", "twenty days"))
    before = lock.read_bytes()
    assert run(["law", "ingest", str(module_dir), "--as-of-date", "2025-01-01", "--check", "--store", store]) == 1
    assert "lawpack_digest_sha256 is stale" in capsys.readouterr().err
    assert lock.read_bytes() == before


def test_law_verify_names_the_tampered_member(module_dir: Path, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = repo / "dist/artifacts"
    assert run(["law", "ingest", str(module_dir), "--as-of-date", "2025-01-01", "--store", str(store)]) == 0
    [artifact] = (store / "lawpack").iterdir()
    members = {i.filename: zipfile.ZipFile(artifact).read(i) for i in zipfile.ZipFile(artifact).infolist()}
    members["akn/parts/schedule-1.xml"] = members["akn/parts/schedule-1.xml"].replace(b"50000", b"5000")
    tampered = repo / artifact.name
    tampered.write_bytes(deterministic_zip(members))
    capsys.readouterr()
    assert run(["law", "verify", str(tampered)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: akn/parts/schedule-1.xml: does not match its entry in index.json")
    assert err.count("\n") == 1


def test_regpack_screen_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    regpack = str(REPO / "packs/pk-rsez/regpacks/sanctions")
    assert run(["regpack", "screen", "Rahim Zafar Tanoli", "-r", regpack]) == 1
    assert "SYN-000004" in capsys.readouterr().out
    assert run(["regpack", "screen", "Zebulon Quartermaine", "-r", regpack]) == 0
    assert "no match" in capsys.readouterr().out
    code = run(["regpack", "screen", "X", "-r", regpack, "--identifier", "cnic=61196-4146808-0", "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 1
    assert result["matches"][0]["field"] == "identifier"
    assert run(["regpack", "screen", "X", "-r", regpack, "--identifier", "oops"]) == 2


def test_regpack_build_verify_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "financial"
    shutil.copytree(REPO / "packs/pk-rsez/regpacks/financial", source)
    store = str(tmp_path / "cas")
    assert run(["regpack", "build", str(source), "--store", store]) == 0
    assert run(["regpack", "verify", str(source / "regpack.lock.json"), "--store", store]) == 0
    changed = tmp_path / "changed"
    shutil.copytree(source, changed)
    secp = changed / "regulators/secp.yaml"
    secp.write_text(secp.read_text().replace("timezone: Asia/Karachi", "timezone: UTC"))
    capsys.readouterr()
    assert run(["regpack", "diff", str(source), str(changed)]) == 0
    assert "$.regulators[pk-secp].timezone: changed 'Asia/Karachi' -> 'UTC'" in capsys.readouterr().out
    assert run(["regpack", "build", str(changed), "--check"]) == 1


def test_licensepack_check_and_diff(capsys: pytest.CaptureFixture[str]) -> None:
    pack = str(REPO / "packs/pk-rsez/licensepacks/financial")
    did = "did:web:rsez.example.pk:entities:"
    assert run(["licensepack", "check", did + "margalla-crest", "term_finance", "-l", pack]) == 0
    assert "valid: COMPLIANT lic:secp:2023-ifs-0142" in capsys.readouterr().out
    assert run(["licensepack", "check", did + "saffron-quay", "lease_finance", "-l", pack, "--date", "2026-01-15"]) == 1
    out = capsys.readouterr().out
    assert "NOT valid: SUSPENDED lic:secp:2022-lease-0031" in out
    assert "licence lic:secp:2022-lease-0031 is suspended" in out
    assert run(["licensepack", "diff", pack, pack]) == 0
    assert "0 change(s)" in capsys.readouterr().out
    assert run(["licensepack", "verify", pack]) == 0

"""``msez validate | build | lock | conformance`` end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from msez.cli import run
from tests.conftest import REPO


def test_validate_all_passes_on_the_bundled_library(capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["validate", "--all-modules", "--all-profiles", "--all-zones", "--root", str(REPO)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "modules: 31/31 passed" in out
    assert "profiles: 5/5 passed" in out
    assert "zones: 3/3 passed" in out


def test_validate_needs_a_target(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["validate", "--root", str(REPO)]) == 2
    assert "give PATH or one of" in capsys.readouterr().err


def test_validate_single_path_prints_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["validate", str(REPO / "modules/regulatory/aml-cft")]) == 0
    assert "OK: modules/regulatory/aml-cft" in capsys.readouterr().out


def test_bulk_validate_reports_each_failure_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    module = tmp_path / "modules/x"
    module.mkdir(parents=True)
    (module / "module.yaml").write_text("module_id: X\nversion: 0.1.0\nkind: legal\ndescription: d\n")
    assert run(["validate", "--all-modules", "--root", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "modules/x/module.yaml: $.module_id: 'X' does not match" in out
    assert "modules: 0/1 passed" in out


def test_conformance_cli_lists_uncovered_eids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.zone.conftest import copy_library

    root = copy_library(tmp_path)
    (root / "modules/trade/customs/src/policy-to-code/map.yaml").unlink()
    assert run(["conformance", "module", str(root / "modules/trade/customs")]) == 1
    out = capsys.readouterr().out
    assert "uncovered: sec_1__para_1 (src/akn/main.xml, SHALL)" in out
    assert "level 1: modules/trade/customs does not conform" in out


def test_conformance_zone_and_build_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["conformance", "zone", str(REPO / "jurisdictions/pk-rsez")]) == 0
    assert run(["conformance", "profile", str(REPO / "profiles/trade-zone")]) == 0
    assert run(["build", str(REPO / "jurisdictions/_starter"), "--out", str(tmp_path / "b"), "--strict-render"]) == 0
    out = capsys.readouterr().out
    assert "level 3: jurisdictions/pk-rsez conforms" in out
    assert "OK: built" in out
    assert (tmp_path / "b/stack.lock").read_bytes() == (REPO / "jurisdictions/_starter/stack.lock").read_bytes()

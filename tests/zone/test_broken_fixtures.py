"""Acceptance 1: each broken fixture fails with one line naming the file and the JSON path, and a non-zero exit.

Each folder under ``fixtures/broken/`` holds files that are copied over a copy of the bundled library, and a
``case.yaml`` naming the command, the target and the expected file, path and message.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from msez.cli import run
from tests.zone.conftest import BROKEN

CASES = sorted(p.name for p in BROKEN.iterdir() if (p / "case.yaml").is_file())


def test_there_are_at_least_twelve_failure_classes() -> None:
    assert len(CASES) >= 12


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in CASES])
def test_broken_fixture_fails_with_one_precise_line(
    name: str, library_copy: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    case_dir = BROKEN / name
    case = yaml.safe_load((case_dir / "case.yaml").read_text())
    shutil.copytree(case_dir, library_copy, dirs_exist_ok=True, ignore=shutil.ignore_patterns("case.yaml"))
    target = str(library_copy / case["target"])
    args = {
        "validate": ["validate", target],
        "build": ["build", target, "--out", str(tmp_path / "out"), "--strict-render"],
    }[case["command"]]

    code = run([*args, "--root", str(library_copy)])

    captured = capsys.readouterr()
    lines = [line for line in (captured.out + captured.err).splitlines() if line.strip()]
    expect = case["expect"]
    prefix = f"{expect['file']}: {expect['path']}: "
    matching = [line for line in lines if prefix in line]
    assert code != 0
    assert len(matching) == 1, f"expected one line with {prefix!r} in {lines}"
    assert [line for line in lines if expect["file"] in line] == matching, lines
    assert re.search(expect["message"], matching[0]), matching[0]
    assert not (tmp_path / "out").exists()

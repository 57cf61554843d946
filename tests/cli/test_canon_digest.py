"""``msez canon`` and ``msez digest``: canonical bytes and digests of JSON/YAML files; one-line errors, exit 2."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from msez.cli import run
from msez.core import ContentDigest, canonical_bytes, digest_of, payload_digest

DOC = {"b": [1, "é"], "a": {"at": "2026-01-15T17:00:00+05:00", "day": "2026-01-15"}, "proof": {"jws": "x"}}
CANONICAL = '{"a":{"at":"2026-01-15T12:00:00Z","day":"2026-01-15"},"b":[1,"é"],"proof":{"jws":"x"}}'
YAML = "proof:\n  jws: x\nb: [1, é]\na:\n  day: 2026-01-15\n  at: 2026-01-15T17:00:00+05:00\n"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    json_file, yaml_file = tmp_path / "doc.json", tmp_path / "doc.yaml"
    json_file.write_text(
        '{"b": [1, "\\u00e9"], "a": {"day": "2026-01-15", "at": "2026-01-15T17:00:00+05:00"}, "proof": {"jws": "x"}}'
    )
    yaml_file.write_text(YAML, encoding="utf-8")
    return {"json": json_file, "yaml": yaml_file}


@pytest.mark.parametrize("kind", ["json", "yaml"])
def test_canon_prints_the_canonical_bytes(
    kind: str, files: dict[str, Path], capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert run(["canon", str(files[kind])]) == 0
    out, err = capsysbinary.readouterr()
    assert out == CANONICAL.encode() + b"\n"
    assert out[:-1] == canonical_bytes(DOC).data
    assert err == b""


@pytest.mark.parametrize("kind", ["json", "yaml"])
@pytest.mark.parametrize(
    ("flags", "expected"),
    [pytest.param([], digest_of(DOC), id="whole"), pytest.param(["--payload"], payload_digest(DOC), id="payload")],
)
def test_digest_prints_64_hex(
    kind: str, flags: list[str], expected: ContentDigest, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["digest", *flags, str(files[kind])]) == 0
    out, err = capsys.readouterr()
    assert out == f"{expected.hex}\n"
    assert err == ""


@pytest.mark.parametrize(
    ("command", "content", "message"),
    [
        pytest.param(
            "canon", '{"a": [1, {"b": 1.5}]}', r"{file}: \$\.a\[1\]\.b: float 1\.5 is not allowed", id="float"
        ),
        pytest.param(
            "digest", '{"n": 18446744073709551616}', r"{file}: \$\.n: integer .* outside the 64-bit range", id="big-int"
        ),
        pytest.param("canon", '{"a": 1,}', r"{file}: invalid JSON: .* \(line 1, column 9\)", id="bad-json"),
        pytest.param(
            "digest --payload",
            "[1, 2]",
            r"{file}: --payload needs a JSON object at the top level, got list",
            id="payload-array",
        ),
    ],
)
def test_errors_are_one_line_naming_the_file(
    command: str, content: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    assert run([*command.split(), str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert re.match(rf"^error: {message.replace('{file}', re.escape(str(path)))}", err)
    assert "Traceback" not in err


def test_yaml_errors_name_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "zone.yaml"
    path.write_text("a: 1\na: 2\n")
    assert run(["digest", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: invalid YAML: duplicate key 'a' (line 2)")
    assert err.count("\n") == 1


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["canon", str(tmp_path / "nope.json")]) == 2
    assert capsys.readouterr().err == f"error: {tmp_path / 'nope.json'}: cannot read: No such file or directory\n"


def test_the_installed_command_exits_2_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("legs:\n  - amount: 1\n  - amount: 2.5\n")
    script = Path(sys.executable).with_name("msez")
    result = subprocess.run([str(script), "digest", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stdout == ""
    assert (
        result.stderr
        == f"error: {path}: $.legs[1].amount: float 2.5 is not allowed; use an integer or a decimal string\n"
    )


def test_about_lists_the_packages(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["about"]) == 0
    out = capsys.readouterr().out
    assert "msez.core" in out
    assert "msez.crypto" in out

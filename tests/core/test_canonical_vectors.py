"""Golden vectors from the reference implementation reproduce byte for byte."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from msez.core import CanonicalizationError, canonical_bytes, sha256_digest
from tests.conftest import INTEROP


def _cases() -> list[Any]:
    data = json.loads((INTEROP / "tests_fixtures_canonical_bytes.json").read_text())
    return [pytest.param(case, id=case["name"]) for case in data["test_cases"]]


@pytest.mark.parametrize("case", _cases())
def test_canonical_bytes_vector(case: dict[str, Any]) -> None:
    expected = case.get("rust_canonical_utf8", case["canonical_utf8"])
    assert canonical_bytes(case["input"]).text() == expected
    if "rust_canonical_utf8" not in case:
        assert canonical_bytes(case["input"]).data.hex() == case["canonical_hex"]
        assert sha256_digest(canonical_bytes(case["input"])).hex == case["sha256_digest"]


def _cas_cases() -> list[Any]:
    data = json.loads((INTEROP / "tests_fixtures_cas_digests.json").read_text())
    return [pytest.param(a, id=a["artifact_type"]) for a in data["artifacts"]]


@pytest.mark.parametrize("artifact", _cas_cases())
def test_cas_digest_vector(artifact: dict[str, Any], tmp_path: Path) -> None:
    from msez.crypto import FileArtifactStore

    cb = canonical_bytes(artifact["input"])
    assert cb.text() == artifact["canonical_utf8"]
    assert sha256_digest(cb).hex == artifact["sha256_digest"]
    store = FileArtifactStore([tmp_path / "dist" / "artifacts"], rules={"vc": lambda b: sha256_digest(cb)})
    ref = store.put(artifact["artifact_type"], cb.data)
    path = store.locate(artifact["artifact_type"], ref.digest_sha256)
    assert path.relative_to(tmp_path).as_posix() == artifact["expected_path"]


@pytest.mark.parametrize(
    ("value", "path"),
    [
        pytest.param({"legs": [{}, {}, {"amount": 1.5}]}, "$.legs[2].amount", id="nested-float"),
        pytest.param({"x": 1.0}, "$.x", id="whole-float"),
        pytest.param([float("nan")], "$[0]", id="nan"),
    ],
)
def test_float_is_rejected_with_its_path(value: Any, path: str) -> None:
    with pytest.raises(CanonicalizationError, match=r"float") as info:
        canonical_bytes(value)
    assert info.value.path == path

"""Fixtures for msez.crypto tests: the reference MMR vectors and both artifact-store implementations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from msez.crypto import ArtifactStore, FileArtifactStore, MemoryArtifactStore
from tests.conftest import INTEROP


@pytest.fixture(scope="session")
def mmr_vectors() -> dict[str, Any]:
    """``tests_fixtures_mmr_roots.json`` from the reference implementation."""
    data: dict[str, Any] = json.loads((INTEROP / "tests_fixtures_mmr_roots.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(params=["file", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ArtifactStore:
    """A fresh artifact store: on disk under ``tmp_path/cas`` or in memory."""
    if request.param == "file":
        return FileArtifactStore([tmp_path / "cas"])
    return MemoryArtifactStore()

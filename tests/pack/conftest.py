"""Fixtures for msez.pack: a copy of the fixture repository, an AKN module inside it, small sanctions lists."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from msez.crypto import FileArtifactStore
from msez.pack import PACK_DIGEST_RULES

FIXTURES = Path(__file__).parent / "fixtures"
MODULE = Path("modules/legal/jurisdictions/pk/rsez/civil")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A writable copy of ``fixtures/repo`` (a tiny repository with AKN modules and pack sources)."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "repo", root)
    (root / ".git").mkdir()
    return root


@pytest.fixture
def module_dir(repo: Path) -> Path:
    return repo / MODULE


@pytest.fixture
def store(repo: Path) -> FileArtifactStore:
    return FileArtifactStore([repo / "dist" / "artifacts"], rules=PACK_DIGEST_RULES)


def entry(
    entry_id: str, name: str, *aliases: str, ids: tuple[tuple[str, str], ...] = (), kind: str = "individual"
) -> dict[str, Any]:
    return {
        "entry_id": entry_id,
        "entry_type": kind,
        "primary_name": name,
        "aliases": [{"name": a} for a in aliases],
        "identifiers": [{"type": t, "value": v} for t, v in ids],
    }


@pytest.fixture
def sanctions_entries() -> list[dict[str, Any]]:
    """Hand-written fictional entries, one per screening case."""
    return [
        entry("E-1", "Muhammad Abd al-Rahman Qureshi", "Abu Hamza", ids=(("passport", "AB1234567"),)),
        entry("E-2", "José Núñez Ortega", "Pepe Nunez"),
        entry("E-3", "Crescent Indus Trading Co.", "Crescent Indus", kind="entity", ids=(("ntn", "1234567"),)),
        entry("E-4", "Tariq Mahmood Khattak", ids=(("cnic", "35202-1234567-1"),)),
        entry("E-5", "MV Caspian Pearl", "CASPIAN GLORY", kind="vessel", ids=(("imo", "IMO 9312345"),)),
        entry("E-6", "Farah Naz Siddiqui"),
    ]

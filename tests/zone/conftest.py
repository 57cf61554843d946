"""Fixtures for msez.zone: a private copy of the bundled library (modules, profiles, zones) per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from msez.cli._contributors import lock_contributors
from tests.conftest import REPO

LIBRARY_DIRS = ("modules", "profiles", "jurisdictions", "packs")
BUNDLED_ZONES = ("_starter", "ex-dfz", "pk-rsez")
BROKEN = Path(__file__).parent / "fixtures" / "broken"


def copy_library(target: Path) -> Path:
    """Copy the bundled library under ``target`` and return it."""
    for name in LIBRARY_DIRS:
        shutil.copytree(REPO / name, target / name)
    return target


# The contributors the committed lockfiles were made with (the CLI's composition).
CONTRIBUTORS = lock_contributors()


@pytest.fixture
def library_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled library (its root)."""
    return copy_library(tmp_path / "repo")

"""Shared fixtures: where the reference's interop files live."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
INTEROP = REPO.parent / "shared" / "interop"


@pytest.fixture(scope="session")
def interop() -> Path:
    """The directory of files produced by the reference implementation."""
    return INTEROP

"""Shared fixtures and test settings: where the reference's interop files live; bounded hypothesis runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parent.parent
# Copies of the reference implementation's interop files (from ../shared/interop), vendored so CI has them.
INTEROP = REPO / "tests" / "fixtures" / "interop"

# Bounded so `make test` stays fast; `HYPOTHESIS_PROFILE=thorough` for long local runs.
settings.register_profile("default", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def interop() -> Path:
    """The directory of files produced by the reference implementation."""
    return INTEROP

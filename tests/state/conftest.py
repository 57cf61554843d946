"""Fixtures for the lifecycle tests: a controllable clock and evidence helpers."""

from __future__ import annotations

import pytest

from msez.state import Evidence, ManualClock, TransitionContext

START = "2026-01-15T12:00:00Z"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def evidence(*types: str) -> tuple[Evidence, ...]:
    """One piece of evidence per type, each with a distinct digest."""
    return tuple(Evidence.of(t, {"evidence": t}) for t in types)


def ctx(*types: str, **facts: object) -> TransitionContext:
    """A context carrying evidence of ``types`` and the given facts."""
    return TransitionContext(actor="did:key:z6MkTest", evidence=evidence(*types), facts=facts)

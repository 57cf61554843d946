"""Lifecycle engine throughput: licence transitions with guards and recorded history, beside a bare dict update."""

from __future__ import annotations

from bench._harness import Report, best_of
from msez.core import Timestamp
from msez.state import LicenceLifecycle, TransitionContext

CYCLES = 20_000
_NOW = Timestamp.parse("2026-01-15T12:00:00Z")
_CYCLE = (("suspend", "Suspended"), ("reinstate", "Active"))


def _engine() -> None:
    licence = LicenceLifecycle("LIC-1", clock=lambda: _NOW)
    licence.review()
    licence.issue()
    reason = TransitionContext(reason="audit")
    for _ in range(CYCLES):
        licence.suspend("audit", reason)
        licence.reinstate()


def _bare() -> None:
    table = {("Active", "suspend"): "Suspended", ("Suspended", "reinstate"): "Active"}
    state, history = "Active", []
    for _ in range(CYCLES):
        for name, _target in _CYCLE:
            new = table[(state, name)]
            history.append((state, new, name, _NOW))
            state = new


def run(report: Report) -> None:
    transitions = 2 * CYCLES
    report.add(
        "state: licence transitions (guarded, recorded)",
        transitions / best_of(_engine, repeat=3),
        "transitions/s",
        floor=transitions / best_of(_bare, repeat=3),
        floor_name="bare dict lookup + history append",
    )

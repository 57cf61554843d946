"""Timing helpers and the report every benchmark writes into."""

from __future__ import annotations

import gc
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field


def best_of(fn: Callable[[], object], *, repeat: int = 5) -> float:
    """Best wall-clock seconds of ``repeat`` calls (garbage collection paused while timing)."""
    best = float("inf")
    for _ in range(repeat):
        gc.disable()
        try:
            start = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return best


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    floor: float | None = None
    floor_name: str = ""
    target: str = ""
    met: bool | None = None


@dataclass
class Report:
    """Collects figures; ``python -m bench`` prints them as a table."""

    figures: list[Figure] = field(default_factory=list)

    def add(
        self,
        name: str,
        value: float,
        unit: str,
        *,
        floor: float | None = None,
        floor_name: str = "",
        target: str = "",
        met: bool | None = None,
    ) -> None:
        """Record one figure; ``floor`` is the baseline measured in the same run, in the same unit."""
        self.figures.append(Figure(name, value, unit, floor, floor_name, target, met))
        ratio = f"  ratio {value / floor:.2f}x vs {floor_name} {floor:,.3f}" if floor else ""
        verdict = "" if met is None else ("  [target met]" if met else "  [target MISSED]")
        print(f"  {name}: {value:,.3f} {unit}{ratio}  {target}{verdict}", flush=True)

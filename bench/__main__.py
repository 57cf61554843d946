"""Run the benchmarks: ``python -m bench`` (all) or ``python -m bench core mmr`` (by module suffix)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

from rich.console import Console
from rich.table import Table

import bench
from bench._harness import Report


def main(selected: list[str]) -> int:
    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    if selected:
        names = [n for n in names if n.removeprefix("bench_") in selected]
    report = Report()
    started = time.perf_counter()
    for name in names:
        print(f"[{name}]", flush=True)
        importlib.import_module(f"bench.{name}").run(report)
    table = Table(title=f"msez benchmarks ({time.perf_counter() - started:.0f} s)")
    for column in ("figure", "value", "floor (same run)", "ratio", "target", "met"):
        table.add_column(column)
    for f in report.figures:
        floor = f"{f.floor:,.3f} {f.unit} ({f.floor_name})" if f.floor else ""
        ratio = f"{f.value / f.floor:.2f}x" if f.floor else ""
        met = "" if f.met is None else ("yes" if f.met else "NO")
        table.add_row(f.name, f"{f.value:,.3f} {f.unit}", floor, ratio, f.target, met)
    Console(width=200).print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

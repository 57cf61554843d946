"""Run the benchmarks: ``python -m bench`` (all) or ``python -m bench core mmr`` (by module suffix).

Each module runs in a process of its own, so no figure pays for the heap an earlier module left behind (in one
shared process the netting figure doubled after the node and pack benchmarks) and peak RSS is per module.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import pkgutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

import bench
from bench._harness import Figure, Report


def main(selected: list[str]) -> int:
    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    if selected:
        names = [n for n in names if n.removeprefix("bench_") in selected]
    figures: list[Figure] = []
    started = time.perf_counter()
    failed = []
    for name in names:
        print(f"[{name}]", flush=True)
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "figures.json"
            code = subprocess.call([sys.executable, "-m", "bench", "--one", name, str(out)])
            if code != 0 or not out.exists():
                failed.append(name)
                continue
            figures += [Figure(**f) for f in json.loads(out.read_text())]
    _print_table(figures, time.perf_counter() - started)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def run_one(name: str, out: Path) -> int:
    """Run one benchmark module in this process and write its figures as JSON to ``out``."""
    report = Report()
    importlib.import_module(f"bench.{name}").run(report)
    out.write_text(json.dumps([dataclasses.asdict(f) for f in report.figures]))
    return 0


def _print_table(figures: list[Figure], seconds: float) -> None:
    table = Table(title=f"msez benchmarks ({seconds:.0f} s)")
    for column in ("figure", "value", "floor (same run)", "ratio", "target", "met"):
        table.add_column(column)
    for f in figures:
        floor = f"{f.floor:,.3f} {f.unit} ({f.floor_name})" if f.floor else ""
        ratio = f"{f.value / f.floor:.2f}x" if f.floor else ""
        met = "" if f.met is None else ("yes" if f.met else "NO")
        table.add_row(f.name, f"{f.value:,.3f} {f.unit}", floor, ratio, f.target, met)
    Console(width=200).print(table)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        sys.exit(run_one(sys.argv[2], Path(sys.argv[3])))
    sys.exit(main(sys.argv[1:]))

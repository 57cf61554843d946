"""Benchmarks: ``make bench`` (``python -m bench [NAME ...]``) runs every ``bench/bench_*.py``.

Each module defines ``run(report: Report) -> None`` and reports each figure beside a floor measured in the same
run, so the printed ratio is meaningful on any machine.
"""

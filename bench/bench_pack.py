"""msez.pack benchmarks: sanctions screening throughput beside a full scan, and lawpack ingestion beside the floor
of parsing and canonicalising the same XML.

Screening: 10,000 query names (list names respelt, reordered or accented, and fresh random names) against a
100,000-entry synthetic list (``scripts/gen_sanctions.py``), through the indexed :class:`SanctionsScreener`; the
floor is the reference's full scan on a 2,000-name subset of the same queries (``MSEZ_BENCH_FULLSCAN`` to change
it: the full scan costs about 0.1 s per name at this size, so the floor alone takes a few minutes; the rate is per
name).
Ingest: a generated 5 MB Akoma Ntoso module through :func:`build_lawpack`, beside ``parse_xml`` + ``c14n`` alone.
"""

from __future__ import annotations

import importlib.util
import os
import random
import tempfile
from pathlib import Path
from types import ModuleType

from bench._harness import Report, best_of
from msez.pack import ReferenceSanctionsChecker, SanctionsEntry, SanctionsScreener, build_lawpack, c14n, parse_xml

ROOT = Path(__file__).resolve().parent.parent
ENTRIES = 100_000
QUERIES = 10_000
CORPUS_BYTES = 5 * 1024 * 1024


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_sanctions", ROOT / "scripts" / "gen_sanctions.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _queries(gen: ModuleType, raw: list[dict[str, object]], rng: random.Random) -> list[str]:
    queries = []
    for _ in range(QUERIES):
        roll = rng.random()
        if roll < 0.4:
            entry = rng.choice(raw)
            name = str(entry["primary_name"])
            parts = name.split()
            variants = gen.name_variants(rng, parts) if entry["entry_type"] == "individual" else []
            queries.append(rng.choice([name, name.upper(), *variants]))
        elif roll < 0.85:
            queries.append(" ".join(gen.person_name(rng)))
        else:
            queries.append(gen.company_name(rng))
    return queries


def _screening(report: Report) -> None:
    gen = _generator()
    raw = gen.generate(ENTRIES, 7)
    entries = [SanctionsEntry.from_json(e) for e in raw]
    built: list[SanctionsScreener] = []
    report.add(
        "sanctions index build (100k entries)", best_of(lambda: built.append(SanctionsScreener(entries)), repeat=1), "s"
    )
    screener = built[0]
    queries = _queries(gen, raw, random.Random(11))
    matched = sum(screener.screen(q).matched for q in queries[:1000])
    rate = QUERIES / best_of(lambda: [screener.screen(q) for q in queries], repeat=1)
    subset = queries[: int(os.environ.get("MSEZ_BENCH_FULLSCAN", "2000"))]
    scan = ReferenceSanctionsChecker(entries)
    floor = len(subset) / best_of(lambda: [scan.check_entity(q) for q in subset], repeat=1)
    report.add(
        f"screen 10k names vs 100k entries ({matched / 10:.0f}% match)",
        rate,
        "names/s",
        floor=floor,
        floor_name=f"full scan, {len(subset)} names",
        target=">= 1,000 names/s",
        met=rate >= 1000,
    )


def _akn_document(rng: random.Random, number: int, size: int) -> bytes:
    parts = [f'<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><act name="act-{number}"><body>']
    words = ["zone", "enterprise", "authority", "licence", "shall", "must", "register", "record", "capital", "report"]
    length, section = 0, 0
    while length < size:
        section += 1
        paragraphs = "".join(
            f'<paragraph eId="sec_{section}__para_{p}"><content><p>'
            + " ".join(rng.choice(words) for _ in range(40))
            + "</p></content></paragraph>"
            for p in range(1, 6)
        )
        heading = f"<num>{section}.</num><heading>Section {section}</heading>"
        chunk = f'<section eId="sec_{section}">{heading}{paragraphs}</section>'
        parts.append(chunk)
        length += len(chunk)
    parts.append("</body></act></akomaNtoso>")
    return "".join(parts).encode()


def _ingest(report: Report) -> None:
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as tmp:
        module = Path(tmp) / "modules" / "legal" / "jurisdictions" / "pk" / "bench" / "civil"
        (module / "src" / "akn").mkdir(parents=True)
        (module / "sources.yaml").write_text("jurisdiction_id: pk-bench\ndomain: civil\nsources: []\n")
        documents = [_akn_document(rng, i, CORPUS_BYTES // 10) for i in range(10)]
        for i, data in enumerate(documents):
            (module / "src" / "akn" / f"act-{i:02d}.xml").write_bytes(data)
        megabytes = sum(len(d) for d in documents) / 1e6
        ingest = best_of(lambda: build_lawpack(module, as_of_date="2026-01-15"), repeat=3)
        floor = best_of(lambda: [c14n(parse_xml(d, source="bench")) for d in documents], repeat=3)
        report.add(
            f"lawpack ingest ({megabytes:.1f} MB AKN, index + zip)",
            megabytes / ingest,
            "MB/s",
            floor=megabytes / floor,
            floor_name="parse + C14N only",
        )


def run(report: Report) -> None:
    _screening(report)
    _ingest(report)

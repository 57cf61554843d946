"""Settlement benchmarks: netting 1,000,000 obligations, and pacs.008 generation and parsing.

Floors, measured in the same run: one pass summing the same obligations into a dict (the least any netting can
do), and plain lxml serialising/parsing of the same messages.
"""

from __future__ import annotations

import random
import time

from lxml import etree

from bench._harness import Report, best_of, peak_rss_mib
from msez.core import Timestamp
from msez.settlement import Obligation, PartyAccount, SettlementLeg, build_pacs008, net, pacs008_xml, parse_pacs008

OBLIGATIONS = 1_000_000
PARTIES = 10_000
CURRENCIES = ("USD", "EUR", "JPY", "KWD", "GBP")
MESSAGES = 10_000
CREATED = Timestamp.parse("2026-01-15T12:00:00Z")


def _obligations() -> list[Obligation]:
    rng = random.Random(8)
    parties = [f"P{i:05d}" for i in range(PARTIES)]
    out = []
    while len(out) < OBLIGATIONS:
        a, b = rng.choice(parties), rng.choice(parties)
        if a != b:
            out.append(Obligation(a, b, rng.randint(1, 10_000_000), rng.choice(CURRENCIES), priority=len(out)))
    return out


def _sum_floor(obligations: list[Obligation]) -> None:
    totals: dict[tuple[str, str], int] = {}
    for o in obligations:
        key = (o.from_party, o.currency)
        totals[key] = totals.get(key, 0) + o.amount


def _netting(report: Report) -> None:
    obligations = _obligations()
    rss_before = peak_rss_mib()
    floor = best_of(lambda: _sum_floor(obligations), repeat=3)
    seconds = best_of(lambda: net(obligations), repeat=2)
    report.add(
        "net 1M obligations, 10k parties, 5 currencies",
        seconds,
        "s",
        floor=floor,
        floor_name="one-pass dict sum",
        target="< 3 s",
        met=seconds < 3.0,
    )
    report.add(
        "peak RSS after netting (1M obligations held)",
        peak_rss_mib(),
        "MiB",
        floor=rss_before,
        floor_name="RSS with obligations loaded",
    )


def _pacs008(report: Report) -> None:
    party_list = [
        PartyAccount("A", "Smith & Sons <Holdings>", "DEUTDEFF", iban="DE89370400440532013000"),
        PartyAccount("B", "Société Ōsaka 株式会社", "MHCBJPJT", account="JP-42", lei="5493001KJTIIGC8Y1R12"),
    ]
    accounts = {p.party_id: p for p in party_list}
    legs = [SettlementLeg(f"KWD:{i:06d}", "A", "B", "KWD", 1_000 + i) for i in range(MESSAGES)]

    def generate() -> list[bytes]:
        return [
            pacs008_xml(build_pacs008([leg], accounts, instructing_agent="DEUTDEFF", created_at=CREATED))
            for leg in legs
        ]

    started = time.perf_counter()
    messages = generate()
    generate_s = time.perf_counter() - started
    trees = [etree.fromstring(m) for m in messages]
    serialise_floor = best_of(lambda: [etree.tostring(t) for t in trees], repeat=3)
    parse_s = best_of(lambda: [parse_pacs008(m) for m in messages], repeat=3)
    parse_floor = best_of(lambda: [etree.fromstring(m) for m in messages], repeat=3)
    report.add(
        "pacs.008 generate (build + XML)",
        MESSAGES / generate_s,
        "msg/s",
        floor=MESSAGES / serialise_floor,
        floor_name="lxml tostring only",
    )
    report.add(
        "pacs.008 parse (safe XML + validation)",
        MESSAGES / parse_s,
        "msg/s",
        floor=MESSAGES / parse_floor,
        floor_name="lxml fromstring only",
    )


def run(report: Report) -> None:
    _netting(report)
    _pacs008(report)

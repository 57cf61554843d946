"""Fixtures for msez.settlement: party accounts with awkward names, a fixed clock, the reference route graph."""

from __future__ import annotations

import pytest

from msez.core import Timestamp
from msez.settlement import CorridorEdge, CorridorGraph, ManualClock, PartyAccount

T0 = Timestamp.parse("2026-01-15T12:00:00Z")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def parties() -> dict[str, PartyAccount]:
    """Three parties: an IBAN holder with an LEI, a name with ``&`` and ``<``, and a non-ASCII name."""
    accounts = [
        PartyAccount("A", "Acme Trading FZE", "DEUTDEFF", iban="DE89370400440532013000", lei="5493001KJTIIGC8Y1R12"),
        PartyAccount("B", "Smith & Sons <Holdings> Ltd", "NBOKKWKW", account="KW-001-778899"),
        PartyAccount("C", "Société Générale Ōsaka 株式会社", "MHCBJPJT", account="JP-ACC-42"),
    ]
    return {a.party_id: a for a in accounts}


@pytest.fixture
def reference_graph() -> CorridorGraph:
    """Reference-impl A §5.4's example: three cheap hops beat one expensive direct corridor."""
    return CorridorGraph(
        [
            CorridorEdge("PK-RSEZ", "AE-DIFC", "corridor-pk-ae", 50, 3600),
            CorridorEdge("AE-DIFC", "GB-LNDN", "corridor-ae-gb", 30, 7200),
            CorridorEdge("GB-LNDN", "US-NYFC", "corridor-gb-us", 25, 1800),
            CorridorEdge("PK-RSEZ", "US-NYFC", "corridor-pk-us", 200, 600),
        ]
    )

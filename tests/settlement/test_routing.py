"""Corridor routing by fee (reference-impl A §5.4)."""

from __future__ import annotations

import pytest

from msez.core import ValidationError
from msez.settlement import CorridorEdge, CorridorGraph


def test_reference_example_prefers_three_cheap_hops(reference_graph: CorridorGraph) -> None:
    route = reference_graph.route("PK-RSEZ", "US-NYFC")
    assert route is not None
    assert route.jurisdictions() == ["PK-RSEZ", "AE-DIFC", "GB-LNDN", "US-NYFC"]
    assert (route.hop_count, route.total_fee_bps, route.total_settlement_time_secs) == (3, 105, 12600)
    assert (reference_graph.edge_count, reference_graph.node_count) == (4, 4)


def test_no_route_to_self_or_unreachable(reference_graph: CorridorGraph) -> None:
    assert reference_graph.route("PK-RSEZ", "PK-RSEZ") is None
    assert reference_graph.route("US-NYFC", "PK-RSEZ") is None
    assert reference_graph.reachable_from("GB-LNDN") == {"GB-LNDN": 0, "US-NYFC": 25}


def test_equal_cost_ties_take_the_larger_name_first() -> None:
    graph = CorridorGraph(
        [
            CorridorEdge("S", "A", "s-a", 10, 1),
            CorridorEdge("S", "B", "s-b", 10, 2),
            CorridorEdge("A", "T", "a-t", 10, 3),
            CorridorEdge("B", "T", "b-t", 10, 4),
        ]
    )
    route = graph.route("S", "T")
    assert route is not None
    assert route.jurisdictions() == ["S", "B", "T"]


def test_negative_fee_is_refused() -> None:
    with pytest.raises(ValidationError, match="fee_bps must be an integer >= 0, got -1"):
        CorridorEdge("A", "B", "c", -1, 0)

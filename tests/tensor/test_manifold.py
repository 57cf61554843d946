"""The compliance manifold: the standard example, constraints, and Yen's k paths against brute force."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msez.core import ConflictError, NotFoundError, ValidationError, digest_of
from msez.tensor.manifold import (
    CorridorEdge,
    JurisdictionNode,
    Manifold,
    Path,
    PathConstraint,
    difc_aifc_corridor,
    standard_manifold,
)

VALUE = 1_000_000  # US$10,000.00 in cents


def test_reference_transfer_cost_example() -> None:
    assert difc_aifc_corridor().transfer_cost(VALUE) == 11_000  # 10 bps on 10 000 + 100 flat = 110 (dollars)


def test_standard_manifold_routes_difc_aifc_rsez() -> None:
    path = standard_manifold().find_path("uae-difc", "pk-rsez", value=VALUE)
    assert path is not None
    assert path.jurisdictions == ("uae-difc", "kz-aifc", "pk-rsez")
    assert path.corridor_ids == ("corridor-difc-aifc", "corridor-aifc-rsez")
    # hop 1: 100 + 10 bps x 10 000 + AIFC entry 500 = 610; hop 2: 50 + 15 bps x 10 000 + RSEZ entry 200 = 265
    assert [h.cost for h in path.hops] == [61_000, 26_500] and path.total_cost == 87_500
    assert path.total_hours == (24 + 48) + (12 + 24)
    expected_id = str(digest_of({"source": "uae-difc", "target": "pk-rsez", "corridors": list(path.corridor_ids)}))
    assert path.path_id == expected_id[:16] and path.path_id.startswith("sha256:")


def test_compliance_distance() -> None:
    distance = standard_manifold().compliance_distance("uae-difc", "pk-rsez")
    assert distance is not None
    assert (distance["hop_count"], distance["total_cost"], distance["total_hours"]) == (2, 85_000, 108)


@pytest.mark.parametrize(
    "constraint",
    [
        pytest.param(PathConstraint(max_hops=1), id="max-hops-1"),
        pytest.param(PathConstraint(max_total_cost=87_499), id="cost-limit"),
        pytest.param(PathConstraint(max_total_hours=107), id="time-limit"),
        pytest.param(PathConstraint(max_hop_cost=60_999), id="hop-cost-limit"),
        pytest.param(PathConstraint(excluded_jurisdictions=frozenset({"kz-aifc"})), id="exclude-middle"),
        pytest.param(PathConstraint(excluded_jurisdictions=frozenset({"pk-rsez"})), id="exclude-target"),
        pytest.param(PathConstraint(excluded_corridors=frozenset({"corridor-aifc-rsez"})), id="exclude-corridor"),
    ],
)
def test_constraints_block_the_only_route(constraint: PathConstraint) -> None:
    assert standard_manifold().find_path("uae-difc", "pk-rsez", value=VALUE, constraints=constraint) is None


def test_limits_exactly_met_still_route() -> None:
    limits = PathConstraint(max_hops=2, max_total_cost=87_500, max_total_hours=108, max_hop_cost=61_000)
    assert standard_manifold().find_path("uae-difc", "pk-rsez", value=VALUE, constraints=limits) is not None


def test_backwards_traversal_charges_the_entered_jurisdiction() -> None:
    path = standard_manifold().find_path("pk-rsez", "uae-difc", value=VALUE)
    assert path is not None and [h.target for h in path.hops] == ["kz-aifc", "uae-difc"]
    assert [h.cost for h in path.hops] == [5_000 + 1_500 + 50_000, 10_000 + 1_000 + 100_000]


def test_hop_limit_finds_the_cheapest_path_within_it() -> None:
    nodes = [JurisdictionNode(n, n, "XX") for n in "abcd"]
    edges = [
        CorridorEdge("ab", "a", "b", flat_fee=1),
        CorridorEdge("bc", "b", "c", flat_fee=1),
        CorridorEdge("cd", "c", "d", flat_fee=1),
        CorridorEdge("ad", "a", "d", flat_fee=10),
        CorridorEdge("bd", "b", "d", flat_fee=5),
    ]
    manifold = Manifold(nodes, edges)
    costs = [
        manifold.find_path("a", "d", constraints=PathConstraint(max_hops=h)).total_cost  # type: ignore[union-attr]
        for h in (3, 2, 1)
    ]
    assert costs == [3, 6, 10]


def test_inactive_nodes_and_corridors_are_skipped() -> None:
    nodes = [
        JurisdictionNode("a", "A", "XX"),
        JurisdictionNode("b", "B", "XX", is_active=False),
        JurisdictionNode("c", "C", "XX"),
    ]
    edges = [
        CorridorEdge("ab", "a", "b"),
        CorridorEdge("bc", "b", "c"),
        CorridorEdge("ac", "a", "c", flat_fee=9, is_active=False),
        CorridorEdge("ca", "c", "a", is_bidirectional=False),
    ]
    manifold = Manifold(nodes, edges)
    assert manifold.find_path("a", "c") is None
    assert manifold.find_path("c", "a") is not None


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        pytest.param(
            lambda m: m.find_path("uae-difc", "mars"), NotFoundError, "'mars' is not in the manifold", id="unknown"
        ),
        pytest.param(
            lambda m: m.find_path("uae-difc", "kz-aifc", value=-1), ValidationError, "non-negative", id="value"
        ),
        pytest.param(
            lambda m: m.add_corridor(difc_aifc_corridor()), ConflictError, "already in the manifold", id="dup"
        ),
        pytest.param(lambda m: CorridorEdge("x", "a", "b", flat_fee=-1), ValidationError, "flat_fee must be", id="fee"),
    ],
)
def test_errors(call, error: type[Exception], message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message):
        call(standard_manifold())


def brute_force(manifold: Manifold, source: str, target: str, value: int, limits: PathConstraint) -> list[Path]:
    """Every loop-free path satisfying the limits, by depth-first enumeration."""
    found: list[Path] = []

    def walk(node: str, visited: tuple[str, ...], hops: tuple) -> None:  # type: ignore[type-arg]
        if node == target:
            found.append(Path(source, target, hops))
            return
        if limits.max_hops is not None and len(hops) >= limits.max_hops:
            return
        for edge in manifold.corridors:
            ends = [(edge.source_jurisdiction, edge.target_jurisdiction)]
            if edge.is_bidirectional:
                ends.append((edge.target_jurisdiction, edge.source_jurisdiction))
            for start, end in ends:
                if start != node or end in visited:
                    continue
                hop = manifold.hop(edge, end, value)
                path = Path(source, end, (*hops, hop))
                if limits.max_total_cost is not None and path.total_cost > limits.max_total_cost:
                    continue
                if limits.max_total_hours is not None and path.total_hours > limits.max_total_hours:
                    continue
                walk(end, (*visited, end), (*hops, hop))

    walk(source, (source,), ())
    return sorted(found, key=lambda p: p.total_cost)


@st.composite
def graphs(draw: st.DrawFn) -> tuple[Manifold, int, PathConstraint]:
    size = draw(st.integers(2, 12))
    names = [f"j{i:02d}" for i in range(size)]
    nodes = [JurisdictionNode(n, n, "XX", entry_fee=draw(st.integers(0, 5))) for n in names]
    count = draw(st.integers(1, 3 * size))
    edges = [
        CorridorEdge(
            f"c{i:02d}",
            draw(st.sampled_from(names)),
            draw(st.sampled_from(names)),
            transfer_fee_bps=draw(st.integers(0, 20)),
            flat_fee=draw(st.integers(0, 10)),
            estimated_transfer_hours=draw(st.integers(0, 10)),
            settlement_finality_hours=0,
            is_bidirectional=draw(st.booleans()),
        )
        for i in range(count)
    ]
    limits = PathConstraint(
        max_hops=draw(st.one_of(st.none(), st.integers(1, 6))),
        max_total_cost=draw(st.one_of(st.none(), st.integers(0, 80))),
        max_total_hours=draw(st.one_of(st.none(), st.integers(0, 30))),
    )
    return Manifold(nodes, edges), draw(st.integers(0, 10_000)), limits


@given(graphs(), st.integers(1, 6))
def test_yen_k_paths_equal_the_k_cheapest_simple_paths(world: tuple[Manifold, int, PathConstraint], k: int) -> None:
    manifold, value, limits = world
    source, target = manifold.jurisdictions[0].jurisdiction_id, manifold.jurisdictions[-1].jurisdiction_id
    expected = brute_force(manifold, source, target, value, limits)
    paths = manifold.k_shortest_paths(source, target, k, value=value, constraints=limits)
    assert [p.total_cost for p in paths] == [p.total_cost for p in expected[:k]]
    assert len({p.corridor_ids for p in paths}) == len(paths)
    valid = {p.corridor_ids: p for p in expected}
    for path in paths:
        assert path.corridor_ids in valid and path == valid[path.corridor_ids]
        assert len(set(path.jurisdictions)) == len(path.jurisdictions)
    first = manifold.find_path(source, target, value=value, constraints=limits)
    assert (first.total_cost if first else None) == (expected[0].total_cost if expected else None)

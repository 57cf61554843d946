"""Tensor evaluation throughput and manifold path queries, each beside a floor measured in the same run.

* 100,000 entities x 20 domains through the default evaluators (evaluations/s), floor: a bare loop reading the
  same cells.
* A cheapest-path query on a 1,000-jurisdiction, 10,000-corridor manifold (ms per query, target < 50 ms),
  floor: networkx's Dijkstra on the same weighted graph.
"""

from __future__ import annotations

import random
import time

import networkx as nx

from bench._harness import Report, best_of
from msez.core import ComplianceDomain, Timestamp, digest_of
from msez.tensor import (
    ALL_DOMAINS,
    AttestationRef,
    ComplianceState,
    EvaluationContext,
    Evaluators,
    JurisdictionConfig,
    StoredCell,
    Subject,
)
from msez.tensor.manifold import CorridorEdge, JurisdictionNode, Manifold, PathConstraint

ENTITIES = 100_000
NODES, CORRIDORS, QUERIES = 1_000, 10_000, 20
NOW = Timestamp.parse("2026-01-15T12:00:00Z")


def _contexts(rng: random.Random) -> list[EvaluationContext]:
    fresh = AttestationRef("a-1", "kyc_verification", "did:key:z6MkI", "2025-01-01", digest_of({}), "2027-01-01")
    stale = AttestationRef("a-2", "kyc_verification", "did:key:z6MkI", "2024-01-01", digest_of({}), "2025-01-01")
    shapes = [
        {},
        {ComplianceDomain.KYC: StoredCell(ComplianceState.COMPLIANT, (fresh,), NOW, "verified")},
        {ComplianceDomain.KYC: StoredCell(ComplianceState.COMPLIANT, (stale,), NOW, "verified")},
        {
            ComplianceDomain.AML: StoredCell(None, (fresh,)),
            ComplianceDomain.BANKING: StoredCell(ComplianceState.EXEMPT),
        },
    ]
    return [EvaluationContext(Subject(f"ent-{i}"), NOW, rng.choice(shapes)) for i in range(ENTITIES)]


def _bare_loop(contexts: list[EvaluationContext]) -> int:
    pending, seen = ComplianceState.PENDING, 0
    for ctx in contexts:
        cells = ctx.cells
        for domain in ALL_DOMAINS:
            cell = cells.get(domain)
            state = cell.state if cell is not None and cell.state is not None else pending
            seen += state is pending
    return seen


def _bench_evaluation(report: Report) -> None:
    contexts = _contexts(random.Random(7))
    evaluators = Evaluators(JurisdictionConfig("pk-rsez"))
    total = ENTITIES * len(ALL_DOMAINS)
    seconds = best_of(lambda: [evaluators.evaluate(ctx) for ctx in contexts], repeat=2)
    floor = best_of(lambda: _bare_loop(contexts), repeat=2)
    report.add(
        f"tensor: evaluate {ENTITIES:,} entities x 20 domains",
        total / seconds,
        "evaluations/s",
        floor=total / floor,
        floor_name="bare loop over the cells",
    )


def _manifold(rng: random.Random) -> Manifold:
    nodes = [JurisdictionNode(f"j{i:04d}", f"J{i}", "XX", entry_fee=rng.randrange(0, 50_000)) for i in range(NODES)]
    edges = [CorridorEdge(f"ring-{i}", f"j{i:04d}", f"j{(i + 1) % NODES:04d}", 30, 20_000) for i in range(NODES)]
    for i in range(CORRIDORS - NODES):
        a, b = rng.sample(range(NODES), 2)
        edges.append(
            CorridorEdge(
                f"c{i}",
                f"j{a:04d}",
                f"j{b:04d}",
                rng.randrange(1, 50),
                rng.randrange(0, 10_000),
                rng.randrange(1, 48),
                24,
            )
        )
    return Manifold(nodes, edges)


def _networkx(manifold: Manifold, value: int) -> nx.DiGraph:
    graph = nx.DiGraph()
    for edge in manifold.corridors:
        ends = [(edge.source_jurisdiction, edge.target_jurisdiction)]
        if edge.is_bidirectional:
            ends.append((edge.target_jurisdiction, edge.source_jurisdiction))
        for a, b in ends:
            cost = manifold.hop(edge, b, value).cost
            if not graph.has_edge(a, b) or graph[a][b]["weight"] > cost:
                graph.add_edge(a, b, weight=cost)
    return graph


def _bench_routing(report: Report) -> None:
    rng = random.Random(11)
    manifold, value = _manifold(rng), 5_000_000
    pairs = [tuple(f"j{x:04d}" for x in rng.sample(range(NODES), 2)) for _ in range(QUERIES)]
    graph = _networkx(manifold, value)
    unlimited = PathConstraint(max_hops=None)
    for source, target in pairs[:3]:  # same problem, same answer
        ours = manifold.find_path(source, target, value=value, constraints=unlimited)
        theirs = nx.dijkstra_path_length(graph, source, target)
        assert ours is not None and ours.total_cost == theirs, (source, target, ours, theirs)

    def per_query(fn: object) -> float:
        return best_of(lambda: [fn(s, t) for s, t in pairs], repeat=3) / QUERIES * 1000  # type: ignore[operator]

    floor = per_query(lambda s, t: nx.dijkstra_path(graph, s, t))
    plain = per_query(lambda s, t: manifold.find_path(s, t, value=value, constraints=unlimited))
    limited = per_query(lambda s, t: manifold.find_path(s, t, value=value))
    values = iter(range(value, value + 10 * QUERIES))
    cold = per_query(lambda s, t: manifold.find_path(s, t, value=next(values)))  # a new value rebuilds arc weights
    yen = per_query(lambda s, t: manifold.k_shortest_paths(s, t, 5, value=value))
    size = f"{NODES:,} jurisdictions, {CORRIDORS:,} corridors"
    for name, ms, target in (
        (f"manifold: cheapest path, no limits ({size})", plain, "< 50 ms"),
        (f"manifold: cheapest path, max_hops 5 ({size})", limited, "< 50 ms"),
        (f"manifold: same, first query at a new asset value ({size})", cold, "< 50 ms"),
        (f"manifold: Yen k=5, max_hops 5 ({size})", yen, ""),
    ):
        met = ms < 50 if target else None
        report.add(name, ms, "ms/query", floor=floor, floor_name="networkx Dijkstra", target=target, met=met)


def run(report: Report) -> None:
    started = time.perf_counter()
    _bench_evaluation(report)
    _bench_routing(report)
    print(f"  (bench_tensor took {time.perf_counter() - started:.0f} s)")

"""Corridor routing: the cheapest chain of corridors from one jurisdiction to another.

Reference-impl A §5.4 (``bridge.rs``): directed edges with ``fee_bps`` and ``settlement_time_secs``; Dijkstra
minimises the summed fee, and the settlement time is only summed along the chosen route. A route to oneself or
to an unreachable jurisdiction is None. A node is relaxed only on a strictly smaller cost, and among queue
entries of equal cost the larger jurisdiction name is taken first, so routes match the reference's on ties.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import total_ordering

from msez.core import ValidationError


@dataclass(frozen=True, slots=True)
class CorridorEdge:
    """A corridor usable from ``source`` to ``target`` at ``fee_bps``, settling in ``settlement_time_secs``."""

    source: str
    target: str
    corridor_id: str
    fee_bps: int
    settlement_time_secs: int

    def __post_init__(self) -> None:
        if not self.source.strip() or not self.target.strip() or not self.corridor_id.strip():
            raise ValidationError("a corridor edge needs source, target and corridor_id")
        for name in ("fee_bps", "settlement_time_secs"):
            value = getattr(self, name)
            if type(value) is not int or value < 0:
                raise ValidationError(f"edge {self.corridor_id}: {name} must be an integer >= 0, got {value!r}")


@dataclass(frozen=True, slots=True)
class Route:
    """The chosen hops, in order, with their summed fee and settlement time."""

    hops: tuple[CorridorEdge, ...]

    @property
    def source(self) -> str:
        return self.hops[0].source

    @property
    def target(self) -> str:
        return self.hops[-1].target

    @property
    def total_fee_bps(self) -> int:
        return sum(h.fee_bps for h in self.hops)

    @property
    def total_settlement_time_secs(self) -> int:
        return sum(h.settlement_time_secs for h in self.hops)

    @property
    def hop_count(self) -> int:
        return len(self.hops)

    def jurisdictions(self) -> list[str]:
        return [self.hops[0].source, *(h.target for h in self.hops)]


@total_ordering
@dataclass(frozen=True, slots=True)
class _LargerFirst:
    name: str

    def __lt__(self, other: _LargerFirst) -> bool:
        return self.name > other.name


class CorridorGraph:
    """Directed corridor edges between jurisdictions."""

    def __init__(self, edges: Iterable[CorridorEdge] = ()) -> None:
        self._out: dict[str, list[CorridorEdge]] = defaultdict(list)
        self._nodes: set[str] = set()
        for edge in edges:
            self.add(edge)

    def add(self, edge: CorridorEdge) -> None:
        self._out[edge.source].append(edge)
        self._nodes.update((edge.source, edge.target))

    @property
    def edge_count(self) -> int:
        return sum(len(edges) for edges in self._out.values())

    @property
    def node_count(self) -> int:
        return len(self._nodes)

    def reachable_from(self, source: str) -> dict[str, int]:
        """Minimum total fee to every reachable jurisdiction (``source`` itself at 0)."""
        return self._dijkstra(source)[0]

    def route(self, source: str, target: str) -> Route | None:
        """The cheapest route by summed ``fee_bps``, or None (same jurisdiction, or unreachable)."""
        if source == target:
            return None
        _, via = self._dijkstra(source)
        if target not in via:
            return None
        hops: list[CorridorEdge] = []
        node = target
        while node != source:
            edge = via[node]
            hops.append(edge)
            node = edge.source
        return Route(tuple(reversed(hops)))

    def _dijkstra(self, source: str) -> tuple[dict[str, int], dict[str, CorridorEdge]]:
        cost = {source: 0}
        via: dict[str, CorridorEdge] = {}
        queue: list[tuple[int, _LargerFirst]] = [(0, _LargerFirst(source))]
        while queue:
            spent, node = heapq.heappop(queue)
            if spent > cost[node.name]:
                continue
            for edge in self._out.get(node.name, ()):
                candidate = spent + edge.fee_bps
                if candidate < cost.get(edge.target, candidate + 1):
                    cost[edge.target] = candidate
                    via[edge.target] = edge
                    heapq.heappush(queue, (candidate, _LargerFirst(edge.target)))
        return cost, via

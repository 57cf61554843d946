"""The compliance manifold and its routing: constrained cheapest paths and Yen's k loop-free shortest paths.

Written here rather than taken from networkx because routing must honour the reference's constraints (hop,
cost, per-hop cost and time limits, exclusions, inactive nodes and corridors) exactly, which plain Dijkstra
cannot: the search is label-setting Dijkstra over (jurisdiction, hops, hours), so it returns the cheapest path
that satisfies every limit, not the cheapest path pruned afterwards.

Search steps: (1) labels pop in (cost, hours, hops, jurisdiction) order; (2) a label is skipped when the same
jurisdiction was already settled with no more hops and (under a time limit) no more hours; (3) the first
settled label at the target is the answer; (4) a label at ``max_hops`` is not expanded; (5) a relaxation skips
excluded or inactive jurisdictions and corridors, banned corridors (Yen's spur searches) and anything over a
cost or time limit. Revisiting a jurisdiction is always dominated by the earlier visit, so paths are loop-free.

Ties break on hours, then hops, then the smaller jurisdiction id (the reference let the larger one win; see
docs/decisions.md). A backwards traversal of a bidirectional corridor charges the entry fee of the jurisdiction
actually entered (the reference charged the corridor's declared target).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from msez.core import ConflictError, NotFoundError, ValidationError
from msez.tensor.manifold._model import CorridorEdge, Hop, JurisdictionNode, Path, PathConstraint

_NO_LIMITS = PathConstraint()


# A search label: (cost, hours, hops, jurisdiction, sequence, parent label, corridor id, hop cost, hop hours).
_Label = tuple[int, int, int, str, int, Any, str | None, int, int]
# A weighted adjacency entry: (neighbour, corridor id, hop cost, hop hours).
_Arc = tuple[str, str, int, int]
_CACHED_VALUES = 8


@dataclass(frozen=True, slots=True)
class _Search:
    target: str
    value: int
    limits: PathConstraint
    banned_nodes: frozenset[str]
    banned_corridors: frozenset[str]


class Manifold:
    """Jurisdictions and the corridors between them."""

    def __init__(
        self,
        jurisdictions: Iterable[JurisdictionNode] = (),
        corridors: Iterable[CorridorEdge] = (),
        *,
        currency: str = "USD",
    ) -> None:
        self.currency = currency
        self._nodes: dict[str, JurisdictionNode] = {}
        self._edges: dict[str, CorridorEdge] = {}
        self._adjacent: dict[str, list[tuple[CorridorEdge, str]]] = {}
        self._weights: dict[int, dict[str, list[_Arc]]] = {}
        for node in jurisdictions:
            self.add_jurisdiction(node)
        for edge in corridors:
            self.add_corridor(edge)

    def add_jurisdiction(self, node: JurisdictionNode) -> None:
        """Raises: ConflictError: the id is taken."""
        if node.jurisdiction_id in self._nodes:
            raise ConflictError(f"jurisdiction {node.jurisdiction_id!r} is already in the manifold")
        self._nodes[node.jurisdiction_id] = node
        self._adjacent[node.jurisdiction_id] = []
        self._weights.clear()

    def add_corridor(self, edge: CorridorEdge) -> None:
        """Raises: ConflictError: the id is taken; NotFoundError: an endpoint is unknown."""
        if edge.corridor_id in self._edges:
            raise ConflictError(f"corridor {edge.corridor_id!r} is already in the manifold")
        source, target = self.jurisdiction(edge.source_jurisdiction), self.jurisdiction(edge.target_jurisdiction)
        self._edges[edge.corridor_id] = edge
        self._weights.clear()
        self._adjacent[source.jurisdiction_id].append((edge, target.jurisdiction_id))
        if edge.is_bidirectional:
            self._adjacent[target.jurisdiction_id].append((edge, source.jurisdiction_id))

    def jurisdiction(self, jurisdiction_id: str) -> JurisdictionNode:
        """Raises: NotFoundError: not in the manifold."""
        node = self._nodes.get(jurisdiction_id)
        if node is None:
            raise NotFoundError(f"jurisdiction {jurisdiction_id!r} is not in the manifold")
        return node

    @property
    def jurisdictions(self) -> tuple[JurisdictionNode, ...]:
        return tuple(self._nodes.values())

    @property
    def corridors(self) -> tuple[CorridorEdge, ...]:
        return tuple(self._edges.values())

    def hop(self, edge: CorridorEdge, entering: str, value: int) -> Hop:
        """The hop across ``edge`` into ``entering``, with its cost and hours."""
        source = edge.target_jurisdiction if entering == edge.source_jurisdiction else edge.source_jurisdiction
        cost = edge.transfer_cost(value) + self._nodes[entering].entry_fee
        return Hop(edge.corridor_id, source, entering, cost, edge.total_hours)

    def find_path(
        self, source: str, target: str, *, value: int = 0, constraints: PathConstraint = _NO_LIMITS
    ) -> Path | None:
        """The cheapest loop-free path satisfying ``constraints`` for an asset of ``value`` minor units, if any.

        Raises:
            NotFoundError: ``source`` or ``target`` is not in the manifold.
            ValidationError: ``value`` is negative.
        """
        self._endpoints(source, target, value)
        if {source, target} & constraints.excluded_jurisdictions:
            return None
        search = _Search(target, value, constraints, frozenset(), frozenset())
        return self._search(search, (0, 0, 0, source, 0, None, None, 0, 0))

    def k_shortest_paths(
        self, source: str, target: str, k: int, *, value: int = 0, constraints: PathConstraint = _NO_LIMITS
    ) -> list[Path]:
        """Up to ``k`` cheapest loop-free paths in order, by Yen's algorithm over the constrained search.

        Raises:
            NotFoundError, ValidationError: as for :meth:`find_path`.
        """
        first = self.find_path(source, target, value=value, constraints=constraints)
        if first is None or k < 1:
            return []
        found, seen = [first], {first.corridor_ids}
        candidates: list[tuple[int, int, int, tuple[str, ...], Path]] = []
        while len(found) < k:
            for path in self._spur_paths(found, value, constraints):
                if path.corridor_ids not in seen:
                    seen.add(path.corridor_ids)
                    heapq.heappush(
                        candidates, (path.total_cost, path.total_hours, path.hop_count, path.corridor_ids, path)
                    )
            if not candidates:
                break
            found.append(heapq.heappop(candidates)[-1])
        return found

    def compliance_distance(
        self, source: str, target: str, *, constraints: PathConstraint = _NO_LIMITS
    ) -> dict[str, Any] | None:
        """The reference's distance summary of the cheapest path at asset value 0, or ``None`` if unreachable."""
        path = self.find_path(source, target, constraints=constraints)
        if path is None:
            return None
        return {
            "source": source,
            "target": target,
            "hop_count": path.hop_count,
            "total_cost": path.total_cost,
            "total_hours": path.total_hours,
            "path_id": path.path_id,
        }

    def _endpoints(self, source: str, target: str, value: int) -> None:
        self.jurisdiction(source)
        self.jurisdiction(target)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError(f"asset value must be a non-negative integer of minor units, got {value!r}")

    def _spur_paths(self, found: list[Path], value: int, limits: PathConstraint) -> Iterable[Path]:
        last = found[-1]
        for i in range(last.hop_count):
            root = last.hops[:i]
            banned = frozenset(p.hops[i].corridor_id for p in found if p.hop_count > i and p.hops[:i] == root)
            start: _Label = (0, 0, 0, last.source, 0, None, None, 0, 0)
            for hop in root:
                start = (
                    start[0] + hop.cost,
                    start[1] + hop.hours,
                    start[2] + 1,
                    hop.target,
                    0,
                    start,
                    hop.corridor_id,
                    hop.cost,
                    hop.hours,
                )
            search = _Search(last.target, value, limits, frozenset(last.jurisdictions[:i]), banned)
            spur = self._search(search, start)
            if spur is not None:
                yield spur

    def _weighted(self, value: int) -> dict[str, list[_Arc]]:
        """Active arcs with their hop cost for an asset ``value`` (cached for a few recent values)."""
        arcs = self._weights.get(value)
        if arcs is None:
            if len(self._weights) >= _CACHED_VALUES:
                self._weights.clear()
            nodes = self._nodes
            arcs = {
                node: [
                    (nbr, edge.corridor_id, edge.transfer_cost(value) + nodes[nbr].entry_fee, edge.total_hours)
                    for edge, nbr in adjacent
                    if edge.is_active and nodes[nbr].is_active
                ]
                for node, adjacent in self._adjacent.items()
            }
            self._weights[value] = arcs
        return arcs

    def _search(self, s: _Search, start: _Label) -> Path | None:
        limits, arcs = s.limits, self._weighted(s.value)
        max_hops = limits.max_hops if limits.max_hops is not None else len(self._nodes)
        max_cost, max_hours, max_hop_cost = limits.max_total_cost, limits.max_total_hours, limits.max_hop_cost
        skip_nodes = s.banned_nodes | limits.excluded_jurisdictions
        skip_arcs = s.banned_corridors | limits.excluded_corridors
        timed = max_hours is not None
        settled: dict[str, list[tuple[int, int]]] = {}
        best: dict[str, tuple[int, int, int]] = {}
        heap, counter = [start], 0
        while heap:
            label = heapq.heappop(heap)
            cost, hours, hops, node = label[0], label[1], label[2], label[3]
            marks = settled.setdefault(node, [])
            seen_hours = hours if timed else 0
            if any(h <= hops and t <= seen_hours for h, t in marks):
                continue
            marks.append((hops, seen_hours))
            if node == s.target:
                return _path(label)
            if hops >= max_hops:
                continue
            for nbr, corridor, hop_cost, hop_hours in arcs[node]:
                if nbr in skip_nodes or corridor in skip_arcs:
                    continue
                new_cost, new_hours, new_hops = cost + hop_cost, hours + hop_hours, hops + 1
                if (
                    (max_hop_cost is not None and hop_cost > max_hop_cost)
                    or (max_cost is not None and new_cost > max_cost)
                    or (max_hours is not None and new_hours > max_hours)
                ):
                    continue
                known = best.get(nbr)
                if (
                    known is not None
                    and new_cost >= known[0]
                    and new_hops >= known[1]
                    and (not timed or new_hours >= known[2])
                ):
                    continue
                if known is None or new_cost < known[0]:
                    best[nbr] = (new_cost, new_hops, new_hours)
                counter += 1
                heapq.heappush(
                    heap, (new_cost, new_hours, new_hops, nbr, counter, label, corridor, hop_cost, hop_hours)
                )
        return None


def _path(label: _Label) -> Path:
    hops: list[Hop] = []
    end = label[3]
    while label[5] is not None and label[6] is not None:
        parent = label[5]
        hops.append(Hop(label[6], parent[3], label[3], label[7], label[8]))
        label = parent
    return Path(label[3], end, tuple(reversed(hops)))

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


@dataclass(frozen=True, slots=True)
class _Label:
    node: str
    cost: int
    hours: int
    hops: int
    parent: _Label | None
    hop: Hop | None


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

    def add_corridor(self, edge: CorridorEdge) -> None:
        """Raises: ConflictError: the id is taken; NotFoundError: an endpoint is unknown."""
        if edge.corridor_id in self._edges:
            raise ConflictError(f"corridor {edge.corridor_id!r} is already in the manifold")
        source, target = self.jurisdiction(edge.source_jurisdiction), self.jurisdiction(edge.target_jurisdiction)
        self._edges[edge.corridor_id] = edge
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
        return self._search(search, _Label(source, 0, 0, 0, None, None))

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
            start = _Label(last.source, 0, 0, 0, None, None)
            for hop in root:
                start = _Label(hop.target, start.cost + hop.cost, start.hours + hop.hours, start.hops + 1, start, hop)
            search = _Search(last.target, value, limits, frozenset(last.jurisdictions[:i]), banned)
            spur = self._search(search, start)
            if spur is not None:
                yield spur

    def _search(self, s: _Search, start: _Label) -> Path | None:
        timed = s.limits.max_total_hours is not None
        settled: dict[str, list[tuple[int, int]]] = {}
        heap: list[tuple[int, int, int, str, int, _Label]] = [
            (start.cost, start.hours, start.hops, start.node, 0, start)
        ]
        counter = 0
        while heap:
            label = heapq.heappop(heap)[-1]
            marks = settled.setdefault(label.node, [])
            hours = label.hours if timed else 0
            if any(h <= label.hops and t <= hours for h, t in marks):
                continue
            marks.append((label.hops, hours))
            if label.node == s.target:
                return _path(label)
            if s.limits.max_hops is not None and label.hops >= s.limits.max_hops:
                continue
            for nxt in self._relax(s, label):
                counter += 1
                heapq.heappush(heap, (nxt.cost, nxt.hours, nxt.hops, nxt.node, counter, nxt))
        return None

    def _relax(self, s: _Search, label: _Label) -> Iterable[_Label]:
        limits = s.limits
        for edge, neighbour in self._adjacent[label.node]:
            if (
                not edge.is_active
                or edge.corridor_id in s.banned_corridors
                or edge.corridor_id in limits.excluded_corridors
                or neighbour in s.banned_nodes
                or neighbour in limits.excluded_jurisdictions
                or not self._nodes[neighbour].is_active
            ):
                continue
            hop = self.hop(edge, neighbour, s.value)
            cost, hours = label.cost + hop.cost, label.hours + hop.hours
            if (
                (limits.max_hop_cost is not None and hop.cost > limits.max_hop_cost)
                or (limits.max_total_cost is not None and cost > limits.max_total_cost)
                or (limits.max_total_hours is not None and hours > limits.max_total_hours)
            ):
                continue
            yield _Label(neighbour, cost, hours, label.hops + 1, label, hop)


def _path(label: _Label) -> Path:
    hops: list[Hop] = []
    end = label.node
    while label.parent is not None and label.hop is not None:
        hops.append(label.hop)
        label = label.parent
    return Path(label.node, end, tuple(reversed(hops)))

"""The manifold's graph: jurisdiction nodes, corridor edges, path constraints and found paths.

Money is integer minor units of the manifold's currency (the standard manifold uses US cents). A corridor's
transfer cost is ``flat_fee + value * transfer_fee_bps // 10_000`` (floor, exact integer arithmetic); the weight
of a hop adds the entry fee of the jurisdiction the hop enters. Time is whole hours: transfer plus finality.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from msez.core import ComplianceDomain, ValidationError, digest_of


def _non_negative(owner: str, **values: int) -> None:
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError(f"{owner}: {name} must be a non-negative integer, got {value!r}")


@dataclass(frozen=True, slots=True)
class JurisdictionNode:
    """A jurisdiction a route can pass through."""

    jurisdiction_id: str
    name: str
    country_code: str
    entry_fee: int = 0
    annual_fee: int = 0
    is_active: bool = True
    supported_asset_classes: tuple[str, ...] = ()
    required_domains: tuple[ComplianceDomain, ...] = ()

    def __post_init__(self) -> None:
        _non_negative(self.jurisdiction_id, entry_fee=self.entry_fee, annual_fee=self.annual_fee)


@dataclass(frozen=True, slots=True)
class CorridorEdge:
    """A corridor between two jurisdictions (traversable both ways when bidirectional)."""

    corridor_id: str
    source_jurisdiction: str
    target_jurisdiction: str
    transfer_fee_bps: int = 0
    flat_fee: int = 0
    estimated_transfer_hours: int = 24
    settlement_finality_hours: int = 48
    is_bidirectional: bool = True
    is_active: bool = True
    required_domains: tuple[ComplianceDomain, ...] = ()

    def __post_init__(self) -> None:
        _non_negative(
            self.corridor_id,
            transfer_fee_bps=self.transfer_fee_bps,
            flat_fee=self.flat_fee,
            estimated_transfer_hours=self.estimated_transfer_hours,
            settlement_finality_hours=self.settlement_finality_hours,
        )

    def transfer_cost(self, value: int) -> int:
        """``flat_fee + floor(value * bps / 10 000)`` in minor units."""
        return self.flat_fee + value * self.transfer_fee_bps // 10_000

    @property
    def total_hours(self) -> int:
        return self.estimated_transfer_hours + self.settlement_finality_hours


@dataclass(frozen=True)
class PathConstraint:
    """Limits on a route; ``None`` means no limit."""

    max_hops: int | None = 5
    max_total_cost: int | None = None
    max_total_hours: int | None = None
    max_hop_cost: int | None = None
    excluded_jurisdictions: frozenset[str] = field(default_factory=frozenset)
    excluded_corridors: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        object.__setattr__(self, "excluded_jurisdictions", frozenset(self.excluded_jurisdictions))
        object.__setattr__(self, "excluded_corridors", frozenset(self.excluded_corridors))


@dataclass(frozen=True, slots=True)
class Hop:
    """One corridor traversal: cost (transfer + entry fee of ``target``) and hours."""

    corridor_id: str
    source: str
    target: str
    cost: int
    hours: int


@dataclass(frozen=True)
class Path:
    """A loop-free route."""

    source: str
    target: str
    hops: tuple[Hop, ...]

    @property
    def total_cost(self) -> int:
        return sum(h.cost for h in self.hops)

    @property
    def total_hours(self) -> int:
        return sum(h.hours for h in self.hops)

    @property
    def hop_count(self) -> int:
        return len(self.hops)

    @property
    def corridor_ids(self) -> tuple[str, ...]:
        return tuple(h.corridor_id for h in self.hops)

    @property
    def jurisdictions(self) -> tuple[str, ...]:
        return (self.source, *(h.target for h in self.hops))

    @property
    def path_id(self) -> str:
        """The reference's id: the first 16 characters of ``sha256:<hex>`` of the path's canonical summary."""
        summary = {"source": self.source, "target": self.target, "corridors": list(self.corridor_ids)}
        return str(digest_of(summary))[:16]

    def to_json(self) -> dict[str, Any]:
        return {
            "path_id": self.path_id,
            "source": self.source,
            "target": self.target,
            "hops": [
                {"corridor_id": h.corridor_id, "source": h.source, "target": h.target, "cost": h.cost, "hours": h.hours}
                for h in self.hops
            ],
            "hop_count": self.hop_count,
            "total_cost": self.total_cost,
            "total_hours": self.total_hours,
        }

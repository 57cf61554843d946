"""msez.tensor.manifold: jurisdictions as nodes, corridors as edges, constrained cheapest routes between them.

Costs are integer minor units: flat fee + floor(value x bps / 10 000) + the entry fee of the jurisdiction each
hop enters. Routing honours hop, cost and time limits and exclusions; :meth:`Manifold.k_shortest_paths` gives
the k cheapest loop-free routes by Yen's algorithm.
"""

from msez.tensor.manifold._model import CorridorEdge, Hop, JurisdictionNode, Path, PathConstraint
from msez.tensor.manifold._routing import Manifold
from msez.tensor.manifold._standard import (
    aifc_rsez_corridor,
    difc_aifc_corridor,
    kz_aifc,
    pk_rsez,
    standard_manifold,
    uae_difc,
)

__all__ = [
    "CorridorEdge",
    "Hop",
    "JurisdictionNode",
    "Manifold",
    "Path",
    "PathConstraint",
    "aifc_rsez_corridor",
    "difc_aifc_corridor",
    "kz_aifc",
    "pk_rsez",
    "standard_manifold",
    "uae_difc",
]

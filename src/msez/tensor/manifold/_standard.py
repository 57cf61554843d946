"""The reference's standard manifold (reference-impl A §4.4): DIFC, AIFC and Rashakai SEZ, in US cents.

The reference states these fees in whole US dollars; here they are minor units (x 100), so its example "10 bps
on 10 000 + 100 flat = 110" reads 1 000 000 cents -> 11 000 cents.
"""

from __future__ import annotations

from msez.core import ComplianceDomain as D
from msez.tensor.manifold._model import CorridorEdge, JurisdictionNode
from msez.tensor.manifold._routing import Manifold

CENTS = 100


def uae_difc() -> JurisdictionNode:
    return JurisdictionNode("uae-difc", "DIFC", "AE", 1000 * CENTS, 5000 * CENTS, required_domains=(D.KYC, D.AML))


def kz_aifc() -> JurisdictionNode:
    return JurisdictionNode("kz-aifc", "AIFC", "KZ", 500 * CENTS, 2000 * CENTS, required_domains=(D.KYC, D.SANCTIONS))


def pk_rsez() -> JurisdictionNode:
    return JurisdictionNode("pk-rsez", "Rashakai SEZ", "PK", 200 * CENTS, 1000 * CENTS, required_domains=(D.KYC, D.TAX))


def difc_aifc_corridor() -> CorridorEdge:
    return CorridorEdge(
        "corridor-difc-aifc", "uae-difc", "kz-aifc", 10, 100 * CENTS, 24, 48, required_domains=(D.AML, D.SANCTIONS)
    )


def aifc_rsez_corridor() -> CorridorEdge:
    return CorridorEdge(
        "corridor-aifc-rsez", "kz-aifc", "pk-rsez", 15, 50 * CENTS, 12, 24, required_domains=(D.AML, D.TAX)
    )


def standard_manifold() -> Manifold:
    """DIFC <-> AIFC <-> RSEZ, both corridors bidirectional."""
    return Manifold([uae_difc(), kz_aifc(), pk_rsez()], [difc_aifc_corridor(), aifc_rsez_corridor()])

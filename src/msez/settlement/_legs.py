"""Settlement records shared by the netting algorithms: net positions, legs and per-currency totals."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from msez.core import ValidationError


class NettingMode(StrEnum):
    """How legs are chosen: the reference's greedy matching, or our leg-minimising search."""

    GREEDY = "greedy"
    MIN_LEGS = "min-legs"


@dataclass(frozen=True, slots=True)
class NetPosition:
    """A party's gross receivable and payable in one currency; ``net`` = receivable - payable."""

    party_id: str
    currency: str
    receivable: int
    payable: int

    @property
    def net(self) -> int:
        return self.receivable - self.payable


@dataclass(frozen=True, slots=True)
class SettlementLeg:
    """One payment of the plan: ``from_party`` pays ``to_party`` ``amount`` minor units of ``currency``."""

    leg_id: str
    from_party: str
    to_party: str
    currency: str
    amount: int

    def __post_init__(self) -> None:
        if type(self.amount) is not int or self.amount <= 0:
            raise ValidationError(f"leg {self.leg_id}: amount must be a positive integer, got {self.amount!r}")
        if self.from_party == self.to_party:
            raise ValidationError(f"leg {self.leg_id}: party {self.from_party!r} pays itself")


@dataclass(frozen=True, slots=True)
class CurrencyTotal:
    """Gross obligations and netted payments in one currency; ``reduction_bps`` = floor((gross-net)*10000/gross)."""

    currency: str
    gross: int
    net: int
    leg_count: int

    @property
    def reduction_bps(self) -> int:
        return reduction_bps(self.gross, self.net)


def reduction_bps(gross: int, net: int) -> int:
    """Integer basis points saved by netting (0 when nothing was owed), so plans stay float-free."""
    return (gross - net) * 10_000 // gross if gross > 0 else 0


Transfer = tuple[str, str, int]
"""(payer, payee, amount) before a leg id is assigned."""


def greedy_transfers(nets: Mapping[str, int]) -> list[Transfer]:
    """The reference's two-pointer matching (reference-impl A §5.3) over one currency's net positions.

    Payers (net < 0) and receivers (net > 0) are each sorted by party id; each step pays the smaller of the
    two remaining amounts and advances whichever side reached zero (both may advance).
    """
    payers = sorted((p, -n) for p, n in nets.items() if n < 0)
    receivers = sorted((p, n) for p, n in nets.items() if n > 0)
    transfers: list[Transfer] = []
    i = j = 0
    pay_left = payers[0][1] if payers else 0
    get_left = receivers[0][1] if receivers else 0
    while i < len(payers) and j < len(receivers):
        amount = min(pay_left, get_left)
        if amount > 0:
            transfers.append((payers[i][0], receivers[j][0], amount))
        pay_left -= amount
        get_left -= amount
        if pay_left == 0:
            i += 1
            pay_left = payers[i][1] if i < len(payers) else 0
        if get_left == 0:
            j += 1
            get_left = receivers[j][1] if j < len(receivers) else 0
    return transfers


def number_legs(currency: str, transfers: list[Transfer]) -> list[SettlementLeg]:
    """Legs with ids ``<CCY>:<6-digit index>`` (1-based), as the legacy settlement plan numbers them."""
    return [SettlementLeg(f"{currency}:{i:06d}", a, b, currency, amt) for i, (a, b, amt) in enumerate(transfers, 1)]

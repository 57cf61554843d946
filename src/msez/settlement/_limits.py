"""Per-party liquidity limits: net-debit caps defer obligations, leg caps split payments.

Semantics (docs/decisions.md, "Liquidity limits"):

* ``max_net_debit``: the most a party may pay, net, in one currency in one plan. While a party's net debit
  exceeds it, its outgoing obligations in that currency are deferred, lowest ``priority`` first and, within a
  priority, the latest added first, until the cap holds. Deferring reduces what the creditor receives, which
  may push the creditor over its own cap; that is resolved the same way, so the loop ends with every cap met.
  Deferred obligations carry the reason and roll into the next settlement window.
* ``max_leg_amount``: the largest single payment a party may make. A leg above it is split into equal-sized
  legs (the last one smaller) of at most the cap.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from msez.core import ConflictError, ValidationError
from msez.settlement._legs import Transfer
from msez.settlement._obligation import Obligation


@dataclass(frozen=True, slots=True)
class PartyLimit:
    """Liquidity limits of one party in one currency (None = unlimited)."""

    party_id: str
    currency: str
    max_net_debit: int | None = None
    max_leg_amount: int | None = None

    def __post_init__(self) -> None:
        if not self.party_id.strip() or not self.currency.strip():
            raise ValidationError("a limit needs a party_id and a currency")
        if self.max_net_debit is not None and (type(self.max_net_debit) is not int or self.max_net_debit < 0):
            raise ValidationError(f"{self.party_id}: max_net_debit must be an integer >= 0, got {self.max_net_debit!r}")
        if self.max_leg_amount is not None and (type(self.max_leg_amount) is not int or self.max_leg_amount <= 0):
            raise ValidationError(
                f"{self.party_id}: max_leg_amount must be an integer > 0, got {self.max_leg_amount!r}"
            )


@dataclass(frozen=True, slots=True)
class Deferral:
    """An obligation left out of a plan, and why."""

    obligation: Obligation
    reason: str


LimitKey = tuple[str, str]


def index_limits(limits: Iterable[PartyLimit]) -> dict[LimitKey, PartyLimit]:
    """Limits by (party, currency).

    Raises:
        ConflictError: two limits for the same party and currency.
    """
    indexed: dict[LimitKey, PartyLimit] = {}
    for limit in limits:
        key = (limit.party_id, limit.currency)
        if key in indexed:
            raise ConflictError(f"two limits for party {limit.party_id!r} in {limit.currency}")
        indexed[key] = limit
    return indexed


def defer_for_net_debit(
    obligations: Sequence[Obligation], limits: dict[LimitKey, PartyLimit]
) -> tuple[Sequence[Obligation], list[Deferral]]:
    """Split ``obligations`` into those kept and those deferred so that no net-debit cap is exceeded."""
    capped = {key: lim.max_net_debit for key, lim in limits.items() if lim.max_net_debit is not None}
    if not capped:
        return obligations, []
    nets: dict[LimitKey, int] = defaultdict(int)
    outgoing: dict[LimitKey, list[tuple[int, int]]] = defaultdict(list)
    for index, o in enumerate(obligations):
        nets[(o.from_party, o.currency)] -= o.amount
        nets[(o.to_party, o.currency)] += o.amount
        if (o.from_party, o.currency) in capped:
            outgoing[(o.from_party, o.currency)].append((o.priority, index))
    for queue in outgoing.values():
        queue.sort(key=lambda item: (-item[0], item[1]))  # pop() yields lowest priority, latest added
    deferred: dict[int, str] = {}
    work = sorted(key for key in capped if -nets[key] > capped[key])
    heapq.heapify(work)
    while work:
        key = heapq.heappop(work)
        while -nets[key] > capped[key]:
            _, index = outgoing[key].pop()
            o = obligations[index]
            deferred[index] = (
                f"{o.from_party} would pay {-nets[key]} {o.currency} net, above its limit of {capped[key]}"
            )
            nets[key] += o.amount
            creditor = (o.to_party, o.currency)
            nets[creditor] -= o.amount
            if creditor in capped and -nets[creditor] > capped[creditor]:
                heapq.heappush(work, creditor)
    kept = [o for i, o in enumerate(obligations) if i not in deferred]
    return kept, [Deferral(obligations[i], reason) for i, reason in sorted(deferred.items())]


def split_transfers(transfers: list[Transfer], currency: str, limits: dict[LimitKey, PartyLimit]) -> list[Transfer]:
    """Split every transfer above its payer's ``max_leg_amount`` into parts of at most that cap."""
    out: list[Transfer] = []
    for payer, payee, amount in transfers:
        limit = limits.get((payer, currency))
        cap = limit.max_leg_amount if limit else None
        if cap is None or amount <= cap:
            out.append((payer, payee, amount))
            continue
        whole, rest = divmod(amount, cap)
        out.extend([(payer, payee, cap)] * whole)
        if rest:
            out.append((payer, payee, rest))
    return out

"""Multilateral netting: gross and net positions per party and currency, and the legs that settle them.

Reference-impl A §5.3 (``netting.rs``): positions are keyed (party, currency); net = receivable - payable;
legs per currency in sorted currency order; gross total = sum of obligations, net total = sum of legs; totals
must fit in 64 bits. The reduction is integer basis points (``reduction_bps``) so a plan can be canonicalised.
Netting is linear: one set construction checks duplicates, one pass accumulates the positions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Final

from msez.core import ValidationError
from msez.settlement._legs import (
    CurrencyTotal,
    NetPosition,
    NettingMode,
    SettlementLeg,
    Transfer,
    greedy_transfers,
    number_legs,
    reduction_bps,
)
from msez.settlement._limits import (
    Deferral,
    LimitKey,
    PartyLimit,
    defer_for_net_debit,
    index_limits,
    split_transfers,
)
from msez.settlement._minlegs import grouped_transfers
from msez.settlement._obligation import Obligation, duplicate_error

MAX_TOTAL: Final = 2**63 - 1

Book = tuple[dict[str, int], dict[str, int]]
"""Per currency: (receivable by party, payable by party)."""


@dataclass(frozen=True)
class NettingResult:
    """The outcome of netting one set of obligations; every field is already sorted."""

    mode: NettingMode
    obligations: tuple[Obligation, ...]
    deferred: tuple[Deferral, ...]
    limits: tuple[PartyLimit, ...]
    positions: tuple[NetPosition, ...]
    legs: tuple[SettlementLeg, ...]
    currency_totals: tuple[CurrencyTotal, ...]

    @property
    def gross_total(self) -> int:
        return sum(t.gross for t in self.currency_totals)

    @property
    def net_total(self) -> int:
        return sum(t.net for t in self.currency_totals)

    @property
    def reduction_bps(self) -> int:
        return reduction_bps(self.gross_total, self.net_total)


_KEY = attrgetter("from_party", "to_party", "amount", "currency", "corridor_id")
_FIELDS = attrgetter("from_party", "to_party", "amount", "currency")


def accumulate(obligations: Sequence[Obligation]) -> dict[str, Book]:
    """Gross positions by currency, refusing duplicates.

    The duplicate check first collects the hashes of the keys (ints, which the garbage collector does not track, so
    a million obligations cost no collections); only when two hashes coincide does the exact check run, and a mere
    hash collision passes it.

    Raises:
        ObligationError: a duplicate (from, to, amount, currency, corridor).
    """
    if len(set(map(hash, map(_KEY, obligations)))) != len(obligations):
        _raise_first_duplicate(obligations)
    books: dict[str, Book] = {}
    for frm, to, amount, currency in map(_FIELDS, obligations):
        book = books.get(currency)
        if book is None:
            book = books[currency] = (defaultdict(int), defaultdict(int))
        book[1][frm] += amount
        book[0][to] += amount
    return books


def _raise_first_duplicate(obligations: Sequence[Obligation]) -> None:
    seen: set[tuple[str, str, int, str, str | None]] = set()
    for o in obligations:
        key = _KEY(o)
        if key in seen:
            raise duplicate_error(o)
        seen.add(key)


def net(
    obligations: Iterable[Obligation],
    *,
    mode: NettingMode = NettingMode.GREEDY,
    limits: Iterable[PartyLimit] = (),
) -> NettingResult:
    """Net ``obligations`` into settlement legs.

    Args:
        mode: ``greedy`` reproduces the reference's legs; ``min-legs`` never produces more legs than greedy.
        limits: per-party caps; net-debit caps defer obligations, leg caps split legs.

    Raises:
        ValidationError: no obligations, or a total beyond 64 bits. ObligationError: a duplicate obligation.
        ConflictError: two limits for one party and currency.
    """
    items = list(obligations)
    if not items:
        raise ValidationError("no_obligations: there is nothing to net")
    limit_index = index_limits(limits)
    books = accumulate(items)
    kept, deferred = defer_for_net_debit(items, limit_index)
    if deferred:
        books = accumulate(kept)
    legs: list[SettlementLeg] = []
    totals: list[CurrencyTotal] = []
    for currency in sorted(books):
        receivable, payable = books[currency]
        transfers = _settle_currency(currency, _nets(receivable, payable), mode, limit_index)
        currency_legs = number_legs(currency, transfers)
        totals.append(_total(currency, sum(payable.values()), currency_legs))
        legs.extend(currency_legs)
    if sum(t.gross for t in totals) > MAX_TOTAL:
        raise ValidationError("arithmetic_overflow: the gross total over all currencies exceeds 2^63-1")
    return NettingResult(
        mode=mode,
        obligations=tuple(kept),
        deferred=tuple(deferred),
        limits=tuple(sorted(limit_index.values(), key=lambda lim: (lim.party_id, lim.currency))),
        positions=_positions(books),
        legs=tuple(legs),
        currency_totals=tuple(totals),
    )


def _nets(receivable: dict[str, int], payable: dict[str, int]) -> dict[str, int]:
    nets = dict(receivable)
    for party, amount in payable.items():
        nets[party] = nets.get(party, 0) - amount
    return nets


def _settle_currency(
    currency: str, nets: dict[str, int], mode: NettingMode, limits: dict[LimitKey, PartyLimit]
) -> list[Transfer]:
    greedy = split_transfers(greedy_transfers(nets), currency, limits)
    if mode is NettingMode.GREEDY:
        return greedy
    grouped = split_transfers(grouped_transfers(nets), currency, limits)
    return grouped if len(grouped) < len(greedy) else greedy


def _total(currency: str, gross: int, legs: list[SettlementLeg]) -> CurrencyTotal:
    net_amount = sum(leg.amount for leg in legs)
    if gross > MAX_TOTAL:
        raise ValidationError(f"arithmetic_overflow: gross {currency} total {gross} exceeds 2^63-1")
    return CurrencyTotal(currency=currency, gross=gross, net=net_amount, leg_count=len(legs))


def _positions(books: dict[str, Book]) -> tuple[NetPosition, ...]:
    positions = [
        NetPosition(party, currency, receivable.get(party, 0), payable.get(party, 0))
        for currency, (receivable, payable) in books.items()
        for party in receivable.keys() | payable.keys()
    ]
    positions.sort(key=lambda p: (p.party_id, p.currency))
    return tuple(positions)

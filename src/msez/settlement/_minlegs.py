"""Leg-minimising settlement: split the net positions into as many zero-sum groups as we can find.

Any settlement of a zero-sum group of k parties needs at least k - 1 legs, and the greedy matching inside a
group uses at most k - 1, so a plan with g groups over n parties has at most n - g legs; the fewest legs overall
is n minus the largest number of disjoint zero-sum groups (an NP-hard partition problem).

* Up to :data:`EXACT_LIMIT` parties in a currency we find that maximum exactly, by dynamic programming over
  subsets (O(2^n * n)).
* Above it we take equal payer/receiver pairs, then (within :data:`TRIPLE_BUDGET` comparisons) one payer
  settling two receivers or two payers settling one receiver, and leave the rest as one group.

The caller keeps whichever of this plan and the greedy plan has fewer legs, so this mode never produces more
legs than the reference's greedy one (docs/decisions.md, "Leg-minimising netting").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from itertools import pairwise
from typing import Final

from msez.settlement._legs import Transfer, greedy_transfers

EXACT_LIMIT: Final = 12
TRIPLE_BUDGET: Final = 2_000_000

Group = dict[str, int]


def grouped_transfers(nets: Mapping[str, int]) -> list[Transfer]:
    """Transfers settling ``nets`` (party -> net, summing to zero) group by group."""
    nonzero = {p: n for p, n in nets.items() if n != 0}
    groups = exact_groups(nonzero) if len(nonzero) <= EXACT_LIMIT else heuristic_groups(nonzero)
    transfers: list[Transfer] = []
    for group in groups:
        transfers.extend(greedy_transfers(group))
    return transfers


def exact_groups(nets: Mapping[str, int]) -> list[Group]:
    """The largest partition of ``nets`` into zero-sum groups (subset dynamic programming)."""
    parties = sorted(nets)
    values = [nets[p] for p in parties]
    size = 1 << len(parties)
    sums = [0] * size
    best = [0] * size
    for mask in range(1, size):
        low = mask & -mask
        sums[mask] = sums[mask ^ low] + values[low.bit_length() - 1]
        top, rest = 0, mask
        while rest:
            bit = rest & -rest
            top = max(top, best[mask ^ bit])
            rest ^= bit
        best[mask] = top + (sums[mask] == 0)
    boundaries = _zero_sum_chain(size - 1, sums, best)
    return [
        {parties[i]: values[i] for i in range(len(parties)) if (outer & ~inner) >> i & 1}
        for outer, inner in pairwise(boundaries)
    ]


def _zero_sum_chain(full: int, sums: list[int], best: list[int]) -> list[int]:
    """Walk an optimal removal order from ``full`` to the empty set; return the zero-sum masks met on the way."""
    chain = [full]
    mask = full
    while mask:
        rest = mask
        while rest:
            bit = rest & -rest
            if best[mask ^ bit] + (sums[mask] == 0) == best[mask]:
                mask ^= bit
                break
            rest ^= bit
        if sums[mask] == 0:
            chain.append(mask)
    return chain


def heuristic_groups(nets: Mapping[str, int]) -> list[Group]:
    """Equal pairs, then budgeted one-to-two triples, then everything left as one group."""
    payers = {p: -n for p, n in nets.items() if n < 0}
    receivers = {p: n for p, n in nets.items() if n > 0}
    groups = _take_pairs(payers, receivers)
    if len(payers) * len(receivers) <= TRIPLE_BUDGET:
        groups += [{**{p: -a for p, a in ps.items()}, **rs} for ps, rs in _take_triples(payers, receivers)]
        groups += [{**{p: -a for p, a in ps.items()}, **rs} for rs, ps in _take_triples(receivers, payers)]
    rest = {**{p: -a for p, a in payers.items()}, **receivers}
    return [*groups, rest] if rest else groups


def _take_pairs(payers: dict[str, int], receivers: dict[str, int]) -> list[Group]:
    by_amount: dict[int, list[str]] = defaultdict(list)
    for party in sorted(payers, reverse=True):
        by_amount[payers[party]].append(party)
    groups: list[Group] = []
    for party in sorted(receivers):
        amount = receivers[party]
        if by_amount.get(amount):
            payer = by_amount[amount].pop()
            groups.append({payer: -payers.pop(payer), party: receivers.pop(party)})
    return groups


def _take_triples(ones: dict[str, int], twos: dict[str, int]) -> list[tuple[dict[str, int], dict[str, int]]]:
    """Remove and return (one party, two parties) whose amounts match; amounts are all positive here."""
    found: list[tuple[dict[str, int], dict[str, int]]] = []
    order = sorted(twos)
    for one in sorted(ones):
        target = ones[one]
        by_amount: dict[int, str] = {}
        for party in order:
            amount = twos.get(party)
            if amount is None:
                continue
            partner = by_amount.get(target - amount)
            if partner is not None:
                found.append(({one: ones.pop(one)}, {partner: twos.pop(partner), party: twos.pop(party)}))
                break
            by_amount.setdefault(amount, party)
    return found

"""Netting: the reference example and validation order, then properties over random obligation sets."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msez.core import ValidationError
from msez.settlement import (
    NettingMode,
    NettingResult,
    Obligation,
    ObligationBook,
    ObligationError,
    ObligationProblem,
    PartyLimit,
    greedy_transfers,
    net,
)


def test_reference_example_nets_to_one_leg() -> None:
    result = net([Obligation("A", "B", 100, "USD"), Obligation("B", "A", 60, "USD")])
    assert [(leg.leg_id, leg.from_party, leg.to_party, leg.amount) for leg in result.legs] == [
        ("USD:000001", "A", "B", 40)
    ]
    assert (result.gross_total, result.net_total, result.reduction_bps) == (160, 40, 7500)
    assert [(p.party_id, p.receivable, p.payable, p.net) for p in result.positions] == [
        ("A", 60, 100, -40),
        ("B", 100, 60, 40),
    ]


def test_greedy_matches_reference_two_pointer_order() -> None:
    # payers A(-30), B(-70); receivers C(50), D(50), each side sorted by party id
    assert greedy_transfers({"A": -30, "B": -70, "C": 50, "D": 50}) == [
        ("A", "C", 30),
        ("B", "C", 20),
        ("B", "D", 50),
    ]


@pytest.mark.parametrize(
    ("args", "problem", "message"),
    [
        pytest.param(("A", "B", 0, "USD"), ObligationProblem.INVALID_AMOUNT, "positive", id="zero-amount"),
        pytest.param(("A", "A", 0, ""), ObligationProblem.INVALID_AMOUNT, "positive", id="amount-checked-first"),
        pytest.param(("A", "A", 5, ""), ObligationProblem.INVALID_PARTIES, "owes itself", id="self-before-currency"),
        pytest.param((" ", "B", 5, ""), ObligationProblem.INVALID_PARTIES, "empty", id="blank-party"),
        pytest.param(("A", "B", 5, " "), ObligationProblem.INVALID_CURRENCY, "currency", id="blank-currency"),
        pytest.param(("A", "B", True, "USD"), ObligationProblem.INVALID_AMOUNT, "positive", id="bool-amount"),
    ],
)
def test_validation_follows_reference_order(args: tuple, problem: ObligationProblem, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ObligationError, match=message) as caught:
        Obligation(*args)
    assert caught.value.problem is problem


def test_duplicates_are_refused_with_corridor_shown_as_none() -> None:
    book = ObligationBook([Obligation("A", "B", 5, "USD")])
    book.add(Obligation("A", "B", 5, "USD", corridor_id="c-1"))
    with pytest.raises(ObligationError, match=r"duplicate_obligation: .*corridor none"):
        book.add(Obligation("A", "B", 5, "USD", priority=9))
    with pytest.raises(ObligationError, match="duplicate_obligation"):
        net([Obligation("A", "B", 5, "USD"), Obligation("A", "B", 5, "USD")])


def test_colliding_key_hashes_are_not_duplicates(monkeypatch: pytest.MonkeyPatch) -> None:
    from msez.settlement import _netting

    monkeypatch.setattr(_netting, "hash", lambda key: 0, raising=False)  # every key collides
    result = net([Obligation("A", "B", 100, "USD"), Obligation("B", "A", 60, "USD")])
    assert [(leg.from_party, leg.to_party, leg.amount) for leg in result.legs] == [("A", "B", 40)]
    with pytest.raises(ObligationError, match="duplicate_obligation"):
        net([Obligation("A", "B", 5, "USD"), Obligation("C", "D", 1, "USD"), Obligation("A", "B", 5, "USD")])


def test_nothing_to_net_is_an_error() -> None:
    with pytest.raises(ValidationError, match="no_obligations"):
        net([])


def test_totals_beyond_64_bits_are_refused() -> None:
    big = 2**62
    with pytest.raises(ValidationError, match="arithmetic_overflow"):
        net([Obligation("A", "B", big, "USD"), Obligation("B", "C", big, "USD")])


def test_min_legs_finds_pairs_greedy_misses() -> None:
    # greedy by party id pays A->C 7, A->D 3, B->D 7; pairing A->D and B->C needs only two legs
    obligations = [Obligation("A", "D", 10, "EUR"), Obligation("B", "C", 7, "EUR")]
    assert len(net(obligations).legs) == 3
    fewest = net(obligations, mode=NettingMode.MIN_LEGS)
    assert [(leg.from_party, leg.to_party, leg.amount) for leg in fewest.legs] == [("A", "D", 10), ("B", "C", 7)]


def test_net_debit_limit_defers_lowest_priority_latest_first() -> None:
    obligations = [
        Obligation("A", "B", 50, "USD", priority=5),
        Obligation("A", "C", 30, "USD", priority=1),
        Obligation("A", "D", 20, "USD", priority=1),
    ]
    result = net(obligations, limits=[PartyLimit("A", "USD", max_net_debit=60)])
    assert [d.obligation.to_party for d in result.deferred] == ["C", "D"]
    assert "A would pay 100 USD net, above its limit of 60" in result.deferred[1].reason
    assert sum(leg.amount for leg in result.legs if leg.from_party == "A") == 50


def test_leg_limit_splits_payments() -> None:
    result = net([Obligation("A", "B", 250, "JPY")], limits=[PartyLimit("A", "JPY", max_leg_amount=100)])
    assert [leg.amount for leg in result.legs] == [100, 100, 50]
    assert [leg.leg_id for leg in result.legs] == ["JPY:000001", "JPY:000002", "JPY:000003"]


PARTY = st.sampled_from(["A", "B", "C", "D", "E", "F", "G"])
CURRENCY = st.sampled_from(["USD", "JPY", "KWD"])


@st.composite
def obligation_sets(draw: st.DrawFn) -> list[Obligation]:
    raw = draw(
        st.lists(st.tuples(PARTY, PARTY, st.integers(1, 500), CURRENCY, st.integers(0, 3)), min_size=1, max_size=40)
    )
    unique = {(a, b, amt, ccy): p for a, b, amt, ccy, p in raw if a != b}
    if not unique:
        return [Obligation("A", "B", 1, "USD")]
    return [Obligation(a, b, amt, ccy, priority=p) for (a, b, amt, ccy), p in unique.items()]


@st.composite
def limit_sets(draw: st.DrawFn) -> list[PartyLimit]:
    keys = draw(st.sets(st.tuples(PARTY, CURRENCY), max_size=6))
    return [
        PartyLimit(
            party,
            ccy,
            max_net_debit=draw(st.none() | st.integers(0, 800)),
            max_leg_amount=draw(st.none() | st.integers(1, 300)),
        )
        for party, ccy in sorted(keys)
    ]


def assert_sound(result: NettingResult) -> None:
    """Legs positive; per currency each party's legs equal its net; net totals equal the sum of legs."""
    assert all(leg.amount > 0 and leg.from_party != leg.to_party for leg in result.legs)
    flows: dict[tuple[str, str], int] = defaultdict(int)
    for leg in result.legs:
        flows[(leg.from_party, leg.currency)] -= leg.amount
        flows[(leg.to_party, leg.currency)] += leg.amount
    for p in result.positions:
        assert flows.get((p.party_id, p.currency), 0) == p.net
    for total in result.currency_totals:
        assert total.net == sum(leg.amount for leg in result.legs if leg.currency == total.currency)
        assert total.gross == sum(o.amount for o in result.obligations if o.currency == total.currency)
    assert result.net_total == sum(leg.amount for leg in result.legs)


def assert_within_limits(result: NettingResult, limits: list[PartyLimit]) -> None:
    paid: dict[tuple[str, str], int] = defaultdict(int)
    for leg in result.legs:
        paid[(leg.from_party, leg.currency)] += leg.amount
    for limit in limits:
        if limit.max_net_debit is not None:
            assert paid[(limit.party_id, limit.currency)] <= limit.max_net_debit
        if limit.max_leg_amount is not None:
            assert all(
                leg.amount <= limit.max_leg_amount
                for leg in result.legs
                if (leg.from_party, leg.currency) == (limit.party_id, limit.currency)
            )


@given(obligation_sets())
def test_plans_balance_and_min_legs_never_uses_more_legs(obligations: list[Obligation]) -> None:
    greedy = net(obligations)
    fewest = net(obligations, mode=NettingMode.MIN_LEGS)
    assert_sound(greedy)
    assert_sound(fewest)
    assert len(fewest.legs) <= len(greedy.legs)
    assert greedy.positions == fewest.positions


@given(obligation_sets(), limit_sets(), st.sampled_from(list(NettingMode)))
def test_limits_are_never_breached(obligations: list[Obligation], limits: list[PartyLimit], mode: NettingMode) -> None:
    result = net(obligations, mode=mode, limits=limits)
    assert_sound(result)
    assert_within_limits(result, limits)
    assert len(result.obligations) + len(result.deferred) == len(obligations)
    assert all(d.reason for d in result.deferred)
    if mode is NettingMode.MIN_LEGS:
        assert len(result.legs) <= len(net(obligations, limits=limits).legs)


MANY = st.sampled_from([f"P{i:02d}" for i in range(24)])


@given(st.lists(st.tuples(MANY, MANY, st.sampled_from([100, 250, 350, 600])), min_size=10, max_size=60))
def test_min_legs_heuristic_above_the_exact_limit(raw: list[tuple[str, str, int]]) -> None:
    obligations = list({(a, b, amt): Obligation(a, b, amt, "USD") for a, b, amt in raw if a != b}.values())
    if not obligations:
        return
    greedy = net(obligations)
    fewest = net(obligations, mode=NettingMode.MIN_LEGS)
    assert_sound(fewest)
    assert len(fewest.legs) <= len(greedy.legs)


def test_min_legs_pairs_and_triples_among_many_parties() -> None:
    # 15 parties (above the exact limit): 6 exact pairs and one payer settling two receivers -> 7 groups, 8 legs
    obligations = [Obligation(f"X{i:02d}", f"Y{5 - i:02d}", 100 + i, "USD") for i in range(6)]
    obligations += [Obligation("Z0", "Z1", 40, "USD"), Obligation("Z0", "Z2", 60, "USD")]
    fewest = net(obligations, mode=NettingMode.MIN_LEGS)
    assert len(net(obligations).legs) > 8
    assert len(fewest.legs) == 8
    assert_sound(fewest)


def _most_zero_sum_groups(values: list[int]) -> int:
    """Brute force: the largest number of disjoint zero-sum groups the values split into."""
    if not values:
        return 0
    first, rest = values[0], values[1:]
    best = 0
    for mask in range(1 << len(rest)):
        chosen = [v for i, v in enumerate(rest) if mask >> i & 1]
        if first + sum(chosen) == 0:
            others = [v for i, v in enumerate(rest) if not mask >> i & 1]
            best = max(best, 1 + _most_zero_sum_groups(others))
    return best


@given(st.lists(st.tuples(PARTY, PARTY, st.sampled_from([5, 10, 15, 20, 30])), min_size=1, max_size=12))
def test_min_legs_is_optimal_for_small_currencies(raw: list[tuple[str, str, int]]) -> None:
    obligations = list({(a, b, amt): Obligation(a, b, amt, "USD") for a, b, amt in raw if a != b}.values())
    if not obligations:
        return
    result = net(obligations, mode=NettingMode.MIN_LEGS)
    nets = [p.net for p in result.positions if p.net != 0]
    assert len(result.legs) == len(nets) - _most_zero_sum_groups(nets)

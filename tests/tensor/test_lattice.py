"""The five-state lattice: order, meet/join laws (hypothesis), parsing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msez.core import ValidationError
from msez.tensor import ComplianceState, join_all, meet_all

S = ComplianceState
states = st.sampled_from(list(S))


def test_order_worst_to_best() -> None:
    assert [s.value for s in sorted(S, key=lambda s: s.rank)] == [
        "non_compliant",
        "pending",
        "not_applicable",
        "exempt",
        "compliant",
    ]
    assert {s for s in S if s.is_passing} == {S.COMPLIANT, S.EXEMPT, S.NOT_APPLICABLE}
    assert {s for s in S if s.is_terminal} == {S.COMPLIANT, S.NON_COMPLIANT, S.EXEMPT}


@given(states, states)
def test_commutative(a: S, b: S) -> None:
    assert a.meet(b) is b.meet(a) and a.join(b) is b.join(a)


@given(states, states, states)
def test_associative(a: S, b: S, c: S) -> None:
    assert a.meet(b).meet(c) is a.meet(b.meet(c))
    assert a.join(b).join(c) is a.join(b.join(c))


@given(states, states)
def test_absorption(a: S, b: S) -> None:
    assert a.meet(a.join(b)) is a and a.join(a.meet(b)) is a


@given(states)
def test_idempotent_and_bounds(a: S) -> None:
    assert a.meet(a) is a and a.join(a) is a
    assert a.meet(S.NON_COMPLIANT) is S.NON_COMPLIANT and a.join(S.COMPLIANT) is S.COMPLIANT
    assert a.meet(S.COMPLIANT) is a and a.join(S.NON_COMPLIANT) is a


@given(st.lists(states))
def test_folds_agree_with_min_and_max(items: list[S]) -> None:
    assert meet_all(items) is min([*items, S.COMPLIANT], key=lambda s: s.rank)
    assert join_all(items) is max([*items, S.NON_COMPLIANT], key=lambda s: s.rank)


@pytest.mark.parametrize(
    ("text", "state"),
    [
        pytest.param("non_compliant", S.NON_COMPLIANT, id="snake"),
        pytest.param("NonCompliant".lower(), S.NON_COMPLIANT, id="debug"),
        pytest.param(" Not_Applicable ", S.NOT_APPLICABLE, id="case-space"),
        pytest.param("notapplicable", S.NOT_APPLICABLE, id="debug-na"),
    ],
)
def test_parse(text: str, state: S) -> None:
    assert S.parse(text) is state and str(state) == state.value


def test_parse_refuses_unknown() -> None:
    with pytest.raises(ValidationError, match="unknown compliance state 'expired'; expected one of: non_compliant"):
        S.parse("expired")

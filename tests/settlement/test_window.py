"""Settlement windows: accumulate, close into one result, carry deferred obligations forward."""

from __future__ import annotations

from datetime import timedelta

import pytest

from msez.core import StateTransitionError, ValidationError
from msez.settlement import Obligation, ObligationError, PartyLimit, SettlementWindow

from .conftest import T0

HOUR = timedelta(hours=1)


def window() -> SettlementWindow:
    return SettlementWindow("w-1", opens_at=T0, closes_at=T0 + HOUR)


def test_window_closes_into_one_result_and_carries_deferrals() -> None:
    w = window()
    w.add(Obligation("A", "B", 100, "USD"), at=T0)
    w.add(Obligation("B", "A", 60, "USD"), at=T0 + timedelta(minutes=30))
    w.add(Obligation("A", "C", 70, "USD", priority=-1), at=T0 + timedelta(minutes=59))
    result = w.close(at=T0 + HOUR, limits=[PartyLimit("A", "USD", max_net_debit=50)])
    assert w.state == "closed"
    assert [(leg.from_party, leg.to_party, leg.amount) for leg in result.legs] == [("A", "B", 40)]
    assert [d.obligation.to_party for d in result.deferred] == ["C"]
    following = w.next("w-2", length=HOUR)
    assert (following.opens_at, following.closes_at) == (T0 + HOUR, T0 + 2 * HOUR)
    assert following.obligations == (Obligation("A", "C", 70, "USD", priority=-1),)


@pytest.mark.parametrize(
    ("offset", "message"),
    [
        pytest.param(timedelta(seconds=-1), "accepts obligations from", id="before-open"),
        pytest.param(HOUR, "accepts obligations from", id="at-close"),
    ],
)
def test_obligations_outside_the_window_are_refused(offset: timedelta, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        window().add(Obligation("A", "B", 1, "USD"), at=T0 + offset)


def test_closed_window_refuses_more_and_duplicates_are_caught_on_arrival() -> None:
    w = window()
    w.add(Obligation("A", "B", 1, "USD"), at=T0)
    with pytest.raises(ObligationError, match="duplicate_obligation"):
        w.add(Obligation("A", "B", 1, "USD"), at=T0)
    with pytest.raises(ValidationError, match="cannot close before"):
        w.close(at=T0)
    with pytest.raises(StateTransitionError, match="close it first"):
        w.next("w-2", length=HOUR)
    w.close(at=T0 + HOUR)
    with pytest.raises(StateTransitionError, match="w-1 is closed"):
        w.add(Obligation("C", "B", 1, "USD"), at=T0)
    with pytest.raises(StateTransitionError, match="w-1 is closed"):
        w.close(at=T0 + HOUR)


def test_window_bounds_must_be_ordered() -> None:
    with pytest.raises(ValidationError, match="must be after opens_at"):
        SettlementWindow("w", opens_at=T0, closes_at=T0)

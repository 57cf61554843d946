"""Licence lifecycle: the reference's happy path, reasons, and what cannot happen."""

from __future__ import annotations

import pytest

from msez.state import GuardRefusedError, LicenceLifecycle, ManualClock, TransitionNotDefinedError


def active_licence() -> LicenceLifecycle:
    licence = LicenceLifecycle("LIC-001", category="financial")
    licence.review()
    licence.issue()
    return licence


def test_happy_path_and_reasons(clock: ManualClock) -> None:
    licence = LicenceLifecycle("LIC-001", category="financial", clock=clock)
    licence.review()
    licence.issue()
    licence.suspend("late filing")
    assert (licence.state, licence.code, licence.state_reason) == ("Suspended", "SUSPENDED", "late filing")
    licence.reinstate()
    assert licence.state == "Active" and licence.state_reason is None
    licence.surrender()
    assert licence.is_terminal


def test_revoke_from_suspended() -> None:
    licence = active_licence()
    licence.suspend("investigation")
    licence.revoke("fraud")
    assert (licence.state, licence.state_reason) == ("Revoked", "fraud")


def test_cannot_expire_from_suspended() -> None:
    licence = active_licence()
    licence.suspend("investigation")
    with pytest.raises(TransitionNotDefinedError, match=r"Suspended -> Expired: expire is not allowed from Suspended"):
        licence.expire()


@pytest.mark.parametrize("reason", [pytest.param("", id="empty"), pytest.param("   ", id="blank")])
def test_reason_is_required_where_the_reference_takes_one(reason: str) -> None:
    licence = LicenceLifecycle("LIC-002")
    with pytest.raises(GuardRefusedError, match="a reason is required to reject"):
        licence.reject(reason)
    licence.reject("incomplete application")
    assert licence.state == "Rejected" and licence.history[-1].reason == "incomplete application"


def test_json_round_trip() -> None:
    licence = active_licence()
    licence.suspend("audit")
    data = licence.to_json()
    assert (data["machine"], data["state"], data["state_reason"]) == ("licence", "Suspended", "audit")
    assert [r["to_state"] for r in data["history"]] == ["UnderReview", "Active", "Suspended"]
    assert LicenceLifecycle.from_json(data).to_json() == data

"""Timestamps (reference-impl A 1.5) and the data-sovereignty policy with its Pakistan preset (A 1.7)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

from msez.core import (
    DataCategory,
    PolicyError,
    SovereigntyEnforcer,
    SovereigntyPolicy,
    Timestamp,
    ValidationError,
    parse_date,
)

# --- Timestamp --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2026-01-15T17:00:00+05:00", "2026-01-15T12:00:00Z", id="offset"),
        pytest.param("2026-01-15T12:00:00.987654Z", "2026-01-15T12:00:00Z", id="fraction-truncated"),
        pytest.param(" 2026-01-15t12:00:00z ", "2026-01-15T12:00:00Z", id="lowercase-and-space"),
        pytest.param("2026-01-15", "2026-01-15T00:00:00Z", id="date-is-midnight"),
    ],
)
def test_timestamp_parse(text: str, expected: str) -> None:
    stamp = Timestamp.parse(text)
    assert str(stamp) == expected
    assert repr(stamp) == f"Timestamp('{expected}')"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("2026-13-01T00:00:00Z", id="month-13"),
        pytest.param("yesterday", id="words"),
        pytest.param(5, id="int"),
    ],
)
def test_timestamp_parse_refuses(text: Any) -> None:
    with pytest.raises(ValidationError, match=r"timestamp"):
        Timestamp.parse(text)


def test_timestamp_from_datetimes_truncates_and_takes_naive_as_utc() -> None:
    aware = datetime(2026, 1, 15, 17, 0, 0, 999999, tzinfo=timezone(timedelta(hours=5)))
    assert Timestamp(aware) == Timestamp(datetime(2026, 1, 15, 12, 0, 0)) == Timestamp.parse("2026-01-15T12:00:00Z")
    assert Timestamp(aware).datetime.tzinfo is UTC


def test_timestamp_arithmetic_and_order() -> None:
    start = Timestamp.parse("2026-01-15T12:00:00Z")
    later = start + timedelta(seconds=90)
    assert str(later) == "2026-01-15T12:01:30Z"
    assert later - start == timedelta(seconds=90)
    assert start < later
    assert start.unix() == 1768478400
    assert Timestamp.from_unix(1768478400) == start
    assert start.date() == date(2026, 1, 15)
    assert Timestamp.from_date(date(2026, 1, 15)) == Timestamp.parse("2026-01-15")
    with pytest.raises(AttributeError, match="immutable"):
        start._moment = later.datetime


def test_timestamp_now_honours_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1768478400")
    assert str(Timestamp.now()) == "2026-01-15T12:00:00Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    with pytest.raises(ValidationError, match="SOURCE_DATE_EPOCH must be integer seconds, got 'soon'"):
        Timestamp.now()
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert Timestamp.now().datetime.microsecond == 0


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True)
    at: Timestamp


def test_timestamp_as_a_pydantic_field() -> None:
    event = _Event.model_validate({"at": "2026-01-15T17:00:00+05:00"})
    assert event.model_dump(mode="json") == {"at": "2026-01-15T12:00:00Z"}
    assert _Event(at=datetime(2026, 1, 15, 12)).at == event.at  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="invalid timestamp"):
        _Event.model_validate({"at": "noon"})


def test_parse_date() -> None:
    assert parse_date("2026-01-15") == date(2026, 1, 15)
    for bad in ("2026-02-30", "2026-1-5", "2026-01-15T00:00:00Z"):
        with pytest.raises(ValidationError, match="expected YYYY-MM-DD"):
            parse_date(bad)


# --- sovereignty ------------------------------------------------------------------------------------------------

PK = SovereigntyEnforcer(SovereigntyPolicy.pakistan_govos())
CONFINED = [
    DataCategory.PII,
    DataCategory.FINANCIAL,
    DataCategory.TAX,
    DataCategory.KEY_MATERIAL,
    DataCategory.CORPORATE,
    DataCategory.COMPLIANCE,
]


@pytest.mark.parametrize("category", list(DataCategory), ids=str)
def test_pakistan_home_jurisdiction_receives_everything(category: DataCategory) -> None:
    assert PK.check(category, "pk").allowed


@pytest.mark.parametrize("category", CONFINED, ids=str)
def test_pakistan_confined_categories_stay_home(category: DataCategory) -> None:
    decision = PK.check(category, "ae")
    assert not decision.allowed
    assert decision.reason == f"{category} data is confined to pk and may not be transferred to ae"
    with pytest.raises(PolicyError, match=f"{category} data is confined to pk"):
        PK.enforce(category, "ae")


@pytest.mark.parametrize(
    ("category", "target", "allowed", "reason"),
    [
        pytest.param(DataCategory.ANALYTICS, "ae", True, "analytics data may be transferred to ae", id="analytics-ae"),
        pytest.param(DataCategory.ANALYTICS, "sa", True, "analytics data may be transferred to sa", id="analytics-sa"),
        pytest.param(DataCategory.ANALYTICS, "cn", True, "analytics data may be transferred to cn", id="analytics-cn"),
        pytest.param(
            DataCategory.ANALYTICS,
            "us",
            False,
            "us is not in the allowed target list for analytics data",
            id="analytics-us",
        ),
        pytest.param(
            DataCategory.PUBLIC_REGULATORY, "us", True, "public_regulatory data may be transferred to us", id="public"
        ),
        pytest.param(
            DataCategory.PII, "PK", False, "pii data is confined to pk and may not be transferred to PK", id="case"
        ),
    ],
)
def test_pakistan_preset_targets(category: DataCategory, target: str, allowed: bool, reason: str) -> None:
    decision = PK.check(category, target)
    assert (decision.allowed, decision.reason) == (allowed, reason)


def test_policy_building() -> None:
    policy = SovereigntyPolicy.deny_all("ae").allow(DataCategory.ANALYTICS, "pk").allow(DataCategory.ANALYTICS, ["sa"])
    enforcer = SovereigntyEnforcer(policy)
    assert policy.allowed_targets[DataCategory.ANALYTICS] == frozenset({"pk", "sa"})
    assert enforcer.check(DataCategory.ANALYTICS, "sa").allowed
    assert enforcer.check(DataCategory.TAX, "pk").reason == "no sovereignty policy allows tax data to leave ae"
    confined = SovereigntyEnforcer(policy.confine(DataCategory.ANALYTICS))
    assert not confined.check(DataCategory.ANALYTICS, "pk").allowed
    enforcer.enforce(DataCategory.ANALYTICS, "pk")

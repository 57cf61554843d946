"""ISO 4217 minor units, exact decimal conversion with declared rounding, BIC, IBAN and LEI validation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msez.core import ValidationError
from msez.settlement import (
    DEFAULT_ROUNDING,
    PartyAccount,
    format_minor_units,
    minor_units,
    to_minor_units,
    validate_bic,
    validate_iban,
    validate_lei,
)


@pytest.mark.parametrize(("currency", "places"), [("JPY", 0), ("USD", 2), ("KWD", 3), ("EUR", 2)])
def test_minor_units_come_from_iso4217(currency: str, places: int) -> None:
    assert minor_units(currency) == places


@pytest.mark.parametrize(
    ("currency", "message"),
    [
        pytest.param("usd", "3-letter ISO 4217 code", id="lower-case"),
        pytest.param("ZZZ", "unknown ISO 4217 currency 'ZZZ'", id="unknown"),
        pytest.param("XAU", "has no minor unit", id="gold"),
    ],
)
def test_bad_currencies(currency: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        minor_units(currency)


def test_inexact_amounts_need_a_declared_rounding() -> None:
    assert to_minor_units("12.34", "USD") == 1234
    assert to_minor_units("12.340", "USD") == 1234
    with pytest.raises(ValidationError, match=r"12\.345 USD is not representable: USD has 2 decimal places"):
        to_minor_units("12.345", "USD")
    assert to_minor_units("12.345", "USD", rounding=DEFAULT_ROUNDING) == 1234
    assert to_minor_units("12.355", "USD", rounding=DEFAULT_ROUNDING) == 1236
    assert to_minor_units(Decimal("2.5"), "JPY", rounding=DEFAULT_ROUNDING) == 2
    with pytest.raises(ValidationError, match="decimal string"):
        to_minor_units("1e3", "USD")
    with pytest.raises(ValidationError, match="finite"):
        to_minor_units(Decimal("NaN"), "USD")


@given(st.integers(-(10**15), 10**15), st.sampled_from(["JPY", "USD", "KWD", "BHD", "CLF"]))
def test_format_and_parse_round_trip(amount: int, currency: str) -> None:
    assert to_minor_units(format_minor_units(amount, currency), currency) == amount


def test_identifiers() -> None:
    assert validate_bic(" deutdeff500 ") == "DEUTDEFF500"
    assert validate_iban("DE89 3704 0044 0532 0130 00") == "DE89370400440532013000"
    assert validate_lei("5493001kjtiigc8y1r12") == "5493001KJTIIGC8Y1R12"


@pytest.mark.parametrize(
    ("check", "value", "message"),
    [
        pytest.param(validate_bic, "DEUTDEF", "invalid BIC 'DEUTDEF'", id="bic-length"),
        pytest.param(validate_bic, "DEUTZZFF", "invalid BIC 'DEUTZZFF'", id="bic-country"),
        pytest.param(validate_iban, "DE89370400440532013001", "invalid IBAN", id="iban-checksum"),
        pytest.param(validate_lei, "5493001KJTIIGC8Y1R13", "check digits do not match", id="lei-checksum"),
        pytest.param(validate_lei, "5493001KJTIIGC8Y1R1", "expected 18 letters/digits", id="lei-length"),
    ],
)
def test_invalid_identifiers(check, value: str, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match=message):
        check(value)


def test_party_account_refuses_control_characters_and_long_names() -> None:
    with pytest.raises(ValidationError, match="control characters"):
        PartyAccount("A", "bad\x00name", "DEUTDEFF")
    with pytest.raises(ValidationError, match="name must be 1-140 characters"):
        PartyAccount("A", "x" * 141, "DEUTDEFF")

"""Currency minor units (ISO 4217) and exact conversion between decimal amounts and integer minor units.

The minor-unit table comes from the maintained ``iso4217`` package; an amount that does not fit the currency's
minor units is refused unless the caller declares a rounding mode (``ROUND_HALF_EVEN`` is the one we use).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import cache
from typing import Final

import iso4217

from msez.core import ValidationError

DEFAULT_ROUNDING: Final = ROUND_HALF_EVEN
"""The rounding mode a caller declares when it accepts rounding (banker's rounding)."""

MAX_ISO_DIGITS: Final = 18
"""ISO 20022 ``ActiveCurrencyAndAmount``: at most 18 digits in total."""

_CODE = re.compile(r"[A-Z]{3}\Z")
_DECIMAL = re.compile(r"-?\d+(\.\d+)?\Z")


@cache
def minor_units(currency: str) -> int:
    """Number of decimal places of ``currency`` (JPY 0, USD 2, KWD 3).

    Raises:
        ValidationError: not an active ISO 4217 code, or a code without minor units (such as XAU).
    """
    if not isinstance(currency, str) or not _CODE.match(currency):
        raise ValidationError(f"currency must be a 3-letter ISO 4217 code, got {currency!r}")
    try:
        exponent = iso4217.Currency(currency).exponent
    except ValueError:
        raise ValidationError(f"unknown ISO 4217 currency {currency!r}") from None
    if exponent is None:
        raise ValidationError(f"ISO 4217 currency {currency!r} has no minor unit and cannot be settled")
    return int(exponent)


def to_minor_units(amount: str | Decimal, currency: str, *, rounding: str | None = None) -> int:
    """Convert a decimal amount (string or Decimal) into integer minor units of ``currency``.

    Args:
        amount: e.g. ``"12.34"``; at most the currency's decimal places unless ``rounding`` is given.
        rounding: a ``decimal`` rounding mode (e.g. :data:`DEFAULT_ROUNDING`); None refuses inexact amounts.

    Raises:
        ValidationError: malformed, not finite, or not representable in the currency's minor units.
    """
    value = _decimal(amount)
    places = minor_units(currency)
    scaled = value.scaleb(places)
    whole = scaled.to_integral_value(rounding=rounding or ROUND_HALF_EVEN)
    if whole != scaled and rounding is None:
        raise ValidationError(
            f"amount {amount} {currency} is not representable: {currency} has {places} decimal places"
        )
    return int(whole)


def format_minor_units(amount: int, currency: str) -> str:
    """The decimal string of ``amount`` minor units with exactly the currency's places (USD 4000 -> ``"40.00"``)."""
    places = minor_units(currency)
    sign = "-" if amount < 0 else ""
    digits = str(abs(amount)).rjust(places + 1, "0")
    if places == 0:
        return sign + digits
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def _decimal(amount: str | Decimal) -> Decimal:
    if isinstance(amount, Decimal):
        if not amount.is_finite():
            raise ValidationError(f"amount must be finite, got {amount}")
        return amount
    if not isinstance(amount, str) or not _DECIMAL.match(amount.strip()):
        raise ValidationError(f"amount must be a decimal string like '12.34', got {amount!r}")
    try:
        return Decimal(amount.strip())
    except InvalidOperation as e:  # pragma: no cover - the pattern admits only valid literals
        raise ValidationError(f"invalid decimal amount {amount!r}") from e

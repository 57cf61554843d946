"""UTC timestamps at whole-second precision (reference-impl A 1.5)."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, timedelta
from functools import total_ordering
from typing import Any, final

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

from msez.core._canonical import format_utc, normalize_timestamp
from msez.core._errors import ValidationError

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z")


@final
@total_ordering
class Timestamp:
    """A UTC instant truncated to whole seconds; ``str()`` is ``YYYY-MM-DDTHH:MM:SSZ``."""

    __slots__ = ("_moment",)
    _moment: datetime

    def __init__(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        object.__setattr__(self, "_moment", moment.astimezone(UTC).replace(microsecond=0))

    @classmethod
    def now(cls) -> Timestamp:
        """The current time, or ``SOURCE_DATE_EPOCH`` when that is set (reproducible builds)."""
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch:
            return cls.from_unix(_parse_epoch(epoch))
        return cls(datetime.now(UTC))

    @classmethod
    def from_unix(cls, seconds: int) -> Timestamp:
        return cls(datetime.fromtimestamp(seconds, UTC))

    @classmethod
    def parse(cls, text: str) -> Timestamp:
        """Parse an RFC 3339 date-time (any offset) or a bare ``YYYY-MM-DD`` (midnight UTC).

        Raises:
            ValidationError: neither form.
        """
        if not isinstance(text, str):
            raise ValidationError(f"timestamp must be a string, got {type(text).__name__}")
        stripped = text.strip()
        canonical = normalize_timestamp(stripped)
        if canonical is not None:
            leap_clamped = canonical[:17] + min(canonical[17:19], "59")
            return cls(datetime.strptime(leap_clamped, "%Y-%m-%dT%H:%M:%S"))
        if _DATE.match(stripped):
            return cls.from_date(parse_date(stripped))
        raise ValidationError(f"invalid timestamp {text!r}: expected RFC 3339, e.g. 2026-01-15T12:00:00Z")

    @classmethod
    def from_date(cls, day: date) -> Timestamp:
        return cls(datetime(day.year, day.month, day.day, tzinfo=UTC))

    @property
    def datetime(self) -> datetime:
        return self._moment

    def unix(self) -> int:
        return int(self._moment.timestamp())

    def date(self) -> date:
        return self._moment.date()

    def __add__(self, delta: timedelta) -> Timestamp:
        return Timestamp(self._moment + delta)

    def __sub__(self, other: Timestamp) -> timedelta:
        return self._moment - other._moment

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Timestamp is immutable")

    def __str__(self) -> str:
        return format_utc(self._moment)

    def __repr__(self) -> str:
        return f"Timestamp('{self}')"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Timestamp) and other._moment == self._moment

    def __lt__(self, other: Timestamp) -> bool:
        return self._moment < other._moment

    def __hash__(self) -> int:
        return hash(self._moment)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _validate_timestamp,
            json_schema_input_schema=core_schema.datetime_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )


def _validate_timestamp(value: Any) -> Timestamp:
    if isinstance(value, Timestamp):
        return value
    if isinstance(value, datetime):
        return Timestamp(value)
    try:
        return Timestamp.parse(value)
    except ValidationError as e:
        raise ValueError(e.message) from None


def _parse_epoch(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValidationError(f"SOURCE_DATE_EPOCH must be integer seconds, got {text!r}") from None


def parse_date(text: str) -> date:
    """Parse ``YYYY-MM-DD``.

    Raises:
        ValidationError: not a valid calendar date in that form.
    """
    if isinstance(text, str) and _DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise ValidationError(f"invalid date {text!r}: expected YYYY-MM-DD")

"""Momentum Canonical Form (MCF): the only way to obtain bytes that are hashed or signed.

Written here rather than taken from an RFC 8785 library because the reference's rules are not JCS: floats are
rejected outright, RFC 3339 strings are rewritten to UTC whole seconds, keys sort by code point and integers are
printed plainly (spec X.1, reference-impl A 1.1). Serialisation is the stdlib encoder with the exact flags the
reference's Python tools use, so the bytes match theirs for plain JSON data.

Rules, in order, applied recursively:

* ``dict`` keys must be ``str``; values recurse. ``list`` and ``tuple`` become arrays.
* ``bool`` and ``None`` pass. ``int`` must lie in [-2**63, 2**64 - 1].
* ``float`` (including NaN and ``1.0``) and ``Decimal`` are rejected.
* ``datetime`` becomes UTC ``YYYY-MM-DDTHH:MM:SSZ`` (naive means UTC, sub-seconds truncated); ``date`` becomes
  ``YYYY-MM-DD``.
* A string that parses as an RFC 3339 date-time (``T`` or ``t``, ``Z``/``z`` or a numeric offset, optional
  fraction) is rewritten the same way; every other string passes unchanged.
* Anything else is rejected. Errors name the JSON path, e.g. ``$.legs[2].amount``.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final, final

from msez.core._errors import CanonicalizationError

_INT_MIN: Final = -(2**63)
_INT_MAX: Final = 2**64 - 1
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))\Z",
    re.ASCII,
)
_ENCODER: Final = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False, check_circular=False
)
_TOKEN: Final = object()
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@final
class CanonicalBytes:
    """Bytes in canonical form. Only :func:`canonical_bytes` can make one."""

    __slots__ = ("_data",)
    _data: bytes

    def __init__(self, data: bytes, token: object) -> None:
        if token is not _TOKEN:
            raise TypeError("CanonicalBytes can only be produced by msez.core.canonical_bytes()")
        object.__setattr__(self, "_data", data)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("CanonicalBytes is immutable")

    def __bytes__(self) -> bytes:
        return self._data

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CanonicalBytes) and other._data == self._data

    def __hash__(self) -> int:
        return hash(self._data)

    def __repr__(self) -> str:
        preview = self._data[:60].decode("utf-8", "replace")
        return f"CanonicalBytes({preview!r}{'...' if len(self._data) > 60 else ''})"

    @property
    def data(self) -> bytes:
        """The canonical bytes themselves."""
        return self._data

    def text(self) -> str:
        """The canonical bytes decoded as UTF-8."""
        return self._data.decode("utf-8")


class _RejectError(Exception):
    """Internal: carries a rejection outwards while the path is collected."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.segments: list[str | int] = []


def canonical_bytes(value: Any) -> CanonicalBytes:
    """Return the canonical bytes of ``value``.

    Args:
        value: plain data (dict, list, tuple, str, int, bool, None, datetime, date).

    Raises:
        CanonicalizationError: a float, Decimal, out-of-range integer, non-string key or unsupported type,
            with the JSON path of the first offending value.
    """
    try:
        coerced = _coerce(value)
    except _RejectError as rejection:
        raise CanonicalizationError(rejection.reason, path=_render_path(rejection.segments)) from None
    try:
        return CanonicalBytes(_ENCODER.encode(coerced).encode("utf-8"), _TOKEN)
    except UnicodeEncodeError as e:
        raise CanonicalizationError(f"string is not valid Unicode text ({e.reason})") from e


def canonical_value(value: Any) -> Any:
    """Return ``value`` coerced to the canonical data model (what :func:`canonical_bytes` serialises).

    Raises:
        CanonicalizationError: as :func:`canonical_bytes`.
    """
    try:
        return _coerce(value)
    except _RejectError as rejection:
        raise CanonicalizationError(rejection.reason, path=_render_path(rejection.segments)) from None


def normalize_timestamp(text: str) -> str | None:
    """Return the canonical UTC form of an RFC 3339 date-time string, or ``None`` if it is not one."""
    match = _RFC3339.match(text)
    if match is None:
        return None
    return _normalize_match(match)


def format_utc(moment: datetime) -> str:
    """Format a datetime as canonical UTC ``YYYY-MM-DDTHH:MM:SSZ`` (naive means UTC; sub-seconds dropped)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment:%H:%M:%S}Z"


def _coerce(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        return _coerce_str(value)
    if kind is dict:
        return _coerce_dict(value)
    if kind is list or kind is tuple:
        return _coerce_list(value)
    if kind is int:
        if _INT_MIN <= value <= _INT_MAX:
            return value
        raise _RejectError(f"integer {value} is outside the 64-bit range [-2^63, 2^64-1]")
    if value is None or kind is bool:
        return value
    return _coerce_other(value)


def _coerce_str(value: str) -> str:
    if len(value) >= 20 and value[4] == "-" and value[10] in "Tt":
        match = _RFC3339.match(value)
        if match is not None:
            return _normalize_match(match) or value
    return value


def _unchanged(item: Any) -> bool:
    """True for the common scalars that canonicalise to themselves; a fast path kept in step with _coerce."""
    kind = type(item)
    if kind is str:
        # Shorter strings and the canonical ``YYYY-MM-DDTHH:MM:SSZ`` shape itself never change.
        return len(item) < 20 or item[10] not in "Tt" or (len(item) == 20 and item[10] == "T" and item[19] == "Z")
    if kind is int:
        return _INT_MIN <= item <= _INT_MAX  # type: ignore[no-any-return]
    return item is None or kind is bool


def _coerce_dict(value: dict[Any, Any]) -> dict[str, Any]:
    out: dict[str, Any] | None = None
    for key, item in value.items():
        if type(key) is str and _unchanged(item):
            continue
        name = key
        if type(key) is not str:
            if not isinstance(key, str):
                raise _RejectError(f"object key {key!r} is a {type(key).__name__}, not a string")
            out = dict(value) if out is None else out
            del out[key]
            name = str.__str__(key)
        try:
            coerced = _coerce(item)
        except _RejectError as rejection:
            rejection.segments.append(name)
            raise
        if coerced is not item or out is not None:
            if out is None:
                out = dict(value)
            out[name] = coerced
    return value if out is None else out


def _coerce_list(value: list[Any] | tuple[Any, ...]) -> list[Any]:
    out: list[Any] | None = None if type(value) is list else list(value)
    for index, item in enumerate(value):
        if _unchanged(item):
            continue
        try:
            coerced = _coerce(item)
        except _RejectError as rejection:
            rejection.segments.append(index)
            raise
        if coerced is not item:
            if out is None:
                out = list(value)
            out[index] = coerced
    return value if out is None else out  # type: ignore[return-value]


def _coerce_other(value: Any) -> Any:
    if isinstance(value, float):
        raise _RejectError(f"float {value!r} is not allowed; use an integer or a decimal string")
    if isinstance(value, Decimal):
        raise _RejectError(f"Decimal {value} is not allowed; use an integer or a decimal string")
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        return _coerce(str.__str__(value))
    if isinstance(value, int):
        return _coerce(int(value))
    if isinstance(value, datetime):
        return format_utc(value)
    if isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if isinstance(value, dict):
        return _coerce_dict(dict(value))
    if isinstance(value, list | tuple):
        return _coerce_list(list(value))
    raise _RejectError(f"values of type {type(value).__name__} cannot be canonicalised")


def _normalize_match(match: re.Match[str]) -> str | None:
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    leap = second == 60
    try:
        moment = datetime(year, month, day, hour, minute, 59 if leap else second)
        if match.group(7) is None:
            offset = timedelta(hours=int(match.group(9)), minutes=int(match.group(10)))
            if int(match.group(9)) > 23 or int(match.group(10)) > 59:
                raise ValueError("offset out of range")
            moment = moment - offset if match.group(8) == "+" else moment + offset
    except (ValueError, OverflowError):
        # Looks like a timestamp but is not a valid instant (e.g. month 13): it stays a plain string.
        return None
    text = format_utc(moment)
    return f"{text[:17]}60Z" if leap else text


def _render_path(segments: list[str | int]) -> str:
    parts = ["$"]
    for segment in reversed(segments):
        if isinstance(segment, int):
            parts.append(f"[{segment}]")
        elif _IDENT.match(segment):
            parts.append(f".{segment}")
        else:
            parts.append(f"[{json.dumps(segment, ensure_ascii=False)}]")
    return "".join(parts)

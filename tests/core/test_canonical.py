"""The canonical-form rules (reference-impl A 1.1, decisions D2/D3) and their properties."""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from msez.core import (
    CanonicalBytes,
    CanonicalizationError,
    ComplianceDomain,
    Did,
    canonical_bytes,
    canonical_value,
    format_utc,
    normalize_timestamp,
)

# --- floats, Decimal and the JSON path ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "path", "kind"),
    [
        pytest.param({"legs": [{}, {}, {"amount": 1.5}]}, "$.legs[2].amount", "float 1.5", id="dict-list-dict"),
        pytest.param([{"a": [[{"b": 2.5}]]}], "$[0].a[0][0].b", "float 2.5", id="lists-in-dicts-in-lists"),
        pytest.param(({"x": (1, 2.0)},), "$[0].x[1]", "float 2.0", id="tuples"),
        pytest.param({"price": Decimal("19.99")}, "$.price", "Decimal 19.99", id="decimal"),
        pytest.param({"n": {"m": float("nan")}}, "$.n.m", "float nan", id="nan"),
        pytest.param({"n": float("-inf")}, "$.n", "float -inf", id="infinity"),
        pytest.param({"x": 1.0}, "$.x", "float 1.0", id="whole-float"),
        pytest.param({"a b": {"c-d": 0.1}}, '$["a b"]["c-d"]', "float 0.1", id="quoted-keys"),
        pytest.param({"é": [0.5]}, '$["é"][0]', "float 0.5", id="non-ascii-key"),
        pytest.param(3.14, "$", "float 3.14", id="top-level"),
        pytest.param(
            {"ok": [1, 2], "later": [True, {"deep": [None, -0.0]}]}, "$.later[1].deep[1]", "float -0.0", id="deep"
        ),
    ],
)
def test_float_anywhere_is_rejected_with_its_path(value: Any, path: str, kind: str) -> None:
    with pytest.raises(CanonicalizationError, match=rf"^{re.escape(path)}: {re.escape(kind)} is not allowed") as info:
        canonical_bytes(value)
    assert info.value.path == path
    with pytest.raises(CanonicalizationError):
        canonical_value(value)


def test_bool_is_not_a_float_or_an_int() -> None:
    assert canonical_bytes({"t": True, "f": False, "l": [True, None]}).text() == '{"f":false,"l":[true,null],"t":true}'


@pytest.mark.parametrize(
    ("value", "text"),
    [
        pytest.param(2**64 - 1, "18446744073709551615", id="u64-max"),
        pytest.param(-(2**63), "-9223372036854775808", id="i64-min"),
        pytest.param(0, "0", id="zero"),
    ],
)
def test_integers_at_the_64_bit_limits_print_plainly(value: int, text: str) -> None:
    assert canonical_bytes({"n": value}).text() == f'{{"n":{text}}}'


@pytest.mark.parametrize(
    "value",
    [pytest.param(2**64, id="u64-max+1"), pytest.param(-(2**63) - 1, id="i64-min-1"), pytest.param(10**30, id="1e30")],
)
def test_integers_outside_64_bits_are_rejected(value: int) -> None:
    with pytest.raises(CanonicalizationError, match=r"^\$\.a\[0\]: integer .* is outside the 64-bit range"):
        canonical_bytes({"a": [value]})


# --- RFC 3339 ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2026-01-15T17:00:00+05:00", "2026-01-15T12:00:00Z", id="positive-offset"),
        pytest.param("2026-01-15T05:30:00+05:30", "2026-01-15T00:00:00Z", id="half-hour-offset"),
        pytest.param("2026-01-15T12:00:00-00:00", "2026-01-15T12:00:00Z", id="minus-zero"),
        pytest.param("2026-01-15T00:30:00+01:00", "2026-01-14T23:30:00Z", id="back-a-day"),
        pytest.param("2026-12-31T23:30:00-01:00", "2027-01-01T00:30:00Z", id="forward-a-year"),
        pytest.param("2026-01-15T12:00:00.123456+00:00", "2026-01-15T12:00:00Z", id="fraction"),
        pytest.param("2026-01-15T12:00:59.999999999Z", "2026-01-15T12:00:59Z", id="truncated-not-rounded"),
        pytest.param("2026-01-15t12:00:00z", "2026-01-15T12:00:00Z", id="lowercase-t-z"),
        pytest.param("2024-02-29T12:00:00Z", "2024-02-29T12:00:00Z", id="leap-day"),
        pytest.param("2026-01-15T12:00:00Z", "2026-01-15T12:00:00Z", id="already-canonical"),
    ],
)
def test_rfc3339_strings_are_normalised_to_utc(text: str, expected: str) -> None:
    assert canonical_bytes({"at": text}).text() == f'{{"at":"{expected}"}}'
    assert canonical_value(["x", text, (text,)]) == ["x", expected, [expected]]
    assert normalize_timestamp(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("2026-13-01T00:00:00Z", id="month-13"),
        pytest.param("2026-02-30T00:00:00Z", id="feb-30"),
        pytest.param("2023-02-29T00:00:00Z", id="not-a-leap-year"),
        pytest.param("2026-01-15T25:00:00Z", id="hour-25"),
        pytest.param("2026-01-15T12:00:00+24:00", id="offset-24h"),
        pytest.param("2026-01-15T12:00:00", id="no-offset"),
        pytest.param("2026-01-15T12:00Z", id="no-seconds"),
        pytest.param("2026-01-15T12:00:00.Z", id="empty-fraction"),
        pytest.param("2026-01-15T12:00:00Z ", id="trailing-space"),
        pytest.param("x2026-01-15T12:00:00Z", id="prefixed"),
        pytest.param("0000-01-01T00:00:00Z", id="year-zero"),
        pytest.param("٢٠٢٦-01-15T12:00:00Z", id="arabic-indic-digits"),
        pytest.param("2026-01-15", id="date-only"),
        pytest.param("2026-01-15T12:00:00+05:00 and more", id="embedded"),
    ],
)
def test_strings_that_are_not_valid_instants_pass_unchanged(text: str) -> None:
    assert canonical_value({"at": text}) == {"at": text}
    assert canonical_value([text]) == [text]
    assert normalize_timestamp(text) is None


def test_keys_are_never_rewritten() -> None:
    assert canonical_bytes({"2026-01-15T17:00:00+05:00": 1}).text() == '{"2026-01-15T17:00:00+05:00":1}'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(
            datetime(2026, 1, 15, 17, 0, 0, 999999, tzinfo=timezone(timedelta(hours=5))),
            "2026-01-15T12:00:00Z",
            id="aware-offset",
        ),
        pytest.param(datetime(2026, 1, 15, 12, 0, 0), "2026-01-15T12:00:00Z", id="naive-is-utc"),
        pytest.param(datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC), "2026-01-15T12:00:00Z", id="utc"),
        pytest.param(date(2026, 1, 15), "2026-01-15", id="date"),
        pytest.param(date(33, 1, 2), "0033-01-02", id="early-date-padded"),
        pytest.param(datetime(33, 1, 2, 3, 4, 5), "0033-01-02T03:04:05Z", id="early-datetime-padded"),
    ],
)
def test_datetime_and_date_objects(value: date, expected: str) -> None:
    assert canonical_bytes({"v": (value,)}).text() == f'{{"v":["{expected}"]}}'


def test_format_utc_matches_canonical_form() -> None:
    moment = datetime(2026, 1, 15, 17, 0, 0, 5, tzinfo=timezone(timedelta(hours=5)))
    assert format_utc(moment) == "2026-01-15T12:00:00Z"


# --- keys, types, strings ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "path", "key"),
    [
        pytest.param({1: "a"}, "$", "1", id="int"),
        pytest.param({"a": {(1, 2): 3}}, "$.a", r"\(1, 2\)", id="tuple-nested"),
        pytest.param([{None: 1}], "$[0]", "None", id="none"),
        pytest.param({"x": {True: 1}}, "$.x", "True", id="bool"),
    ],
)
def test_non_string_keys_are_rejected(value: Any, path: str, key: str) -> None:
    with pytest.raises(
        CanonicalizationError, match=rf"^{re.escape(path)}: object key {key} is a \w+, not a string"
    ) as info:
        canonical_bytes(value)
    assert info.value.path == path


def test_string_subclasses_become_plain_strings() -> None:
    value = {ComplianceDomain.AML: [Did("did:web:example.com"), ComplianceDomain.TAX]}
    assert canonical_bytes(value).text() == '{"aml":["did:web:example.com","tax"]}'
    (key,) = canonical_value(value)
    assert type(key) is str


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        pytest.param({"s": {1, 2}}, "set", id="set"),
        pytest.param({"s": b"raw"}, "bytes", id="bytes"),
        pytest.param({"s": object()}, "object", id="object"),
    ],
)
def test_unsupported_types_are_rejected(value: Any, kind: str) -> None:
    with pytest.raises(CanonicalizationError, match=rf"^\$\.s: values of type {kind} cannot be canonicalised"):
        canonical_bytes(value)


def test_string_escaping_follows_python_json() -> None:
    value = {"s": 'q"b\\/\b\f\n\r\t\x01\x7f\u2028é😀'}
    assert canonical_bytes(value).text() == '{"s":"q\\"b\\\\/\\b\\f\\n\\r\\t\\u0001\x7f\u2028é😀"}'


def test_lone_surrogate_is_rejected() -> None:
    with pytest.raises(CanonicalizationError, match="not valid Unicode"):
        canonical_bytes({"s": "\ud800"})


def test_keys_sort_by_code_point() -> None:
    assert canonical_bytes({"b": 1, "a": 2, "B": 3, "é": 4, "😀": 5, "\uffff": 6}).text() == (
        '{"B":3,"a":2,"b":1,"é":4,"\uffff":6,"😀":5}'
    )


def test_input_is_not_modified() -> None:
    value = {"t": "2026-01-15T17:00:00+05:00", "l": ("x", datetime(2026, 1, 1))}
    before = repr(value)
    canonical_bytes(value)
    assert repr(value) == before


# --- CanonicalBytes ---------------------------------------------------------------------------------------------


def test_canonical_bytes_cannot_be_built_from_raw_bytes() -> None:
    with pytest.raises(TypeError, match=r"only be produced by msez\.core\.canonical_bytes"):
        CanonicalBytes(b"{}", object())


def test_canonical_bytes_value_object() -> None:
    cb = canonical_bytes({"a": "x" * 100})
    assert bytes(cb) == cb.data == cb.text().encode()
    assert len(cb) == len(cb.data)
    assert cb == canonical_bytes({"a": "x" * 100})
    assert hash(cb) == hash(canonical_bytes({"a": "x" * 100}))
    assert cb != cb.data
    assert repr(cb).endswith("...)")
    with pytest.raises(AttributeError, match="immutable"):
        cb._data = b"{}"


# --- properties -------------------------------------------------------------------------------------------------

_timestamps = st.builds(
    lambda moment, minutes, fraction: moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + _offset(minutes),
    st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2200, 1, 1)),
    st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59) | st.none(),
    st.sampled_from(["", ".1", ".123456", ".999999999"]),
)


def _offset(minutes: int | None) -> str:
    if minutes is None:
        return "Z"
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


_plain_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.text(max_size=30)
    | st.dates().map(date.isoformat)
)


def _trees(scalars: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        scalars,
        lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
        max_leaves=40,
    )


_json = _trees(_plain_scalars | _timestamps)
_plain_json = _trees(_plain_scalars)


@given(_json)
def test_canonical_form_is_idempotent(value: Any) -> None:
    once = canonical_bytes(value)
    assert canonical_bytes(json.loads(once.data)) == once
    assert canonical_value(canonical_value(value)) == canonical_value(value)


def _shuffled(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


@given(_json, st.randoms(use_true_random=False))
def test_canonical_form_is_independent_of_key_order(value: Any, rng: random.Random) -> None:
    assert canonical_bytes(_shuffled(value, rng)) == canonical_bytes(value)


@given(_plain_json)
def test_plain_json_matches_the_reference_python_encoder(value: Any) -> None:
    """Without timestamp strings MCF is exactly the legacy tools' ``json.dumps`` form (reference-impl B 3.1)."""
    assume(canonical_value(value) == value)
    expected = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert canonical_bytes(value).data == expected


@given(_json, st.sampled_from([1.5, 0.0, float("nan"), Decimal("1")]), st.data())
def test_a_float_inserted_anywhere_is_found(value: Any, bad: Any, data: st.DataObject) -> None:
    holder, path = _insert_somewhere(value, bad, data)
    with pytest.raises(CanonicalizationError) as info:
        canonical_bytes(holder)
    assert info.value.path == path


def _insert_somewhere(value: Any, bad: Any, data: st.DataObject) -> tuple[Any, str]:
    """Put ``bad`` into a copy of ``value`` at a drawn position, as the only non-canonical scalar."""
    if isinstance(value, dict) and value and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(value)))
        inner, rest = _insert_somewhere(value[key], bad, data)
        return {**value, key: inner}, _key_path(key) + rest[1:]
    if isinstance(value, list) and value and data.draw(st.booleans()):
        index = data.draw(st.integers(0, len(value) - 1))
        inner, rest = _insert_somewhere(value[index], bad, data)
        return [*value[:index], inner, *value[index + 1 :]], f"$[{index}]" + rest[1:]
    return {"bad": bad}, "$.bad"


def _key_path(key: str) -> str:
    return f"$.{key}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) else f"$[{json.dumps(key, ensure_ascii=False)}]"

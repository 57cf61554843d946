"""Strict YAML loading (reference-impl B 3.3): implicit dates, timestamps and floats are refused with their path."""

from __future__ import annotations

import pytest

from msez.core import ValidationError, load_yaml


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("as_of_date: 2025-01-01\n", r"\$\.as_of_date: YAML timestamp/date 2025-01-01", id="date"),
        pytest.param("a:\n  - t: 2025-01-01T10:00:00Z\n", r"\$\.a\[0\]\.t: YAML timestamp/date", id="timestamp"),
        pytest.param("rate: 1.5\n", r"\$\.rate: float 1\.5 is not allowed in strict mode", id="float"),
    ],
)
def test_strict_yaml_refuses_implicit_types(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        load_yaml(text, source="sources.yaml", strict=True)


def test_lenient_yaml_turns_dates_into_strings() -> None:
    assert load_yaml("d: 2025-01-01\n") == {"d": "2025-01-01"}
    assert load_yaml("d: '2025-01-01'\nn: 3\n", strict=True) == {"d": "2025-01-01", "n": 3}

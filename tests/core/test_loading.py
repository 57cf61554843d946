"""Safe JSON and YAML loading into the canonical data model (reference-impl B 3.3, spec X.1 step 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from msez.core import (
    CanonicalizationError,
    ValidationError,
    canonical_bytes,
    digest_of,
    load_document,
    load_json,
    load_yaml,
)


def test_yaml_dates_and_timestamps_become_canonical_strings() -> None:
    loaded = load_yaml(
        "day: 2026-01-15\n"
        "aware: 2026-01-15T10:00:00+05:00\n"
        "fraction: 2026-01-15T10:00:00.75Z\n"
        "spaced: 2026-01-15 10:00:00\n"
        "quoted: '2026-01-15'\n"
    )
    assert loaded == {
        "day": "2026-01-15",
        "aware": "2026-01-15T05:00:00Z",
        "fraction": "2026-01-15T10:00:00Z",
        "spaced": "2026-01-15T10:00:00Z",
        "quoted": "2026-01-15",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("a: 1\nb: 2\na: 3\n", r"duplicate key 'a' \(line 3\)", id="duplicate-top"),
        pytest.param("x:\n  k: 1\n  k: 1\n", r"duplicate key 'k' \(line 3\)", id="duplicate-nested"),
        pytest.param("? [a, b]\n: 1\n", r"mapping key must be a string \(line 1\)", id="sequence-key"),
        pytest.param("a: !!binary aGVsbG8=\n", r"\$\.a: unsupported YAML value of type bytes", id="binary"),
        pytest.param("a: !!set {x, y}\n", r"\$\.a: unsupported YAML value of type set", id="set"),
        pytest.param("a: !!python/object:os.system x\n", "could not determine a constructor", id="python-tag"),
        pytest.param("a: [1, 2\n", "invalid YAML", id="syntax"),
    ],
)
def test_yaml_refusals(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=rf"^zone\.yaml: .*{message}"):
        load_yaml(text, source="zone.yaml")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        pytest.param("1: a\n", r"\$: key 1", id="int"),
        pytest.param("x:\n  true: a\n", r"\$\.x: key True", id="bool"),
        pytest.param("l:\n  - ~: a\n", r"\$\.l\[0\]: key None", id="null"),
    ],
)
def test_yaml_non_string_keys_are_refused_with_their_path(text: str, where: str) -> None:
    with pytest.raises(ValidationError, match=rf"^m\.yaml: {where} is not a string \(quote it\)"):
        load_yaml(text, source="m.yaml")


def test_yaml_merge_keys_may_be_overridden() -> None:
    loaded = load_yaml("base: &b {a: 1, c: 3}\nx:\n  <<: *b\n  a: 2\ny: {<<: [{a: 1}, {a: 2, b: 1}], b: 5}\n")
    assert loaded == {"base": {"a": 1, "c": 3}, "x": {"a": 2, "c": 3}, "y": {"a": 1, "b": 5}}


def test_yaml_float_loads_and_is_then_rejected_with_its_path() -> None:
    with pytest.raises(CanonicalizationError, match=r"^\$\.fees\[1\]\.rate: float 0\.5"):
        canonical_bytes(load_yaml("fees:\n  - {rate: 1}\n  - {rate: 0.5}\n"))


def test_yaml_and_json_of_the_same_data_digest_identically(tmp_path: Path) -> None:
    json_file = tmp_path / "zone.json"
    json_file.write_text(
        '{"zone_id": "pk-rsez", "name": "Rashakai ÉZ", "founded": "2026-01-15", "opened": "2026-01-15T12:00:00Z",'
        ' "modules": [{"id": "aml", "version": 3}, {"id": "tax", "enabled": true, "notes": null}], "fee": -42}',
        encoding="utf-8",
    )
    yaml_file = tmp_path / "zone.yaml"
    yaml_file.write_text(
        "# comments and layout do not matter\n"
        "fee: -42\n"
        "modules:\n"
        "  - {id: aml, version: 3}\n"
        "  - id: tax\n"
        "    enabled: yes\n"
        "    notes: ~\n"
        "name: Rashakai ÉZ\n"
        "founded: 2026-01-15\n"
        "opened: 2026-01-15T17:00:00+05:00\n"
        "zone_id: pk-rsez\n",
        encoding="utf-8",
    )
    assert digest_of(load_document(yaml_file)) == digest_of(load_document(json_file))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b'{"a": 1,}', r"invalid JSON: .* \(line 1, column 9\)", id="syntax"),
        pytest.param(b'{"a": "\xff"}', "not UTF-8 text", id="not-utf8"),
    ],
)
def test_json_errors_name_the_source(data: bytes, message: str) -> None:
    with pytest.raises(ValidationError, match=rf"^r\.json: {message}"):
        load_json(data, source="r.json")


def test_json_keeps_floats_for_canonicalisation_to_reject() -> None:
    assert load_json('{"a": 1.0, "b": NaN}')["a"] == 1.0


def test_load_document_picks_the_parser_by_suffix(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("a: 1\n")
    (tmp_path / "a.yml").write_text('{"a": 1}')
    with pytest.raises(ValidationError, match=r"a\.json: invalid JSON"):
        load_document(tmp_path / "a.json")
    assert load_document(tmp_path / "a.yml") == {"a": 1}


def test_load_document_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"missing\.yaml: cannot read: No such file"):
        load_document(tmp_path / "missing.yaml")

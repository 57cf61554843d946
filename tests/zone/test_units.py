"""Direct tests of the building blocks: constraints, rendering, overlays, AKN clauses, parameters, digests."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msez.core import ValidationError
from msez.zone import (
    Constraint,
    OverlayError,
    Parameter,
    apply_patch,
    check_value,
    obligation_clauses,
    parse_akn,
    render_text,
    tree_digest,
)
from msez.zone._akn import AKN_NAMESPACE


@pytest.mark.parametrize(
    ("constraint", "version", "allowed"),
    [
        pytest.param(">=0.1.0,<0.3.0", "0.2.9", True, id="inside"),
        pytest.param(">=0.1.0,<0.3.0", "0.3.0", False, id="upper-exclusive"),
        pytest.param(">=0.1.0,<0.3.0", "0.3.0-rc.1", True, id="prerelease-below-release"),
        pytest.param("0.2.0", "0.2.0", True, id="bare-is-exact"),
        pytest.param("!=0.2.0", "0.2.0", False, id="not-equal"),
        pytest.param("*", "9.9.9", True, id="any"),
        pytest.param(" >= 1.0.0 , < 2.0.0 ", "1.5.0", True, id="spaces"),
    ],
)
def test_constraints(constraint: str, version: str, allowed: bool) -> None:
    assert Constraint.parse(constraint).allows(version) is allowed


@given(st.tuples(*[st.integers(0, 20)] * 3), st.tuples(*[st.integers(0, 20)] * 3))
def test_range_constraint_agrees_with_tuple_order(low: tuple[int, int, int], v: tuple[int, int, int]) -> None:
    text = ".".join(map(str, low))
    assert Constraint.parse(f">={text}").allows(".".join(map(str, v))) is (v >= low)


@pytest.mark.parametrize("bad", ["~>0.1", ">=0.1", "", ">=1.0.0,,<2.0.0"])
def test_bad_constraints_are_refused(bad: str) -> None:
    with pytest.raises(ValidationError, match="invalid constraint"):
        Constraint.parse(bad)


def test_render_both_syntaxes_and_value_forms() -> None:
    context = {"zone_name": "Rashakai", "ZONE_NAME": "Rashakai", "n": 5, "flag": True, "lst": ["a", 1]}
    text = "{{ ZONE_NAME }}/${zone_name}/${n}/${flag}/${lst}/${KEEP:-x}/{{missing}}"
    assert (
        render_text(text, context, strict=False, source="x.txt")
        == 'Rashakai/Rashakai/5/true/["a",1]/${KEEP:-x}/{{missing}}'
    )


def test_strict_render_names_the_yaml_path() -> None:
    with pytest.raises(ValidationError, match=r"a.yaml: \$.outer.list\[1\] \(line 4\): placeholder 'gone'"):
        render_text("outer:\n  list:\n    - fine\n    - ${gone}\n", {}, strict=True, source="a.yaml")


ORIGINAL = {"policy.rego": b"line 1\nline 2\nline 3\n"}


def _patch(body: str) -> bytes:
    return f"--- a/policy.rego\n+++ b/policy.rego\n{body}".encode()


def test_patch_applies_strictly() -> None:
    out = apply_patch(
        ORIGINAL,
        _patch("@@ -2,2 +2,2 @@\n line 2\n-line 3\n+line three\n"),
        module_dir="m",
        where=("zone.yaml", "$.overlays[0].patches[0]"),
        patch_name="p.patch",
    )
    assert out["policy.rego"] == b"line 1\nline 2\nline three\n"


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        pytest.param(_patch("@@ -1,1 +1,1 @@\n-line 2\n+x\n"), "hunk #1 does not apply to policy.rego", id="shifted"),
        pytest.param(b"not a diff\n", "not a unified diff", id="garbage"),
        pytest.param(b"--- a/../x\n+++ b/../x\n@@ -0,0 +1 @@\n+x\n", "lies outside the module", id="escape"),
        pytest.param(
            b"--- a/none.txt\n+++ b/none.txt\n@@ -1 +1 @@\n-a\n+b\n",
            "which the module does not have",
            id="unknown-file",
        ),
    ],
)
def test_patch_failures_name_overlay_and_hunk(patch: bytes, message: str) -> None:
    with pytest.raises(OverlayError, match=message) as caught:
        apply_patch(
            ORIGINAL, patch, module_dir="m", where=("zone.yaml", "$.overlays[0].patches[0]"), patch_name="p.patch"
        )
    assert str(caught.value).startswith("zone.yaml: $.overlays[0].patches[0]: p.patch: ")


def _akn(body: str) -> bytes:
    return f'<akomaNtoso xmlns="{AKN_NAMESPACE}"><act><body>{body}</body></act></akomaNtoso>'.encode()


def test_clauses_are_the_innermost_anchored_elements() -> None:
    root = parse_akn(
        _akn(
            '<section eId="s1"><heading>Duties</heading>'
            '<paragraph eId="s1_p1"><content><p>A person shall report.</p></content></paragraph>'
            '<paragraph eId="s1_p2"><content><p>Reports are public.</p></content></paragraph>'
            '<paragraph eId="s1_p3"><content><p>It MUST be signed.</p></content></paragraph></section>'
            '<section eId="s2"><heading>Marshall plan</heading></section>'
        ),
        source="a.xml",
    )
    clauses = obligation_clauses(root, document="a.xml")
    assert [(c.eid, c.keyword) for c in clauses] == [("s1_p1", "SHALL"), ("s1_p3", "MUST")]


def test_entities_are_not_expanded() -> None:
    hostile = (
        b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<akomaNtoso xmlns="' + AKN_NAMESPACE.encode() + b'"><act><body><p eId="p1">&x;</p></body></act></akomaNtoso>'
    )
    root = parse_akn(hostile, source="h.xml")
    assert "root:" not in "".join(root.itertext())


def test_non_akn_root_is_refused() -> None:
    with pytest.raises(ValidationError, match="expected akomaNtoso"):
        parse_akn(b'<html eId="x"/>', source="x.xml")


@pytest.mark.parametrize(
    ("kind", "value", "ok"),
    [
        pytest.param("number", 5000, True, id="number-int"),
        pytest.param("number", "10.25", True, id="number-decimal-string"),
        pytest.param("number", 2.5, False, id="number-float"),
        pytest.param("integer", True, False, id="bool-is-not-integer"),
        pytest.param("duration", "P7D", True, id="iso-duration"),
        pytest.param("duration", "1h", True, id="short-duration"),
        pytest.param("duration", "P", False, id="empty-duration"),
        pytest.param("money", {"amount": "350000", "currency": "USD"}, True, id="money-object"),
        pytest.param("money", {"amount": "1", "currency": "usd"}, False, id="money-lowercase-currency"),
        pytest.param("jurisdiction_ref", "pk-rsez", True, id="jurisdiction"),
        pytest.param("jurisdiction_ref", "Pakistan", False, id="not-a-jurisdiction"),
    ],
)
def test_parameter_types(kind: str, value: object, ok: bool) -> None:
    assert (check_value(Parameter("p", kind), value) is None) is ok


def test_enum_and_constraints() -> None:
    enum = Parameter("mode", "enum", values=("daily", "weekly"))
    assert check_value(enum, "hourly") == "parameter mode must be one of ['daily', 'weekly'], got str 'hourly'"
    bounded = Parameter("n", "integer", constraints={"minimum": 1, "maximum": 3})
    assert check_value(bounded, 4) == "parameter n must be <= 3, got 4"


def test_tree_digest_matches_the_reference_rule() -> None:
    assert tree_digest({}).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    import hashlib

    expected = hashlib.sha256(b"a.txt\0A\0b/c.txt\0C\0").hexdigest()
    assert tree_digest({"b/c.txt": b"C", "a.txt": b"A"}).hex == expected

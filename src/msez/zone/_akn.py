"""Akoma Ntoso 3.0 legal texts: hardened parsing, ``eId`` anchors and MUST/SHALL clause extraction (spec §50).

XML is parsed by lxml with entity resolution, DTD loading and network access off, so a hostile document cannot
expand entities or reach out. A *clause* is an element with an ``eId`` whose own text (its text minus the text
of descendants that carry their own ``eId``) contains the word MUST or SHALL in any case; legal drafting writes
"shall", RFC 2119 writes "MUST". The innermost anchored element is the clause, so a section whose paragraphs
carry the obligations yields the paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from msez.core import ValidationError

AKN_NAMESPACE = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
_ROOT = f"{{{AKN_NAMESPACE}}}akomaNtoso"
_OBLIGATION = re.compile(r"\b(MUST|SHALL)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Clause:
    """A MUST/SHALL obligation: the anchoring ``eId``, the document it is in, the keyword and a text excerpt."""

    eid: str
    document: str
    keyword: str
    line: int
    excerpt: str


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=False)


def parse_akn(data: bytes, *, source: str) -> etree._Element:
    """Parse an Akoma Ntoso document and return its root.

    Raises:
        ValidationError: malformed XML (with the line), a root other than AKN 3.0 ``akomaNtoso``, or a document
            without any ``eId`` anchor.
    """
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as e:
        line = e.lineno or 0
        raise ValidationError(f"malformed XML: {e.msg}", path=f"{source}: line {line}") from None
    if root.tag != _ROOT:
        raise ValidationError(
            f"root element is {root.tag!r}, expected akomaNtoso in namespace {AKN_NAMESPACE}",
            path=f"{source}: line {root.sourceline or 1}",
        )
    if not eid_anchors(root):
        raise ValidationError("no element carries an eId anchor", path=f"{source}: line {root.sourceline or 1}")
    return root


def eid_anchors(root: etree._Element) -> list[str]:
    """Every non-empty ``eId`` in document order."""
    return [str(e.get("eId")) for e in root.iter() if isinstance(e.tag, str) and e.get("eId")]


def obligation_clauses(root: etree._Element, *, document: str) -> list[Clause]:
    """The MUST/SHALL clauses of a parsed document, in document order."""
    clauses = []
    for element in root.iter():
        if not isinstance(element.tag, str) or not element.get("eId"):
            continue
        text = " ".join(_own_text(element).split())
        match = _OBLIGATION.search(text)
        if match:
            excerpt = text if len(text) <= 100 else text[:97] + "..."
            eid = str(element.get("eId"))
            line = element.sourceline if isinstance(element.sourceline, int) else 0
            clauses.append(Clause(eid, document, match.group(1).upper(), line, excerpt))
    return clauses


def _own_text(element: etree._Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and not child.get("eId"):
            parts.append(_own_text(child))
        parts.append(child.tail or "")
    return " ".join(parts)

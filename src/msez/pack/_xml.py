"""Hardened Akoma Ntoso parsing, Exclusive XML C14N and the ``@eId`` fragment index (spec 96).

lxml does the parsing and canonicalisation; this module only fixes the parser settings and the index rules the
reference's ``tools/lawpack.py`` uses. Input is untrusted: the parser never resolves entities, never touches the
network, never loads a DTD and keeps libxml2's size limits (``huge_tree`` off). On top of that, any document that
carries a DOCTYPE (and so any entity declaration, internal or external) is refused outright, so billion-laughs
and XXE payloads never reach the index.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

from msez.core import ValidationError

_START_TAG = re.compile(rb'<([^\s>/!?][^\s>/]*)((?: [^\s=]+="[^"]*")*)>')


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        remove_comments=False,
        recover=False,
    )


def parse_xml(data: bytes, *, source: str) -> etree._ElementTree:
    """Parse untrusted XML.

    Raises:
        ValidationError: not well-formed, or it declares a DOCTYPE or entities (one line, naming ``source``).
    """
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as e:
        line, column = e.position
        message = " ".join(str(e.msg or e).split())
        raise ValidationError(f"{source}: not well-formed XML: {message} (line {line}, column {column})") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None or tree.docinfo.externalDTD is not None:
        raise ValidationError(
            f"{source}: refused: the document declares a DOCTYPE; DTDs and entity declarations are not allowed"
        )
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        raise ValidationError(f"{source}: refused: the document contains entity references")
    return tree


def c14n(node: etree._ElementTree | etree._Element) -> bytes:
    """Exclusive XML C14N without comments (lxml ``write_c14n(exclusive=True, with_comments=False)``)."""
    return etree.tostring(node, method="c14n", exclusive=True, with_comments=False)


@dataclass(frozen=True)
class AknDocument:
    """One canonicalised AKN document and its index entry (``documents[<member>]`` in ``index.json``)."""

    member: str
    canonical: bytes
    index_entry: dict[str, Any]


def index_document(member: str, data: bytes, *, strict: bool = False) -> AknDocument:
    """Parse, canonicalise and index one AKN document.

    Every element with a non-empty ``eId`` becomes a fragment ``{sha256, xpath, byte_start, byte_end}``; the
    offsets locate the fragment's C14N bytes in the document's C14N bytes (first occurrence), else null. With a
    default namespace the fragment's own ``xmlns`` makes it differ from its place in the document, so null is
    common and expected (spec 96).

    Raises:
        ValidationError: hostile or malformed XML; in ``strict`` mode also a repeated ``eId``.
    """
    tree = parse_xml(data, source=member)
    canonical = c14n(tree)
    starts = _start_tag_positions(canonical)
    fragments: dict[str, dict[str, Any]] = {}
    for element in tree.getroot().iter(etree.Element):
        eid = element.get("eId")
        if not eid:
            continue
        if strict and eid in fragments:
            raise ValidationError(f"{member}: eId {eid!r} appears more than once")
        fragment = c14n(element)
        start = _locate(canonical, fragment, starts)
        fragments[eid] = {
            "sha256": hashlib.sha256(fragment).hexdigest(),
            "xpath": tree.getpath(element),
            "byte_start": start,
            "byte_end": None if start is None else start + len(fragment),
        }
    entry = {"document_sha256": hashlib.sha256(canonical).hexdigest(), "fragments": fragments}
    return AknDocument(member, canonical, entry)


def _start_tag_positions(canonical: bytes) -> dict[bytes, list[int]]:
    """Positions of every start tag in C14N bytes, by the tag's exact bytes.

    C14N escapes ``<`` in text and attribute values and writes attributes as `` name="value"``, so a fragment can
    only occur where its own start tag occurs; looking those up replaces a full ``find`` per fragment, which is
    quadratic on large corpora.
    """
    positions: dict[bytes, list[int]] = {}
    for match in _START_TAG.finditer(canonical):
        positions.setdefault(match.group(0), []).append(match.start())
    return positions


def _locate(canonical: bytes, fragment: bytes, starts: dict[bytes, list[int]]) -> int | None:
    match = _START_TAG.match(fragment)
    if match is None:
        found = canonical.find(fragment)
        return None if found < 0 else found
    for position in starts.get(match.group(0), ()):
        if canonical.startswith(fragment, position):
            return position
    return None

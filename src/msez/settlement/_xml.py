"""Parsing untrusted ISO 20022 XML safely, and small helpers shared by the message modules.

The parser never resolves entities, never loads a DTD, never touches the network and refuses any document that
declares a DOCTYPE at all (entity-expansion and external-entity attacks need one).
"""

from __future__ import annotations

from lxml import etree

from msez.core import ValidationError

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)


def parse_xml(data: bytes) -> etree._Element:
    """The root element of ``data``.

    Raises:
        ValidationError: not well-formed XML, or the document declares a DTD.
    """
    if not isinstance(data, bytes):
        raise ValidationError(f"XML must be given as bytes, got {type(data).__name__}")
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError as e:
        raise ValidationError(f"not well-formed XML: {e}") from e
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.system_url is not None:
        raise ValidationError("XML with a DOCTYPE is refused (entities and DTDs are not allowed)")
    return root


def namespace_of(element: etree._Element) -> str:
    return etree.QName(element).namespace or ""


class Reader:
    """Namespaced child look-ups below one element, with errors naming the missing path."""

    def __init__(self, namespace: str) -> None:
        self.ns = {"m": namespace}

    def find(self, element: etree._Element, path: str) -> etree._Element | None:
        return element.find(self._q(path), self.ns)

    def findall(self, element: etree._Element, path: str) -> list[etree._Element]:
        return list(element.findall(self._q(path), self.ns))

    def one(self, element: etree._Element, path: str) -> etree._Element:
        found = self.find(element, path)
        if found is None:
            raise ValidationError(f"missing {path} in {etree.QName(element).localname}")
        return found

    def text(self, element: etree._Element, path: str) -> str | None:
        found = self.find(element, path)
        return None if found is None or found.text is None else found.text.strip()

    def required(self, element: etree._Element, path: str) -> str:
        value = self.text(element, path)
        if not value:
            raise ValidationError(f"missing {path} in {etree.QName(element).localname}")
        return value

    @staticmethod
    def _q(path: str) -> str:
        return "/".join(f"m:{part}" for part in path.split("/"))

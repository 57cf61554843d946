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
    """Namespaced child look-ups below one element, with errors naming the missing path.

    Paths are child steps only (``PmtId/EndToEndId``); walking the children directly is several times faster than
    lxml's ElementPath for these small documents.
    """

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self._paths: dict[str, tuple[str, ...]] = {}

    def find(self, element: etree._Element, path: str) -> etree._Element | None:
        found = self._walk(element, path)
        return found[0] if found else None

    def findall(self, element: etree._Element, path: str) -> list[etree._Element]:
        return self._walk(element, path)

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

    def _walk(self, element: etree._Element, path: str) -> list[etree._Element]:
        tags = self._paths.get(path)
        if tags is None:
            tags = self._paths[path] = tuple(f"{{{self.namespace}}}{part}" for part in path.split("/"))
        level = [element]
        for tag in tags:
            level = [child for parent in level for child in parent if child.tag == tag]
        return level

    def subtree(self, element: etree._Element) -> Subtree:
        """``element`` with every descendant in this namespace indexed by its path, for many look-ups below it."""
        return Subtree(element, self.namespace)


class Subtree:
    """One pass over an element's descendants; then each look-up by path (``Dbtr/Nm``) is a dictionary read."""

    def __init__(self, element: etree._Element, namespace: str) -> None:
        self.element = element
        self._index: dict[str, list[etree._Element]] = {}
        prefix = f"{{{namespace}}}"
        stack: list[tuple[etree._Element, str]] = [(element, "")]
        while stack:
            parent, path = stack.pop()
            for child in reversed(parent):
                tag = child.tag
                if isinstance(tag, str) and tag.startswith(prefix):
                    child_path = f"{path}/{tag[len(prefix) :]}" if path else tag[len(prefix) :]
                    self._index.setdefault(child_path, []).insert(0, child)
                    stack.append((child, child_path))

    def findall(self, path: str) -> list[etree._Element]:
        return self._index.get(path, [])

    def text(self, path: str) -> str | None:
        found = self._index.get(path)
        return None if not found or found[0].text is None else found[0].text.strip()

    def required(self, path: str) -> str:
        value = self.text(path)
        if not value:
            raise ValidationError(f"missing {path} in {etree.QName(self.element).localname}")
        return value

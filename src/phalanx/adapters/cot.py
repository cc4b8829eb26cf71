"""Cursor-on-Target: the XML event TAK clients read (`<event version="2.0">` with a
`<point>` and a `<detail>`), and CoT types from MIL-STD-2525C symbol codes.

A CoT type for an atom is "a-" + affiliation + "-" + battle dimension, then one letter per
character of the symbol's function id: SFGPUCIA--- (friendly airborne infantry) is
a-f-G-U-C-I-A, the same symbol TAK clients draw. Emergency and stability-operation
symbols (coding schemes E and O) have no such derivation; they go as a ground atom of
their affiliation, with the full code in the detail. Names and remarks lose what XML
cannot carry (control characters), so that one record's text never stops a feed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lxml import etree

from phalanx.adapters.xmltext import xml_text


def cot_type(sidc: str) -> str:
    sidc = sidc.upper()
    affiliation = {"F": "f", "H": "h", "N": "n", "U": "u", "A": "a", "S": "s", "P": "p",
                   "J": "j", "K": "k", "D": "f", "M": "a", "G": "p", "W": "u", "L": "n"}
    aff = affiliation.get(sidc[1:2], "u")
    if sidc[:1] not in ("S", "I") or len(sidc) < 10:
        return f"a-{aff}-G"
    dimension = sidc[2]
    if dimension == "F":  # special operations forces: a ground atom in CoT
        return f"a-{aff}-G"
    function = [c for c in sidc[4:10] if c not in "-*"]
    return "-".join(["a", aff, dimension, *function])


def event(uid: str, sidc: str, lat: float, lon: float, callsign: str, at: datetime,
          stale: timedelta, remarks: str = "", how: str = "h-e") -> bytes:
    """One CoT event, as bytes ready for the wire."""
    ev = etree.Element("event", version="2.0", uid=xml_text(uid), type=cot_type(sidc), how=how,
                       time=_t(at), start=_t(at), stale=_t(at + stale))
    etree.SubElement(ev, "point", lat=f"{lat:.6f}", lon=f"{lon:.6f}", hae="0",
                     ce="9999999", le="9999999")
    detail = etree.SubElement(ev, "detail")
    etree.SubElement(detail, "contact", callsign=xml_text(callsign))
    etree.SubElement(detail, "__milsym", id=sidc)
    if remarks:
        etree.SubElement(detail, "remarks").text = xml_text(remarks)
    return bytes(etree.tostring(ev, xml_declaration=False, encoding="UTF-8"))


def _t(at: datetime) -> str:
    """A CoT time: UTC, to the millisecond, "Z" (a time without a zone is taken as UTC)."""
    at = at.replace(tzinfo=UTC) if at.utcoffset() is None else at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"

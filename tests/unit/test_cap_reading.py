"""CAP read as the widely used consumers read it: what real national feeds send is
accepted with warnings naming the element and line; only what means nothing is refused.
Each case of the intake issue is a file written here (as the national systems wrote
it) or a file of the shared fixtures."""

from __future__ import annotations

import pytest

from phalanx.adapters.cap import parse as cap
from tests.conftest import shared_file
from tests.support.capfiles import HEADER, SQUARE, XXE, alert, info


def warned(data: bytes) -> list[str]:
    return [str(w) for w in cap.parse(data).warnings]


def test_sent_before_sender_is_read_with_a_schema_warning() -> None:  # Swiss alerts
    header = ("<identifier>CH-1</identifier><sent>2026-11-20T06:00:00+01:00</sent>"
              "<sender>alertswiss@fedpol.ch</sender><status>Actual</status>"
              "<msgType>Alert</msgType><scope>Public</scope>")
    a = cap.parse(alert(header=header))
    assert a.sender == "alertswiss@fedpol.ch" and a.sent is not None
    assert a.sent.utcoffset() is not None and a.sent.utcoffset().total_seconds() == 3600
    assert any(w.path == "/alert/sent" and "schema" in w.message and w.line
               for w in a.warnings), a.warnings


def test_expires_out_of_schema_order_is_read() -> None:  # a German alert
    late = info().replace("</info>", "<expires>2026-11-21T06:00:00+01:00</expires></info>")
    a = cap.parse(alert(late))
    assert a.infos[0].expires is not None
    assert any(w.path == "/alert/info[1]/expires" for w in a.warnings)


def test_polygon_after_geocode_is_read() -> None:  # US NWS
    area = ("<area><areaDesc>Washoe</areaDesc><geocode><valueName>SAME</valueName>"
            f"<value>032031</value></geocode><polygon>{SQUARE}</polygon></area>")
    a = cap.parse(alert(info(raw_areas=area)))
    assert a.infos[0].areas[0].polygons and a.infos[0].areas[0].geocodes == (
        ("SAME", "032031"),)
    assert any(w.path == "/alert/info[1]/area[1]/polygon" and "not expected" in w.message
               for w in a.warnings)


def test_a_stray_coordinate_is_dropped_and_an_overshoot_clamped() -> None:  # GDACS
    poly = "10.0,-179.0 10.0,-180.4 11.0,-180.4 11.0,-179.0 12.5 10.0,-179.0"
    a = cap.parse(alert(info(polygons=(poly,))))
    ring = a.infos[0].areas[0].polygons[0]
    assert (10.0, -180.0) in ring and all(len(p) == 2 for p in ring)
    texts = warned(alert(info(polygons=(poly,))))
    assert any("/alert/info[1]/area[1]/polygon: stray token '12.5'" in t for t in texts)
    assert any("clamped to 10,-180" in t for t in texts)
    far = "10.0,-179.0 10.0,-185.0 11.0,-185.0 10.0,-179.0"
    assert not cap.parse(alert(info(polygons=(far, SQUARE)))).infos[0].areas[0].polygons[1:]


def test_an_unclosed_polygon_is_closed() -> None:
    open_ring = "43.0,74.0 43.0,75.0 42.0,75.0 42.0,74.0"
    a = cap.parse(alert(info(polygons=(open_ring,))))
    ring = a.infos[0].areas[0].polygons[0]
    assert ring[0] == ring[-1] and len(ring) == 5
    assert any("closed" in w.message for w in a.warnings)


@pytest.mark.parametrize("ring", [
    "43.0,74.0 43.0,75.0 43.0,76.0 43.0,74.0",  # along a parallel
    "42.0,74.0 43.0,75.0 44.0,76.0 42.0,74.0",  # along a diagonal
    "42.0,179.0 43.0,-179.0 44.0,-177.0",  # along a diagonal over the meridian, unclosed
])
def test_a_polygon_on_one_line_is_dropped_with_a_warning_naming_it(ring: str) -> None:
    from phalanx.adapters.cap import geometry as geo
    from phalanx.services import alerts

    a = cap.parse(alert(info(), info(language="ru-RU", polygons=(SQUARE, ring))))
    assert a.infos[1].areas[1].polygons == ()
    [w] = [w for w in a.warnings if "one line" in w.message]
    assert w.path == "/alert/info[2]/area[2]/polygon" and w.line == 4
    alone = cap.parse(alert(info(polygons=(ring,))))
    assert geo.place(alerts.shapes(alone)) is None
    assert any("one line" in w.message and w.line for w in alone.warnings)


def test_an_empty_references_is_a_warning() -> None:  # Environment Canada
    a = cap.parse(alert(extra="<references/>"))
    assert a.references == ()
    assert [w for w in a.warnings if w.path == "/alert/references"]
    real = cap.parse(shared_file("fixtures", "cap", "google-cap-library",
                                 "canada_errors.cap").read_bytes())
    assert any(w.path == "/alert/references" and w.line == 12 for w in real.warnings)


def test_paths_name_the_element_in_the_second_info() -> None:
    bad = "43.0,74.0 43.0,75.0 oops 42.0,74.0 43.0,74.0"
    a = cap.parse(alert(info(), info(language="ru-RU", polygons=(SQUARE, bad))))
    [w] = [w for w in a.warnings if "oops" in w.message]
    assert w.path == "/alert/info[2]/area[2]/polygon" and w.line == 4


def test_cap11_is_checked_against_its_schema() -> None:
    with pytest.raises(cap.CapError, match="'Bogus' is not a CAP status"):
        cap.parse(alert(info(severity="Catastrophic"), status="Bogus", version="1.1"))
    a = cap.parse(alert(info(severity="Catastrophic"), version="1.1"))
    assert a.version == "1.1" and a.infos[0].severity == "Unknown"
    assert any(w.path == "/alert/info[1]/severity" for w in a.warnings)
    header = HEADER.format(identifier="x", sender="y", sent="2026-11-20T06:00:00+06:00",
                           status="Actual", msg_type="Alert") + "<bogus>1</bogus>"
    assert any("schema" in w.message for w in cap.parse(alert(header=header, version="1.1"))
               .warnings)


@pytest.mark.parametrize(("data", "reason"), [
    (b"<alert>not cap</alert>", "not a CAP alert"),
    (b"<html><body>503</body></html>", "not a CAP alert"),
    (b"<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'><identifier>1</ident",
     "not well-formed"),
    (XXE, "DOCTYPE or entity"),
    (alert(identifier=""), "/alert/identifier: required element"),
    (alert(sender=""), "/alert/sender: required element"),
    (alert(msg_type="Bogus"), "not a CAP message type"),
])
def test_what_means_nothing_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(cap.CapError, match=reason):
        cap.parse(data)


def test_a_missing_time_zone_is_a_warning_not_a_refusal() -> None:
    a = cap.parse(alert(sent="2026-11-20T06:00:00"))
    assert a.sent is None and a.sent_text == "2026-11-20T06:00:00"
    assert any(w.path == "/alert/sent" and "receipt time" in w.message for w in a.warnings)


def test_every_info_and_area_is_read() -> None:
    a = cap.parse(alert(info("Jarðskjálfti", language="is-IS"), info("Earthquake"),
                        info("Землетрясение", language="ru-RU", polygons=(SQUARE, SQUARE))))
    assert [i.language for i in a.infos] == ["is-IS", "en-US", "ru-RU"]
    assert [len(i.areas) for i in a.infos] == [1, 1, 2]
    assert a.infos[2].headline == "Землетрясение"


@pytest.mark.parametrize("radius", ["inf", "Infinity", "nan", "1e300", "-5", "40000"])
def test_a_circle_without_a_finite_radius_on_the_earth_is_dropped(radius: str) -> None:
    from phalanx.adapters.cap import geometry as geo
    from phalanx.services import alerts

    area = f"<area><areaDesc>Chuy</areaDesc><circle>42.8,74.6 {radius}</circle></area>"
    a = cap.parse(alert(info(raw_areas=area)))
    assert a.infos[0].areas[0].circles == ()
    assert any(w.path == "/alert/info[1]/area[1]/circle" and "dropped" in w.message
               and w.line for w in a.warnings)
    assert geo.place(alerts.shapes(a)) is None  # nothing to place, and no error placing it
    wide = cap.parse(alert(info(raw_areas=area.replace(radius, "20000"))))
    lat, _ = geo.place(alerts.shapes(wide)) or (None, None)
    assert lat is not None and -90 <= lat <= 90


@pytest.mark.parametrize(("field", "value"), [("identifier", "INVALID, "),
                                              ("identifier", "KG 2026 1"),
                                              ("sender", "mchs&amp;co@gov.kg")])
def test_an_identifier_or_sender_cap_forbids_is_kept_with_a_warning(field: str,
                                                                    value: str) -> None:
    a = cap.parse(alert(**{field: value}))
    assert getattr(a, field) == value.strip().replace("&amp;", "&")
    assert any(w.path == f"/alert/{field}" and "CAP forbids" in w.message and w.line
               for w in a.warnings), a.warnings


def test_the_invalid_identifier_of_a_real_feed_is_named() -> None:
    from phalanx.services import feeds

    body = shared_file("fixtures", "cap", "google-cap-library", "weather_invalid.atom")
    ((_, inline),) = feeds.entries(body.read_bytes(), "http://127.0.0.1/")
    assert inline is not None
    # named by its line in the feed's file
    assert any(w.path == "/alert/identifier" and w.line == 28
               for w in cap.parse(inline).warnings)

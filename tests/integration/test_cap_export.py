"""A crisis exported as CAP 1.2 is valid against the OASIS schema of the shared fixtures
(read with lxml's XML Schema), whatever the alert it came from carried when it was read
leniently, and reads back with nothing lost: CAP 1.0's certainty, a language that is
not a tag, coordinates of any size, text with control characters."""

from __future__ import annotations

import pytest
from lxml import etree

from phalanx.adapters.cap import parse as cap
from phalanx.domain.access.principal import Principal, Role
from phalanx.services import alerts, crises
from phalanx.services.db import Database
from tests.conftest import shared_file
from tests.support.capfiles import alert, info

SEC = Principal("secretariat", Role.SECRETARIAT)
KGZ = alerts.Route(("KGZ",))


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


def official(xml: bytes) -> None:
    schema = etree.XMLSchema(etree.parse(str(shared_file("fixtures", "cap", "schema",
                                                        "cap12.xsd"))))
    assert schema.validate(etree.fromstring(xml)), schema.error_log


def exported(db: Database, crisis_id: int) -> bytes:
    with db.read() as conn:
        return crises.export_cap(conn, crisis_id, actor=SEC)


@pytest.mark.parametrize(("version", "language", "certainty", "expected"), [
    ("1.0", "en-US", "Very Likely", ("en-US", "Likely")),
    ("1.1", "English (US)", "Very Likely", ("und", "Likely")),
    ("1.2", "ru-RU", "Possible", ("ru-RU", "Possible")),
])
def test_what_was_read_leniently_is_written_as_valid_cap12(
        db: Database, version: str, language: str, certainty: str,
        expected: tuple[str, str]) -> None:
    r = alerts.receive(db, alert(info(language=language, certainty=certainty),
                                 version=version), KGZ, actor=SEC)
    assert r.crisis is not None
    xml = exported(db, r.crisis.id)
    official(xml)
    back = cap.parse(xml)
    assert (back.infos[0].language, back.infos[0].certainty) == expected
    assert not back.warnings, back.warnings


def test_coordinates_are_written_in_decimal_degrees_to_six_places(db: Database) -> None:
    ring = "0.00001,30.123456 0.5,174.987654 -0.000004,175.1 0.00001,30.123456"
    circle = "<circle>-12.345678,-77.000001 1234.567891</circle>"
    area = f"<area><areaDesc>x</areaDesc><polygon>{ring}</polygon>{circle}</area>"
    r = alerts.receive(db, alert(info(raw_areas=area)), KGZ, actor=SEC)
    assert r.crisis is not None
    xml = exported(db, r.crisis.id)
    official(xml)
    assert b"e-05" not in xml
    back = cap.parse(xml).infos[0].areas[0]
    assert back.polygons == (((0.00001, 30.123456), (0.5, 174.987654), (-0.000004, 175.1),
                              (0.00001, 30.123456)),)
    assert back.circles == ((-12.345678, -77.000001, 1234.567891),)


def test_control_characters_in_a_crisis_are_left_out_of_its_cap(db: Database) -> None:
    c = crises.open_crisis(db, crises.CrisisIn(
        title="Bomb\x0b threat", category="terrorist_act", affected=["KAZ"],
        description="Line one\x01\nline two\ttab"), actor=SEC)
    xml = exported(db, c.id)
    official(xml)
    i = cap.parse(xml).infos[0]
    assert (i.headline, i.description) == ("Bomb threat", "Line one\nline two\ttab")

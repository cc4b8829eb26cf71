"""Alerts in other encodings than UTF-8 (ISO-8859-1, windows-1251, UTF-16): the stored
copy holds the characters the XML parser read, so it reads back the same, and so does
an Update applied later from its stored copy; what is not well-formed is still
refused."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from phalanx.adapters.cap import parse as cap
from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import Principal, Role
from phalanx.services import alerts
from phalanx.services.db import Database
from tests.conftest import shared_file
from tests.integration.test_api_alerts import api  # noqa: F401 (fixture)
from tests.support.capfiles import alert, info

SEC = Principal("secretariat", Role.SECRETARIAT)
KGZ = alerts.Route(("KGZ",))
XML = {"content-type": "application/xml"}
LATIN = "Séisme à Usulután: évacuez"
CYRILLIC = "Землетрясение в Чуйской области"


def encoded(data: bytes, encoding: str, codec: str | None = None) -> bytes:
    """The test alert declared in `encoding` and written in it."""
    text = data.decode().replace('encoding="UTF-8"', f'encoding="{encoding}"')
    return text.encode(codec or encoding)


def stored_xml(db: Database, alert_id: int) -> str:
    with db.read() as conn:
        return conn.execute(select(t.cap_alert.c.xml).where(
            t.cap_alert.c.id == alert_id)).scalar_one()


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


@pytest.mark.parametrize(("encoding", "codec", "headline"), [
    ("ISO-8859-1", "latin-1", LATIN), ("windows-1251", "cp1251", CYRILLIC),
    ("UTF-16", "utf-16", CYRILLIC)])
def test_the_stored_copy_reads_back_with_the_characters_received(
        db: Database, encoding: str, codec: str, headline: str) -> None:
    data = encoded(alert(info(headline, description=headline)), encoding, codec)
    assert headline.encode("utf-8") not in data  # really another encoding
    got = alerts.receive(db, data, KGZ, actor=SEC)
    assert got.alert.infos[0]["headline"] == headline
    xml = stored_xml(db, got.alert.id)
    assert f"<headline>{headline}</headline>" in xml and "\ufffd" not in xml
    assert cap.parse(cap.decoded(data).split("?>", 1)[1].encode()).infos[0].headline == \
        headline


def test_the_iso_8859_1_fixture_is_stored_as_read(db: Database) -> None:
    data = shared_file("fixtures", "cap", "google-cap-library",
                       "earthquake-iso8859-1.cap").read_bytes()
    got = alerts.receive(db, data, KGZ, actor=SEC)
    xml = stored_xml(db, got.alert.id)
    assert "Usulután" in xml and "\ufffd" not in xml
    assert xml == data.decode("latin-1")


def test_a_byte_order_mark_is_read_and_not_kept(db: Database) -> None:
    data = b"\xef\xbb\xbf" + alert(info(CYRILLIC))
    got = alerts.receive(db, data, KGZ, actor=SEC)
    assert stored_xml(db, got.alert.id).startswith("<?xml")


def test_a_file_that_is_not_in_its_declared_encoding_is_still_refused(db: Database) -> None:
    bad = alert(info(CYRILLIC))  # UTF-8 bytes declared as UTF-16: not well-formed
    with pytest.raises(cap.CapError):
        alerts.receive(db, encoded(bad, "UTF-16", "utf-8"), KGZ, actor=SEC)
    with pytest.raises(cap.CapError):  # declared UTF-8, written in windows-1251
        alerts.receive(db, encoded(alert(info(CYRILLIC)), "UTF-8", "cp1251"), KGZ, actor=SEC)


@pytest.mark.parametrize(("encoding", "headline"), [
    ("ISO-8859-1", LATIN), ("windows-1251", CYRILLIC)])
def test_an_update_applied_later_from_its_stored_copy_keeps_its_characters(
        api: tuple[TestClient, dict[str, str]], encoding: str,  # noqa: F811
        headline: str) -> None:
    c, auth = api
    update = encoded(alert(info(headline, severity="Extreme"), identifier="A1-u",
                           msg_type="Update", sent="2026-11-20T07:00:00+06:00",
                           references="mchs@gov.kg,A1,2026-11-20T06:00:00+06:00"), encoding)
    r = c.post("/api/v1/alerts", params={"affected": "KGZ"}, content=update,
               headers={**auth, **XML})
    assert r.status_code == 201, r.text
    assert r.json()["alert"]["action"] == "stored"
    assert r.json()["alert"]["infos"][0]["headline"] == headline
    r = c.post("/api/v1/alerts", params={"affected": "KGZ"},
               content=alert(info("Quake"), identifier="A1"), headers={**auth, **XML})
    assert r.status_code == 201, r.text
    crisis = c.get(f"/api/v1/crises/{r.json()['crisis']['id']}", headers=auth).json()
    assert crisis["title"] == headline and crisis["severity"] == "extreme"

"""The CAP pages: messages in the reader's language with the others one click away,
warnings with their element and line, the feeds page, and the crisis room's card with
its areas drawn."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from phalanx.domain.access.principal import SYSTEM
from phalanx.services import alerts
from phalanx.services.db import Database
from tests.integration.test_pages import (  # noqa: F401 (fixtures)
    client,
    demo_db,
    login,
    no_inline_code,
    page_settings,
)
from tests.support.capfiles import alert, info

CHUKOTKA = ("66.0,177.0 66.0,-178.0 64.0,-178.0 64.0,177.0",)  # unclosed: a warning


@pytest.fixture
def received(demo_db: Database) -> alerts.IntakeOut:  # noqa: F811
    data = alert(info("Штормовое предупреждение", language="ru-RU", category="Met",
                      event="Шторм", polygons=CHUKOTKA, area="Чукотка"),
                 info("Storm warning", language="en-US", category="Met", event="Storm",
                      polygons=CHUKOTKA, area="Chukotka"),
                 identifier="PAGE-1", sender="dvmeteo@example.ru")
    return alerts.receive(demo_db, data, alerts.Route(("RUS",)), actor=SYSTEM)


def test_an_alert_in_the_readers_language_with_the_others_one_click_away(
        client: TestClient, received: alerts.IntakeOut) -> None:  # noqa: F811
    login(client, "secretariat", "demo-secretariat")
    a = received.alert
    ru = client.get(f"/alerts/{a.id}", params={"lang": "ru"}).text
    shown = re.search(r'<section class="card" id="info-shown">(.*?)</section>', ru, re.S)
    assert shown is not None and "Штормовое предупреждение" in shown.group(1)
    assert '<details class="card other-language"><summary>en-US · Storm warning' in ru
    en = client.get(f"/alerts/{a.id}", params={"lang": "en"}).text
    shown = re.search(r'<section class="card" id="info-shown">(.*?)</section>', en, re.S)
    assert shown is not None and "Storm warning" in shown.group(1)
    assert "/alert/info[1]/area[1]/polygon</code>: the polygon does not end where it starts" \
        in en and "line 3," in en
    no_inline_code(en)
    listing = client.get("/alerts", params={"lang": "en"}).text
    assert "Storm warning" in listing and f'href="/alerts/{a.id}"' in listing
    assert received.crisis is not None
    card = client.get(f"/crises/{received.crisis.id}/alerts-card").text
    assert 'class="cap-areas"' in card and card.count("<polygon") == 4  # split at 180°
    no_inline_code(card)
    room = client.get(f"/crises/{received.crisis.id}").text
    assert f'hx-get="/crises/{received.crisis.id}/alerts-card"' in room
    ru_card = client.get(f"/crises/{received.crisis.id}/alerts-card",
                         params={"lang": "ru"}).text
    assert "(2 языка)" in ru_card and "4 предупреждения" in ru_card, ru_card


def test_the_feeds_page_adds_and_lists_feeds(client: TestClient) -> None:  # noqa: F811
    login(client, "secretariat", "demo-secretariat")
    page = client.get("/feeds")
    assert page.status_code == 200
    no_inline_code(page.text)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    r = client.post("/feeds", data={"url": "http://alerts.kz.invalid/kz.atom", "country": "KAZ",
                                    "csrf_token": token.group(1)}, follow_redirects=False)
    assert r.status_code == 303
    assert "http://alerts.kz.invalid/kz.atom" in client.get("/feeds").text


def test_the_feeds_page_speaks_russian(client: TestClient) -> None:  # noqa: F811
    """The feeds page in Russian: the severities to choose (their CAP values sent), a
    feed's rule, status and interval in Russian (they showed "Severe", "new", "300 s");
    the state's code typed in capitals, with no suggestions."""
    login(client, "secretariat", "demo-secretariat")
    page = client.get("/feeds?lang=ru").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    options = re.findall(r'<option value="(\w+)"[^>]*>([^<]+)</option>',
                         page.split('name="min_severity"')[1].split("</select>")[0])
    assert options == [("Extreme", "чрезвычайная"), ("Severe", "серьёзная"),
                       ("Moderate", "умеренная"), ("Minor", "незначительная")]
    country = re.search(r'<input name="country"[^>]*>', page)
    assert country is not None and 'autocapitalize="characters"' in country.group(0)
    assert 'spellcheck="false"' in country.group(0)
    r = client.post("/feeds", data={"url": "http://alerts.kz.invalid/kg.atom", "country": "KGZ",
                                    "min_severity": "Moderate", "interval_s": "600",
                                    "csrf_token": token.group(1)}, follow_redirects=False)
    assert r.status_code == 303
    row = re.search(r"<tr[^>]*><t[dh][^>]*>http://alerts.kz.invalid/kg.atom</t[dh]>.*?</tr>",
                    client.get("/feeds?lang=ru").text, re.S)
    assert row is not None
    assert "≥ умеренная" in row.group(0) and "каждые 600 с" in row.group(0)
    assert "ещё не опрошен" in row.group(0)
    assert not re.search(r"Moderate|\bnew\b|600 s\b", row.group(0))
    assert "Адрес (URL)" in client.get("/feeds?lang=ru").text


def test_the_room_s_head_and_alerts_card_follow_a_cap_update(
        client: TestClient, demo_db: Database,  # noqa: F811
        received: alerts.IntakeOut) -> None:
    """The title, severity and CAP alerts of the room are live parts of the page (inside
    its live connection, replaced on the crisis's `updated` event) and their partials
    give what an Update changed."""
    from lxml import html

    assert received.crisis is not None
    cid = received.crisis.id
    login(client, "secretariat", "demo-secretariat")
    room = html.fromstring(client.get(f"/crises/{cid}", params={"lang": "en"}).text)
    (live,) = room.xpath("//*[@sse-connect]")
    for part, url in (("crisis-head", "head"), ("crisis-alerts-card", "alerts-card")):
        (el,) = live.xpath(f".//*[@id='{part}']")
        assert "sse:updated" in el.get("hx-trigger") and el.get("hx-get") == \
            f"/crises/{cid}/{url}"
    assert room.xpath("//*[@id='crisis-head']//h1")[0].text_content().startswith(
        "Storm warning")
    alerts.receive(demo_db, alert(
        info("Hurricane warning", severity="Extreme", category="Met", event="Storm",
             polygons=CHUKOTKA, area="Chukotka"),
        identifier="PAGE-2", sender="dvmeteo@example.ru", msg_type="Update",
        sent="2026-11-20T07:00:00+06:00",
        references="dvmeteo@example.ru,PAGE-1,2026-11-20T06:00:00+06:00"),
        alerts.Route(("RUS",)), actor=SYSTEM)
    head = html.fromstring(client.get(f"/crises/{cid}/head", params={"lang": "en"}).text)
    assert head.xpath("//h1")[0].text_content().startswith("Hurricane warning")
    assert head.xpath("//span[contains(@class, 'sev')]")[0].get("class") == "sev extreme"
    assert head.xpath("//title")[0].text_content().startswith("Hurricane warning")
    card = client.get(f"/crises/{cid}/alerts-card").text
    assert "Update PAGE-2" in card


def test_the_card_and_the_map_draw_only_the_areas_that_stand(
        client: TestClient, demo_db: Database,  # noqa: F811
        received: alerts.IntakeOut) -> None:
    """An Update from another sender is listed in the card (stored, it changed nothing)
    but its areas are neither drawn there nor on the room's map, which stay as they
    were; the sender's own Update's replace them."""
    assert received.crisis is not None
    cid = received.crisis.id
    login(client, "secretariat", "demo-secretariat")

    def drawn() -> tuple[set[str], set[str]]:
        card = client.get(f"/crises/{cid}/alerts-card").text
        mapped = client.get(f"/crises/{cid}/map.json").json()["areas"]["features"]
        return (set(re.findall(r"<title>([^<]*)</title>", card)),
                {f["properties"]["area"] for f in mapped})

    before = drawn()
    assert before[0] == before[1] and "Chukotka" in before[0]
    tashkent = ("41.4,69.1 41.4,69.4 41.2,69.4 41.2,69.1 41.4,69.1",)
    for identifier, sender, area, polygons in (
            ("SPOOF-2", "someone-else@x", "Spoofed area Tashkent", tashkent),
            ("PAGE-3", "dvmeteo@example.ru", "Anadyr", CHUKOTKA)):
        alerts.receive(demo_db, alert(
            info("Storm warning", category="Met", event="Storm", polygons=polygons,
                 area=area),
            identifier=identifier, sender=sender, msg_type="Update",
            sent="2026-11-20T07:00:00+06:00",
            references="dvmeteo@example.ru,PAGE-1,2026-11-20T06:00:00+06:00"),
            alerts.Route(("RUS",)), actor=SYSTEM)
        card = client.get(f"/crises/{cid}/alerts-card?lang=ru").text
        item = re.search(rf"<li><a [^>]*>Update {identifier}</a>.*?</li>", card, re.S)
        assert item is not None
        # the message only kept says so in its line; the one applied does not
        assert ("сохранено, не применено" in item.group(0)) is (identifier == "SPOOF-2")
        assert drawn() == (before if identifier == "SPOOF-2" else ({"Anadyr"},) * 2)
    # the list of messages says in Russian what the intake did with each
    listed = client.get("/alerts?lang=ru").text
    assert "Update не от отправителя исходного сообщения: сохранено" in listed
    assert "обновление кризиса" in listed


def test_the_intake_s_warnings_read_in_the_reader_s_language(
        client: TestClient, demo_db: Database) -> None:  # noqa: F811
    """Each warning keeps its element, a message key and its values: a Russian page
    writes it in Russian, the API keeps the English text; a warning stored before keys
    (text only) still shows as it was."""
    data = alert(info("Storm warning", category="Weather", polygons=CHUKOTKA,
                      area="Chukotka"), identifier="PAGE-WARN-1", sender="dvmeteo@example.ru",
                 sent="2026-11-20T06:00:00").replace(
        b"<scope>Public</scope>", b"<scope>Private</scope>")
    r = alerts.receive(demo_db, data, alerts.Route(("RUS",)), actor=SYSTEM)
    by_where = {w["where"]: w for w in r.alert.warnings}
    cat = by_where["/alert/info[1]/category"]
    assert cat["message"] == "unknown category 'Weather'; read as Other"
    assert cat["key"] and cat["args"] == {"value": "'Weather'"}
    assert by_where["/alert/scope"]["key"]
    with demo_db.write(SYSTEM) as w:  # as a row stored before the keys: text only
        from sqlalchemy import update

        from phalanx.adapters.db import tables as t
        w.conn.execute(update(t.cap_alert).where(t.cap_alert.c.id == r.alert.id).values(
            warnings=[*r.alert.warnings, {"where": "/alert/note", "line": 9,
                                          "message": "an old warning, as stored"}]))
        w.audit("test.old_warnings", "cap_alert", r.alert.id, {})
    login(client, "secretariat", "demo-secretariat")
    ru = client.get(f"/alerts/{r.alert.id}", params={"lang": "ru"}).text
    listed = re.search(r'<ul class="small" id="warnings">(.*?)</ul>', ru, re.S)
    assert listed is not None
    shown = listed.group(1)
    assert "неизвестная категория &#39;Weather&#39;; прочитано как Other" in shown
    assert "read as Other" not in shown and "the polygon does not end" not in shown
    assert "Private" in shown and "kept for" not in shown
    assert "an old warning, as stored" in shown
    assert "no XML signature" not in ru and "нет XML-подписи" in ru  # why it is unsigned
    en = client.get(f"/alerts/{r.alert.id}", params={"lang": "en"}).text
    assert "unknown category &#39;Weather&#39;; read as Other" in en
    api = client.get(f"/api/v1/alerts/{r.alert.id}").json()
    assert "unknown category 'Weather'; read as Other" in [w["message"]
                                                           for w in api["warnings"]]

"""The registry's new entries on /forces, as the registry officer and a member's
representative use the page: a unit added by the form (a representative offered its own
state only), refused in Russian on a Russian page, moved to another formation; and the
registry exported as CSV in the reader's language, without a unit another state keeps
NATIONAL."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import Principal, Role
from phalanx.services import forces
from phalanx.services.db import Database
from phalanx.web.app import create_app

RU = {"Accept-Language": "ru"}
PASSWORDS = {"planner": "demo-planner-pass", "rep-kaz": "demo-rep-kaz"}


@pytest.fixture
def login(accounts_db: Database, settings: Settings) -> Iterator[Callable[[str], TestClient]]:
    clients: list[TestClient] = []

    def open_as(user: str) -> TestClient:
        c = TestClient(create_app(settings, accounts_db))
        c.__enter__()
        clients.append(c)
        c.get("/login")
        r = c.post("/login", data={"username": user, "password": PASSWORDS[user],
                                   "csrf_token": c.cookies.get("phalanx_login_csrf")},
                   follow_redirects=False)
        assert r.status_code == 303
        return c

    yield open_as
    for c in clients:
        c.__exit__(None, None, None)


def _form(page: str, action: str) -> str:
    form = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', page, re.S)
    assert form is not None, action
    return form[0]


def _guard(form: str) -> dict[str, str]:
    return dict(re.findall(r'name="(csrf_token|form_token)"[^>]*? value="([^"]*)"', form))


UNIT = {"state": "KAZ", "formation": "crrf", "name": "Air assault battalion 2",
        "capability": "airborne", "strength": "450", "readiness_h": "12", "weight_t": "90",
        "garrison": "almaty", "certified_until": "2028-12-31"}


def test_a_unit_is_added_and_moved_on_the_page_and_refused_in_russian(
        login: Callable[[str], TestClient], accounts_db: Database) -> None:
    rep = login("rep-kaz")
    page = rep.get("/forces", headers=RU).text
    form = _form(page, "/forces/units")
    assert "Добавить подразделение" in page
    assert re.findall(r'<select name="state" required>(.*?)</select>', form, re.S) == [
        '<option value="KAZ" >KAZ</option>'], form
    r = rep.post("/forces/units", data=_guard(form) | UNIT, follow_redirects=False)
    added = re.search(r"#unit-(kaz-crrf-[0-9a-f]{8})$", r.headers.get("location", ""))
    assert r.status_code == 303 and added, r.text
    key = added[1]
    form = _form(rep.get("/forces", headers=RU).text, "/forces/units")
    r = rep.post("/forces/units", data=_guard(form) | UNIT | {"garrison": "nowhere"},
                 headers=RU)
    assert r.status_code == 422 and "неизвестная база nowhere" in r.text, r.text
    page = rep.get("/forces", headers=RU).text
    move = _form(page, f"/forces/units/{key}/formation")
    assert "Перевести в это формирование" in move
    r = rep.post(f"/forces/units/{key}/formation",
                 data=_guard(move) | {"formation": "crrf", "revision": "1"}, headers=RU)
    assert r.status_code == 422 and f"подразделение {key} уже входит в crrf" in r.text
    move = _form(rep.get("/forces").text, f"/forces/units/{key}/formation")
    r = rep.post(f"/forces/units/{key}/formation",
                 data=_guard(move) | {"formation": "peacekeeping", "revision": "1"},
                 follow_redirects=False)
    assert r.status_code == 303, r.text
    with accounts_db.read() as conn:
        assert forces.unit(conn, key, actor=Principal(
            "planner", Role.PLANNER)).formation == "peacekeeping"


def test_a_bad_field_of_the_add_forms_is_named_by_its_label_in_russian(
        login: Callable[[str], TestClient], accounts_db: Database) -> None:
    """Each field refused on a Russian page is named as its form labels it, and said in
    Russian; nothing is written."""
    staff = login("planner")
    with accounts_db.read() as conn:
        before = len(forces.units(conn, actor=Principal("planner", Role.PLANNER)))
    for field, bad, said in (
            ("readiness_h", "abc", "Готовность, ч: укажите число"),
            ("weight_t", "0", "Масса, т: слишком малое значение"),
            ("capability", "tanks", "Предназначение: недопустимое значение"),
            ("strength", "0", "Численность: слишком малое значение")):
        form = _form(staff.get("/forces", headers=RU).text, "/forces/units")
        r = staff.post("/forces/units", data=_guard(form) | UNIT | {field: bad}, headers=RU)
        assert r.status_code == 422 and said in r.text, (field, r.text[-1500:])
        assert "Input should be" not in r.text
    form = _form(staff.get("/forces").text, "/forces/aircraft/kaz-c295-1")
    r = staff.post("/forces/aircraft/kaz-c295-1", data=_guard(form) | {
        "base": "almaty", "payload_t": "0", "speed_kmh": "600", "range_km": "4000",
        "turnaround_h": "2"}, headers=RU)
    assert r.status_code == 422 and "Грузоподъёмность, т: слишком малое значение" in r.text
    with accounts_db.read() as conn:
        assert len(forces.units(conn, actor=Principal("planner", Role.PLANNER))) == before


def test_an_aircraft_is_added_on_the_page(login: Callable[[str], TestClient]) -> None:
    staff = login("planner")
    form = _form(staff.get("/forces").text, "/forces/aircraft")
    assert 'value="Il-76MD"' in form and 'value="RUS"' in form
    r = staff.post("/forces/aircraft", data=_guard(form) | {
        "state": "KAZ", "type": "C-295", "base": "almaty", "formation": ""},
        follow_redirects=False)
    added = re.search(r"#(aircraft-kaz-lift-[0-9a-f]{8})$", r.headers.get("location", ""))
    assert r.status_code == 303 and added, r.headers
    assert f'id="{added[1]}"' in staff.get("/forces").text


def test_the_export_is_in_the_readers_language_without_others_national_units(
        login: Callable[[str], TestClient], accounts_db: Database) -> None:
    forces.mark_unit(accounts_db, "crdf-rus-1", forces.UnitMarkingIn(
        marking="NATIONAL", reason="kept for national tasks"),
        actor=Principal("rep-rus", Role.REPRESENTATIVE, state="RUS"))
    rep = login("rep-kaz")
    r = rep.get("/forces/registry.csv", headers=RU)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    text = r.content.decode("utf-8-sig")
    header, *rows = text.splitlines()
    assert header.startswith("Формирование;Государство;"), header
    assert "crdf-rus-1" not in text and "crdf-rus-2" in text
    assert any(row.startswith("Коллективные силы быстрого развертывания") and ";KAZ;" in row
               for row in rows), rows[:3]
    english = login("planner").get("/forces/registry.csv?formation=crdf-car").content
    lines = english.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Formation,State,Key,") and "crdf-rus-1" not in lines
    assert len(lines) == 1 + 9 and all(",crdf-" in row for row in lines[1:])
    r = login("planner").get("/api/v1/forces/registry.csv?state=KAZ&lang=ru")
    assert r.status_code == 200 and ";KAZ;crdf-kaz-1;" in r.content.decode("utf-8-sig")


def test_the_page_shows_the_registry_of_a_past_day_read_only(
        login: Callable[[str], TestClient]) -> None:
    rep = login("rep-kaz")
    form = _form(rep.get("/forces").text, "/forces/units")
    r = rep.post("/forces/units", data=_guard(form) | UNIT, follow_redirects=False)
    assert r.status_code == 303
    added = r.headers["location"].rpartition("#")[2]
    assert f'id="{added}"' in rep.get("/forces").text
    page = rep.get("/forces?on=2026-01-05", headers=RU).text
    assert "по состоянию на" in page and 'id="registry-on"' in page

    def crrf(html: str) -> list[str]:  # the cells of the CRRF's row of the formations
        row = re.search(r'<tr><th scope="row" class="name"><a href="/forces\?formation=crrf">'
                        r'.*?</tr>', html, re.S)
        assert row is not None
        return re.findall(r"<td>([^<]*)</td>", row[0])

    then, now = crrf(page), crrf(rep.get("/forces", headers=RU).text)
    assert then[-2:-1] == [str(int(now[-2]) - 1)], (then, now)  # its units: one added since
    # the export of a past day's page is that day's registry
    link = re.search(r'<a href="(/forces/registry\.csv[^"]*)" download>', page)
    assert link is not None and "on=2026-01-05" in link[1], link
    r = rep.get(link[1].replace("&amp;", "&"), headers=RU)
    assert r.status_code == 200 and "registry-2026-01-05" in r.headers["content-disposition"]
    key = added.removeprefix("unit-")
    assert "crdf-kaz-1" in r.text and key not in r.text
    assert key in rep.get("/forces/registry.csv").text
    r = rep.get("/api/v1/forces/registry.csv?on=2026-01-05&state=KAZ")
    assert r.status_code == 200 and "crdf-kaz-1" in r.text and key not in r.text
    # the lift has no past kept: on a past day it says it is today's
    assert "Транспортные средства — на сегодня: их прошлое состояние не ведётся" in page
    assert "прошлое состояние не ведётся" not in rep.get("/forces", headers=RU).text
    assert 'action="/forces/units"' not in page and 'action="/forces/units/' not in page
    assert 'id="unit-crdf-kaz-1"' in page and f'id="{added}"' not in page
    # the day's field left empty and shown: today's registry; a day not written
    # YYYY-MM-DD (pydantic alone reads "0" as 1970-01-01) is refused
    r = rep.get("/forces?on=", headers=RU)
    assert r.status_code == 200 and 'action="/forces/units"' in r.text, r.text[-800:]
    assert rep.get("/forces/registry.csv?on=").status_code == 200
    for path in ("/forces?on=0", "/forces/registry.csv?on=0", "/api/v1/forces/units?on=0",
                 "/api/v1/forces/registry.csv?on=0"):
        assert rep.get(path).status_code == 422, path
    r = rep.get("/forces?on=2099-01-01", headers=RU)
    assert r.status_code == 422 and "реестр нельзя прочитать на 01.01.2099" in r.text, r.text


def test_each_units_edit_controls_name_their_unit(login: Callable[[str], TestClient]) -> None:
    """A screen reader's list of controls tells one unit's "Edit", "Save" and "Move to this
    formation" from another's: each names its unit (hidden text), on a Russian page too."""
    c = login("rep-kaz")
    for lang in ("en", "ru"):
        page = c.get(f"/forces?lang={lang}").text
        rows = re.findall(r'<tr id="unit-[^"]+"[^>]*><th scope="row" class="name">([^<]+)'
                          r'(.*?)</tr>', page, re.S)
        mine = [(name.strip(), rest) for name, rest in rows if "<details>" in rest]
        assert mine, lang
        for name, rest in mine:
            said = re.findall(r'<(?:summary|button type="submit")>(.*?)</(?:summary|button)>',
                              rest, re.S)
            assert said and all(f": {name}</span>" in x for x in said), (name, said)

"""The crisis room's forms of a member's officer refused, in Russian: a need over its limit
or a situation report of spaces is a 422 that names the field by its form's label, never an
error of the server nor "body.quantity"; and a text of spaces is no text, on the page as on
the API, and writes nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.sessions import bearer, login

FLOOD = {"title": "Flood in the Osh region", "category": "natural_disaster",
         "affected": ["KGZ"], "severity": "severe", "place": "Osh"}


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c


def _count(db: Database, table: object) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _room(client: TestClient, db: Database) -> tuple[int, str]:
    r = client.post("/api/v1/crises", json=FLOOD, headers=bearer(db, "rep-kgz"))
    assert r.status_code == 201, r.text
    cid = int(r.json()["id"])
    login(client, "rep-kgz", "demo-rep-kgz")
    room = client.get(f"/crises/{cid}?lang=ru").text
    return cid, re.search(r'name="csrf_token" value="([^"]+)"', room).group(1)  # type: ignore[union-attr]


def _alert(html: str) -> str:
    found = re.search(r'role="alert"[^>]*>([^<]*)<', html)
    assert found is not None, html
    return found.group(1)


def test_a_need_over_its_limit_is_refused_naming_its_field(
        client: TestClient, accounts_db: Database) -> None:
    cid, token = _room(client, accounts_db)
    requests, audit = _count(accounts_db, t.assistance_request), _count(accounts_db, t.audit_log)
    r = client.post(f"/crises/{cid}/requests?lang=ru", data={
        "csrf_token": token, "resource": "палатки", "quantity": "2000000",
        "measure": "humanitarian"})
    assert r.status_code == 422, r.text[:300]
    assert _alert(r.text).startswith("Количество: ")
    # the form's own limit, in Russian, by the field's label too
    r = client.post(f"/crises/{cid}/requests?lang=ru", data={
        "csrf_token": token, "resource": "палатки", "quantity": "0",
        "measure": "humanitarian"})
    assert r.status_code == 422
    assert _alert(r.text).startswith("Количество: ") and "body." not in r.text
    assert (_count(accounts_db, t.assistance_request),
            _count(accounts_db, t.audit_log)) == (requests, audit)


def test_a_text_of_spaces_is_no_text(client: TestClient, accounts_db: Database) -> None:
    cid, token = _room(client, accounts_db)
    kgz = bearer(accounts_db, "rep-kgz")
    requests, sitreps = _count(accounts_db, t.assistance_request), _count(accounts_db, t.sitrep)
    audit = _count(accounts_db, t.audit_log)
    r = client.post(f"/crises/{cid}/requests?lang=ru", data={
        "csrf_token": token, "resource": "   ", "quantity": "5", "measure": "humanitarian"})
    assert r.status_code == 422
    assert _alert(r.text) == "Что требуется: обязательное поле"
    r = client.post(f"/crises/{cid}/sitreps?lang=ru", data={
        "csrf_token": token, "situation": " \n ", "casualties": "нет"})
    assert r.status_code == 422
    assert _alert(r.text) == "Обстановка: обязательное поле"
    r = client.post(f"/api/v1/crises/{cid}/sitreps", json={"situation": "  "}, headers=kgz)
    assert r.status_code == 422 and r.json()["errors"][0]["where"] == "body.situation"
    r = client.post("/api/v1/crises", json={**FLOOD, "title": "  "}, headers=kgz)
    assert r.status_code == 422 and r.json()["errors"][0]["where"] == "body.title"
    assert (_count(accounts_db, t.assistance_request), _count(accounts_db, t.sitrep),
            _count(accounts_db, t.audit_log)) == (requests, sitreps, audit)
    # the text is taken without the spaces around it
    r = client.post(f"/crises/{cid}/sitreps?lang=ru", data={
        "csrf_token": token, "situation": "  Вода спадает\n", "casualties": "нет"})
    assert r.status_code in (200, 303), r.text[:300]
    said = client.get(f"/api/v1/crises/{cid}", headers=kgz).json()["sitreps"]
    assert [s["situation"] for s in said] == ["Вода спадает"]


def test_an_answer_of_some_units_naming_none_is_refused_beside_its_form(
        client: TestClient, accounts_db: Database) -> None:
    cid, token = _room(client, accounts_db)
    consents, audit = _count(accounts_db, t.unit_consent), _count(accounts_db, t.audit_log)
    r = client.post(f"/crises/{cid}/consents?lang=ru", data={
        "csrf_token": token, "scope": "some", "conditions": "только в Ошской области"})
    assert r.status_code == 422
    # the room again, the refusal in Russian beside the form, the answer as it was chosen
    form = r.text[r.text.rindex("<p", 0, r.text.index('id="consent-error"')):]
    assert _alert(form) == "KGZ: в ответе «некоторые» не названо ни одного подразделения"
    form = form[:form.index("</form>")]
    assert '<option value="some" selected>' in form
    assert 'value="только в Ошской области"' in form
    assert r.text.count('data-refusal') == 1
    assert (_count(accounts_db, t.unit_consent), _count(accounts_db, t.audit_log)) == \
        (consents, audit)
    # named, it is taken
    unit = re.search(r'<select name="units"[^>]*><option value="([^"]+)"', form)
    assert unit is not None, form
    r = client.post(f"/crises/{cid}/consents?lang=ru", data={
        "csrf_token": token, "scope": "some", "units": unit.group(1),
        "conditions": "только в Ошской области"}, follow_redirects=False)
    assert r.status_code == 303 and _count(accounts_db, t.unit_consent) == consents + 1

"""A national agency's reporter finds the reports its agency sent (its own by default, in
Russian, a page at a time, each linking to its versions), and those it withdrew; the
Secretariat chooses a state and an agency; the API answers the same with X-Total-Count;
no list shows a report its reader may not read."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Agency, Principal, Role
from phalanx.services import identity, operation_reports
from phalanx.services import operations as ops
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_operation_review_pages import PASSWORD, login
from tests.support.sessions import bearer

ROW = "{ref};{day}.10.2025;autumn-2025;seizure;heroin;{qty};кг;Шымкент\n"
HEAD = "reference;date;stage;metric;substance;quantity;unit;area\n"


@pytest.fixture
def world(loaded_db: Database, settings: Settings) -> Iterator[tuple[TestClient, Database]]:
    for name, role, state, agency in (("kaz-police", Role.REPORTER, "KAZ", Agency.POLICE),
                                      ("kgz-police", Role.REPORTER, "KGZ", Agency.POLICE),
                                      ("sec", Role.SECRETARIAT, None, None)):
        identity.add_user(loaded_db, identity.NewUser(name, PASSWORD, role, state, agency,
                                                      language="ru" if agency else None),
                          actor=SYSTEM)
    with TestClient(create_app(settings, loaded_db)) as c:
        yield c, loaded_db


def _send(c: TestClient, csrf: str, rows: list[tuple[str, int, str]]) -> None:
    body = HEAD + "".join(ROW.format(ref=r, day=f"{d:02d}", qty=q) for r, d, q in rows)
    r = c.post("/operations/channel/upload", headers={"x-csrf-token": csrf},
               files={"file": ("results.csv", body.encode("cp1251"), "text/csv")})
    assert r.status_code == 200 and "<strong>results.csv</strong>" in r.text, r.text


def _references(html: str) -> list[str]:
    return re.findall(r'<tr data-reference="([^"]+)">', html)


def test_a_reporter_lists_what_its_agency_sent(world: tuple[TestClient, Database],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    c, db = world
    csrf = login(c, "kgz-police")
    _send(c, csrf, [("KG-1", 3, "1")])
    csrf = login(c, "kaz-police")
    upload = c.get("/operations/channel/upload").text
    assert 'href="/operations/channel/reports" id="reports-sent"' in upload
    _send(c, csrf, [("KZ-1", 1, "2"), ("KZ/2", 5, "3"), ("KZ-3", 9, "4")])
    page = c.get("/operations/channel/reports").text
    assert "Отправленные донесения" in page
    # its own agency's, newest result first; not the other state's
    assert _references(page) == ["KZ-3", "KZ/2", "KZ-1"]
    assert 'href="/operations/channel/reports/KAZ/police/KZ%2F2"' in page
    # a page at a time
    monkeypatch.setattr(operation_reports, "PAGE", 2)
    first = c.get("/operations/channel/reports").text
    assert _references(first) == ["KZ-3", "KZ/2"]
    nxt = re.search(r'<a href="([^"]+)" rel="next">', first)
    assert nxt is not None
    assert _references(c.get(nxt.group(1).replace("&amp;", "&")).text) == ["KZ-1"]
    monkeypatch.undo()
    # withdrawn: gone from the reports counting, listed among the withdrawn with its reason
    r = c.post("/operations/channel/reports/KAZ/police/KZ-1/withdrawal",
               headers={"x-csrf-token": csrf}, data={"reason": "sent twice"},
               follow_redirects=False)
    assert r.status_code == 303, r.text
    assert _references(c.get("/operations/channel/reports").text) == ["KZ-3", "KZ/2"]
    gone = c.get("/operations/channel/reports?withdrawn=true").text
    assert _references(gone) == ["KZ-1"] and "отозвано" in gone and "sent twice" in gone
    # the other state's reporter does not see KAZ's national reports, even when it asks
    login(c, "kgz-police")
    assert _references(c.get("/operations/channel/reports").text) == ["KG-1"]
    assert _references(c.get("/operations/channel/reports?state=KAZ&agency=police").text) == []
    # the Secretariat sees a state's reports once its representative released them
    login(c, "sec")
    assert "Reports sent" in c.get("/operations/channel/reports?lang=en").text
    assert _references(c.get("/operations/channel/reports").text) == []
    ops.release(db, "channel", actor=Principal("rep-kgz", Role.REPRESENTATIVE, state="KGZ"))
    assert _references(c.get("/operations/channel/reports").text) == ["KG-1"]
    assert _references(c.get("/operations/channel/reports?state=KAZ").text) == []


def test_the_api_lists_them_with_the_total(world: tuple[TestClient, Database]) -> None:
    c, db = world
    csrf = login(c, "kaz-police")
    _send(c, csrf, [(f"KZ-{i}", i, str(i)) for i in range(1, 6)])
    c.cookies.clear()
    headers = bearer(db, "kaz-police")
    r = c.get("/api/v1/operations/channel/reports?state=KAZ&agency=police&size=2&page=2",
              headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["X-Total-Count"] == "5"
    assert [x["reference"] for x in r.json()] == ["KZ-3", "KZ-2"]
    assert r.json()[0]["quantity"] == 3.0 and r.json()[0]["withdrawn_at"] is None
    other = c.get("/api/v1/operations/channel/reports", headers=bearer(db, "kgz-police"))
    assert other.status_code == 200 and other.json() == []
    assert other.headers["X-Total-Count"] == "0"
    bad = c.get("/api/v1/operations/channel/reports?size=0", headers=headers)
    assert bad.status_code == 422 and bad.headers["content-type"].startswith(
        "application/problem+json")
    assert c.get("/api/v1/operations/nowhere/reports", headers=headers).status_code == 404

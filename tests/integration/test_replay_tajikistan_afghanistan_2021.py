"""The threat to Tajikistan from Afghanistan, 2021, replayed from the public record
through the services and the pages as the people used them (times in Dushanbe, UTC+5;
the Secretariat works on Moscow time, UTC+3). Afghanistan is no member: an external
threat to one member, not a dispute between members.

- 5 July: the Taliban's advance; over a thousand Afghan soldiers cross into Tajikistan
  (Badakhshan). Tajikistan reports the threat, naming Afghanistan as the other party.
  Every member is told; the observer is not.
- 7 July: Tajikistan asks the Organization for help; the Secretary General and the
  Committee of Secretaries of Security Councils consult "at once" (Treaty art. 2): every
  member is a party to the consultations; the request is under art. 2, not art. 4, so
  no member owes an answer under art. 4 and no notice to the UN Security Council opens.
- 23 August: the Collective Security Council meets in extraordinary session by video
  conference on Afghanistan.
- 16 September, Dushanbe: the Council's session; its decision on a targeted interstate
  programme to strengthen the Tajik-Afghan border and on military-technical assistance
  to Tajikistan is adopted by consensus and binds every member with a say.
- 18-23 October, the Harb-Maidon range: Echelon-2021, Search-2021, Interaction-2021; the
  exercise crisis played on them writes, escalates, plans and notifies nothing real.
- The military-technical assistance to Tajikistan (`/mtc`): the two parties and the staff
  read it; no other member, nor the observer, nor the public.

Times of day are assumed where the sources give only the day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.crisis.workflow import Measure, Stage
from phalanx.domain.decisions.consensus import Position
from phalanx.domain.decisions.procedure import Mode, SessionKind
from phalanx.services import clock, crises, crisis_obligations, crisis_requests
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound
from phalanx.services.registers import exercises as ex
from phalanx.services.registers import supply
from phalanx.web.app import create_app
from phalanx.web.i18n.timeline import notice_renderer
from tests.support.sessions import login

DUSHANBE = ZoneInfo("Asia/Dushanbe")
SEC = Principal("secretariat", Role.SECRETARIAT)
OBSERVER = Principal("observer", Role.OBSERVER)
MEMBERS = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]  # in 2021 (UZB left in 2012)
OTHERS = ["ARM", "BLR", "KAZ", "KGZ", "RUS"]


def dushanbe(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2021, month, day, hour, minute, tzinfo=DUSHANBE).astimezone(UTC)


REPORTED = dushanbe(7, 5, 9)  # over a thousand Afghan soldiers crossed overnight
REQUEST = dushanbe(7, 7, 10)  # Tajikistan asks the Organization for help
CONSULTED = dushanbe(7, 7, 12)
VIDEO = dushanbe(8, 23, 15)  # the Council's extraordinary session by video conference
DUSHANBE_SESSION = dushanbe(9, 16, 10)


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


def _told(db: Database, subject: str) -> set[str]:
    with db.read() as conn:
        return {r.recipient for r in conn.execute(select(t.notification).where(
            t.notification.c.subject.startswith(subject)))}


def report(db: Database, *, exercise: bool = False,
           at: datetime = REPORTED) -> crises.CrisisOut:
    with clock.use(at):
        return crises.open_crisis(db, crises.CrisisIn(
            title="Afghan servicemen cross into Tajikistan as the Taliban advance",
            category="threat_to_security", affected=["TJK"], other_parties=["AFG"],
            place="Gorno-Badakhshan, the Tajik-Afghan border", lat=37.5, lon=71.5,
            exercise=exercise), actor=rep("TJK"), at=at)


def request_and_consult(db: Database) -> crises.CrisisOut:
    c = report(db)
    with clock.use(REQUEST):
        crisis_requests.record_request(db, c.id, crisis_requests.OfficialRequestIn(
            state="TJK", person="Emomali Rahmon", office="head_of_state", at=REQUEST,
            article="Treaty art. 2", measures=[Measure.POLITICAL, Measure.LOGISTIC],
            text="help to strengthen the Tajik-Afghan border"), actor=rep("TJK"), at=REQUEST)
    with clock.use(CONSULTED):
        return crises.convene_consultations(db, c.id, actor=SEC, body="cssc", at=CONSULTED)


def test_5_july_tajikistan_reports_an_external_threat(accounts_db: Database) -> None:
    db = accounts_db
    c = report(db)
    assert c.other_parties == ["AFG"] and c.members_in_dispute == []
    told = _told(db, "Crisis reported")
    assert {f"rep-{s.lower()}" for s in MEMBERS} <= told
    assert "observer" not in told
    with db.read() as conn, pytest.raises(NotFound):
        crises.get(conn, c.id, actor=OBSERVER)


def test_7_july_the_consultations_at_once(accounts_db: Database) -> None:
    db = accounts_db
    c = request_and_consult(db)
    assert c.stage is Stage.CONSULTATIONS
    with db.read() as conn:
        m = dec.get_meeting(conn, c.sessions[-1], actor=SEC)
        c = crises.get(conn, c.id, actor=rep("KAZ"), at=CONSULTED)
    assert m.body == "cssc"
    # every party to the Treaty has a seat (Uzbekistan's participation suspended)
    assert sorted(a.state for a in m.attendance) == [*MEMBERS, "UZB"]
    # every member is told at once that the consultations are convened, where and
    # when; the observer is not (the crisis is not released to it)
    with db.read() as conn:
        notices = {n.recipient: n for n in conn.execute(select(t.notification).where(
            t.notification.c.subject.startswith("Consultations convened")))}
        render = notice_renderer(orgs.organization(conn))
    assert {f"rep-{s.lower()}" for s in MEMBERS} <= set(notices)
    assert "observer" not in notices
    n = notices["rep-kaz"]
    assert n.created_at.replace(tzinfo=UTC) == CONSULTED
    assert n.subject == f"Consultations convened: crisis {c.id} ({c.title})"
    assert n.body.startswith("Committee of Secretaries of Security Councils: ")
    assert n.body.endswith(f"opens {CONSULTED:%Y-%m-%d %H:%M} UTC")
    ru_subject, ru_body = render(n.subject, n.body, "ru")
    assert ru_subject == f"Созваны консультации: кризис {c.id} ({c.title})"
    assert ru_body.startswith("Комитет секретарей советов безопасности: заседание ("), ru_body
    assert ru_body.endswith("открывается 07.07.2021 07:00 UTC"), ru_body
    # art. 2, not art. 4: no member owes an answer under art. 4, no UN notice
    assert c.obligations == [] or all(not x.arisen for x in c.obligations)
    assert c.un_notice is None
    with clock.use(CONSULTED), pytest.raises(Conflict):
        crisis_obligations.answer(db, c.id, "KAZ", crisis_obligations.ObligationIn(
            answer="other", detail="political support"), actor=rep("KAZ"), at=CONSULTED)


PROGRAMME = ("On the targeted interstate programme to strengthen the Tajik-Afghan border and "
             "on military-technical assistance to the Republic of Tajikistan")


def decide_in_dushanbe(db: Database) -> tuple[crises.CrisisOut, dec.DraftOut]:
    c = request_and_consult(db)
    with clock.use(VIDEO - timedelta(hours=2)):
        c = crises.convene_session(db, c.id, actor=SEC, body="csc", opens_at=VIDEO,
                                   at=VIDEO - timedelta(hours=2))
    with clock.use(dushanbe(9, 1, 10)):
        c = crises.convene_session(db, c.id, actor=SEC, body="csc",
                                   kind=SessionKind.REGULAR, mode=Mode.IN_PERSON,
                                   opens_at=DUSHANBE_SESSION, at=dushanbe(9, 1, 10))
        d = dec.propose_draft(db, dec.DraftIn(
            body="csc", meeting_id=c.sessions[-1], crisis_id=c.id, title=PROGRAMME,
            text_en="To develop a targeted interstate programme to strengthen the "
                    "Tajik-Afghan border; to give the Republic of Tajikistan "
                    "military-technical assistance."), actor=SEC)
    with clock.use(DUSHANBE_SESSION + timedelta(hours=1)):
        for s in MEMBERS:
            dec.record_attendance(db, c.sessions[-1], s, True, actor=SEC)
            dec.state_position(db, d.id, Position.SUPPORT, actor=rep(s))
        done = dec.close_draft(db, d.id, actor=SEC)
    return c, done


def test_23_august_and_16_september_the_council_decides(accounts_db: Database) -> None:
    db = accounts_db
    c, done = decide_in_dushanbe(db)
    with db.read() as conn:
        video = dec.get_meeting(conn, c.sessions[1], actor=SEC)
        regular = dec.get_meeting(conn, c.sessions[2], actor=SEC)
    assert (video.kind, video.mode) == ("extraordinary", "video_conference")
    assert (regular.kind, regular.mode) == ("regular", "in_person")
    assert done.status == "adopted" and done.decision_id is not None, done.outcome_reason
    with db.read() as conn:
        d = dec.get_decision(conn, done.decision_id, actor=rep("TJK"))
    assert d.adopted_on == date(2021, 9, 16)
    # it binds the six members with a say; suspended Uzbekistan receives it for
    # consideration
    assert d.binding == MEMBERS and d.for_consideration == ["UZB"]
    assert {f"rep-{s.lower()}" for s in [*MEMBERS, "UZB"]} <= _told(
        db, f"Decision {d.number} adopted")
    with db.read() as conn, pytest.raises(NotFound):
        dec.get_decision(conn, d.id, actor=OBSERVER)


def test_the_obligations_each_member_then_has(accounts_db: Database) -> None:
    """The decision's implementation: a task for each member it binds; none for
    Afghanistan, no member at all (a state of the dataset all the same: the PA's observer)."""
    db = accounts_db
    _, done = decide_in_dushanbe(db)
    assert done.decision_id is not None
    task = "Contribute to the targeted interstate programme for the Tajik-Afghan border"
    with clock.use(dushanbe(9, 20, 10)):
        for s in MEMBERS:
            dec.add_task(db, done.decision_id, dec.TaskIn(
                assignee_kind="state", assignee=s, title=task, due_on=date(2022, 11, 23)),
                actor=SEC)
        # Afghanistan is no member: the decision asks nothing of it
        with pytest.raises(Invalid, match="AFG is not a member state"):
            dec.add_task(db, done.decision_id, dec.TaskIn(
                assignee_kind="state", assignee="AFG", title=task,
                due_on=date(2022, 11, 23)), actor=SEC)
    with db.read() as conn:
        mine = dec.list_tasks(conn, actor=rep("KAZ"))
        assert sorted(x.assignee for x in mine) == MEMBERS
        assert dec.list_tasks(conn, actor=OBSERVER) == []
    rus = next(x for x in mine if x.assignee == "RUS")
    with clock.use(dushanbe(10, 1, 10)), pytest.raises(Forbidden):
        dec.update_task(db, rus.id, "done", "", rus.revision, actor=rep("KAZ"))
    kaz = next(x for x in mine if x.assignee == "KAZ")
    with clock.use(dushanbe(10, 1, 10)):
        assert dec.update_task(db, kaz.id, "in_progress", "", kaz.revision,
                               actor=rep("KAZ")).status == "in_progress"


def test_a_task_refused_to_a_non_member_reads_in_russian(accounts_db: Database) -> None:
    from phalanx.web.i18n.errors import translate

    _, done = decide_in_dushanbe(accounts_db)
    with pytest.raises(Invalid) as refused:
        dec.add_task(accounts_db, done.decision_id or 0, dec.TaskIn(
            assignee_kind="state", assignee="AFG", title="Report", due_on=date(2022, 1, 1)),
            actor=SEC)
    assert translate(refused.value.message, "ru") == "AFG не является государством-членом", \
        translate(refused.value.message, "ru")


def test_the_military_technical_assistance_to_tajikistan(accounts_db: Database,
                                                         settings: Settings) -> None:
    """Russia's supplies to Tajikistan after the decision: the two parties and the staff
    read them; no other member, no observer, no visitor, in lists and totals alike."""
    db = accounts_db
    s = supply.create_supply(db, supply.SupplyIn(
        key="tjk-border-vehicles-2021", supplier="RUS", recipient="TJK",
        category="armoured_vehicles", item="armoured vehicles for the border troops",
        quantity=12, value=9.0, agreed=date(2021, 10, 25), due=date(2022, 6, 30)),
        actor=rep("TJK"))
    # a third state does not register the supply of two others
    with pytest.raises(Forbidden):
        supply.create_supply(db, supply.SupplyIn(
            supplier="RUS", recipient="TJK", category="small_arms", item="rifles",
            quantity=100, value=0.1, agreed=date(2021, 10, 25)), actor=rep("KAZ"))
    # nor is Afghanistan, no member, a party to the members' supplies
    with pytest.raises(Invalid, match="AFG is not a member state"):
        supply.create_supply(db, supply.SupplyIn(
            supplier="RUS", recipient="AFG", category="small_arms", item="rifles",
            quantity=100, value=0.1, agreed=date(2021, 10, 25)), actor=SEC)
    supply.add_delivery(db, s.key, supply.DeliveryIn(quantity=12, value=9.0,
                                                     on=date(2021, 12, 20)), actor=rep("RUS"))
    with db.read() as conn:
        for who in (rep("RUS"), rep("TJK"), SEC):
            assert supply.get_supply(conn, s.key, actor=who).delivered_quantity == 12
        for who in (rep("KAZ"), OBSERVER):
            with pytest.raises(NotFound):
                supply.get_supply(conn, s.key, actor=who)
            assert s.key not in {x.key for x in supply.list_supplies(conn, actor=who)}
            assert 2021 not in {y.year for y in supply.totals(conn, actor=who).years}
        assert 2021 in {y.year for y in supply.totals(conn, actor=rep("TJK")).years}
    with TestClient(create_app(settings, db)) as client:
        assert s.key not in client.get("/mtc", follow_redirects=True).text
        login(client, "rep-kaz", "demo-rep-kaz")
        page = client.get("/mtc")
        assert page.status_code == 200 and s.key not in page.text
        assert "armoured vehicles for the border troops" not in page.text
        login(client, "rep-tjk", "demo-rep-tjk")
        assert "armoured vehicles for the border troops" in client.get("/mtc").text


EXERCISES = [("echelon-2021", "Echelon-2021", "Эшелон-2021", "echelon"),
             ("search-2021", "Search-2021", "Поиск-2021", "search"),
             ("interaction-2021", "Interaction-2021", "Взаимодействие-2021", "interaction")]


def test_18_23_october_the_exercises_at_harb_maidon_touch_nothing_real(
        accounts_db: Database) -> None:
    db = accounts_db
    real = request_and_consult(db)
    with clock.use(dushanbe(9, 20, 10)):
        for key, name, name_ru, series in EXERCISES:
            ex.create(db, ex.ExerciseIn(
                key=key, name=name, name_ru=name_ru, series=series,
                start=date(2021, 10, 18), end=date(2021, 10, 23), host="TJK",
                place="Harb-Maidon range"), actor=SEC)
    start = dushanbe(10, 18, 9)
    with db.read() as conn:
        events_before = conn.execute(select(t.crisis_event).where(
            t.crisis_event.c.crisis_id == real.id)).all()
        plans_before = conn.execute(select(t.deployment_plan)).all()
    # the exercise's crisis: an armed incursion from Afghanistan, an appeal under art. 4
    with clock.use(start):
        x = crises.open_crisis(db, crises.CrisisIn(
            title="Exercise: an armed group crosses from Afghanistan at Harb-Maidon",
            category="armed_attack", affected=["TJK"], other_parties=["AFG"],
            place="Harb-Maidon range", exercise=True), actor=SEC, at=start)
        crisis_requests.record_request(db, x.id, crisis_requests.OfficialRequestIn(
            state="TJK", person="Emomali Rahmon", office="head_of_state", at=start,
            article="Treaty art. 4", measures=[Measure.MILITARY_CRRF]), actor=SEC, at=start)
        crises.convene_consultations(db, x.id, actor=SEC, at=start)
    # a real escalation run long after escalates it as the exercise's own (played on
    # the real clock, its chain is trained on its deadlines too): every notice it sends
    # says it is an exercise, at its start and at its end
    crises.escalate_overdue(db, at=start + timedelta(days=3))
    with db.read() as conn:
        said = [n.body for n in conn.execute(select(t.notification).where(
            t.notification.c.topic == f"crisis:{x.id}"))]
    assert said and all(b.startswith("EXERCISE EXERCISE EXERCISE")
                        and b.endswith("EXERCISE EXERCISE EXERCISE") for b in said)
    with db.read() as conn:
        assert x.id not in {c.id for c in crises.board(conn, actor=SEC, exercise=False)}
        assert conn.execute(select(t.crisis_event).where(
            t.crisis_event.c.crisis_id == real.id)).all()[:len(events_before)] == \
            events_before
        assert conn.execute(select(t.deployment_plan)).all() == plans_before
        # the exercise's consultations are no real session
        m = dec.get_meeting(conn, crises.get(conn, x.id, actor=SEC).sessions[-1], actor=SEC)
        assert m.exercise
        # the register of the three exercises: hosted by Tajikistan, on the range
        held = {e.key: (e.host, e.place) for e in ex.calendar(conn, actor=rep("KAZ"),
                                                              year=2021)}
        assert {k: held[k] for k, *_ in EXERCISES} == {
            k: ("TJK", "Harb-Maidon range") for k, *_ in EXERCISES}

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

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.crisis.workflow import Measure, Stage
from phalanx.services import clock, crises, crisis_obligations, crisis_requests
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, NotFound
from phalanx.web.i18n.timeline import notice_renderer

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


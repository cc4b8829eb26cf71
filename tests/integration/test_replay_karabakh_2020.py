"""The war of autumn 2020 in and around Nagorno-Karabakh as it reached the Organization,
and the Azerbaijani incursion into Armenia's territory of May 2021, replayed from the
public record through the services and the pages as the people used them.

The record: from 27 September 2020 fighting between Azerbaijan and the Armenian-backed
forces of Nagorno-Karabakh; the Secretariat's statements that the hostilities were not on
Armenia's internationally recognised territory, so that art. 4 of the Treaty did not
apply, while it called for a ceasefire; shells and a drone falling on Armenia's own
territory (a bus struck near Vardenis, 29 September; shelling near Jermuk); the Prime
Minister's letter of 31 October 2020 asking Russia's President for consultations on
assistance under the bilateral treaty (not a request to the Organization); the statement
of 9/10 November 2020 (a ceasefire, Russian peacekeepers: a bilateral operation, not the
Organization's). May 2021: Azerbaijani troops cross into Syunik and Gegharkunik (Sev Lich
lake); Armenia asks the Organization for consultations under art. 2 (13-14 May); the
answer is consultations and no collective measures. Azerbaijan is no member (it left the
Treaty in 1999: the dataset).

- 27 September 2020: Armenia reports the fighting, its place in Nagorno-Karabakh, on
  Azerbaijan's territory. No dispute between members; the place lies outside every
  member's territory, so art. 4 does not apply even where Armenia's request cites it
  (assumption: the record has no such request; played to see the rule hold): no member
  owes an answer, no clock runs, no notice to the UN Security Council opens, and the
  crisis room says why. The members consult (art. 2); every member keeps its seat.
- Peacekeepers to Nagorno-Karabakh: outside the members' territory only with a UN
  mandate, the place recorded deciding, not the response's box; the CRRF is not used
  against a CIS partner or neighbouring state, and Azerbaijan, named as the other party,
  borders Armenia: refused from the record, in English and Russian.
- 29 September 2020: a drone strikes a bus near Vardenis, on Armenia's territory: there
  art. 4 does apply; Armenia made no request to the Organization (its letter of 31 October
  went to Russia under the bilateral treaty), so the lines read "not yet arisen" and no
  clock runs, never overdue.
- 10 November 2020: the ceasefire; the Organization took no collective action, the
  peacekeepers are Russia's (bilateral): the crisis ends with no action, its reason kept.
- 13-14 May 2021: the incursion at Sev Lich lake, on Armenia's territory; the request
  under art. 2; consultations; no one owes assistance; no collective measures.
- The observer reads none of it.

Times of day are assumed where the sources give only the day.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pypdf
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from phalanx.adapters.cap import territory
from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.crisis.workflow import Measure, Stage
from phalanx.domain.decisions.consensus import Position
from phalanx.services import clock, crises, crisis_obligations, crisis_requests
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, NotFound
from phalanx.web.app import create_app
from phalanx.web.i18n import texts_for
from tests.support.sessions import login

pytestmark = pytest.mark.skipif(not territory.available(),
                                reason="the country shapes are not installed")

SEC = Principal("secretariat", Role.SECRETARIAT)
OBSERVER = Principal("observer", Role.OBSERVER)
OTHERS = ["BLR", "KAZ", "KGZ", "RUS", "TJK"]  # the members in 2020-2021 but Armenia
FIGHTING = datetime(2020, 9, 27, 5, 0, tzinfo=UTC)  # 09:00 in Yerevan (hour assumed)
REQUEST = datetime(2020, 9, 27, 8, 0, tzinfo=UTC)  # assumption: no such request is sourced
VARDENIS = datetime(2020, 9, 29, 9, 0, tzinfo=UTC)
CEASEFIRE = datetime(2020, 11, 9, 21, 0, tzinfo=UTC)  # 01:00 on 10 November in Yerevan
STEPANAKERT = dict(place="Stepanakert, Nagorno-Karabakh", lat=39.815, lon=46.752)


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


def fighting(db: Database) -> crises.CrisisOut:
    """Armenia reports the fighting in Nagorno-Karabakh and asks, citing art. 4."""
    with clock.use(FIGHTING):
        c = crises.open_crisis(db, crises.CrisisIn(
            title="Azerbaijani offensive along the line of contact in Nagorno-Karabakh",
            category="aggression", affected=["ARM"], other_parties=["AZE"], **STEPANAKERT),
            actor=rep("ARM"), at=FIGHTING)
    with clock.use(REQUEST):
        crisis_requests.record_request(db, c.id, crisis_requests.OfficialRequestIn(
            state="ARM", person="Nikol Pashinyan", office="head_of_government", at=REQUEST,
            article="Treaty art. 4",
            measures=[Measure.MILITARY_CRRF, Measure.MILITARY_PEACEKEEPING,
                      Measure.POLITICAL]), actor=rep("ARM"), at=REQUEST)
    return c


def test_27_september_art_4_does_not_apply_outside_armenias_territory(
        accounts_db: Database, settings: Settings) -> None:
    db = accounts_db
    c = fighting(db)
    assert (c.other_parties, c.members_in_dispute) == (["AZE"], [])  # AZE left in 1999
    assert c.off_territory
    talks = REQUEST + timedelta(hours=1)
    with clock.use(talks):
        c = crises.convene_consultations(db, c.id, actor=SEC, at=talks)
    with db.read() as conn:
        seated = {a.state for a in dec.get_meeting(conn, c.session_id, actor=SEC).attendance}
    assert {"ARM", *OTHERS} <= seated
    # a day and a half on: nobody owes an answer, nothing is overdue, nothing escalated
    later = REQUEST + timedelta(hours=36)
    with db.read() as conn:
        c = crises.get(conn, c.id, actor=rep("KAZ"), at=later)
    assert c.obligations == []
    crises.escalate_overdue(db, at=later)  # the stage's clock may be late; no answer is
    with db.read() as conn:
        c = crises.get(conn, c.id, actor=SEC, at=later)
    assert not [e for e in c.timeline if e.kind == "escalation" and "answer" in e.text]
    with clock.use(later), pytest.raises(
            Conflict, match=r"KAZ owes no answer on crisis \d+: its place lies outside "
                            r"the territory of ARM"):
        crisis_obligations.answer(db, c.id, "KAZ", crisis_obligations.ObligationIn(
            answer="declined", detail="not on Armenia's territory"), actor=rep("KAZ"),
            at=later)
    marks = {m.measure: m.verdict for m in c.response_card}
    assert "un_notification" not in marks or marks["un_notification"] != "overdue"
    with TestClient(create_app(settings, db)) as client:
        login(client, "rep-arm", "demo-rep-arm")
        en = client.get(f"/crises/{c.id}").text
        client.cookies.set("lang", "ru")
        ru = client.get(f"/crises/{c.id}").text
    assert "The place reported lies outside the territory of ARM" in en
    assert "Указанное в сообщении место лежит вне территории ARM" in ru, ru
    # the situation report says so too, in the reader's language
    with db.read() as conn:
        pdf = crises.report_pdf(conn, c.id, actor=rep("KAZ"), texts=texts_for("ru"))
    text = " ".join(" ".join(p.extract_text().split())
                    for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Указанное в сообщении место лежит вне территории ARM" in text, text


def test_a_council_statement_calls_for_a_ceasefire_and_authorizes_nothing(
        accounts_db: Database) -> None:
    db = accounts_db
    c = fighting(db)
    opens = datetime(2020, 9, 28, 10, 0, tzinfo=UTC)
    with clock.use(opens - timedelta(hours=20)):
        crises.convene_consultations(db, c.id, actor=SEC, at=opens - timedelta(hours=20))
        c = crises.convene_session(db, c.id, actor=SEC, body="permanent-council",
                                   opens_at=opens, at=opens - timedelta(hours=20))
        d = dec.propose_draft(db, dec.DraftIn(
            body="permanent-council", meeting_id=c.sessions[-1], crisis_id=c.id,
            kind="statement", title="Statement on the situation in Nagorno-Karabakh",
            text_en="The Permanent Council calls on the parties to cease fire at once."),
            actor=SEC)
    with clock.use(opens + timedelta(minutes=30)):
        for s in ["ARM", *OTHERS]:
            dec.record_attendance(db, c.sessions[-1], s, True, actor=SEC)
            dec.state_position(db, d.id, Position.SUPPORT, actor=rep(s))
        adopted = dec.close_draft(db, d.id, actor=SEC)
    assert adopted.status == "adopted" and adopted.decision_id is not None
    with clock.use(opens + timedelta(hours=1)), pytest.raises(Conflict, match="statement"):
        crises.link_decision(db, c.id, adopted.decision_id, actor=SEC,
                             at=opens + timedelta(hours=1))


def test_peacekeepers_and_the_crrf_for_nagorno_karabakh(accounts_db: Database) -> None:
    db = accounts_db
    c = fighting(db)
    at = REQUEST + timedelta(hours=2)
    with clock.use(at):
        crises.convene_consultations(db, c.id, actor=SEC, at=at)
        crises.transition(db, c.id, Stage.ASSESSMENT, actor=SEC, at=at)
        # the Secretariat leaves the box "outside members' territory" unticked: the place
        # the report records decides, not the box
        crises.set_response(db, c.id, crises.ResponseIn(
            measures=[Measure.MILITARY_PEACEKEEPING]), actor=SEC, at=at)
    with db.read() as conn:
        why = crises.military_check(conn, c.id, actor=SEC, at=at)
    assert any("UN mandate" in w or "UN Security Council mandate" in w for w in why), why
    with clock.use(at):  # Azerbaijan is a CIS partner and a neighbour
        crises.set_response(db, c.id, crises.ResponseIn(
            measures=[Measure.MILITARY_CRRF], against_cis_or_neighbour=True), actor=SEC, at=at)
    with db.read() as conn:
        why = crises.military_check(conn, c.id, actor=SEC, at=at)
    assert "the CRRF is not used against CIS partners or neighbouring states" in why


def test_29_september_vardenis_on_armenias_territory(accounts_db: Database) -> None:
    db = accounts_db
    with clock.use(VARDENIS):
        c = crises.open_crisis(db, crises.CrisisIn(
            title="A drone strikes a bus near Vardenis", category="aggression",
            affected=["ARM"], other_parties=["AZE"], place="Vardenis, Gegharkunik",
            lat=40.18, lon=45.73), actor=rep("ARM"), at=VARDENIS)
    assert not c.off_territory
    # art. 4 applies here; Armenia asked the Organization for nothing (its letter of
    # 31 October went to Russia, under the bilateral treaty): no clock runs
    with db.read() as conn:
        c = crises.get(conn, c.id, actor=SEC, at=datetime(2020, 11, 1, tzinfo=UTC))
    assert [x.state for x in c.obligations] == OTHERS
    assert not any(x.arisen or x.overdue for x in c.obligations)
    crises.escalate_overdue(db, at=datetime(2020, 11, 1, tzinfo=UTC))
    with db.read() as conn:  # the report's stage may be late; no answer is
        c = crises.get(conn, c.id, actor=SEC, at=datetime(2020, 11, 1, tzinfo=UTC))
    assert not [e for e in c.timeline if e.kind == "escalation" and "answer" in e.text]
    with clock.use(CEASEFIRE):
        c = crises.convene_consultations(db, c.id, actor=SEC, at=CEASEFIRE)
        c = crises.transition(db, c.id, Stage.NO_ACTION, actor=SEC, at=CEASEFIRE, reason=(
            "ceasefire statement of 9/10 November 2020; the peacekeepers deployed are "
            "Russia's, under a bilateral arrangement, not the Organization's"))
    assert c.stage is Stage.NO_ACTION and "bilateral" in c.closing_reason


def test_may_2021_sev_lich_consultations_under_art_2(accounts_db: Database) -> None:
    db = accounts_db
    t0 = datetime(2021, 5, 13, 8, 0, tzinfo=UTC)
    with clock.use(t0):
        c = crises.open_crisis(db, crises.CrisisIn(
            title="Azerbaijani troops cross into Syunik near Sev Lich lake",
            category="threat_to_security", affected=["ARM"], other_parties=["AZE"],
            place="Sev Lich lake, Syunik", lat=39.68, lon=46.03), actor=rep("ARM"), at=t0)
        crisis_requests.record_request(db, c.id, crisis_requests.OfficialRequestIn(
            state="ARM", person="Nikol Pashinyan", office="head_of_government", at=t0,
            article="Treaty art. 2", measures=[Measure.POLITICAL]), actor=rep("ARM"), at=t0)
        c = crises.convene_consultations(db, c.id, actor=SEC, at=t0 + timedelta(minutes=40))
    assert not c.off_territory and c.obligations == []  # art. 2: nobody owes assistance
    with db.read() as conn:
        told = {r.recipient for r in conn.execute(select(t.notification).where(
            t.notification.c.subject.startswith("Crisis reported")))}
    assert {f"rep-{s.lower()}" for s in OTHERS} <= told and "observer" not in told
    end = t0 + timedelta(days=1)
    with clock.use(end):
        c = crises.transition(db, c.id, Stage.NO_ACTION, actor=SEC, at=end,
                              reason="consultations held; no collective measures")
    assert c.stage is Stage.NO_ACTION
    with db.read() as conn, pytest.raises(NotFound):
        crises.get(conn, c.id, actor=OBSERVER)
    with db.read() as conn:
        assert crises.board(conn, actor=OBSERVER) == []


def test_the_crrf_is_not_sent_against_a_neighbouring_state_whatever_the_box_says(
        accounts_db: Database, settings: Settings) -> None:
    """The CRRF's use constraint (not against CIS partners or neighbouring states) follows
    from the report's record: Azerbaijan, named as the other party, borders Armenia."""
    db = accounts_db
    c = fighting(db)
    at = REQUEST + timedelta(hours=2)
    with clock.use(at):
        crises.convene_consultations(db, c.id, actor=SEC, at=at)
        crises.transition(db, c.id, Stage.ASSESSMENT, actor=SEC, at=at)
        crises.set_response(db, c.id, crises.ResponseIn(measures=[Measure.MILITARY_CRRF]),
                            actor=SEC, at=at)
    refusal = ("the CRRF is not used against CIS partners or neighbouring states: the report "
               "names AZE, a neighbouring state (bordering ARM), as the other party")
    with db.read() as conn:
        assert refusal in crises.military_check(conn, c.id, actor=SEC, at=at)
    with TestClient(create_app(settings, db)) as client:
        login(client, "secretariat", "demo-secretariat")
        client.cookies.set("lang", "ru")
        room = client.get(f"/crises/{c.id}").text
    assert "КСОР не применяются против партнёров по СНГ" in room, room
    assert "neighbouring state" not in room

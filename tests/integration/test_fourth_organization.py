"""A fourth organization served from its file (`tests/fixtures/arabian-sea-council.yaml`):
a council of leaders deciding by majority with a casting vote and the silence procedure,
a mutual-assistance article of its own with three days to answer, a seat in Muscat whose
week has Friday and Saturday off, its secretariat listed first among its bodies, one
member withdrawn and one suspended. The Secretariat's night shift on the command line
(open, request, obligations, un-notice, tie, untie, circulate, escalate) follows the file,
never the CSTO's keys, articles or order of bodies."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pypdf
import pytest
from fastapi.testclient import TestClient

from phalanx.cli.main import app
from phalanx.config import Settings
from phalanx.domain import membership
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.crisis.workflow import Measure
from phalanx.domain.decisions.consensus import Position
from phalanx.services import clock, crises, crisis_requests, demo, outbox
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.cli import cli_database, ok, refused, runner
from tests.support.sessions import login

FILE = Path(__file__).parents[1] / "fixtures" / "arabian-sea-council.yaml"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    yield from cli_database(tmp_path, monkeypatch, (str(FILE),))




def entries(db: Database, action: str) -> list[dict[str, object]]:
    with db.read() as conn:
        return [json.loads(r.change) for r in conn.exec_driver_sql(
            "SELECT change FROM audit_log WHERE action = ? ORDER BY id", (action,))]


def open_crisis(made: datetime) -> int:
    c = json.loads(ok("crises", "open", "--title", "Incursion at the border", "--category",
                      "aggression_on_member", "--affected", "omn", "--json"))
    ok("crises", "request", str(c["id"]), "OMN", "--person", "H. Example", "--office",
       "head_of_state", "--at", made.isoformat(), "--article", "Accord art. 9",
       "--measure", "military_crrf", "--period-days", "30", "--json")
    return int(c["id"])


def test_the_members_owe_answers_under_the_files_article(cli: Database) -> None:
    crisis = open_crisis(datetime.now(UTC) - timedelta(hours=1))
    lines = json.loads(ok("crises", "obligations", str(crisis), "--json"))
    # Egypt withdrew, Bahrain is suspended (exempt by the file), Oman asks: two owe
    assert sorted(x["state"] for x in lines["obligations"]) == ["JOR", "KWT"]
    due = datetime.fromisoformat(lines["obligations"][0]["due_at"])
    assert timedelta(hours=70) < due - datetime.now(UTC) <= timedelta(hours=72)
    # no decision yet: the refusal cites the file's own article, not the CSTO's
    said = refused("crises", "un-notice", str(crisis), "--reference", "S/2026/9")
    assert "it opens with a decision on a crisis under Accord art. 9" in said
    assert "art. 4" not in said
    shown = ok("crises", "obligations", str(crisis))
    assert "Accord art. 9" in " ".join(shown.split()) and "art. 4" not in shown


def test_a_late_answer_is_escalated_to_the_chair_of_the_supreme_body(cli: Database
                                                                    ) -> None:
    # escalated in Muscat's first hour of a year (20:30 UTC on 31 December): the chair of
    # the year that has begun there, not of UTC's year
    at = datetime(2026, 12, 31, 20, 30, tzinfo=UTC)
    with clock.use(at):
        crisis = open_crisis(at - timedelta(hours=73))
        ok("crises", "escalate")
    told = [e for e in entries(cli, "crisis.escalate")
            if str(e["stage"]).startswith("answer:")]
    assert sorted(str(e["stage"]) for e in told) == ["answer:JOR", "answer:KWT"]
    with cli.read() as conn:
        org = orgs.organization(conn)
    # the Council of Leaders' chair of Muscat's new year, not the chair of the body listed
    # first
    chair = membership.chair_of(org, "majlis", 2027)
    assert chair is not None and chair != membership.chair_of(org, "majlis", 2026)
    assert {e["told"]["chair"] for e in told} == {chair.state}  # type: ignore[index]
    said = [e["text"] for e in json.loads(ok("crises", "timeline", str(crisis), "--json"))
            if e["kind"] == "escalation"]
    assert len(said) == 2 and all("overdue by" in x for x in said)


ART4 = ("art. 4", "ст. 4", "статье 4", "Secretary General", "Генерального секретаря",
        "collective defence", "коллективной обороны")


def _shown(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def council_db(sqlite_db: Database) -> Database:
    orgs.load_dataset(sqlite_db, FILE, actor=SYSTEM)
    demo.ensure_demo_accounts(sqlite_db, actor=SYSTEM)
    return sqlite_db


def test_a_member_owing_an_answer_reads_no_csto_article(council_db: Database,
                                                        settings: Settings) -> None:
    """Kuwait's representative is asked for its answer under the Accord's article: its
    inbox and the crisis's timeline name the obligation of assistance, in English and in
    Russian, never the CSTO's art. 4 or its Secretary General."""
    made = datetime.now(UTC) - timedelta(hours=73)
    c = crises.open_crisis(council_db, crises.CrisisIn(
        title="Incursion at the border", category="aggression_on_member", affected=["OMN"],
        severity="severe", place="border"), actor=SYSTEM)
    crisis_requests.record_request(council_db, c.id, crisis_requests.OfficialRequestIn(
        state="OMN", person="H. Example", office="head_of_state", at=made,
        article="Accord art. 9", measures=[Measure.MILITARY_CRRF]), actor=SYSTEM)
    assert crises.escalate_overdue(council_db) == [c.id]
    with TestClient(create_app(settings, council_db)) as client:
        login(client, "rep-kwt", "demo-rep-kwt")
        for lang, owed in (("en", "Answer the obligation of assistance"),
                           ("ru", "Ответить на обязательство оказать помощь")):
            inbox = _shown(client.get(f"/inbox/items?lang={lang}").text)
            assert owed in inbox, (lang, inbox[:600])
            room = _shown(client.get(f"/crises/{c.id}?lang={lang}").text)
            if lang == "ru":  # the request's article as the file translates it
                assert "ст. 9 Соглашения" in room and "Accord art. 9" not in room, room
            for text in (inbox, room):
                assert not [w for w in ART4 if w in text], (lang, [
                    text[max(0, text.index(w) - 80):text.index(w) + 40]
                    for w in ART4 if w in text])


OPENS = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # a Monday in Muscat
SEC = Principal("secretariat", Role.SECRETARIAT)


def _rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


def test_a_tie_is_carried_by_the_chair_and_the_absent_receive_it(council_db: Database,
                                                                 settings: Settings) -> None:
    """The Council of Leaders decides by majority, the chair's vote deciding a tie; a
    member absent without a declaration is not bound but sent the decision (the file's
    `absent_bound: false`), told in its own words and, in Russian, by the Russian title;
    the suspended member has no say and the withdrawn one is not asked."""
    with council_db.read() as conn:
        org = orgs.organization(conn)
    chair = membership.chair_of(org, "majlis", 2026)
    assert chair is not None
    other = next(s for s in ("JOR", "KWT", "OMN") if s != chair.state)
    absent = next(s for s in ("JOR", "KWT", "OMN") if s not in (chair.state, other))
    with clock.use(OPENS - timedelta(days=1)):
        m = dec.convene(council_db, dec.MeetingIn(body="majlis", opens_at=OPENS), actor=SEC)
        assert sorted(a.state for a in m.attendance) == ["BHR", "JOR", "KWT", "OMN"]
        for a in m.attendance:
            dec.record_attendance(council_db, m.id, a.state, a.state != absent, actor=SEC)
        d = dec.propose_draft(council_db, dec.DraftIn(
            body="majlis", meeting_id=m.id, title="On the exercise plan",
            title_ru="О плане учений", text_en="To approve the plan."), actor=SEC)
    with clock.use(OPENS + timedelta(minutes=30)):
        dec.state_position(council_db, d.id, Position.SUPPORT, actor=_rep(chair.state))
        dec.state_position(council_db, d.id, Position.OBJECT, actor=_rep(other))
        closed = dec.close_draft(council_db, d.id, actor=SEC)
    assert closed.status == "adopted" and closed.decision_id is not None
    with council_db.read() as conn:
        got = dec.get_decision(conn, closed.decision_id, actor=SEC)
        number = got.number
        told = [n.body for n in outbox.mine(conn, actor=_rep(absent))
                if n.topic == f"decision:{closed.decision_id}"]
    assert absent in got.for_consideration and absent not in got.binding
    assert {chair.state, other} <= set(got.binding)
    assert "BHR" not in got.binding
    assert told == [f"Decision {number} was sent to {absent} for consideration: adopted "
                    "in its absence or without its say; it does not bind it"]
    with TestClient(create_app(settings, council_db)) as client:
        login(client, f"rep-{absent.lower()}", f"demo-rep-{absent.lower()}")
        inbox = _shown(client.get("/inbox/items?lang=ru").text)
        assert f"Принято решение {number}: О плане учений" in inbox, inbox[:800]
        assert "On the exercise plan" not in inbox


def _letter(client: TestClient, crisis: int, lang: str) -> str:
    r = client.get(f"/api/v1/crises/{crisis}/un-letter.pdf?lang={lang}")
    assert r.status_code == 200 and r.content.startswith(b"%PDF"), r.text
    pages = pypdf.PdfReader(io.BytesIO(r.content)).pages
    return " ".join(" ".join(p.extract_text() for p in pages).split())


def test_the_un_letter_cites_the_accords_article_and_is_signed_by_its_own_post(
        council_db: Database, settings: Settings) -> None:
    """The letter to the UN Security Council rests on the article the request invoked
    (the Accord's art. 9, not a fourth article of whatever treaty) and is signed by the
    post heading the organization's secretariat (its Director-General), in English and
    in Russian."""
    t0 = datetime.now(UTC) - timedelta(hours=6)
    c = crises.open_crisis(council_db, crises.CrisisIn(
        title="Incursion at the border", category="aggression_on_member", affected=["OMN"],
        severity="severe", place="border"), actor=SYSTEM, at=t0)
    c = crises.convene_consultations(council_db, c.id, actor=SEC, at=t0 + timedelta(minutes=30))
    crisis_requests.record_request(council_db, c.id, crisis_requests.OfficialRequestIn(
        state="OMN", person="H. Example", office="head_of_state", at=t0 + timedelta(minutes=10),
        article="Accord art. 9", measures=[Measure.HUMANITARIAN], period_days=30),
        actor=SEC, at=t0 + timedelta(minutes=15))
    assert c.session_id is not None
    d = dec.propose_draft(council_db, dec.DraftIn(
        body="majlis", meeting_id=c.session_id, title="On assistance to Oman",
        text_en="The Council decides to assist Oman.", measures=[Measure.HUMANITARIAN],
        period_days=30), actor=SEC)
    for s in ("JOR", "KWT", "OMN"):
        dec.record_attendance(council_db, c.session_id, s, True, actor=SEC)
        dec.state_position(council_db, d.id, Position.SUPPORT, actor=_rep(s))
    closed = dec.close_draft(council_db, d.id, actor=SEC)
    assert closed.decision_id is not None
    crises.link_decision(council_db, c.id, closed.decision_id, actor=SEC)
    with TestClient(create_app(settings, council_db)) as client:
        login(client, "secretariat", "demo-secretariat")
        en, ru = _letter(client, c.id, "en"), _letter(client, c.id, "ru")
    assert ("Basis: Muscat Mutual Assistance Accord, Article 9; the Charter of the United "
            "Nations, Article 51") in en, en
    assert "Article 4" not in en and "статья 4" not in ru
    assert "Director-General of the Arabian Sea Mutual Assistance Council" in en, en
    assert "Secretary General" not in en
    assert "Маскатское соглашение о взаимной помощи, статья 9" in ru, ru
    assert "Генеральный директор СВПАМ" in ru, ru
    assert "Генеральный секретарь" not in ru
    # the notice recorded as sent: its entry keeps the letter's article and signatory
    from sqlalchemy import select

    from phalanx.adapters.db import tables as t
    from phalanx.services import crisis_obligations

    crisis_obligations.mark_sent(council_db, c.id, "S/2026/9", actor=SEC)
    a = t.audit_log.c
    with council_db.read() as conn:
        [entry] = [json.loads(x) for x in conn.execute(select(a.change).where(
            a.action == "crisis.un_notice", a.target_id == str(c.id))).scalars()]
    assert entry == {"reference": "S/2026/9", "article": "Accord art. 9",
                     "signed_by": "director-general"}


def test_its_council_circulates_under_silence_never_in_writing(cli: Database) -> None:
    """The Council of Leaders has no written procedure (its file's `written.questions` is
    empty): a draft circulated for signature is refused naming the procedure, nothing
    written; under the silence procedure it goes round, a deadline at 00:00 on a Friday in
    Muscat ending Thursday, a working day, while one falling on a Friday is to be
    confirmed."""
    said = refused("decisions", "circulate", "--body", "majlis", "--title", "On the plan",
                   "--text-en", "To approve.", "--deadline", "2026-12-14T12:00+04:00")
    assert "procedure: this body does not decide by the written procedure" in said, said
    assert entries(cli, "draft.propose") == []
    friday = refused("decisions", "circulate", "--body", "majlis", "--title", "On the plan",
                     "--text-en", "To approve.", "--procedure", "silence", "--deadline",
                     "2026-12-11T10:00+04:00")
    assert "day off where the Secretariat sits (friday" in friday, friday
    d = json.loads(ok("decisions", "circulate", "--body", "majlis", "--title", "On the plan",
                      "--text-en", "To approve.", "--procedure", "silence", "--deadline",
                      "2026-12-11T00:00+04:00", "--json"))
    assert d["procedure"] == "silence"
    assert datetime.fromisoformat(d["deadline"]) == datetime(2026, 12, 10, 20, 0, tzinfo=UTC)
    # the Board of Chiefs of Staff, whose file says nothing of it, keeps the written one
    ok("decisions", "circulate", "--body", "chiefs-board", "--title", "On the exercise",
       "--text-en", "To hold it.", "--deadline", "2026-12-14T12:00+04:00")


def test_an_exercises_request_without_an_article_invokes_the_files_own(
        council_db: Database, tmp_path: Path) -> None:
    """A scenario's official request that names no article invokes the organization's
    first collective-defence article (the Accord's art. 9), not the CSTO's Treaty art. 4:
    under a cyclone, whose category relies on volunteers, the request still obliges every
    member to answer."""
    from phalanx.services import exercise

    path = tmp_path / "cyclone.yaml"
    path.write_text("""name: cyclone
injects:
  - {at: 0, do: open, title: Cyclone over Muscat, category: cyclone, affected: [OMN]}
  - {at: 20, do: official_request, state: OMN, person: the Sultan, measures: [humanitarian]}
""", encoding="utf-8")
    run = exercise.run(council_db, exercise.load(path),
                       start=datetime.now(UTC) - timedelta(hours=1))
    with council_db.read() as conn:
        c = crises.get(conn, run.crisis_id, actor=SYSTEM)
    assert [r.article for r in c.official_requests] == ["Accord art. 9"]
    assert sorted(x.state for x in c.obligations) == ["JOR", "KWT"]


def test_the_night_shifts_help_names_no_csto_body_or_article() -> None:
    for command in (["decisions", "circulate"], ["crises", "request"], ["crises", "escalate"]):
        shown = " ".join(runner.invoke(app, [*command, "--help"], env={"COLUMNS": "400"},
                                       ).output.split())
        assert not [w for w in ("csc", "Treaty art. 4", "Secretary General") if w in shown], \
            (command, shown)

"""A crisis's whole file holds every draft about it, adopted or not: Armenia's request of
13 September 2022 and the draft on assistance to it that its own objection returned at
the Council's regular session in Yerevan (23 November 2022). Each reader is named only
the drafts it may read; an exercise's drafts stay out of a real crisis's file; the
Secretariat ties a draft tabled elsewhere to the crisis afterwards, or unties it, saying
why, and the trail records it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import Marking
from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.crisis.workflow import Measure
from phalanx.domain.decisions.consensus import Position
from phalanx.services import changes, clock, crises, crisis_drafts, crisis_requests
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound
from phalanx.web.i18n.errors import translate

SEC = Principal("secretariat", Role.SECRETARIAT)
PLANNER = Principal("planner", Role.PLANNER)
OTHERS = ["BLR", "KAZ", "KGZ", "RUS", "TJK"]
T0 = datetime(2022, 9, 13, 1, 0, tzinfo=UTC)
OPENS = datetime(2022, 11, 23, 8, 0, tzinfo=UTC)


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


def _crisis(db: Database) -> int:
    c = crises.open_crisis(db, crises.CrisisIn(
        title="Fighting on Armenia's border with Azerbaijan", category="aggression",
        affected=["ARM"], other_parties=["AZE"]), actor=rep("ARM"), at=T0)
    crisis_requests.record_request(db, c.id, crisis_requests.OfficialRequestIn(
        state="ARM", person="Nikol Pashinyan", office="head_of_government",
        at=T0 + timedelta(hours=2), article="Treaty art. 4",
        measures=[Measure.MILITARY_CRRF, Measure.POLITICAL]), actor=rep("ARM"),
        at=T0 + timedelta(hours=2))
    return c.id


def _yerevan(db: Database, crisis_id: int | None, **draft: object) -> tuple[int, int, int]:
    """The Council's regular session: a declaration, the draft on assistance to Armenia
    (about the crisis when `crisis_id`), one on the Secretary General; Armenia objects to
    the first two. The drafts' ids, in that order."""
    with clock.use(OPENS - timedelta(days=31)):
        m = dec.convene(db, dec.MeetingIn(body="csc", opens_at=OPENS, place="Yerevan"),
                        actor=SEC)
        ids = [dec.propose_draft(db, dec.DraftIn(
            body="csc", meeting_id=m.id, title=title, text_en="The Council decides.",
            **(dict(crisis_id=crisis_id, **draft) if about else {})), actor=SEC).id
            for title, about in (("Yerevan Declaration", False),
                                 ("On collective assistance to Armenia", True),
                                 ("On the Secretary General", False))]
    with clock.use(OPENS + timedelta(minutes=30)):
        for a in m.attendance:
            dec.record_attendance(db, m.id, a.state, a.state != "UZB", actor=SEC)
        for i, d in enumerate(ids):
            for s in ["ARM", *OTHERS]:
                dec.state_position(db, d, Position.OBJECT if s == "ARM" and i < 2
                                   else Position.SUPPORT, actor=rep(s))
        for d in ids:
            dec.close_draft(db, d, actor=SEC)
    return ids[0], ids[1], ids[2]


def _file(db: Database, crisis_id: int, actor: Principal) -> crises.CrisisOut:
    with db.read() as conn:
        return crises.get(conn, crisis_id, actor=actor, at=OPENS + timedelta(days=1))


def test_a_returned_draft_about_the_crisis_is_in_its_file(accounts_db: Database) -> None:
    db = accounts_db
    cid = _crisis(db)
    _, assistance, _ = _yerevan(db, cid)
    c = _file(db, cid, rep("KAZ"))
    assert [x.id for x in c.drafts] == [assistance]
    d = c.drafts[0]
    assert (d.status, d.tie, d.decision_id) == ("returned", "tabled", None)
    assert "ARM formally objects" in (d.outcome_reason or "")
    assert d.decided_at == OPENS + timedelta(minutes=30)
    drafts = [e.text for e in c.timeline if e.kind == "draft"]
    assert drafts == [f"draft {assistance} tabled: On collective assistance to Armenia",
                      f"draft {assistance} returned"]
    assert [e.at for e in c.timeline] == sorted(e.at for e in c.timeline)


def test_an_adopted_draft_names_its_decision(accounts_db: Database) -> None:
    db = accounts_db
    cid = _crisis(db)
    _, _, adopted = _yerevan(db, None)
    crisis_drafts.tie(db, cid, adopted, "the Council's answer to the request", actor=SEC)
    d = _file(db, cid, rep("ARM")).drafts[0]
    assert (d.id, d.status, d.tie) == (adopted, "adopted", "tied")
    assert d.decision_number and d.decision_id
    assert d.reason == "the Council's answer to the request"
    texts = [e.text for e in _file(db, cid, SEC).timeline if e.kind == "draft"]
    assert texts[-1] == f"draft {adopted} adopted as decision {d.decision_number}"


def test_a_draft_marked_for_fewer_is_named_to_none_other(accounts_db: Database) -> None:
    db = accounts_db
    cid = _crisis(db)
    with clock.use(OPENS - timedelta(days=31)):
        m = dec.convene(db, dec.MeetingIn(body="csc", opens_at=OPENS, place="Yerevan"),
                        actor=SEC)
        assistance = dec.propose_draft(db, dec.DraftIn(
            body="csc", meeting_id=m.id, title="On collective assistance to Armenia",
            text_en="The Council decides.", crisis_id=cid, marking=Marking.PARTICIPANTS,
            participants=["ARM", "RUS"]), actor=SEC).id
    assert [x.id for x in _file(db, cid, rep("RUS")).drafts] == [assistance]
    kaz = _file(db, cid, rep("KAZ"))
    assert kaz.drafts == []
    assert not any(e.kind == "draft" for e in kaz.timeline)
    assert "collective assistance" not in kaz.model_dump_json()


def test_the_secretariat_ties_a_draft_afterwards_and_unties_it(accounts_db: Database) -> None:
    db = accounts_db
    cid = _crisis(db)
    _, assistance, _ = _yerevan(db, None)
    assert _file(db, cid, SEC).drafts == []  # tabled at the regular session: not tied
    with pytest.raises(Forbidden):
        crisis_drafts.tie(db, cid, assistance, "about it", actor=PLANNER)
    with pytest.raises(Forbidden):
        crisis_drafts.tie(db, cid, assistance, "about it", actor=rep("ARM"))
    with pytest.raises(Invalid) as blank:  # a reason of spaces is none
        crisis_drafts.tie(db, cid, assistance, "   ", actor=SEC)
    assert blank.value.where == "reason"
    crisis_drafts.tie(db, cid, assistance, "the draft answers Armenia's request", actor=SEC)
    with pytest.raises(Conflict, match="already"):
        crisis_drafts.tie(db, cid, assistance, "again", actor=SEC)
    assert [x.id for x in _file(db, cid, rep("KAZ")).drafts] == [assistance]
    crisis_drafts.untie(db, cid, assistance, "tied to the wrong crisis", actor=SEC)
    assert _file(db, cid, SEC).drafts == []
    with pytest.raises(Conflict, match="not in"):
        crisis_drafts.untie(db, cid, assistance, "again", actor=SEC)
    with pytest.raises(NotFound):
        crisis_drafts.tie(db, cid, 99999, "none", actor=SEC)
    with db.read() as conn:
        trail = [(r.action, json.loads(r.change)) for r in conn.execute(
            select(t.audit_log).where(t.audit_log.c.target_kind == "draft",
                                      t.audit_log.c.target_id == str(assistance),
                                      t.audit_log.c.action.like("draft.crisis_%"))
            .order_by(t.audit_log.c.id))]
    assert [(a, c["crisis"], c["reason"]) for a, c in trail] == [
        ("draft.crisis_tie", cid, "the draft answers Armenia's request"),
        ("draft.crisis_untie", cid, "tied to the wrong crisis")]


def test_a_draft_tabled_in_a_session_on_the_crisis_stays(accounts_db: Database) -> None:
    db = accounts_db
    cid = _crisis(db)
    crises.convene_consultations(db, cid, actor=SEC, at=T0 + timedelta(hours=3))
    c = crises.convene_session(db, cid, actor=SEC, body="permanent-council",
                               opens_at=T0 + timedelta(hours=10), at=T0 + timedelta(hours=4))
    with clock.use(T0 + timedelta(hours=5)):
        d = dec.propose_draft(db, dec.DraftIn(
            body="permanent-council", meeting_id=c.sessions[-1], title="On a mission",
            text_en="The Council sends a mission."), actor=SEC)
    assert [(x.id, x.tie, x.status) for x in _file(db, cid, SEC).drafts] == [
        (d.id, "session", "open")]
    with pytest.raises(Conflict, match="cannot be untied"):
        crisis_drafts.untie(db, cid, d.id, "no", actor=SEC)


def test_an_exercise_draft_never_enters_a_real_crisis_file(accounts_db: Database) -> None:
    db = accounts_db
    cid = _crisis(db)
    with clock.use(OPENS - timedelta(days=31)):
        m = dec.convene(db, dec.MeetingIn(body="csc", opens_at=OPENS, exercise=True),
                        actor=SEC)
        with pytest.raises(Conflict, match="exercise"):  # named when tabled: nothing kept
            dec.propose_draft(db, dec.DraftIn(
                body="csc", meeting_id=m.id, title="Exercise assistance",
                text_en="The Council decides.", crisis_id=cid), actor=SEC)
        d = dec.propose_draft(db, dec.DraftIn(
            body="csc", meeting_id=m.id, title="Exercise assistance",
            text_en="The Council decides."), actor=SEC)
    with db.read() as conn:
        assert conn.execute(select(t.draft.c.id).where(
            t.draft.c.title == "Exercise assistance")).scalars().all() == [d.id]
    with pytest.raises(Conflict, match="exercise"):
        crisis_drafts.tie(db, cid, d.id, "about it", actor=SEC)
    assert _file(db, cid, SEC).drafts == []


def test_a_draft_in_writing_names_its_crisis(accounts_db: Database) -> None:
    db = accounts_db
    cid = _crisis(db)
    with clock.use(T0 + timedelta(days=1)):
        d = dec.propose_draft(db, dec.DraftIn(
            body="permanent-council", procedure="written", crisis_id=cid,
            deadline=T0 + timedelta(days=8), title="On humanitarian aid to Armenia",
            text_en="The Council decides."), actor=SEC)
    assert [(x.id, x.procedure, x.status, x.tie) for x in _file(db, cid, rep("ARM")).drafts
            ] == [(d.id, "written", "open", "tabled")]


def _exercise(db: Database, title: str) -> crises.CrisisOut:
    c = crises.open_crisis(db, crises.CrisisIn(
        title=title, category="aggression", affected=["ARM"], other_parties=["AZE"],
        exercise=True), actor=SEC, at=T0)
    return crises.convene_consultations(db, c.id, actor=SEC, at=T0 + timedelta(hours=1))


def test_an_exercise_s_draft_stays_out_of_another_exercise_s_file(
        accounts_db: Database) -> None:
    """Two exercises at once: a draft tabled in the first one's consultations is refused
    from the second one's file (tied or named when tabled), so that ending the second
    leaves the first one's draft open."""
    db = accounts_db
    first, second = _exercise(db, "Exercise North"), _exercise(db, "Exercise South")
    with clock.use(T0 + timedelta(hours=2)):
        d = dec.propose_draft(db, dec.DraftIn(
            body="csc", meeting_id=first.sessions[0], procedure="consultation",
            title="North's assistance", text_en="The Council decides."), actor=SEC).id
        with pytest.raises(Conflict, match="another exercise's"):
            dec.propose_draft(db, dec.DraftIn(
                body="csc", meeting_id=first.sessions[0], procedure="consultation",
                title="North's second", text_en="The Council decides.",
                crisis_id=second.id), actor=SEC)
    with pytest.raises(Conflict, match="another exercise's") as refused:
        crisis_drafts.tie(db, second.id, d, "about it", actor=SEC)
    assert translate(str(refused.value), "ru") == (
        f"проект {d} относится к другому учению: в дело кризиса этого учения он не входит")
    with db.engine.begin() as conn:  # a tie kept from before the refusal
        conn.execute(t.crisis_draft.insert().values(
            crisis_id=second.id, draft_id=d, tied_at=T0, tied_by="secretariat",
            reason="about it"))
    assert _file(db, second.id, SEC).drafts == []
    crises.end_exercise(db, second.id, crises.ExerciseEndIn(how="ended", reason="South over"),
                        actor=SEC, at=T0 + timedelta(hours=3))
    with db.read() as conn:
        assert dec.get_draft(conn, d, actor=SEC).status == "open"
    assert [x.id for x in _file(db, first.id, SEC).drafts] == [d]


def test_a_tie_to_a_crisis_a_state_may_not_read_is_not_in_its_feed(
        accounts_db: Database) -> None:
    """Kazakhstan reads the draft, not the crisis (marked for Armenia and Russia): the
    draft tied to the crisis's file and untied is not said to it (nothing of the draft it
    reads changed), while Russia, which reads both, is told of both."""
    db = accounts_db
    with clock.use(T0):
        cid = crises.open_crisis(db, crises.CrisisIn(
            title="Fighting on Armenia's border", category="aggression", affected=["ARM"],
            other_parties=["AZE"], marking=Marking.PARTICIPANTS, participants=["ARM", "RUS"]),
            actor=SEC, at=T0).id
    _, assistance, _ = _yerevan(db, None)

    def feed(state: str, after: int) -> list[tuple[str, str]]:
        with db.read() as conn:
            return [(c.kind, c.id) for c in changes.feed(
                conn, actor=rep(state), after=after, limit=100)[0]]

    with db.read() as conn:
        since = {s: changes.position(conn, actor=rep(s)) for s in ("KAZ", "RUS")}
    crisis_drafts.tie(db, cid, assistance, "the Council's answer", actor=SEC)
    crisis_drafts.untie(db, cid, assistance, "tied by mistake", actor=SEC)
    assert feed("KAZ", since["KAZ"]) == []
    assert sorted(feed("RUS", since["RUS"])) == [("crisis", str(cid)),
                                                 ("draft", str(assistance))]


def test_an_exercise_over_takes_no_draft_in_its_file_nor_lets_one_go(
        accounts_db: Database) -> None:
    """After ENDEX the exercise's file is its record as it ended: a draft of a standalone
    exercise session (still open) is not tied to it (it would stay open, never closed by
    the end), and a draft tied before is not untied."""
    db = accounts_db
    ex = _exercise(db, "Exercise North")
    with clock.use(T0 + timedelta(hours=2)):
        m = dec.convene(db, dec.MeetingIn(body="csc", opens_at=OPENS, exercise=True),
                        actor=SEC)
        early, late = (dec.propose_draft(db, dec.DraftIn(
            body="csc", meeting_id=m.id, title=title, text_en="The Council decides."),
            actor=SEC).id for title in ("Early", "Late"))
    crisis_drafts.tie(db, ex.id, early, "played in the exercise", actor=SEC)
    crises.end_exercise(db, ex.id, crises.ExerciseEndIn(how="ended"), actor=SEC,
                        at=T0 + timedelta(hours=3))
    with pytest.raises(Conflict, match="already over"):
        crisis_drafts.tie(db, ex.id, late, "played too", actor=SEC)
    with pytest.raises(Conflict, match="already over"):
        crisis_drafts.untie(db, ex.id, early, "not played", actor=SEC)
    assert [(x.id, x.status) for x in _file(db, ex.id, SEC).drafts] == [(early, "closed")]
    with db.read() as conn:
        assert dec.get_draft(conn, late, actor=SEC).status == "open"


def test_a_draft_tied_and_then_the_crisis_s_decision_stays_in_its_file(
        accounts_db: Database) -> None:
    """Tied by hand, then adopted and its decision attached to the crisis: the draft
    belongs to the file by its decision, and untying it is refused, nothing written (not
    an untying said done while the draft stays)."""
    db = accounts_db
    cid = _crisis(db)
    with clock.use(OPENS - timedelta(days=31)):
        m = dec.convene(db, dec.MeetingIn(body="csc", opens_at=OPENS, place="Yerevan"),
                        actor=SEC)
        d = dec.propose_draft(db, dec.DraftIn(
            body="csc", meeting_id=m.id, title="On political support to Armenia",
            text_en="The Council decides.", measures=[Measure.POLITICAL]), actor=SEC).id
    crisis_drafts.tie(db, cid, d, "the Council's answer to the request", actor=SEC)
    with clock.use(OPENS + timedelta(minutes=30)):
        for a in m.attendance:
            dec.record_attendance(db, m.id, a.state, True, actor=SEC)
        for s in ["ARM", *OTHERS]:
            dec.state_position(db, d, Position.SUPPORT, actor=rep(s))
        decision = dec.close_draft(db, d, actor=SEC).decision_id
    assert decision is not None
    crises.link_decision(db, cid, decision, actor=SEC, at=OPENS + timedelta(hours=1))
    with pytest.raises(Conflict, match="cannot be untied"):
        crisis_drafts.untie(db, cid, d, "tied by hand", actor=SEC)
    x = _file(db, cid, SEC).drafts[0]  # (offered no untying)
    assert (x.id, x.tie, x.untied_by_hand) == (d, "decision", False)
    with db.read() as conn:
        assert conn.execute(select(t.crisis_draft.c.draft_id).where(
            t.crisis_draft.c.crisis_id == cid)).scalars().all() == [d]


def test_a_draft_tabled_on_the_crisis_and_its_fate_are_said_of_the_crisis(
        accounts_db: Database) -> None:
    """A national system keeps its copy of the crisis (its file of drafts included) by
    the change feed: a draft tabled in a session held on the crisis, and its fate
    recorded, are said of the crisis too (read it again), not only of the draft."""
    db = accounts_db
    cid = _crisis(db)
    crises.convene_consultations(db, cid, actor=SEC, at=T0 + timedelta(hours=3))
    c = crises.convene_session(db, cid, actor=SEC, body="permanent-council",
                               opens_at=T0 + timedelta(hours=10), at=T0 + timedelta(hours=4))

    def said(after: int) -> list[tuple[str, str]]:
        with db.read() as conn:
            return sorted((x.kind, x.id) for x in changes.feed(
                conn, actor=rep("KAZ"), after=after, limit=100)[0])

    def now() -> int:
        with db.read() as conn:
            return changes.position(conn, actor=rep("KAZ"))

    before = now()
    with clock.use(T0 + timedelta(hours=5)):
        d = dec.propose_draft(db, dec.DraftIn(
            body="permanent-council", meeting_id=c.sessions[-1], title="On a mission",
            text_en="The Council sends a mission."), actor=SEC).id
    assert said(before) == [("crisis", str(cid)), ("draft", str(d))]
    before = now()
    with clock.use(T0 + timedelta(hours=11)):
        session = c.sessions[-1]
        with db.read() as conn:
            seated = dec.get_meeting(conn, session, actor=SEC).attendance
        for a in seated:
            dec.record_attendance(db, session, a.state, True, actor=SEC)
        dec.close_draft(db, d, actor=SEC)  # no positions: no decision
    assert ("crisis", str(cid)) in said(before)
    assert _file(db, cid, rep("KAZ")).drafts[0].status != "open"

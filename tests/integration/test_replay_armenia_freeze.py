"""Armenia's turning away from the Organization, 2022-2026, replayed through the
services with the dates of the record, as a treaty lawyer of the Secretariat reads it:

- 23 November 2022, Yerevan: Armenia chairs the Council; its Prime Minister, present,
  declines to sign the declaration and the draft on joint measures of assistance to
  Armenia as drafted, and signs the session's other documents. A refusal to sign in
  session is a formal objection (DOMAIN.md §7: "if one member does not agree, there is no
  decision"): the two drafts are returned for revision, not voted down, and stay on record
  as returned; the others are adopted and bind Armenia with the rest. The Akoma Ntoso
  export of an adopted one gives Armenia among those in favour, in English and Russian.
- January 2023: Armenia, the host, cancels the CRRF exercise planned on its territory;
  never held, it has no after-action findings.
- February 2024: Armenia stops taking part ("freezes" its participation), stays a member,
  and stops paying its share.
- 2025: a Council decision adopted without Armenia: it has no say, counts for neither
  quorum nor consensus, is not bound, receives the text for consideration and may join
  it; it is given no task implementing it until it does.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from lxml import etree

from phalanx.domain import contributions, membership
from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.decisions.consensus import Position, Standing
from phalanx.domain.organization import MembershipStatus
from phalanx.services import clock, decision_exports
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid
from phalanx.services.registers import exercises
from phalanx.web.i18n import texts_for

SEC = Principal("secretariat", Role.SECRETARIAT)
OTHERS = ["BLR", "KAZ", "KGZ", "RUS", "TJK"]  # the members taking part but Armenia and UZB
AKN = "{http://docs.oasis-open.org/legaldocml/ns/akn/3.0}"


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


def _session(db: Database, opens: datetime, place: str, titles: tuple[str, ...]
             ) -> tuple[dec.MeetingOut, list[dec.DraftOut]]:
    with clock.use(opens - timedelta(days=31)):
        m = dec.convene(db, dec.MeetingIn(body="csc", opens_at=opens, place=place),
                        actor=SEC)
        drafts = [dec.propose_draft(db, dec.DraftIn(
            body="csc", meeting_id=m.id, title=title, text_en="The Council decides."),
            actor=SEC) for title in titles]
    return m, drafts


def test_yerevan_2022_the_chair_declines_to_sign_two_documents(
        accounts_db: Database) -> None:
    db = accounts_db
    opens = datetime(2022, 11, 23, 8, 0, tzinfo=UTC)
    titles = ("Yerevan Declaration of the Collective Security Council",
              "On joint measures of assistance to the Republic of Armenia",
              "On the Secretary General of the Organization")
    m, drafts = _session(db, opens, "Yerevan", titles)
    with db.read() as conn:
        assert membership.chair_of(orgs.organization(conn), "csc", 2022).state == "ARM"
    with clock.use(opens + timedelta(hours=2)):
        for a in m.attendance:  # Uzbekistan suspended; every other head present
            dec.record_attendance(db, m.id, a.state, a.state != "UZB", actor=SEC)
        for d in drafts:
            for s in ["ARM", *OTHERS]:
                declines = s == "ARM" and d.title != titles[2]
                dec.state_position(
                    db, d.id, Position.OBJECT if declines else Position.SUPPORT,
                    statement="not ready to sign in its present wording" if declines else "",
                    actor=rep(s))
        out = [dec.close_draft(db, d.id, actor=SEC) for d in drafts]
    assert [o.status for o in out] == ["returned", "returned", "adopted"]
    assert all(o.outcome_reason == "returned for revision: ARM formally objects"
               for o in out[:2])
    assert out[0].decision_id is None and out[1].decision_id is None
    with db.read() as conn:
        adopted = dec.get_decision(conn, out[2].decision_id, actor=rep("ARM"))
        listed = [d.title for d in dec.list_decisions(conn, actor=rep("KAZ"))]
        kept = dec.get_draft(conn, drafts[0].id, actor=rep("ARM"))
        exported = {lang: etree.fromstring(decision_exports.akoma_ntoso(
            conn, adopted.id, lang, actor=rep("ARM"), texts_in=texts_for))
            for lang in ("en", "ru")}
    # the signed document binds Armenia with the rest; the register holds it alone
    assert adopted.binding == sorted(["ARM", *OTHERS]) and adopted.for_consideration == ["UZB"]
    assert adopted.adopted_on == date(2022, 11, 23) and adopted.number.startswith("CSC-2022")
    assert titles[2] in listed and titles[0] not in listed and titles[1] not in listed
    assert kept.status == "returned" and next(
        s for s in kept.stances if s.state == "ARM").position is Position.OBJECT
    for root in exported.values():  # Armenia among those in favour of the signed one
        support = next(c for c in root.iter(f"{AKN}count") if c.get("refersTo") == "#support")
        assert [v.get("state") for v in support] == sorted(["ARM", *OTHERS])


def test_january_2023_armenia_cancels_the_crrf_exercise_it_was_to_host(
        accounts_db: Database) -> None:
    db = accounts_db
    with clock.use(datetime(2022, 12, 1, 9, 0, tzinfo=UTC)):
        ex = exercises.create(db, exercises.ExerciseIn(
            key="crrf-2023-arm", name="CRRF command-staff exercise", series="Interaction",
            start=date(2023, 9, 1), end=date(2023, 9, 10), host="ARM",
            place="Armenia"), actor=SEC)
    with clock.use(datetime(2023, 1, 10, 9, 0, tzinfo=UTC)):
        with pytest.raises(Forbidden):  # not the host's to cancel
            exercises.cancel(db, ex.key, exercises.CancelIn(reason="no"), actor=rep("KAZ"))
        done = exercises.cancel(db, ex.key, exercises.CancelIn(
            reason="the host finds it inexpedient to hold the exercise this year"),
            actor=rep("ARM"))
    assert done.cancelled_on == date(2023, 1, 10)
    # not held: no after-action finding is recorded on it, nothing stored
    with (clock.use(datetime(2023, 9, 20, 9, 0, tzinfo=UTC)),
          pytest.raises(Invalid, match="not held and has no after-action findings")):
        exercises.add_finding(db, ex.key, exercises.FindingIn(
            title="Command post procedures", assignee="ARM", due=date(2023, 12, 1)),
            actor=SEC)
    with db.read() as conn:
        assert exercises.get(conn, ex.key, actor=SEC).findings == []


def test_2024_the_freeze_and_the_budget(accounts_db: Database) -> None:
    with accounts_db.read() as conn:
        org = orgs.organization(conn)
    assert membership.status_on(org, "ARM", date(2024, 2, 22)) is (
        MembershipStatus.NOT_TAKING_PART)
    assert membership.standing_on(org, "ARM", date(2024, 3, 1)) is Standing.NOT_PARTICIPATING
    # its shares of 2024 and 2025 unpaid: arrears under the two-year rule by 2026, which
    # cost it the formal objection a member not taking part otherwise keeps
    assert contributions.in_arrears(org, "ARM", date(2026, 3, 1))
    assert membership.objects_aside(org, "ARM", date(2025, 3, 1))
    assert not membership.objects_aside(org, "ARM", date(2026, 3, 1))


def test_2025_a_decision_adopted_without_armenia(accounts_db: Database) -> None:
    db = accounts_db
    opens = datetime(2025, 11, 27, 8, 0, tzinfo=UTC)
    m, [d] = _session(db, opens, "Bishkek", ("On the collective forces' plan",))
    assert "ARM" in {a.state for a in m.attendance}  # a member: on the list, absent
    with clock.use(opens + timedelta(hours=1)):
        for a in m.attendance:
            dec.record_attendance(db, m.id, a.state, a.state in OTHERS, actor=SEC)
        for s in OTHERS:
            dec.state_position(db, d.id, Position.SUPPORT, actor=rep(s))
        o = dec.close_draft(db, d.id, actor=SEC)
    assert o.status == "adopted"
    assert o.preview.with_say == 5 and o.preview.represented == 5  # not counted
    assert o.preview.for_consideration == ["ARM", "UZB"]
    with db.read() as conn:
        got = dec.get_decision(conn, o.decision_id, actor=rep("ARM"))  # it reads it
    assert got.binding == OTHERS and "ARM" in got.may_join

    due = date(2026, 6, 30)
    with clock.use(opens + timedelta(days=3)):
        # the members bound are given its tasks; Armenia, not bound, is not, nor is the
        # suspended Uzbekistan
        dec.add_task(db, o.decision_id, dec.TaskIn(
            assignee_kind="state", assignee="KAZ", title="Report on the plan", due_on=due),
            actor=SEC)
        for outside in ("ARM", "UZB"):
            with pytest.raises(Invalid, match="not bound by the decision"):
                dec.add_task(db, o.decision_id, dec.TaskIn(
                    assignee_kind="state", assignee=outside, title="Report on the plan",
                    due_on=due), actor=SEC)
    with db.read() as conn:
        assert {x.assignee for x in dec.list_tasks(conn, actor=SEC)} == {"KAZ"}
    # a member that joins it later is bound from its declaration, and may then be tasked
    with clock.use(opens + timedelta(days=10)):
        dec.declare_joining(db, o.decision_id, "UZB", True, date(2025, 12, 7), actor=SEC)
        task = dec.add_task(db, o.decision_id, dec.TaskIn(
            assignee_kind="state", assignee="UZB", title="Report on the plan",
            due_on=due), actor=SEC)
    assert task.assignee == "UZB"


def test_2025_armenia_keeps_its_formal_objection_while_it_pays_nothing_yet(
        accounts_db: Database) -> None:
    """Standing aside is Armenia's own declaration, not a suspension by the Council: absent,
    it may still object in writing, which blocks (it "simply does not veto": a choice);
    once its arrears cost it the vote, it may not."""
    db = accounts_db
    opens = datetime(2025, 11, 27, 8, 0, tzinfo=UTC)
    m, [d] = _session(db, opens, "Bishkek", ("On the Organization's budget",))
    with clock.use(opens + timedelta(hours=1)):
        for a in m.attendance:
            dec.record_attendance(db, m.id, a.state, a.state in OTHERS, actor=SEC)
        for s in OTHERS:
            dec.state_position(db, d.id, Position.SUPPORT, actor=rep(s))
        dec.state_position(db, d.id, Position.OBJECT, statement="absence means disagreement",
                           actor=rep("ARM"))
        o = dec.close_draft(db, d.id, actor=SEC)
    assert o.status == "returned" and "ARM" in o.outcome_reason
    later = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    _, [d2] = _session(db, later, "Moscow", ("On the Organization's budget",))
    with clock.use(later + timedelta(hours=1)), pytest.raises(Conflict, match="in arrears"):
        dec.state_position(db, d2.id, Position.OBJECT, actor=rep("ARM"))

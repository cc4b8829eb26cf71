"""The register of acts in force raced by two instances (SQLite and PostgreSQL): the last
two members' notifications of a decision recorded at once; a repeal and an amendment (or
two repeals) of one decision adopted at once by two bodies that may both modify it; the
numbering of two bodies' and of one body's adoptions at once.

The harness is `test_races.py`'s. In the order the writes committed (the audit trail's,
verified): a decision enters into force on the last notification, each notification
recorded once; a decision once repealed is modified by no decision adopted after (the
later one refused at its adoption, nothing written); each body's decisions of a year are
numbered one after the other.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import Principal, Role
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.services.decisions import lifecycle
from tests.integration.test_races import actions, race, refused, slowed

SEC = Principal("sec", Role.SECRETARIAT)
SEC2 = Principal("sec-2", Role.SECRETARIAT)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def sitting(db: Database, body: str, day: int) -> int:
    m = dec.convene(db, dec.MeetingIn.model_validate(
        {"body": body, "opens_at": datetime(2023, 11, day, 10, tzinfo=UTC)}), actor=SEC)
    for s in [x.state for x in m.attendance]:
        dec.record_attendance(db, m.id, s, True, actor=SEC)
    return m.id


def tabled(db: Database, body: str, meeting: int, title: str, **life: object) -> int:
    return dec.propose_draft(db, dec.DraftIn.model_validate({
        "body": body, "meeting_id": meeting, "title": title, "text_en": "It is decided.",
        "lifecycle": life}), actor=SEC).id


def adopted(db: Database, draft_id: int) -> int:
    decision = dec.close_draft(db, draft_id, actor=SEC).decision_id
    assert decision is not None
    return decision


def life(db: Database, decision_id: int, on: date) -> dec.LifecycleOut:
    with db.read() as conn:
        found = dec.get_decision(conn, decision_id, actor=SEC, on=on).lifecycle
    assert found is not None
    return found


def test_the_last_two_notifications_at_once_bring_the_decision_into_force_once(
        two: tuple[Database, Database]) -> None:
    """The Council's decision enters into force on every bound member's notification; the
    last two are recorded at the same moment on two instances: both kept, the decision in
    force from the later one's day (never one of them lost to the other's write)."""
    a, b = two
    act = adopted(a, tabled(a, "csc", sitting(a, "csc", 23), "On the joint system",
                            start="notifications"))
    bound = life(a, act, date(2023, 11, 23)).awaiting
    for state in bound[:-2]:
        dec.record_notification(a, act, state, date(2023, 12, 1), actor=SEC)
    last, one_before = bound[-1], bound[-2]
    out = race(lambda: dec.record_notification(a, act, one_before, date(2023, 12, 4),
                                               actor=SEC),
               lambda: dec.record_notification(b, act, last, date(2023, 12, 5), actor=SEC2))
    assert not refused(out)
    now = life(a, act, date(2023, 12, 5))
    assert (now.status, now.in_force_from, now.awaiting) == ("in_force", date(2023, 12, 5), [])
    assert set(now.notified) == set(bound)
    assert sorted(c["state"] for _, _, c in actions(a, "decision.notification")) == \
        sorted(bound)
    # whichever was recorded second answered the decision in force
    second = next(o for o in out if o.lifecycle.awaiting == [])
    assert second.lifecycle.status == "in_force"


def test_one_notification_recorded_twice_at_once_is_recorded_once(
        two: tuple[Database, Database]) -> None:
    a, b = two
    act = adopted(a, tabled(a, "csc", sitting(a, "csc", 23), "On the joint system",
                            start="notifications"))
    state = life(a, act, date(2023, 11, 23)).awaiting[0]
    out = race(lambda: dec.record_notification(a, act, state, date(2023, 12, 4), actor=SEC),
               lambda: dec.record_notification(b, act, state, date(2023, 12, 5), actor=SEC2))
    [lost] = refused(out)
    assert "already recorded" in str(lost)
    assert len(actions(a, "decision.notification")) == 1


@pytest.mark.parametrize("second", ["amends", "repeals"])
def test_a_decision_repealed_and_modified_at_once_by_two_bodies_is_not_modified_after(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch, second: str) -> None:
    """The Council of Foreign Ministers repeals its decision of 22 November while the
    Collective Security Council (the supreme body, which may modify any) amends it, or
    repeals it too, on the 23rd, at once on two instances: an amendment adopted first
    stands, the repeal after it; adopted after the repeal, the amendment (or the second
    repeal) is refused (the decision is already repealed), nothing of it written (before, on
    PostgreSQL: each body's numbering lock let the other's adoption through, both checked
    the register as it was before either, and the repealed decision was amended or
    repealed twice)."""
    a, b = two
    target = adopted(a, tabled(a, "cmfa", sitting(a, "cmfa", 22), "On the working group"))
    repeal = tabled(a, "cmfa", sitting(a, "cmfa", 23), "On ending the working group",
                    effect="repeals", target=target)
    other = tabled(a, "csc", sitting(a, "csc", 23), "On the working group's mandate",
                   effect=second, target=target)
    slowed(monkeypatch, lifecycle, "_acts", after=0.5)  # both read the register, then wait
    out = race(lambda: dec.close_draft(a, repeal, actor=SEC),
               lambda: dec.close_draft(b, other, actor=SEC2))
    lost = refused(out)
    with a.read() as conn:
        modifying = conn.execute(select(t.decision.c.draft_id).where(
            t.decision.c.lifecycle["target"].as_integer() == target)
            .order_by(t.decision.c.id)).scalars().all()
    # in the order the adoptions committed: an amendment may precede the repeal, nothing
    # follows it
    assert modifying[-1] == repeal or lost
    if lost:
        [refusal] = lost
        assert "is already repealed by" in str(refusal)
        assert modifying == [repeal if out[1] is refusal else other]
    else:
        assert second == "amends" and modifying == [other, repeal]
    closes = [target_id for _, target_id, _ in actions(a, "draft.close")]
    assert closes[-len(modifying):] == [str(d) for d in modifying]
    assert len(actions(a, "decision.modified")) == len(modifying)


def test_two_bodies_adopting_at_once_number_their_decisions_apart(
        two: tuple[Database, Database]) -> None:
    """The Council and the Council of Foreign Ministers adopt at the same moment: each
    body's numbering goes on by itself (CSC-2023-001, CMFA-2023-001)."""
    a, b = two
    csc = tabled(a, "csc", sitting(a, "csc", 23), "On the plan")
    cmfa = tabled(a, "cmfa", sitting(a, "cmfa", 23), "On the statement")
    out = race(lambda: dec.close_draft(a, csc, actor=SEC),
               lambda: dec.close_draft(b, cmfa, actor=SEC2))
    assert not refused(out)
    with a.read() as conn:
        numbers = {r.body_key: r.number for r in conn.execute(
            select(t.decision.c.body_key, t.decision.c.number))}
    assert numbers == {"csc": "CSC-2023-001", "cmfa": "CMFA-2023-001"}


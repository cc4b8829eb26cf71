"""An exercise's decision played (`exercise.py`, the inject `decide`): a draft of the
scenario's text put to the competent body in the crisis's session (or an extraordinary
one, where another body decides or the day is later than the session's), each member's
position as the scenario gives it; or by consultation of the heads of state, the chair
calling each in turn. The decision adopted is linked to the exercise's crisis."""

from __future__ import annotations

import textwrap
from datetime import datetime, timedelta
from typing import Any

from phalanx.domain import calendar
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.decisions.consensus import Position
from phalanx.services import crises
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.clock import playing_at
from phalanx.services.db import Database
from phalanx.services.errors import Invalid
from phalanx.services.exercise_injects import DecideInject

SECRETARIAT = Principal("exercise-secretariat", Role.SECRETARIAT)


def representative(state: str) -> Principal:
    return Principal(f"exercise-rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


def short(text: str, width: int = 80) -> str:
    """A line of the timeline: whole words, with an ellipsis if cut."""
    return textwrap.shorten(" ".join(text.split()), width, placeholder=" …")


def decide(db: Database, cid: int, i: DecideInject, at: datetime, mark: str) -> str:
    with db.read() as conn:
        c = crises.get(conn, cid, actor=SYSTEM, at=at)
    if c.session_id is None:
        raise Invalid("decide", "convene consultations before deciding")
    with db.read() as conn:
        meeting = dec.get_meeting(conn, c.session_id, actor=SYSTEM)
        zone = orgs.working_zone(conn)
    body, session = meeting.body, c.session_id
    # the competent body meets in an extraordinary session; so does the same body on a
    # later day than its session's (a session's decisions bear the session's date, and a
    # request made after midnight could not be answered by a decision dated the day before)
    later = calendar.day_of(meeting.opens_at, zone) < calendar.day_of(at, zone)
    if (i.body and i.body != body) or later:
        body = i.body or body
        c = crises.convene_session(db, cid, actor=SECRETARIAT, opens_at=at, body=body,
                                   at=at)
        session = c.sessions[-1]
    if i.by == "consultation":
        closed = _by_consultation(db, body, session, c.marking, i, at, mark)
    else:
        closed = _in_session(db, body, session, c.marking, i, mark)
    number = ""
    if closed.decision_id is not None:
        c = crises.link_decision(db, cid, closed.decision_id, actor=SECRETARIAT, at=at)
        with db.read() as conn:
            number = f" {dec.get_decision(conn, closed.decision_id, actor=SYSTEM).number}"
    return f"decision{number}: {closed.outcome} — {short(closed.outcome_reason or '', 120)}"


def _texts(i: DecideInject, mark: str) -> dict[str, str]:
    """The decision's title and text, in Russian too where the scenario has them (the
    Russian title marked with the mark of the language the scenario is run in)."""
    return {"title": f"[EXERCISE] {i.title}", "text_en": i.text, "text_ru": i.text_ru,
            "title_ru": f"{mark} {i.title_ru}" if i.title_ru else ""}


def _in_session(db: Database, body: str, session: int, marking: Any,
                i: DecideInject, mark: str) -> dec.DraftOut:
    d = dec.propose_draft(db, dec.DraftIn(
        body=body, meeting_id=session, **_texts(i, mark), marking=marking,
        measures=i.authorizes, period_limited=i.period_limited), actor=SECRETARIAT)
    for s in d.stances:
        if s.standing.value != "full":
            continue
        dec.record_attendance(db, session, s.state, s.state not in i.absent,
                              actor=SECRETARIAT)
        if s.state in i.absent and s.state not in i.positions:
            continue
        dec.state_position(db, d.id, i.positions.get(s.state, Position.SUPPORT),
                           actor=representative(s.state))
    return dec.close_draft(db, d.id, actor=SECRETARIAT)


def _by_consultation(db: Database, body: str, session: int, marking: Any, i: DecideInject,
                     at: datetime, mark: str) -> dec.DraftOut:
    """The chair reaches every head of state by telephone, five minutes apart, the last
    call at the inject's time, when it announces (on the exercise's clock)."""
    with db.read() as conn:
        org = orgs.organization(conn)
    first = at - timedelta(minutes=5 * (len(org.states) - 1))
    with playing_at(first):
        d = dec.propose_draft(db, dec.DraftIn(
            body=body, meeting_id=session, procedure="consultation", **_texts(i, mark),
            marking=marking, measures=i.authorizes, period_limited=i.period_limited),
            actor=SECRETARIAT)
    chair = representative(d.chair or "")
    calls = d.signing_order
    for n, state in enumerate(calls):
        given = at - timedelta(minutes=5 * (len(calls) - 1 - n))
        with playing_at(given):
            d = dec.record_answer(db, d.id, dec.ConsultationAnswerIn(
                state=state, position=i.positions.get(state, Position.SUPPORT),
                given_at=given), actor=chair)
    with playing_at(at):
        return dec.announce(db, d.id, actor=chair)

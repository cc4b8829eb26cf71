"""Escalation of what is overdue: a stage past its target, the notice to the UN Security
Council past its own, a mandate over with units still out. Each is escalated once, checked
again under the crisis's lock when it is written (`_escalate`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain import membership
from phalanx.domain.access.policy import StateAct, acts_for, can_read
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.crisis import clocks
from phalanx.domain.crisis.workflow import FINAL
from phalanx.domain.organization import Organization
from phalanx.services import clock, crisis_obligations, identity
from phalanx.services import organization as orgs
from phalanx.services.clock import now
from phalanx.services.crises.common import (
    _notify,
    _row,
    decision_marking,
    mandate_of,
    units_out,
)
from phalanx.services.crises.ending import END, ended
from phalanx.services.crises.reading import board
from phalanx.services.db import Database

SCENARIO = "exercise"  # the origin of a crisis a scenario's run opened (its own clock)
UN_NOTICE = "un_notice"  # the escalation key of an overdue notice to the UN
MANDATE = "mandate"  # with the decision's id: a mandate over with units still out
# with a member's code: its answer under the art. 4 obligation overdue (a position:
# `access.timeline_visible`)
ANSWER = access.AWAITED_ANSWER


def escalate_overdue(db: Database, *, at: datetime | None = None, exercise: bool = False,
                     only: int | None = None, actor: Principal = SYSTEM) -> list[int]:
    """Every open crisis whose current stage is past its target is escalated once per
    stage, and any crisis, closed or not, whose notice to the UN Security Council is past
    its target once for the notice; so is an open crisis whose decision's period is over
    while units of its decided deployment are still out with no decided way home, once
    per decision (`clocks.mandate_overrun`): a timeline entry and a notice to the
    Secretariat and the chair's state. So is, once per member, an open crisis of
    collective defence whose member owes its answer under the obligation past its target
    (`crisis_obligations.lines`): told to the Secretariat, the chair's state and the
    member whose answer is awaited.
    Real crises, and the exercises played live (opened from the pages or the API, on the
    real clock: their chain is trained on its deadlines too), as the exercise's; a
    scenario's run escalates its own crisis on its own clock (`exercise`, `only`), which
    the timer leaves alone. An exercise its control ended or cancelled escalates no more.
    `actor`: who escalates, as the audit trail names it (the server's timer: the system)."""
    at = at or now()
    with db.read() as conn:
        over = set(conn.execute(select(t.crisis_event.c.crisis_id).where(
            t.crisis_event.c.kind == END)).scalars())
        # a finished crisis whose notice to the UN is still unsent stays escalated
        open_ = [c for c in board(conn, actor=SYSTEM, at=at,
                                  exercise=True if exercise else None, include_closed=True)
                 if (only is None or c.id == only) and c.id not in over
                 and (exercise or not c.exercise or c.origin != SCENARIO)]
        org = orgs.organization(conn)
        already = {(r.crisis_id, r.stage) for r in conn.execute(select(
            t.crisis_event.c.crisis_id, t.crisis_event.c.stage).where(
            t.crisis_event.c.kind == "escalation"))}
        # (crisis, key, what, minutes late, the decision the entry names, what in words
        # naming no decision)
        due: list[tuple[Any, str, str, float, int | None, str]] = []
        for c in open_:
            if c.overdue and c.stage not in FINAL:
                what = f"stage {c.stage.value} overdue by {c.overdue_minutes:.0f} min"
                due.append((c, c.stage.value, what, c.overdue_minutes, None, what))
            row = _row(conn, c.id, SYSTEM) if c.stage not in FINAL else None
            if row is not None:
                for line in crisis_obligations.lines(conn, org, row, at):
                    if line.answer is None and line.overdue and line.due_at is not None:
                        late = (at - line.due_at).total_seconds() / 60
                        what = (f"the answer of {line.state} under the obligation of "
                                f"assistance overdue by {late:.0f} min")
                        due.append((c, f"{ANSWER}:{line.state}", what, late, None, what))
            n = crisis_obligations.notice(conn, org, c.id, at)
            if n is not None and n.status == "overdue":
                late = (at - n.due_at).total_seconds() / 60
                what = ("the notice to the UN Security Council (UN Charter art. 51) overdue "
                        f"by {late:.0f} min")
                due.append((c, UN_NOTICE, what, late, None, what))
            if row is not None and c.decision_id is not None:
                mandate, out = mandate_of(conn, row), units_out(conn, c.id)
                over = clocks.mandate_overrun(mandate.ends_at if mandate else None, out, at)
                if mandate is not None and mandate.ends_at is not None and over is not None:
                    due.append((c, f"{MANDATE}:{row.decision_id}", mandate.overrun(out),
                                over.total_seconds() / 60, row.decision_id,
                                replace(mandate, number=None).overrun(out)))
    chair = membership.chair_of(org, chairing, clock.day(org, at).year) \
        if (chairing := chairing_body(org)) else None
    done = []
    # the Secretariat (its users) and the chair's state: no post of the CSTO's named
    escalated = "; escalated to the Secretariat and the chair"
    for c, key, what, late, decision_id, unnamed in due:
        if (c.id, key) in already:
            continue
        try:
            _escalate(db, org, chair, c, key, what, late, decision_id, unnamed, escalated, at,
                      actor)
        except _Stale:  # escalated, moved or closed meanwhile by another instance
            continue
        if c.id not in done:
            done.append(c.id)
    return done


def chairing_body(org: Organization) -> str | None:
    """The body whose chair's state an escalation tells: the supreme body where the file
    names one (setting `supreme_body`), else the first body it lists (none without
    bodies)."""
    supreme = org.settings.get("supreme_body")
    return supreme if supreme in org.bodies else next(iter(org.bodies), None)


class _Stale(Exception):
    """What was read as due is no longer (rolls the empty write back)."""


def _escalate(db: Database, org: Organization, chair: Any, c: Any, key: str, what: str,
              late: float, decision_id: int | None, unnamed: str, escalated: str,
              at: datetime, actor: Principal) -> None:
    """One escalation, checked again under the crisis's lock: two instances escalating at
    once (a scheduler on each) escalate once, and a stage left or a crisis closed while it
    was found overdue is not escalated."""
    with db.write(actor) as w:
        row = _row(w.conn, c.id, SYSTEM, lock=True)
        if ended(w.conn, c.id):  # an exercise its control ended meanwhile: clocks stopped
            raise _Stale
        if w.conn.execute(select(t.crisis_event.c.id).where(
                t.crisis_event.c.crisis_id == c.id, t.crisis_event.c.kind == "escalation",
                t.crisis_event.c.stage == key)).first() is not None:
            raise _Stale
        if key == c.stage.value and row.stage != key:
            raise _Stale
        # a member's answer awaited: the member
        owing = key.split(":", 1)[1] if key.startswith(f"{ANSWER}:") else None
        if owing is not None and (row.stage in FINAL or w.conn.execute(
                select(t.obligation_answer.c.id).where(
                    t.obligation_answer.c.crisis_id == c.id,
                    t.obligation_answer.c.state_code == owing)).first() is not None):
            raise _Stale  # answered, or the crisis ended, meanwhile
        # the Secretariat, and whoever acts for the chair's state today (`acts_for`: not
        # a representative whose appointment ended, nor one of a state no longer a member)
        # and, for a member's answer awaited, whoever acts for that member
        users = [u for u in identity.list_users(w.conn)
                 if u.role is Role.SECRETARIAT or (chair is not None and acts_for(
                     u, chair.state, StateAct.CHAIR)) or (owing is not None and acts_for(
                     u, owing, StateAct.CRISIS))]
        # an entry naming a decision obeys the decision's marking: so do its notices
        # (the others read it unnamed) and its live event (the decision's id)
        marked = decision_marking(w.conn, decision_id) if decision_id else None
        readers = {u.username for u in users if marked is None or can_read(u, marked)}
        w.conn.execute(insert(t.crisis_event).values(
            crisis_id=c.id, at=at, kind="escalation", stage=key, actor="system",
            text=what + escalated, decision_id=decision_id))
        # told only to those who read the crisis (an exercise's: its states taking part)
        cls = access.classification_of(row)
        for body, only in ((what, readers),
                           (unnamed, {u.username for u in users} - readers)):
            _notify(w, org, cls, f"Overdue: crisis {c.id} ({c.title})", body + escalated,
                    f"crisis:{c.id}", at, only=only, exercise=bool(row.exercise))
        # what fell due and when, and who was told: the Secretariat, the chair's state,
        # the member whose answer is awaited
        w.audit("crisis.escalate", "crisis", c.id, {
            "stage": key, "overdue_minutes": round(late, 1),
            "due_at": (at - timedelta(minutes=late)).isoformat(timespec="seconds"),
            "told": {"secretariat": True, "chair": chair.state if chair else None,
                     **({"member": owing} if owing else {})}})
        w.emit(f"crisis:{c.id}", "escalation", stage=key.split(":")[0])

"""What awaits a user: the things its role is asked to do now, each with its deadline.

- a state's representative: its position on every open draft where it has not stated one
  (session drafts it has a say on), its signature on drafts in written procedure when
  its turn to sign has come, its silence on drafts under the silence procedure (which it
  may break before the deadline), the heads of state's answers to record and announce on a
  draft decided by consultation when its state chairs, its consent on crises that need
  forces and have no answer from it, assistance requested in an open crisis that it has
  not offered for, the offers made to its state's requests that wait for its acceptance
  or refusal, the implementation tasks given to its state that are overdue; none of
  it once the account no longer acts for its state (its appointment ended, its state not
  a member: `policy.acts_for`), as none of it could then be done;
- the Secretariat, the planners and the administrator: crises whose current stage is
  overdue, crises that need forces and have no decided plan, watch-list entries due for
  review, overdue implementation tasks, drafts adopted in silence at their deadline whose
  adoption is still to be recorded;
- everybody: its notifications not yet acknowledged.

Only records the user may see are read (every query goes through the access filter), and
nothing is written. The items come most urgent first: overdue, then by deadline."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain import calendar
from phalanx.domain.access.policy import StateAct, acts_for
from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.crisis.workflow import FINAL
from phalanx.domain.decisions.consensus import Position, Standing
from phalanx.services import crises as crs
from phalanx.services import decisions as dec
from phalanx.services import forces, outbox, watch
from phalanx.services import organization as orgs
from phalanx.services import plans_in_force as in_force
from phalanx.services.clock import aware, now

STAFF = (Role.SECRETARIAT, Role.PLANNER, Role.ADMINISTRATOR)
NOTIFICATIONS = 50  # the latest unread notifications shown; the others are counted (setting)


@dataclass(frozen=True)
class Item:
    # position, signature, silence, silence_kept, consultation, concerned, consent, obligation,
    # request, offer, task, stage, plan, review, un_notice, notification
    kind: str
    title: str
    href: str
    deadline: datetime | None
    overdue: bool
    topic: str = ""  # the live-event topic that changes it ("" when none)
    detail: str = ""
    # what is asked or offered, counted: the number and its unit (a page names the unit
    # in the reader's language: "units" is the crisis room's own)
    quantity: int | None = None
    unit: str = ""
    title_ru: str = ""  # a draft's title in Russian, where it has one
    # a notification's: the Russian titles of the decision or draft it names
    # (`outbox.russian_titles`), as `{"title:<as stored>": <in Russian>}` pairs
    titles: tuple[tuple[str, str], ...] = ()
    # asked by an exercise (its crisis, its session's draft, its decision's task): said
    # apart, so that nothing is done for real on an exercise's behalf
    exercise: bool = False

    @property
    def as_written(self) -> bool:
        """A record's own title and words; a notification's are written by the services
        (and shown in the reader's language)."""
        return self.kind != "notification"


def _day_end(zone: str | None, day: date) -> datetime:
    """The last minute (UTC) of the organization's day `day` (23:59 in its working time
    zone `zone`)."""
    return calendar.end_of(day, zone) - timedelta(minutes=1)


def _drafts(conn: Connection, actor: Principal, at: datetime) -> list[Item]:
    items: list[Item] = []
    found = conn.execute(access.select_visible(t.draft, actor, t.draft.c.id, t.draft.c.subject)
                         .where(t.draft.c.status.in_(("open", "circulating")))
                         .order_by(t.draft.c.id)).all()
    rows = [r.id for r in found]
    about = {r.id: (r.subject or {}).get("state") for r in found}
    exercises = set(conn.execute(access.select_visible(t.meeting, actor, t.meeting.c.id)
                                 .where(t.meeting.c.exercise.is_(True))).scalars())
    for draft_id in rows:
        d = dec.get_draft(conn, draft_id, actor=actor)
        deadline = d.deadline
        item = partial(Item, exercise=d.meeting_id in exercises)
        if d.procedure != "session" and actor.state is not None \
                and about[draft_id] == actor.state and actor.state not in d.signing_order \
                and actor.state not in d.aside:
            # the member a draft outside a session concerns without its vote (its
            # suspension...) is asked nothing, but it is told of it
            items.append(item("concerned", d.title, f"/drafts/{d.id}", deadline, False,
                              f"draft:{d.id}", title_ru=d.title_ru))
            continue
        if d.procedure == "written":
            # the members sign in turn: only the one whose turn it is is asked now
            if d.turn is not None and d.turn == actor.state:
                items.append(item("signature", d.title, f"/drafts/{d.id}", deadline,
                                  bool(deadline and deadline < at), f"draft:{d.id}",
                                  title_ru=d.title_ru))
            continue
        if d.procedure == "silence":
            # every member that may break silence is told, with the deadline: its silence
            # is its assent
            if d.written_status == "circulating" and actor.state is not None and (
                    actor.state in d.signing_order or actor.state in d.aside):
                items.append(item("silence", d.title, f"/drafts/{d.id}", deadline, False,
                                  f"draft:{d.id}", title_ru=d.title_ru))
            continue
        if d.procedure == "consultation":
            # the heads of state answer the chair, who records the answers and announces:
            # nothing is asked of the other members here
            if d.chair is not None and acts_for(actor, d.chair, StateAct.CHAIR):
                items.append(item("consultation", d.title, f"/drafts/{d.id}", deadline, False,
                                  f"draft:{d.id}", title_ru=d.title_ru))
            continue
        mine = next((s for s in d.stances if s.state == actor.state), None)
        if mine is None or mine.position is not Position.NOT_STATED \
                or mine.standing is not Standing.FULL:
            continue
        if deadline is None and d.meeting_id is not None:
            deadline = dec.get_meeting(conn, d.meeting_id, actor=actor).opens_at
        items.append(item("position", d.title, f"/drafts/{d.id}", deadline, False,
                          f"draft:{d.id}", title_ru=d.title_ru))
    return items


def _crises(conn: Connection, actor: Principal, at: datetime, today: date) -> list[Item]:
    items: list[Item] = []
    board = crs.board(conn, actor=actor, at=at, exercise=None)
    for c in board:
        if c.stage in FINAL:
            continue
        items += [replace(i, exercise=c.exercise)
                  for i in _crisis_items(conn, actor, at, today, c)]
    return items


def _crisis_items(conn: Connection, actor: Principal, at: datetime, today: date, c: Any
                  ) -> list[Item]:
    """What the open crisis `c` asks of `actor` (`today`: the organization's day)."""
    items: list[Item] = []
    needs = conn.execute(select(t.force_requirement.c.needed_by).where(
        t.force_requirement.c.crisis_id == c.id, t.force_requirement.c.withdrawn.is_(False))
        .order_by(t.force_requirement.c.needed_by)
    ).scalars().first()
    topic = f"crisis:{c.id}"
    if actor.role is Role.REPRESENTATIVE:
        # a state outside the response (suspended, not a member, out of the crisis's
        # decision in a limited format) is not asked
        if needs is not None and _has_units(conn, actor) and not forces.asked(
                conn, c.id, actor.state or "", today) and conn.execute(
                select(t.unit_consent.c.id).where(
                    t.unit_consent.c.crisis_id == c.id,
                    t.unit_consent.c.state_code == actor.state)).first() is None:
            items.append(Item("consent", c.title, f"/crises/{c.id}#forces", aware(needs),
                              aware(needs) < at, topic))
        room = crs.get(conn, c.id, actor=actor, at=at)
        for line in room.obligations:
            # owed from the affected state's first official request, due from it
            if line.state == actor.state and line.answer is None \
                    and line.due_at is not None:
                items.append(Item("obligation", c.title, f"/crises/{c.id}#obligations",
                                  line.due_at, line.overdue, topic))
        for r in room.requests:
            if r.status == "open" and r.state != actor.state and \
                    not any(o.state == actor.state for o in r.offers):
                items.append(Item("request", c.title, f"/crises/{c.id}#requests",
                                  r.lapses_at, False, topic, r.resource,
                                  quantity=r.quantity, unit=r.unit))
            if r.state == actor.state:  # offers to its request, to accept or decline
                items += [Item("offer", c.title, f"/crises/{c.id}#offer-{o.id}",
                               r.needed_by, r.needed_by < at, topic,
                               f"{o.state}: {o.description} ({r.resource})",
                               quantity=o.quantity)
                          for o in r.offers if o.status == "offered"]
    elif actor.role in STAFF:
        notice = crs.get(conn, c.id, actor=actor, at=at).un_notice
        if notice is not None and notice.sent_at is None and actor.role in (
                Role.SECRETARIAT, Role.ADMINISTRATOR):
            items.append(Item("un_notice", c.title, f"/crises/{c.id}#obligations",
                              notice.due_at, notice.status == "overdue", topic))
        if c.overdue:
            items.append(Item("stage", c.title, f"/crises/{c.id}", None, True, topic,
                              c.stage.value))
        if needs is not None and actor.role in (Role.PLANNER, Role.ADMINISTRATOR) and \
                in_force.decided(conn, c.id) is None:
            items.append(Item("plan", c.title, f"/crises/{c.id}#forces", aware(needs),
                              aware(needs) < at, topic))
    return items


def _has_units(conn: Connection, actor: Principal) -> bool:
    return conn.execute(access.select_visible(t.force_unit, actor, t.force_unit.c.key)
                        .where(t.force_unit.c.state_code == actor.state)).first() is not None


def _tasks(conn: Connection, actor: Principal, today: date, zone: str | None) -> list[Item]:
    out = []
    for x in dec.list_tasks(conn, actor=actor, overdue_only=True, today=today):
        if actor.role is Role.REPRESENTATIVE and not (
                x.assignee_kind == "state" and x.assignee == actor.state):
            continue
        if actor.role not in STAFF and actor.role is not Role.REPRESENTATIVE:
            continue
        out.append(Item("task", x.title, "/tasks?overdue=true", _day_end(zone, x.due_on), True,
                        "tasks", x.decision_number, exercise=x.exercise))
    return out


def _reviews(conn: Connection, actor: Principal, zone: str | None) -> list[Item]:
    if actor.role not in STAFF:
        return []
    return [Item("review", w.title, "/watch", _day_end(zone, w.next_review), True, "crises")
            for w in watch.listing(conn, actor=actor, due_only=True)]


def _notifications(conn: Connection, actor: Principal) -> list[Item]:
    mine = outbox.mine(conn, actor=actor, limit=NOTIFICATIONS, unread=True)
    titles = outbox.russian_titles(conn, {n.topic for n in mine}, actor=actor)
    return [Item("notification", n.subject, f"/inbox#notification-{n.id}", None, False,
                 "", n.body[:1000],  # (a page shortens it in the reader's language)
                 exercise=n.subject.startswith("[EXERCISE] "),
                 titles=tuple(titles.get(n.topic, {}).items()))
            for n in mine]


def _silence_kept(conn: Connection, actor: Principal, at: datetime) -> list[Item]:
    """The drafts whose silence procedure reached its deadline in silence, their adoption
    not yet recorded (the Secretariat records it by closing the draft)."""
    rows = conn.execute(access.select_visible(t.draft, actor, t.draft.c.id, t.draft.c.title,
                                              t.draft.c.title_ru, t.draft.c.deadline)
                        .where(t.draft.c.procedure == "silence", t.draft.c.status == "open",
                                t.draft.c.deadline <= at)
                        .order_by(t.draft.c.id)).all()
    return [Item("silence_kept", r.title, f"/drafts/{r.id}", aware(r.deadline), True,
                 f"draft:{r.id}", title_ru=r.title_ru or "") for r in rows]


def inbox(conn: Connection, *, actor: Principal, at: datetime | None = None) -> list[Item]:
    """What awaits `actor`, most urgent first."""
    at = at or now()
    items: list[Item] = []
    # what a representative is asked is asked in its state's name
    speaks = actor.role is Role.REPRESENTATIVE and acts_for(
        actor, actor.state or "", StateAct.POSITION)
    if speaks:
        items += _drafts(conn, actor, at)
    if speaks or actor.role in STAFF:
        zone = orgs.working_zone(conn)  # once: each day below is read in it
        today = calendar.day_of(at, zone)
        items += _crises(conn, actor, at, today)
        items += _tasks(conn, actor, today, zone)
        items += _reviews(conn, actor, zone)
    if actor.role in STAFF:
        items += _silence_kept(conn, actor, at)
    items += _notifications(conn, actor)
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(items, key=lambda i: (not i.overdue, i.deadline or far, i.kind))


def topics(conn: Connection, items: list[Item], *, actor: Principal,
           limit: int = 20) -> list[str]:
    """The live-event topics an open inbox follows, as many as the event stream takes:
    the lists' own, those of the records it shows, the sessions not yet closed (a draft
    tabled there asks for a position) and the crises where the representative's state
    has an open request (an offer made there asks for its answer)."""
    own: dict[str, Any] = dict.fromkeys(["sessions", "decisions", "tasks", "crises"])
    more = [i.topic for i in items if i.topic]
    if actor.role is Role.REPRESENTATIVE:
        more += [f"session:{m.id}" for m in dec.list_meetings(conn, actor=actor,
                                                               open_only=True)]
        # a written procedure that will come to the state's turn (its signatures), a
        # silence the state may break
        more += [f"draft:{r.id}" for r in conn.execute(
            access.select_visible(t.draft, actor, t.draft.c.id, t.draft.c.signing_order)
            .where(t.draft.c.procedure.in_(("written", "silence")),
                   t.draft.c.status == "open")
            .order_by(t.draft.c.id)) if actor.state in (r.signing_order or [])]
        # a crisis where its state asked for assistance: an offer made there asks for its
        # answer
        asked = select(t.assistance_request.c.crisis_id).where(
            t.assistance_request.c.state_code == actor.state)
        more += [f"crisis:{c}" for c in conn.execute(
            access.select_visible(t.crisis, actor, t.crisis.c.id).where(
                t.crisis.c.id.in_(asked), t.crisis.c.stage.notin_([s.value for s in FINAL]))
            .order_by(t.crisis.c.id)).scalars()]
    for topic in more:
        if len(own) < limit:
            own.setdefault(topic)
    return list(own)

"""The demo crisis of the forces: an armed attack by an illegal armed formation in the
Batken region, answered by the CRRF. It goes through consultations and a consensus
decision to the response stage; the Joint Staff states the force requirements, the
members answer whether their units take part, and the planner's deployment is decided.
Everything it records is an ordinary record, made through the same actions as by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.crisis.workflow import Measure, Stage
from phalanx.domain.decisions.consensus import Position
from phalanx.domain.forces.registry import Scope
from phalanx.domain.organization import Organization
from phalanx.services import crises, crisis_requests, forces
from phalanx.services import decisions as dec
from phalanx.services.db import Database

TITLE = "Armed attack by an illegal armed formation in the Batken region"
SEC = Principal("secretariat", Role.SECRETARIAT)
PLANNER = Principal("planner", Role.PLANNER)

# capability, strength, place, node, lat, lon, hours after the response begins
REQUIREMENTS = [
    ("special_police", 200, "Batken", "batken", None, None, 12),
    ("emergency_rescue", 150, "Batken", "batken", None, None, 12),
    ("airborne", 400, "Isfana", None, 39.84, 69.53, 24),
    ("airborne", 800, "Batken", "batken", None, None, 36),
    ("motorized_rifle", 400, "Kyzyl-Kiya", None, 40.26, 72.13, 36),
    ("medical", 200, "Batken", "batken", None, None, 24),
    ("engineer", 200, "Batken", "batken", None, None, 48),
]
CONSENTS = [
    ("RUS", Scope.ALL, [], ""),
    ("KAZ", Scope.SOME, ["crdf-kaz-1", "crrf-kaz-sp-1", "crrf-kaz-er-1", "crrf-kaz-daa-1"],
     "within the Batken region only"),
    ("KGZ", Scope.ALL, [], ""),
    ("BLR", Scope.ALL, [], ""),
    ("ARM", Scope.NONE, [], ""),
    ("TJK", Scope.SOME, ["crrf-tjk-er-1"], "rescue only"),
]


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


def fits(org: Organization) -> bool:
    """Whether the organization has what the demo crisis names: its body, category, states,
    formation, node and units (the built-in organization's; another file's has not)."""
    units = {u["key"] for u in org.forces.get("units", [])}
    named = {k for _s, _scope, keys, _c in CONSENTS for k in keys}
    return ("csc" in org.bodies and "armed_attack" in org.crisis_categories
            and {s for s, *_ in CONSENTS} <= set(org.states)
            and "crrf" in {f["key"] for f in org.forces.get("formations", [])}
            and "batken" in {b["key"] for b in org.forces.get("bases", [])}
            and named <= units)


def existing(db: Database) -> int | None:
    with db.read() as conn:
        for c in crises.board(conn, actor=SYSTEM, include_closed=True, exercise=False):
            if c.title == TITLE:
                return c.id
    return None


def run(db: Database, *, start: datetime | None = None, time_limit: float = 5.0,
        aside: tuple[str, ...] = ()) -> int:
    """Create the demo crisis and its decided deployment (once); return the crisis id.
    `aside`: members that stay out of the decision (limited format), and so of its
    implementation: they are not asked for their units."""
    found = existing(db)
    if found is not None:
        return found
    # by default the crisis began twelve hours ago: its deployment is under way
    t0 = (start or datetime.now(UTC) - timedelta(hours=12)).replace(microsecond=0)
    c = crises.open_crisis(db, crises.CrisisIn(
        title=TITLE, category="armed_attack", affected=["KGZ"], severity="extreme",
        place="Batken", lat=40.06, lon=70.82,
        description="An illegal armed formation has crossed into the Batken region and holds "
                    "two villages; the government of Kyrgyzstan asks for the CRRF."),
        actor=rep("KGZ"), at=t0)
    c = crises.convene_consultations(db, c.id, actor=SEC, at=t0 + timedelta(minutes=30))
    c = crises.transition(db, c.id, Stage.ASSESSMENT, actor=SEC, at=t0 + timedelta(hours=1))
    assert c.session_id is not None
    crisis_requests.record_request(db, c.id, crisis_requests.OfficialRequestIn(
        state="KGZ", person="Sadyr Japarov", office="head_of_state",
        at=t0 + timedelta(minutes=10), article="Treaty art. 4",
        measures=[Measure.MILITARY_CRRF, Measure.HUMANITARIAN],
        forces="the Collective Rapid Reaction Force", period_days=30),
        actor=rep("KGZ"), at=t0 + timedelta(minutes=15))
    d = dec.propose_draft(db, dec.DraftIn(
        body="csc", meeting_id=c.session_id, title="On collective assistance to Kyrgyzstan",
        text_en="The Council decides to give Kyrgyzstan collective assistance, the "
                "Collective Rapid Reaction Force included.",
        measures=[Measure.MILITARY_CRRF, Measure.HUMANITARIAN], formations=["crrf"],
        period_days=30), actor=SEC)
    with db.read() as conn:
        seated = [s.state for s in dec.get_draft(conn, d.id, actor=SEC).stances
                  if s.standing.value == "full"]
    for s in seated:
        dec.record_attendance(db, c.session_id, s, True, actor=SEC)
        dec.state_position(db, d.id, Position.NOT_TAKING_PART if s in aside
                           else Position.SUPPORT, actor=rep(s))
    closed = dec.close_draft(db, d.id, actor=SEC)
    assert closed.decision_id is not None
    crises.link_decision(db, c.id, closed.decision_id, actor=SEC)
    crises.transition(db, c.id, Stage.DECISION, actor=SEC, at=t0 + timedelta(hours=3))
    crises.set_response(db, c.id, crises.ResponseIn(
        measures=[Measure.MILITARY_CRRF, Measure.HUMANITARIAN]),
        actor=SEC)
    at = t0 + timedelta(hours=4)
    crises.transition(db, c.id, Stage.RESPONSE, actor=SEC, at=at)
    for cap, strength, place, node, lat, lon, hours in REQUIREMENTS:
        forces.add_requirement(db, c.id, forces.RequirementIn(
            capability=cap, strength=strength, place=place, node=node, lat=lat, lon=lon,
            needed_by=at + timedelta(hours=hours)), actor=PLANNER, at=at)
    for state, scope, units, conditions in [c for c in CONSENTS if c[0] not in aside]:
        forces.give_consent(db, c.id, state, forces.ConsentIn(
            scope=scope, units=units, conditions=conditions), actor=rep(state),
            at=at + timedelta(minutes=20))
    # the Joint Staff accepts the conditions it read: a plan moving those units is decided
    # only then
    for state, _scope, _units, conditions in CONSENTS:
        if conditions and state not in aside:
            forces.accept_conditions(db, c.id, state, conditions, actor=PLANNER,
                                     at=at + timedelta(minutes=30))
    plan = forces.run_plan(db, c.id, forces.PlanIn(time_limit=time_limit),
                           actor=PLANNER, at=at + timedelta(minutes=40))
    forces.decide_plan(db, plan.id, actor=PLANNER, at=at + timedelta(minutes=50))
    return c.id

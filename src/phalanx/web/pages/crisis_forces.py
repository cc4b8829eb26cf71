"""What the crisis room shows of the forces: the requirements, the members' answers, the
deployment plan in force with its chart (and a newer proposal beside it, marked as not
decided), the deployment's progress and the way home; the units and aircraft the
planner's lines name, by their names in the page's language."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from phalanx.domain.access.policy import is_staff
from phalanx.domain.access.principal import Principal
from phalanx.domain.organization import Organization
from phalanx.services import clock, forces
from phalanx.services.clock import now
from phalanx.services.forces.plan_schemas import UNREAD_AIRCRAFT_RE
from phalanx.web import gantt as gantt_chart
from phalanx.web.deps import Conn, Id
from phalanx.web.i18n import translator
from phalanx.web.i18n.forms import RESTRICTED_UNIT, UNREAD_AIRCRAFT_NAME
from phalanx.web.pages import planner_runs


def unit_names(units: Iterable[forces.UnitOut], plans: Iterable[forces.PlanOut | None],
               text: Callable[[str], str]) -> dict[str, str]:
    """Each unit's name, and each part of a unit a plan moves ("Airborne battalion group
    1 #2": its unit's name and the part's number)."""
    names = {u.key: text(u.name) for u in units}
    for p in plans:
        for m in p.movements if p else []:
            whole, _, part = m.unit.partition("#")
            if part and whole in names:
                names[m.unit] = f"{names[whole]} #{part}"
    return names


def plan_names(names: dict[str, str], states: dict[str, str],
               aircraft: Iterable[forces.AircraftOut], text: Callable[[str], str]
               ) -> dict[str, str]:
    """The names the planner's lines give the ids they carry: a unit (or a part) by its
    name and its state, as units of different states share names ("Motorized rifle
    battalion (KAZ)"), an aircraft by its state and type ("BLR Il-76MD")."""
    out = {key: f"{name} ({states[key.partition('#')[0]]})"
           for key, name in names.items() if key.partition("#")[0] in states}
    out.update({a.key: f"{a.state} {text(a.type)}" for a in aircraft})
    return out


def unread_aircraft(plans: Iterable[forces.PlanOut | None], lang: str) -> dict[str, str]:
    """The aircraft the plans name by their place among those the reader may not read
    ("aircraft-2", `planning.plan_out`), as the page names them ("самолёт 2")."""
    said = [s["aircraft"] for p in plans if p for m in p.movements for s in m.sorties]
    said += [w for p in plans if p for w in (*p.warnings, *p.explanations.values())]
    gettext = translator(lang)
    return {f.group(0): gettext(UNREAD_AIRCRAFT_NAME, num=f.group(1))
            for text in said for f in UNREAD_AIRCRAFT_RE.finditer(text)}


def gantt(plan: forces.PlanOut | None, reqs: list[forces.RequirementOut], crisis_id: int,
          names: dict[str, str], lang: str) -> str:
    """The chart of the plan's movements for this crisis, each unit by its name and
    state."""
    if plan is None:
        return ""
    by_req = {r.id: r for r in reqs}
    restricted = translator(lang)(RESTRICTED_UNIT)
    rows = []
    ground = []
    for m in plan.movements:
        r = by_req.get(m.requirement)
        if m.crisis_id != crisis_id or r is None:
            continue
        # by air: by ground to where it boards first, and from where its aircraft land
        ground.append(((m.boards_h or 0.0) if m.boards else 0.0,
                       (m.lands_h or 0.0) if m.lands and m.mode == "air" else 0.0))
        # from when the unit sets off (from its garrison, by ground to where it boards
        # first), as the plan's table says
        dep = ((m.depart - plan.starts_at).total_seconds() / 3600 if m.depart
               else m.arrive_h - 0.01)
        need = (r.needed_by - plan.starts_at).total_seconds() / 3600
        # a unit the reader may not see (no key): "a restricted unit"
        rows.append((names.get(m.unit, m.unit) or restricted, m.state, dep, m.arrive_h, need,
                     m.mode))
    return gantt_chart.plan_gantt(rows, lang, ground)


def places(conn: Conn) -> list[dict[str, object]]:
    """The dataset's places a crisis or a requirement can be placed at: its airfields,
    air bases, garrisons and named nodes (name, kind and coordinates)."""
    return [{"key": b.key, "name": b.name, "name_ru": b.name_ru, "kind": b.kind,
             "lat": b.lat, "lon": b.lon}
            for b in sorted(forces.bases(conn), key=lambda b: b.name)]


def room_context(conn: Conn, crisis_id: Id, actor: Principal, org: Organization, lang: str
                 ) -> dict[str, object]:
    """What the crisis room shows of the forces, the units named in `lang`."""
    reqs = forces.requirements(conn, crisis_id, actor=actor)
    every = forces.plans(conn, crisis_id, actor=actor)
    # the plan in force, under which units move, first; a newer proposal beside it
    decided, proposal = forces.in_force(conn, crisis_id, actor=actor)
    plan, proposal = (decided, proposal) if decided is not None else (proposal, None)
    withdrawal = next((p for p in every if p.kind == "withdrawal"), None)
    text = org.text_in(lang)
    units = forces.units(conn, actor=actor)
    aircraft = forces.aircraft(conn, actor=actor)
    names = unit_names(units, (plan, proposal, withdrawal), text)
    unread = unread_aircraft((plan, proposal, withdrawal), lang)
    own_units = []
    # a state outside the response (suspended, not a member, out of the crisis's decision
    # in a limited format) is not asked: the reason
    outside = forces.asked(conn, crisis_id, actor.state, clock.day(org, now()),
                           actor=actor) if actor.state else None
    if actor.state and outside is None:
        own_units = forces.units(conn, actor=actor, state=actor.state)
    return {"requirements": reqs, "consents": forces.consents(conn, crisis_id, actor=actor),
            "plan": plan, "gantt": gantt(plan, reqs, crisis_id, names, lang),
            "proposal": proposal,
            "proposal_gantt": gantt(proposal, reqs, crisis_id, names, lang),
            "withdrawal": withdrawal, "decided_deployment": decided is not None,
            "unit_states": sorted({u.state for u in units}),
            "progress": forces.progress(conn, crisis_id, actor=actor),
            "own_units": own_units, "capabilities": list(forces.CAPABILITIES),
            "consent_outside": outside, "reads_consents": forces.reads_consents(actor),
            "accepts_conditions": actor.role in forces.ACCEPTORS,
            "planner_run": run.view() if (run := planner_runs.running_for(crisis_id)) else None,
            "is_staff": is_staff(actor), "unit_names": names,
            "plan_names": plan_names(names, {u.key: u.state for u in units}, aircraft, text)
            | unread, "aircraft_types": {a.key: text(a.type) for a in aircraft} | unread,
            "places": places(conn), "place_names": place_names(conn, lang),
            "aprons": {b.key: b.apron for b in forces.bases(conn) if b.apron}}


def place_names(conn: Conn, lang: str) -> dict[str, str]:
    """A place of the dataset by its name in `lang` (a requirement placed there shows so,
    whatever language it was typed in)."""
    return {b.key: (b.name_ru or b.name) if lang == "ru" else b.name
            for b in forces.bases(conn)}

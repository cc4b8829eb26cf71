"""The planning problem built from the stored crises, registry, consents, accepted offers
of units and the decision's authorization; requirements by task and parts of units are
expanded here into the planner's terms (`domain/forces/tasks.py`)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.domain.crisis import authority
from phalanx.domain.crisis.workflow import FINAL, Stage
from phalanx.domain.forces import boarding
from phalanx.domain.forces import planner as pl
from phalanx.domain.forces import tasks as tk
from phalanx.domain.forces.registry import (
    availability,
    conditions_problems,
    consent_problems,
    crisis_weight,
)
from phalanx.services import clock, offered_units
from phalanx.services import crises as crs
from phalanx.services import organization as orgs
from phalanx.services.clock import aware, now
from phalanx.services.errors import Invalid
from phalanx.services.forces import commitments, hosts
from phalanx.services.forces import consent as consent_rules
from phalanx.services.forces.airfields import aprons, boardings, ground_times, landings
from phalanx.services.forces.requirements import _unit_facts


def _active_crises(conn: Connection, actor: Principal, include: int) -> list[Any]:
    """Crises still being answered that have force requirements (they compete). Real
    crises compete with each other; an exercise crisis is planned alone."""
    with_reqs = {r.crisis_id for r in conn.execute(
        select(t.force_requirement.c.crisis_id).where(t.force_requirement.c.withdrawn.is_(False))
        .distinct())}
    rows = [r for r in conn.execute(access.select_visible(t.crisis, SYSTEM)
                                    .where(t.crisis.c.id.in_(with_reqs or {-1})))
            if Stage(r.stage) not in FINAL]
    if any(r.exercise for r in rows if r.id == include):
        return [r for r in rows if r.id == include]
    rows = [r for r in rows if not r.exercise]
    return sorted(rows, key=lambda r: r.id)


def _hours(at: datetime, start: datetime) -> float:
    return (aware(at) - start).total_seconds() / 3600


class Built:
    """A planning problem built from the stored crises, registry and consents; `pieces`
    name the planner requirements that stand for part of a task, `parent` the unit a
    part belongs to."""

    def __init__(self, problem: pl.Problem, start: datetime, crisis_ids: list[int],
                 warnings: list[str], previous: pl.Plan | None, states: dict[str, str],
                 pieces: dict[str, tk.Piece] | None = None,
                 parent: dict[str, str] | None = None, drew_on: list[int] | None = None,
                 boards: dict[str, boarding.Boarding] | None = None,
                 lands: dict[str, boarding.Boarding] | None = None) -> None:
        self.problem, self.start, self.crisis_ids = problem, start, crisis_ids
        self.boards = boards or {}  # where the units of a garrison without an airfield board
        # where aircraft land for each stored requirement whose place has no airfield
        self.lands = lands or {}
        self.drew_on = drew_on or []  # the crises whose plans hold aircraft it waits for
        self.warnings, self.previous, self.states = warnings, previous, states
        self.pieces, self.parent = pieces or {}, parent or {}

    def crisis_of(self, rid: str, crisis: str) -> int:
        """The stored crisis of a planner requirement."""
        piece = self.pieces.get(rid)
        return int(piece.crisis if piece else crisis)

    def requirement_of(self, rid: str) -> int:
        piece = self.pieces.get(rid)
        return int(piece.task if piece else rid)

    def piece_of(self, rid: str) -> dict[str, int]:
        """Which site and which part of its task a planner requirement is (0: none)."""
        p = self.pieces.get(rid)
        return ({"site": p.site, "sites": p.sites, "part": p.part, "parts": p.parts} if p
                else {"site": 0, "sites": 0, "part": 0, "parts": 0})

    def label_of(self, rid: str) -> str | None:
        piece = self.pieces.get(rid)
        return piece.label() if piece and (piece.sites or piece.parts > 1) else None

    def name_of(self, rid: str) -> str:
        """A planner requirement as its reader knows it: "requirement 1, part 7 of 10"."""
        return self.label_of(rid) or f"requirement {self.requirement_of(rid)}"

    def named(self, explanations: dict[str, str], p: pl.Plan, problem: pl.Problem
              ) -> dict[str, str]:
        """The planner's lines on plan `p` of `problem`, naming the task's piece and the
        stored crisis (where a unit passed over names the faster unit's requirement too,
        never the planner's own id)."""
        reqs = {r.id: r for r in problem.requirements}
        out = dict(explanations)
        for uid, text in out.items():
            rival = re.match(r"passed over: \S+ reaches (\S+) at ", text)
            if rival and rival[1] in reqs:
                out[uid] = text[:rival.start(1)] + self.name_of(rival[1]) + text[rival.end(1):]
        for m in p.movements:
            r = reqs[m.requirement]
            text = out.get(m.unit, "").replace(f"serves {r.id} (",
                                               f"serves {self.name_of(r.id)} (", 1)
            out[m.unit] = text.replace(f" of {r.crisis}: ",
                                       f" of crisis {self.crisis_of(r.id, r.crisis)}: ", 1)
        return out


def lift(conn: Connection, forces: dict[str, Any]) -> list[pl.Aircraft]:
    """The transport aircraft not withdrawn, at their bases."""
    nodes = {b["key"]: b for b in forces.get("bases", [])}
    planes = []
    for r in conn.execute(access.select_visible(t.force_aircraft, SYSTEM)
                          .order_by(t.force_aircraft.c.position)):
        if r.role != "transport" or r.withdrawn or r.base not in nodes:
            continue
        b = nodes[r.base]
        planes.append(pl.Aircraft(r.key, r.type, r.payload_t, r.speed_kmh, r.range_km,
                                  (b["lat"], b["lon"]), r.turnaround_h))
    return planes


def detachments(forces: dict[str, Any], unit_rows: dict[str, Any]) -> dict[str, int]:
    """The detachment strength for each unit whose formation sends detachments."""
    size = {f["key"]: f["detachment"]["strength"] for f in forces.get("formations", [])
            if f.get("detachment")}
    return {k: size[r.formation] for k, r in unit_rows.items() if r.formation in size}


def build(conn: Connection, crisis_id: int, *, actor: Principal, at: datetime | None = None
          ) -> Built:
    """The planning problem for `crisis_id` and every crisis competing with it."""
    at = at or now()
    crs.crisis_row(conn, crisis_id, actor)  # the actor must see the crisis
    org = orgs.organization(conn)
    forces = org.forces
    ground = ground_times(forces)
    rows = _active_crises(conn, actor, crisis_id)
    if crisis_id not in {r.id for r in rows}:
        raise Invalid("requirements", f"crisis {crisis_id} has no force requirements yet")
    warnings: list[str] = []
    facts = _unit_facts(conn, SYSTEM)
    unit_rows = {r.key: r for r in conn.execute(access.select_visible(t.force_unit,
                                                                      SYSTEM))}
    boards = boardings(forces, ground)
    units = tuple(pl.Unit(r.key, r.state_code, r.capability, r.strength, (r.lat, r.lon),
                          r.readiness_h, r.weight_t, available=not r.withdrawn,
                          garrison=r.garrison or "",
                          **({"boards_at": b.place, "boards_h": b.hours}
                             if (b := boards.get(r.garrison or "")) else {}))
                  for r in sorted(unit_rows.values(), key=lambda r: (r.position, r.key)))
    # states outside the response (not members, or suspended): their units take no part
    day = clock.day(org, at)
    away = consent_rules.outside(org, day, {r.state_code for r in unit_rows.values()})
    tasks: list[tk.Task] = []
    lands: dict[str, boarding.Boarding] = {}
    barred: dict[tuple[str, str], str] = {}
    weights: dict[str, float] = {}
    for row in rows:
        cid = str(row.id)
        weights[cid] = crisis_weight(row.severity)
        given = consent_rules.stored(conn, row.id)
        for p in consent_problems(given, facts):
            warnings.append(f"crisis {row.id}: {p}")
        # an accepted offer of units is its state's consent for them (offered_units.py)
        given = offered_units.with_offers(given, offered_units.accepted(conn, row))
        # and a member that stayed out of its decision (limited format): not its units
        _ok, why = availability(facts.values(), given, consent_rules.facts(conn, row),
                                day, {**consent_rules.stayed_out(conn, row, on=day), **away})
        for p in conditions_problems(given, {facts[k].state for k in _ok}):
            warnings.append(f"crisis {row.id}: {p}")
        for key, reason in why.items():
            barred[(key, cid)] = reason
        authorization = offered_units.authorization(conn, row)
        if authorization is None:
            warnings.append(f"crisis {row.id}: no decision authorizing forces is linked yet")
        else:
            for key, reason in authority.unauthorized_units(
                    ((u.key, u.state_code, u.formation) for u in unit_rows.values()),
                    authorization, org.settings.get("measure_formations", {})).items():
                barred.setdefault((key, cid), reason)
        stated = list(conn.execute(select(t.force_requirement).where(
            t.force_requirement.c.crisis_id == row.id,
            t.force_requirement.c.withdrawn.is_(False)).order_by(t.force_requirement.c.id)))
        # forces go onto a member's territory only at its request (`forces/hosts.py`)
        where = hosts.hosts(conn, stated, at)
        left_out = hosts.refusals(conn, row, stated, at, where)
        lands.update(landings(forces, ground, stated, where))
        for r in stated:
            if r.id in left_out:
                warnings.append(f"requirement {r.id} ({r.capability} {r.strength}) is left "
                                f"out: {left_out[r.id]}")
                continue
            land = lands.get(str(r.id))
            tasks.append(tk.Task(str(r.id), cid, r.capability, r.strength, (r.lat, r.lon),
                                 _hours(r.needed_by, at), r.node or "", r.task,
                                 r.sites or 1, r.state_code or "", r.state_rule or "",
                                 land.place if land else None, land.hours if land else 0.0))
    if any(r.exercise for r in rows):
        # an exercise plans with the forces actually available: not a unit a real
        # operation has (its crisis unnamed), though it competes with no real crisis
        taken = sorted(commitments.taken_for_real(conn, at) & set(unit_rows))
        for key in taken:  # the first reason, whatever else bars it
            barred[(key, str(crisis_id))] = commitments.TAKEN
        if taken:
            warnings.append(f"{len(taken)} unit(s) taken by real operations are left out of "
                            "this exercise's plan")
    if not hosts.known():
        warnings.append(hosts.SHAPES_MISSING)
    planes = lift(conn, forces)
    previous, start = _decided_plan(conn, rows, at)
    moved = [m.unit for m in previous.movements] if previous else []
    e = tk.expand(units, tasks, barred, weights, detachments(forces, unit_rows),
                  whole=[u for u in moved if "#" not in u],
                  cut=[tk.whole_of(u) for u in moved if "#" in u])
    # aircraft flying the decided plans of crises not planned here (a way home); an
    # exercise's plan, whose crisis has no real plan, waits for every real one's (each
    # line naming its crisis only to those who read it: `planning.plan_out`)
    own = {r.id for r in rows}
    held = commitments.committed(
        conn, at, skip=lambda p: p.kind == "deployment" and bool(commitments.crises_of(p) & own))
    problem = pl.Problem(e.units, e.requirements, tuple(planes), e.weights, e.barred, ground,
                         aircraft_start=commitments.hours_from(at, held),
                         aprons=aprons(forces),
                         apron_taken=commitments.ground_from(at, held))
    warnings += e.notes + _by_piece(pl.input_warnings(problem, e.short), e.pieces)
    warnings += held.warnings()
    states = {u.id: u.state for u in e.units}
    return Built(problem, start or at, [r.id for r in rows], warnings, previous, states,
                 e.pieces, e.parent, drew_on=sorted(held.crises), boards=boards, lands=lands)


def _by_piece(lines: list[str], pieces: dict[str, tk.Piece]) -> list[str]:
    """The planner's warnings naming a piece of a task by its label ("requirement 8, site
    5 of 6"), not by the planner's id ("requirement 8.5.1"). The pieces of a task no unit
    is left for are said once, by their number ("requirement 8, 2 of its 6 sites"): which
    of its sites or parts go without is the plan's choice, and the plan names them."""
    def piece_of(line: str) -> tk.Piece | None:
        head, paren, _rest = line.partition(" (")
        piece = pieces.get(head.removeprefix("requirement "))
        return piece if paren and piece is not None and (piece.sites or piece.parts > 1) \
            else None

    short: dict[str, int] = {}
    for line in lines:
        piece = piece_of(line)
        if piece is not None and piece.short and _whole(piece):
            short[piece.task] = short.get(piece.task, 0) + 1
    out: list[str] = []
    said: set[str] = set()
    for line in lines:
        piece = piece_of(line)
        rest = line.partition(" (")[2]
        if piece is None:
            out.append(line)
        elif piece.task not in short or not piece.short:
            out.append(f"{piece.label()} ({rest}")
        elif piece.task not in said:
            said.add(piece.task)
            out.append(f"requirement {piece.task}, {short[piece.task]} of its "
                       f"{_whole(piece)} ({rest}")
    return out


def _whole(piece: tk.Piece) -> str:
    """What a task is made of, when its pieces are all of one kind: "6 sites", "3 parts"
    (none when sites are cut into parts)."""
    if piece.sites and piece.parts <= 1:
        return f"{piece.sites} sites"
    if not piece.sites and piece.parts > 1:
        return f"{piece.parts} parts"
    return ""


def _decided_plan(conn: Connection, rows: list[Any], at: datetime
                  ) -> tuple[pl.Plan | None, datetime | None]:
    """The movements of the crises' decided deployment plans, in the newest one's hours."""
    ids = [r.id for r in rows]
    found = conn.execute(select(t.deployment_plan).where(
        t.deployment_plan.c.crisis_id.in_(ids or [-1]),
        t.deployment_plan.c.kind == "deployment",
        t.deployment_plan.c.status == "decided").order_by(t.deployment_plan.c.id.desc())).first()
    if found is None:
        return None, None
    return _plan_from_json(found.movements, found.uncovered), aware(found.starts_at)


def _plan_from_json(movements: list[dict[str, Any]], uncovered: list[dict[str, Any]]
                    ) -> pl.Plan:
    ms = tuple(pl.Movement(m["requirement_key"], m["unit"], m["mode"], m["arrive_h"],
                           tuple(pl.Sortie(s["aircraft"], m["unit"], m["requirement_key"],
                                           s["depart_h"], s["arrive_h"], s["load_t"],
                                           tuple(s["start"])) for s in m["sorties"]))
               for m in movements)
    return pl.Plan(ms, tuple(u["key"] for u in uncovered), pl.Objective(0, 0, 0, 0))

"""The one place where the access policy meets the database.

Every read of a classified table goes through `visible` (a WHERE clause built from
the principal's `ReadScope`), so lists, details, searches, exports, counts and
aggregates all see exactly what `phalanx.domain.access.policy.allows` would allow.
A test keeps other modules from selecting classified tables directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Table,
    and_,
    false,
    func,
    not_,
    or_,
    select,
    true,
)

from phalanx.domain.access.policy import (
    Classification,
    Marking,
    OwnerKind,
    ReadScope,
    allows,
    read_scope,
)
from phalanx.domain.access.principal import Principal

# the tables whose records are sent to states for their consideration, and the column
# listing those states (",ARM,KAZ,"): they read the record as its participants do
# (`policy.Classification.recipients`): an adopted decision's members absent from it or
# without a say on it (`consensus.Result.for_consideration`)
RECIPIENTS: dict[str, str] = {"decision": "for_consideration"}


def visible(table: Table, scope: ReadScope) -> ColumnElement[bool]:
    c = table.c
    if scope.everything:
        return true()
    clauses: list[ColumnElement[bool]] = []
    if scope.markings:
        clauses.append(c.marking.in_(sorted(m.value for m in scope.markings)))
    if scope.observer_releases:
        clauses.append(c.observers.is_(True))
    if scope.all_participants:
        clauses.append(c.marking == Marking.PARTICIPANTS.value)
    elif scope.participant is not None:
        clauses.append(and_(c.marking == Marking.PARTICIPANTS.value,
                            c.participants.contains(f",{scope.participant},",
                                                    autoescape=True)))
    if scope.own_state is not None:
        clauses.append(and_(c.owner_kind == OwnerKind.STATE.value, c.owner == scope.own_state))
    if scope.own_agency is not None and "agency" in c:
        state, agency = scope.own_agency
        clauses.append(and_(c.owner_kind == OwnerKind.STATE.value, c.owner == state,
                            c.agency == agency))
    if scope.participant is not None and table.name in RECIPIENTS:
        clauses.append(c[RECIPIENTS[table.name]].contains(f",{scope.participant},",
                                                          autoescape=True))
    return or_(*clauses) if clauses else false()


def select_visible(table: Table, principal: Principal, *columns: Any) -> Select[Any]:
    """SELECT from a classified table, restricted to what `principal` may read."""
    stmt = select(*columns) if columns else select(table)
    return stmt.select_from(table).where(visible(table, read_scope(principal)))


def count_visible(table: Table, principal: Principal) -> Select[Any]:
    return select(func.count()).select_from(table).where(visible(table, read_scope(principal)))


def readable_ids(conn: Connection, principal: Principal, table: Table,
                 ids: Iterable[int | None]) -> frozenset[int]:
    """Which of `ids` name records of `table` that `principal` may read: a record that
    names another by its id (an agenda item its documents, an official request its letter)
    gives that id only to those who may read the other (else a reader learns that a
    record it may not read exists, and its number)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return frozenset()
    return frozenset(r[0] for r in conn.execute(
        select_visible(table, principal, table.c.id).where(table.c.id.in_(sorted(wanted)))))


def pack_participants(states: frozenset[str] | set[str]) -> str:
    return "," + ",".join(sorted(states)) + "," if states else ""


def classification_values(c: Classification) -> dict[str, Any]:
    return {"owner_kind": c.owner_kind.value, "owner": c.owner, "marking": c.marking.value,
            "participants": pack_participants(c.participants), "observers": c.observers}


def classification_of(row: Any) -> Classification:
    """A row's classification; with the states it was sent to for consideration where its
    table lists them (`RECIPIENTS`: a decision's row read with that column), and the
    agency that keeps it where its table names one (a report, a total)."""
    sent = next((getattr(row, col) for col in RECIPIENTS.values()
                 if isinstance(getattr(row, col, None), str)), "")
    agency = getattr(row, "agency", None)  # a national agency's record: its reports
    return Classification(
        OwnerKind(row.owner_kind), row.owner, Marking(row.marking),
        frozenset(p for p in row.participants.split(",") if p), bool(row.observers),
        recipients=frozenset(p for p in sent.split(",") if p),
        agency=agency if isinstance(agency, str) else None)


# --- registry units and aircraft: what names or describes one obeys its marking --------


def hidden_units(conn: Connection, principal: Principal) -> frozenset[str]:
    """The keys of the registry units `principal` may not read (those a state keeps
    NATIONAL, for the other states and the staff)."""
    from phalanx.adapters.db import tables as t

    return _hidden_keys(conn, principal, t.force_unit)


def reads_unit_as_it_stood(principal: Principal, state: str, marking: str) -> bool:
    """Does `principal` read a registry unit of `state` as it stood on a past day, when it
    was marked `marking`? A unit its state kept NATIONAL then is not read then by those it
    was kept from, whatever it is marked now (`forces/registry_history.py`)."""
    return allows(read_scope(principal),
                  Classification(OwnerKind.STATE, state, Marking(marking)))


def hidden_aircraft(conn: Connection, principal: Principal) -> frozenset[str]:
    """The keys of the registry aircraft `principal` may not read (an aircraft's key names
    its base: the registry's, marked ORGANIZATION, are kept from observers and anonymous
    visitors; one a state keeps NATIONAL, from the other states and the staff)."""
    from phalanx.adapters.db import tables as t

    return _hidden_keys(conn, principal, t.force_aircraft)


def reads_routes(principal: Principal) -> bool:
    """Whether `principal` reads the routes of a plan's movements: when a unit sets off
    and where it boards, each sortie's take-off and landing times and where its aircraft
    starts from. They tell where a unit and its aircraft come from (the garrison, the
    base: by the flight's length), which the registry keeps for the Organization
    (ORGANIZATION): read by the staff and the member states. Setting: an observer of a
    crisis released to it, and the public, read what the crisis needs of the plan: each
    movement's state, mode and arrival at the crisis's place, how many sorties fly it and
    in which aircraft (by number), the lateness and the closure; not the route."""
    scope = read_scope(principal)
    return scope.everything or Marking.ORGANIZATION in scope.markings


def _hidden_keys(conn: Connection, principal: Principal, table: Table) -> frozenset[str]:
    scope = read_scope(principal)
    if scope.everything:
        return frozenset()
    return frozenset(k for (k,) in conn.execute(
        select(table.c.key).where(not_(visible(table, scope)))))


# what a joint exercise's participant says of the unit it names, beside the unit's key: the
# participating state enters them into the exercise's record, but they describe the unit
PARTICIPANT_DETAILS = ("formation", "strength")


def exercise_participants(conn: Connection, principal: Principal,
                          exercise_ids: Iterable[int]) -> list[dict[str, Any]]:
    """The participants of the joint exercises `exercise_ids` (which `principal` reads) as
    it may read them, by exercise, state and entry: one naming a registry unit it may not
    read is named by its state alone, its unit by no key (""), its formation by no text
    ("") and its strength by no figure (None): what describes a hidden unit is hidden with
    it, so a total of strengths counts only the figures its reader reads."""
    from phalanx.adapters.db import tables as t

    ids = list(exercise_ids)
    if not ids:
        return []
    c = t.exercise_participant.c
    hidden = hidden_units(conn, principal)
    out = []
    for r in conn.execute(select(t.exercise_participant).where(c.exercise_id.in_(ids))
                          .order_by(c.exercise_id, c.state_code, c.id)):
        p = {"exercise_id": r.exercise_id, "state": r.state_code, "unit": r.unit_key,
             "formation": r.formation, "strength": r.strength}
        if r.unit_key is not None and r.unit_key in hidden:
            p.update(unit="", formation="", strength=None)
        out.append(p)
    return out


# --- a member state's position on a crisis: its own, not the observers' ----------------


def position_classification(state: str) -> Classification:
    """A member state's position on a crisis: its answer on whether its units take part in
    the response and its conditions, its offers of assistance (what it offers, its units
    and their strength, and the requesting state's acceptance of them), its answer under
    the obligation to assist (Treaty art. 4). Setting: read by the Organization's staff
    and the member states, and by the state itself, never by an observer or the public,
    even where the crisis is released to them (they read that offers were made, and how
    many: `RequestOut.offers_made`). The reader reads the crisis first."""
    return Classification(OwnerKind.STATE, state, Marking.ORGANIZATION)


def reads_position(principal: Principal, state: str | None = None) -> bool:
    """Whether `principal` reads `state`'s position on a crisis (None: every member's)."""
    scope = read_scope(principal)
    if state is None:
        return scope.everything or Marking.ORGANIZATION in scope.markings
    return allows(scope, position_classification(state))


def position_within(c: Classification) -> Classification:
    """The classification of a member's position on a record classified `c` (its stance on
    a draft and its statement, its signature and reservation, its answer in a
    consultation): read by `c`'s readers who read the members' positions, so not by an
    observer nor the public, even where `c` is released to them or PUBLIC."""
    marking = Marking.ORGANIZATION if c.marking is Marking.PUBLIC else c.marking
    return Classification(c.owner_kind, c.owner, marking, c.participants, False,
                          c.recipients)


# a member's answer on its units is one of its positions
consent_classification = position_classification
reads_consent = reads_position

# the timeline's entries that tell a member's position (`position_classification`)
POSITION_ENTRIES = ("consent", "offer", "obligation")
# and an escalation of a member's answer under art. 4 awaited (its key `answer:<state>`):
# that the member has not answered yet is its position too
AWAITED_ANSWER = "answer"


# --- a crisis's timeline: an entry naming a decision obeys the decision's marking -------


def timeline_visible(principal: Principal) -> ColumnElement[bool]:
    """The crisis timeline entries `principal` may read, on top of reading their crisis
    (which the caller has checked): an entry naming a decision only if the principal may
    read that decision, a member's position (its answer on its units, its offers, its
    answer under art. 4: `POSITION_ENTRIES`; the escalation of its answer awaited) only
    if it reads those. Everything derived from the timeline for a reader (the room, the
    report, the crisis's CAP export: its editions, their times and references) reads the
    entries through this."""
    from phalanx.adapters.db import tables as t

    scope = read_scope(principal)
    if scope.everything:
        return true()
    ev = t.crisis_event.c
    named = or_(ev.decision_id.is_(None), ev.decision_id.in_(
        select(t.decision.c.id).where(visible(t.decision, scope))))
    # a member's position (`position_classification`): only to its readers
    return named if reads_position(principal) else and_(
        named, ev.kind.not_in(POSITION_ENTRIES), or_(
            ev.kind != "escalation", ev.stage.is_(None),
            ev.stage.not_like(f"{AWAITED_ANSWER}:%")))


def select_timeline(principal: Principal, crisis_id: int, *columns: Any) -> Select[Any]:
    """SELECT a crisis's timeline entries that `principal` may read (`timeline_visible`),
    in the order they happened."""
    from phalanx.adapters.db import tables as t

    ev = t.crisis_event
    stmt = select(*columns) if columns else select(ev)
    return stmt.select_from(ev).where(ev.c.crisis_id == crisis_id,
                                      timeline_visible(principal)).order_by(ev.c.at, ev.c.id)

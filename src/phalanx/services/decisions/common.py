"""What the decision services share: the body's rules on a date, rows read through
the access layer, and the state an action is taken for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import Connection, insert, select, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain import membership, representation, rotation
from phalanx.domain.access.policy import (
    Classification,
    Marking,
    OwnerKind,
    StateAct,
    is_staff,
    why_not_act,
)
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.domain.decisions import procedure as proc
from phalanx.domain.decisions.consensus import (
    Method,
    Position,
    Result,
    Rule,
    Stance,
    Standing,
)
from phalanx.domain.organization import Organization
from phalanx.services import organization as orgs
from phalanx.services.clock import day as clock_day
from phalanx.services.clock import now
from phalanx.services.db import Write
from phalanx.services.errors import Forbidden, Invalid, NotFound


def _require_staff(actor: Principal, what: str) -> None:
    if not is_staff(actor):
        raise Forbidden(f"only the Secretariat and the Joint Staff may {what}")


# --- helpers ----------------------------------------------------------------------------


def _org(conn: Connection) -> Organization:
    return orgs.organization(conn)


def _body_rules(org: Organization, body_key: str) -> dict[str, Any]:
    if body_key not in org.bodies:
        raise Invalid("body", f"unknown body {body_key!r}")
    return org.bodies[body_key].rules


def _seated_states(org: Organization, body_key: str, day: date) -> list[str]:
    comp = membership.composition_on(org, body_key, day)
    if not comp.exists:
        raise Invalid("body", f"{body_key} does not exist on {day}")
    return [s.state for s in comp.seats]


def taking_part(conn: Connection, meeting_id: int | None) -> frozenset[str] | None:
    """The states taking part in the exercise whose session frames a draft (its session
    marked for them, as the exercise's crisis is), None for a real session, a draft in no
    session, or an exercise every member takes part in: an exercise's draft is put to, and
    awaits, only the states taking part (setting)."""
    if meeting_id is None:
        return None
    m = t.meeting.c
    row = conn.execute(access.select_visible(t.meeting, SYSTEM, m.exercise, m.marking,
                                             m.participants).where(m.id == meeting_id)).first()
    if row is None or not row.exercise or row.marking != Marking.PARTICIPANTS.value:
        return None
    return frozenset(p for p in row.participants.split(",") if p)


def _draft_seats(conn: Connection, org: Organization, row: Any, day: date) -> list[str]:
    """The seated members a draft is put to: every one, or an exercise's states taking
    part (`taking_part`)."""
    seated = _seated_states(org, row.body_key, day)
    taking = taking_part(conn, row.meeting_id)
    return seated if taking is None else [s for s in seated if s in taking]


def adopted_seats(conn: Connection, org: Organization, row: Any, assenting: set[str],
                  adopted_on: date) -> list[Stance]:
    """The body on the day a draft decided outside a session is adopted (last signature,
    silence's deadline), each seat with that day's standing, assenting if still asked: a
    state that has left since is no addressee; one admitted since was not asked, is not
    bound and gets the text as a member absent (DOMAIN.md §7; not asking it: setting)."""
    return [Stance(s, s in assenting,
                   Position.SUPPORT if s in assenting else Position.NOT_STATED,
                   _standing(org, s, adopted_on))
            for s in _draft_seats(conn, org, row, adopted_on)]


def _standing(org: Organization, state: str, day: date) -> Standing:
    """Whether a member has a say on a date (`membership.standing_on`, the one rule):
    suspended, not taking part in the work, in arrears, or in full standing. A seat of a
    state that is no member that day (none should exist) has no say."""
    try:
        return membership.standing_on(org, state, day)
    except ValueError:
        return Standing.SUSPENDED


def _classification(owner_kind: OwnerKind, owner: str, marking: Marking,
                    participants: list[str], observers: bool) -> Classification:
    c = Classification(owner_kind, owner, marking, frozenset(participants), observers)
    for problem in c.problems():
        raise Invalid("marking", problem)
    return c


def _meeting_row(conn: Connection, meeting_id: int, actor: Principal,
                 lock: bool = False) -> Any:
    stmt = access.select_visible(t.meeting, actor).where(t.meeting.c.id == meeting_id)
    row = conn.execute(stmt.with_for_update() if lock else stmt).first()
    if row is None:
        raise NotFound("session", meeting_id)
    return row


def _draft_row(conn: Connection, draft_id: int, actor: Principal, lock: bool = False) -> Any:
    stmt = access.select_visible(t.draft, actor).where(t.draft.c.id == draft_id)
    row = conn.execute(stmt.with_for_update() if lock else stmt).first()
    if row is None:
        raise NotFound("draft", draft_id)
    return row


def _draft_day(conn: Connection, row: Any) -> date:
    if row.meeting_id is not None:
        # the session's date is needed for the rule, whoever is asking
        opens = conn.execute(access.select_visible(t.meeting, SYSTEM, t.meeting.c.opens_at)
                             .where(t.meeting.c.id == row.meeting_id)).scalar_one()
        return clock_day(_org(conn), opens)
    return clock_day(_org(conn), row.created_at)


def _acting_state(actor: Principal, state: str | None, act: StateAct) -> str:
    """The state an action is taken for, by the one rule of who acts for a state
    (`policy.acts_for`): the user's own state's representative (or the system)."""
    who = state or actor.state
    if who is None:
        raise Forbidden("only a state's authorized representative acts for a state; "
                        "name the state")
    reason = why_not_act(actor, who, act)
    if reason is not None:
        raise Forbidden(reason)
    return who


def _limited_since(org: Organization, body_key: str) -> date | None:
    """The date from which the body's limited format exists: the entry into force of the
    agreement the dataset names as introducing it; where the dataset does not record it,
    the agreement's signature (setting), which every limited-format decision then states
    (`_limited_basis`)."""
    key = proc.limited_format_since(org.bodies[body_key].rules)
    if key is None or key not in org.agreements:
        return None
    ag = org.agreements[key]
    return ag.in_force or ag.signed


def _limited_basis(org: Organization, body_key: str) -> str:
    """What a limited-format decision of the body says of the format's basis: that it is
    counted from the introducing agreement's signature, its entry into force not being
    recorded (empty when the dataset records it)."""
    key = proc.limited_format_since(org.bodies[body_key].rules)
    ag = org.agreements.get(key) if key is not None else None
    if ag is None or ag.in_force is not None:
        return ""
    return (f"the limited format rests on the amendment signed {ag.signed.isoformat()}, "
            "whose entry into force is not recorded")


def _rule(org: Organization, row: Any, day: date) -> Rule:
    """The body's rule for the draft's question on its date."""
    rule = proc.rule_for(org.bodies[row.body_key].rules, row.question, day,
                         _limited_since(org, row.body_key))
    concerned = without_vote(org, row.body_key, row.question, row.subject)
    if concerned:
        rule = replace(rule, concerned=concerned)
    if proc.casting_vote(org.bodies[row.body_key].rules, row.question) and (
            chair := rotation.chair(org, row.body_key, day.year)) is not None:
        # the state chairing the body in the draft's year decides a tie
        rule = replace(rule, casting=chair.state)
    if rule.limited_format and (basis := _limited_basis(org, row.body_key)):
        return replace(rule, limited_basis=basis)
    return rule


def _counted(rule: Rule, result: Result) -> dict[str, Any]:
    """How a draft's outcome was counted, for its audit entry (`draft.close`): the
    question's rule (`rule`: no_objection, majority or qualified), the count of the vote
    under a majority or a qualified majority (`tally`, with the terms of the latter), and
    the state chairing the body whose casting vote decides a tie, where the rule gives
    one (`casting`)."""
    from phalanx.services.decisions.schemas import _tally

    out: dict[str, Any] = {"rule": rule.method.value}
    if rule.method is not Method.CONSENSUS and result.tally is not None:
        out["tally"] = _tally(result.tally).model_dump()
    if rule.casting:
        out["casting"] = rule.casting
    return out


def without_vote(org: Organization, body_key: str, question: str,
                 subject: dict[str, Any] | None) -> frozenset[str]:
    """The member a draft concerns where the body's rule for its question gives it no
    vote (`concerned_votes: false`, dataset): it has no say in a session, and is neither
    asked to sign nor heard breaking silence outside one (it is bound all the same)."""
    state = (subject or {}).get("state")
    if state and not proc.concerned_votes(org.bodies[body_key].rules, question):
        return frozenset({state})
    return frozenset()


def bound_or_heard(org: Organization, body_key: str, question: str,
                   concerned: frozenset[str], day: date) -> set[str]:
    """The seated members a draft on `question` binds without their say, or hears only
    in their formal objection: the member it concerns without a vote (`without_vote`),
    those in arrears (they lose the vote, never the obligations: `consensus.py`), on a
    consensus those not taking part in the work that keep their objection
    (`membership.objects_aside`), on a majority binding the absent every member with a say."""
    rule = proc.rule_for(org.bodies[body_key].rules, question)
    wide = Standing.FULL if rule.absent_bound else None  # `absent_bound`: all with a say
    return set(concerned) | {
        s for s in _seated_states(org, body_key, day)
        if _standing(org, s, day) in (Standing.IN_ARREARS, wide) or (
            rule.method is Method.CONSENSUS and membership.objects_aside(org, s, day))}


def _aside(org: Organization, row: Any, day: date,
           taking: frozenset[str] | None = None) -> tuple[str, ...]:
    """The seated members not taking part in the work that keep their formal objection to
    this draft (`membership.objects_aside`): on a question decided by consensus, and
    not in arrears; of an exercise's draft, only among the states `taking` part."""
    if _rule(org, row, day).method is not Method.CONSENSUS:
        return ()
    concerned = without_vote(org, row.body_key, row.question, row.subject)
    return tuple(s for s in _seated_states(org, row.body_key, day)
                 if membership.objects_aside(org, s, day) and (taking is None or s in taking)
                 and s not in concerned)


def _current_text(conn: Connection, row: Any) -> tuple[str, str]:
    v = conn.execute(select(t.draft_version).where(
        t.draft_version.c.draft_id == row.id,
        t.draft_version.c.number == row.current_version)).one()
    return v.text_en, v.text_ru


NO_TEXT = "give the text in English or in Russian (text_en or text_ru): both are empty"


def _require_text(text_en: str, text_ru: str) -> None:
    """A text is given in English, in Russian, or in both: not in neither."""
    if not text_en.strip() and not text_ru.strip():
        raise Invalid("text_en", NO_TEXT)


def _new_version(w: Write, row: Any, text_en: str, text_ru: str,
                 amendment_id: int | None) -> None:
    number = row.current_version + 1
    dv = t.draft_version.c
    current = w.conn.execute(select(dv.text_en, dv.text_ru).where(
        dv.draft_id == row.id, dv.number == row.current_version)).first()
    if current is not None and (current.text_en, current.text_ru) == (text_en, text_ru):
        # a new version reopens the positions: the same text again would only erase them
        raise Invalid("text_en", f"the text is that of version {row.current_version}: a "
                                 "revision changes it")
    w.conn.execute(insert(t.draft_version).values(
        draft_id=row.id, number=number, text_en=text_en, text_ru=text_ru,
        amendment_id=amendment_id, created_by=w.actor.username, created_at=now()))
    w.conn.execute(update(t.draft).where(t.draft.c.id == row.id).values(
        current_version=number, revision=row.revision + 1))


def _stances(conn: Connection, org: Organization, row: Any) -> list[Stance]:
    day = _draft_day(conn, row)
    seated = _draft_seats(conn, org, row, day)
    present: dict[str, bool] = {}
    if row.meeting_id is not None:
        present = {a.state_code: a.present for a in conn.execute(
            select(t.attendance).where(t.attendance.c.meeting_id == row.meeting_id))}
    positions = {p.state_code: p for p in conn.execute(
        select(t.position).where(t.position.c.draft_id == row.id))}
    out = []
    for s in seated:
        p = positions.get(s)
        pos = (Position(p.position) if p is not None
               and p.version_number == row.current_version else Position.NOT_STATED)
        if (p is not None and pos is Position.NOT_STATED and p.position == Position.OBJECT
                and not present.get(s, False)):
            # an absent member's written objection (its absence means disagreement)
            # stands against a revised text until the member itself says otherwise
            pos = Position.OBJECT
        out.append(Stance(s, present.get(s, False), pos, _standing(org, s, day)))
    return out


def seat_holder(org: Organization, body_key: str, state: str, day: date,
                changes: Sequence[representation.Change] = ()) -> str:
    """Who holds `state`'s seat in the body on `day` (its head of state for the Council),
    as the dataset gives; "" when it names nobody, or when a change of the state's
    authorities outside the constitution (`changes`) has removed the one it names."""
    return "" if _removed_by(org, body_key, state, day, changes) else \
        _dataset_holder(org, body_key, state, day)


def _dataset_holder(org: Organization, body_key: str, state: str, day: date) -> str:
    for h in org.bodies[body_key].seat_holders:
        if h.state == state and h.term.contains(day):
            return h.person
    return ""


def _removed_by(org: Organization, body_key: str, state: str, day: date,
                changes: Sequence[representation.Change]) -> representation.Change | None:
    for h in org.bodies[body_key].seat_holders:
        if h.state == state and h.term.contains(day):
            return representation.holder_removed_by(changes, state, day, h.term.start)
    return None


def in_whose_name(org: Organization, body_key: str, state: str, day: date, named: str,
                  changes: Sequence[representation.Change] = ()) -> str:
    """In whose name a state's answer in the body is given: whom the representative
    transmitting it names, else the seat holder the dataset gives for `day`, unless a
    change of the state's authorities outside the constitution (`changes`) removed him or
    her; refused when neither says (an answer is never recorded in nobody's name, nor in
    that of a head of state no longer in power)."""
    if named.strip():
        return named.strip()
    removed = _removed_by(org, body_key, state, day, changes)
    if removed is not None:
        raise Invalid("given_by", f"{state}'s authorities changed outside the constitution "
                                  f"on {removed.since.isoformat()}: the holder of its seat "
                                  f"in {body_key} the dataset names no longer speaks for "
                                  "it; name in whose name the answer is given")
    who = _dataset_holder(org, body_key, state, day)
    if not who:
        raise Invalid("given_by", f"the dataset names nobody holding {state}'s seat in "
                                  f"{body_key} on {day.isoformat()}: name in whose name the "
                                  "answer is given")
    return who


def _chair_state(org: Organization, body_key: str, day: date) -> str:
    """The state chairing the body in `day`'s year (the rotation rule, or the dataset's
    exception)."""
    c = rotation.chair(org, body_key, day.year)
    if c is None:
        raise Invalid("procedure", f"{body_key} has no chair in {day.year}: nobody to consult "
                                   "the heads of state and announce")
    return c.state

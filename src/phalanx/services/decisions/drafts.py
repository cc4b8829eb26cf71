"""Drafts tabled and revised (amendments: amendments.py; reading a draft with its stances
and preview: draft_reading.py)."""

from __future__ import annotations

from sqlalchemy import delete, insert, or_, select, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import Marking, OwnerKind
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.domain.decisions import consultation as consult
from phalanx.domain.decisions import procedure as proc
from phalanx.domain.decisions import silence as sil
from phalanx.services import days_off
from phalanx.services.clock import aware, now
from phalanx.services.clock import day as day_of
from phalanx.services.db import Database, Write
from phalanx.services.decisions import lifecycle
from phalanx.services.decisions.common import (
    _body_rules,
    _chair_state,
    _classification,
    _draft_row,
    _meeting_row,
    _new_version,
    _org,
    _require_staff,
    _require_text,
    _seated_states,
    _standing,
    bound_or_heard,
    taking_part,
    without_vote,
)
from phalanx.services.decisions.draft_reading import _draft
from phalanx.services.decisions.schemas import (
    DraftIn,
    DraftOut,
)
from phalanx.services.errors import Conflict, Invalid

# --- drafts and versions (amendments: amendments.py) ------------------------------------


def propose_draft(db: Database, data: DraftIn, *, actor: Principal) -> DraftOut:
    """Table a draft in a session, or circulate it under the written or the silence
    procedure to every member with a say on the day (the list is the rule's, not the
    Secretariat's)."""
    _require_staff(actor, "table a draft")
    with db.write(actor) as w:
        return _draft(w.conn, propose_in(w, data), actor)


def propose_in(w: Write, data: DraftIn) -> int:
    """Table the draft inside a write already under way (a crisis's decision by
    consultation, framed in the session convened for it in the same transaction); the
    caller has checked that the actor may. A draft by consultation marked for some
    participants is read by every head of state consulted too, who read what they decide
    and the decision that binds them (setting), unless it is an exercise's."""
    _require_text(data.text_en, data.text_ru)
    actor, at = w.actor, now()
    org = _org(w.conn)
    rules = _body_rules(org, data.body)
    if data.question != "default" and data.question not in rules.get("decision_rules", {}):
        raise Invalid("question", f"{data.body} has no rule for {data.question!r} questions")
    unknown = sorted(set(data.contributing_states) - set(org.states))
    if unknown:
        raise Invalid("contributing_states", f"unknown states {unknown}")
    if data.period_limited and data.period_days is not None:
        raise Invalid("period_limited", f"a period of {data.period_days} days is limited "
                      "already: give the days or a limited period, not both")
    formations = {f["key"] for f in org.forces.get("formations", [])}
    unknown = sorted(set(data.formations) - formations)
    if unknown:
        raise Invalid("formations", f"unknown formations {unknown} (the registry has "
                                    f"{', '.join(sorted(formations)) or 'none'})")
    if data.limited_format:
        raise Invalid("limited_format", "the limited format is not chosen when tabling: "
                      "a member declares that it stays out (position 'not_taking_part') "
                      "while the draft is open")
    day = day_of(org, at)
    if data.procedure != "session" and data.agenda_item_id is not None:
        raise Invalid("agenda_item_id", "only a draft tabled in session answers an item "
                                        "of its agenda")
    if data.procedure == "session":
        if data.meeting_id is None:
            raise Invalid("meeting_id", "a draft for a session names the session")
        # locked: a session closed at the same moment is closed before or after this
        meeting = _meeting_row(w.conn, data.meeting_id, actor, lock=True)
        if meeting.body_key != data.body:
            raise Invalid("meeting_id", f"session {data.meeting_id} is of {meeting.body_key}")
        if meeting.status == "closed":
            raise Conflict(f"session {data.meeting_id} is closed")
        if data.agenda_item_id is not None and w.conn.execute(
                select(t.agenda_item.c.id).where(
                    t.agenda_item.c.id == data.agenda_item_id,
                    t.agenda_item.c.meeting_id == data.meeting_id)).first() is None:
            raise Invalid("agenda_item_id", f"agenda item {data.agenda_item_id} is not on "
                                            f"session {data.meeting_id}'s agenda")
        day = day_of(org, meeting.opens_at)
    elif data.procedure in ("written", "silence") and data.deadline is None:
        raise Invalid("deadline", f"the {data.procedure} procedure needs a deadline")
    elif data.deadline is not None and aware(data.deadline) <= at:
        raise Invalid("deadline", f"the deadline {aware(data.deadline):%Y-%m-%d %H:%M} UTC "
                                  "has passed")
    if data.procedure in ("written", "silence") and data.meeting_id is not None:
        # framed in a session (an exercise's makes its decision the exercise's): one of
        # its body that its author reads, still open
        meeting = _meeting_row(w.conn, data.meeting_id, actor, lock=True)
        if meeting.body_key != data.body:
            raise Invalid("meeting_id", f"session {data.meeting_id} is of {meeting.body_key}")
        if meeting.status == "closed":
            raise Conflict(f"session {data.meeting_id} is closed")
    if data.procedure in ("written", "silence"):
        _refuse_circulating(w, data)
    order: list[str] = []
    chair = None
    # the member the draft concerns without a vote on it is not asked (`without_vote`)
    concerned = without_vote(org, data.body, data.question,
                             data.subject.model_dump() if data.subject else None)
    readers = set(data.participants)
    if data.procedure == "consultation":
        problems = consult.consultation_problems(
            rules, data.question, day, org.applies_from(consult.introduced_by(rules)))
        if problems:
            raise Invalid("procedure", "; ".join(problems))
        exercise = False
        if data.meeting_id is not None:  # held within a session's frame (a crisis's)
            meeting = _meeting_row(w.conn, data.meeting_id, actor)
            if meeting.body_key != data.body:
                raise Invalid("meeting_id", f"session {data.meeting_id} is of "
                                            f"{meeting.body_key}")
            exercise = bool(meeting.exercise)
        chair = _chair_state(org, data.body, day)
        # an exercise's heads of state consulted are those of the states taking part
        taking = taking_part(w.conn, data.meeting_id)
        if taking is not None and chair not in taking:
            # the chair records the answers and announces, and a state outside the
            # exercise does not read its draft: it could never be decided
            raise Invalid("procedure", f"the chair of {data.body} in {day.year} ({chair}) "
                                       "takes no part in the exercise: nobody to consult "
                                       "the heads of state and announce; decide it in the "
                                       "exercise's session")
        order = [s for s in proc.signatories(
            {s: _standing(org, s, day) for s in _seated_states(org, data.body, day)
             if taking is None or s in taking},
            bool(org.settings.get("written_procedure_in_arrears_sign", False)))
            if s not in concerned]
        if not order:
            raise Invalid("procedure", f"no member of {data.body} has a say on {day}"
                          + (" among the states taking part in the exercise"
                             if taking is not None else ""))
        if data.marking is Marking.PARTICIPANTS and not exercise:
            # every head of state consulted reads what it is asked to decide and the
            # decision that binds it (setting), as does the member it concerns; an
            # exercise's stays with its states
            readers |= set(order) | concerned
    if data.procedure == "silence" and (problems := sil.silence_problems(rules, data.question)):
        raise Invalid("procedure", "; ".join(problems))
    if data.procedure == "written" and (
            problems := proc.written_problems(rules, data.question)):
        raise Invalid("procedure", "; ".join(problems))
    if data.procedure in ("written", "silence"):
        # an exercise's draft goes to the states taking part in it only (`taking_part`)
        taking = taking_part(w.conn, data.meeting_id)
        seated = [s for s in _seated_states(org, data.body, day)
                  if taking is None or s in taking]
        order = [s for s in proc.signatories(
            {s: _standing(org, s, day) for s in seated},
            bool(org.settings.get("written_procedure_in_arrears_sign", False)))
            if s not in concerned]
        if data.signing_order and data.signing_order != order:
            raise Invalid("signing_order", (
                f"the signing list is every member of {data.body} with a say on {day}, "
                f"in the dataset's order: {', '.join(order)}; it cannot be shortened "
                "or reordered"))
        if not order:
            raise Invalid("procedure", f"no member of {data.body} has a say on {day}")
        if data.marking is Marking.PARTICIPANTS and taking is None:
            # every member asked to sign (or to keep silence) reads what it is asked, and
            # so does the member it concerns, bound by it (setting, as a consultation's);
            # an exercise's stays with its states
            readers |= set(order) | concerned
    if data.question == "appointment" and data.subject and data.subject.post:
        from phalanx.services import membership as ms

        sub = data.subject
        if (problem := ms.appointment_problem(org, sub.post, sub.state, sub.on or day,
                                              out_of_rotation=sub.out_of_rotation)):
            raise Invalid(f"subject.{problem[0]}", problem[1])
    lifecycle.check_tabled(w.conn, org, data.body, data.kind, data.meeting_id,
                           data.lifecycle, day, actor=actor)
    # last: a confirmation is asked only of a draft nothing else refuses
    kept_off = days_off.check(org, data.deadline, confirmed=data.deadline_on_day_off) \
        if data.procedure in ("written", "silence") and data.deadline is not None else None
    marking, observers = data.marking, data.observers
    if marking is Marking.PARTICIPANTS and not (data.meeting_id is not None and _meeting_row(
            w.conn, data.meeting_id, actor).exercise):
        # by whatever procedure, a member the decision would bind without its say (the
        # member it concerns, one in arrears) and one keeping only its formal objection
        # (not taking part in the work) read the draft: none is bound by, or kept from
        # objecting to, a text it may not read (setting); an exercise's stays with its
        # states
        readers |= bound_or_heard(org, data.body, data.question, concerned, day)
    if data.meeting_id is not None:
        # an exercise's session is read by the states taking part: a draft tabled in it,
        # through any path, is read by no one wider (setting)
        frame = _meeting_row(w.conn, data.meeting_id, actor)
        held = access.classification_of(frame)
        if frame.exercise and held.marking is Marking.PARTICIPANTS \
                and marking in (Marking.PUBLIC, Marking.ORGANIZATION):
            marking, readers = Marking.PARTICIPANTS, set(held.participants)
            observers = observers and held.observers
    c = _classification(OwnerKind.BODY, data.body, marking, sorted(readers), observers)
    draft_id = w.conn.execute(insert(t.draft).values(
        body_key=data.body, meeting_id=data.meeting_id, agenda_item_id=data.agenda_item_id,
        kind=data.kind, question=data.question, procedure=data.procedure,
        limited_format=False, title=data.title, title_ru=data.title_ru, current_version=1,
        status="open", deadline=data.deadline, signing_order=order,
        created_by=actor.username, created_at=at, revision=1,
        measures=sorted(m.value for m in data.measures), formations=data.formations,
        contributing_states=data.contributing_states, period_days=data.period_days,
        period_limited=data.period_limited,
        subject=data.subject.model_dump(mode="json") if data.subject else {},
        chair_state=chair, lifecycle=data.lifecycle.stored(),
        **access.classification_values(c)).returning(t.draft.c.id)).scalar_one()
    w.conn.execute(insert(t.draft_version).values(
        draft_id=draft_id, number=1, text_en=data.text_en, text_ru=data.text_ru,
        created_by=actor.username, created_at=at))
    w.audit("draft.propose", "draft", draft_id, {
        "body": data.body, "title": data.title,
        **({"title_ru": data.title_ru} if data.title_ru else {}), "procedure": data.procedure,
        "kind": data.kind, "question": data.question, "signing_list": order,
        "chair": chair, "session": data.meeting_id, **access.classification_values(c),
        # the deadline (UTC), and the day off it was kept on where confirmed
        "deadline": aware(data.deadline).isoformat() if data.deadline else None,
        **({"deadline_on_day_off": kept_off} if kept_off else {}),
        "measures": sorted(m.value for m in data.measures), "formations": data.formations,
        "contributing_states": data.contributing_states, "period_days": data.period_days,
        **({"period_limited": True} if data.period_limited else {}),
        **({"lifecycle": data.lifecycle.stored()} if data.lifecycle.stored() else {})})
    if data.meeting_id is not None:
        w.emit(f"session:{data.meeting_id}", "draft", classification=c, id=draft_id)
    if data.crisis_id is not None:  # in the crisis's file (a lazy import: crises use drafts)
        from phalanx.services.crisis_drafts import tie_in
        tie_in(w, data.crisis_id, draft_id)
    return int(draft_id)


def revise_draft(db: Database, draft_id: int, text_en: str, text_ru: str = "", *,
                 actor: Principal) -> DraftOut:
    """A new version by the Secretariat, e.g. of a draft returned for revision."""
    _require_staff(actor, "revise a draft")
    _require_text(text_en, text_ru)
    with db.write(actor) as w:
        row = _draft_row(w.conn, draft_id, actor, lock=True)
        if row.status == "adopted":
            raise Conflict(f"draft {draft_id} is adopted")
        if row.procedure in ("written", "silence"):
            if aware(row.deadline) <= now():
                raise Conflict(f"the {row.procedure} procedure's deadline has passed "
                               f"({aware(row.deadline):%Y-%m-%d %H:%M} UTC): circulate the "
                               "text again as a new draft")
            # a new text is a new round of signatures, or of silence: the answers to the
            # text before are cleared, and named in the entry
            s = t.signature.c
            cleared = [{"state": a.state_code, "answer": a.answer} for a in w.conn.execute(
                select(s.state_code, s.answer).where(s.draft_id == draft_id).order_by(s.id))]
            w.conn.execute(delete(t.signature).where(s.draft_id == draft_id))
        else:
            cleared = []
        _new_version(w, row, text_en, text_ru, None)
        w.conn.execute(update(t.draft).where(t.draft.c.id == draft_id)
                       .values(status="open", outcome=None, outcome_reason=None,
                               closed_at=None))
        w.audit("draft.revise", "draft", draft_id, {
            "version": row.current_version + 1,
            **({"answers_cleared": cleared} if cleared else {})})
        w.emit(f"draft:{draft_id}", "version", classification=access.classification_of(row),
               number=row.current_version + 1)
        return _draft(w.conn, draft_id, actor)


def _refuse_circulating(w: Write, data: DraftIn) -> None:
    """A draft circulated again with the title, text and deadline of one still open under
    the same procedure (a command run twice, a form sent twice) would have every member
    sign or keep silence twice over one question: the second is refused, naming the
    first. Changed in anything, it is another draft. An exercise's draft (framed in its
    session) repeats only one framed in that session, and a real one only a real one: an
    exercise rehearsing a real question never stands in the way of the real draft, nor
    is a real draft named inside an exercise (or one exercise's inside another)."""
    d, v, m = t.draft.c, t.draft_version.c, t.meeting.c
    played = access.select_visible(t.meeting, SYSTEM, m.id).where(m.exercise.is_(True))
    if data.meeting_id is not None and w.conn.execute(
            played.where(m.id == data.meeting_id)).first() is not None:
        world = d.meeting_id == data.meeting_id
    else:
        world = or_(d.meeting_id.is_(None), d.meeting_id.not_in(played))
    # only a draft the author may read is named (another's number is not given away)
    same = w.conn.execute(access.select_visible(t.draft, w.actor, d.id, d.deadline).join(
        t.draft_version, (v.draft_id == d.id) & (v.number == d.current_version)).where(
        world, d.status == "open", d.body_key == data.body, d.procedure == data.procedure,
        d.title == data.title, d.question == data.question,
        v.text_en == data.text_en, v.text_ru == data.text_ru))
    for row in same:
        if data.deadline is not None and row.deadline is not None \
                and aware(row.deadline) == aware(data.deadline):
            raise Conflict(f"draft {row.id} circulates already with this title, text and "
                           "deadline")

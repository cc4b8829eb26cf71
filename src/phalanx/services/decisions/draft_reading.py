"""Reading a draft: its versions and amendments, each member's stance and the preview of
the outcome, its answers under the written procedure, in silence or by consultation, and
the life it states, as its reader may read them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import Marking
from phalanx.domain.access.principal import Principal
from phalanx.domain.decisions import procedure as proc
from phalanx.domain.decisions import silence as sil
from phalanx.domain.decisions.consensus import (
    Position,
    RuleError,
    decide,
)
from phalanx.services import preconditions
from phalanx.services.clock import aware, now
from phalanx.services.decisions.common import (
    _aside,
    _draft_day,
    _draft_row,
    _limited_since,
    _org,
    _rule,
    _stances,
    taking_part,
)
from phalanx.services.decisions.procedures_read import (
    _consultation,
    _consultation_answers,
    _silence,
    _written,
)
from phalanx.services.decisions.schemas import (
    AmendmentOut,
    Authorizes,
    ConsultationAnswerOut,
    DraftOut,
    SignatureOut,
    StanceOut,
    VersionOut,
    _outcome,
)
from phalanx.services.decisions.terms import LifecycleIn


def _draft(conn: Connection, draft_id: int, actor: Principal) -> DraftOut:
    row = _draft_row(conn, draft_id, actor)
    org = _org(conn)
    versions = [VersionOut(number=v.number, text_en=v.text_en, text_ru=v.text_ru,
                           amendment_id=v.amendment_id, created_by=v.created_by,
                           created_at=aware(v.created_at))
                for v in conn.execute(select(t.draft_version).where(
                    t.draft_version.c.draft_id == draft_id).order_by(t.draft_version.c.number))]
    by_number = {v.number: v for v in versions}
    amendments = []
    for a in conn.execute(select(t.amendment).where(t.amendment.c.draft_id == draft_id)
                          .order_by(t.amendment.c.id)):
        base = by_number.get(a.against_version)
        # the changes in each language the amendment gives a text in
        diff = "".join(
            proc.diff(old, new, f"version {a.against_version} ({lang})",
                      f"amendment {a.id} ({a.state_code}, {lang})")
            for lang, old, new in (("en", base.text_en if base else "", a.text_en),
                                   ("ru", base.text_ru if base else "", a.text_ru))
            if new)
        amendments.append(AmendmentOut(
            id=a.id, against_version=a.against_version, state=a.state_code, text_en=a.text_en,
            text_ru=a.text_ru, note=a.note, status=a.status, diff=diff,
            created_by=a.created_by, created_at=aware(a.created_at)))
    positions = {p.state_code: p for p in conn.execute(
        select(t.position).where(t.position.c.draft_id == draft_id))}
    stances = _stances(conn, org, row)
    stance_out = []
    for s in stances:
        p = positions.get(s.state)
        stance_out.append(StanceOut(
            state=s.state, present=s.present, position=s.position,
            statement=p.statement if p is not None and s.position is not Position.NOT_STATED
            else "", stated_by=p.stated_by if p is not None else None,
            stated_at=aware(p.stated_at) if p is not None else None,
            on_version=p.version_number if p is not None else None, standing=s.standing,
            version=preconditions.version_of(p.stated_at) if p is not None else None))
    preview = None
    day = _draft_day(conn, row)
    if row.procedure == "session":
        try:
            preview = _outcome(decide(stances, _rule(org, row, day)))
        except RuleError:
            preview = None
    signed: list[str] = []
    answers: list[SignatureOut] = []
    written_status = turn = None
    if row.procedure == "written":
        wp = _written(conn, row)
        signed = list(wp.signed)
        answers = _answers(conn, row.id, [(a.state, a.answer.value, a.reservation)
                                          for a in wp.answers])
        written_status = wp.status(now()).value
        if row.status == "open" and written_status == "circulating":
            turn = wp.next_signatory()
    if row.procedure == "silence":
        sp = _silence(conn, row)
        signed, written_status = list(sp.silent), sp.status(now()).value
        answers = _answers(conn, row.id, [(b.state, sil.BREAK, b.text) for b in sp.breaks])
    consultation: list[ConsultationAnswerOut] = []
    not_reached: list[str] = []
    if row.procedure == "consultation":
        consultation = _consultation_answers(conn, row.id)
        not_reached = list(_consultation(conn, row).missing)
    if not access.reads_position(actor):
        # each member's stance and statement, signature and reservation, answer in a
        # consultation is its position (`access.position_within`): an observer and the
        # public read the draft, its text and its outcome, not who said what
        def reads(state: str) -> bool:
            return access.reads_position(actor, state)

        stance_out = [s for s in stance_out if reads(s.state)]
        answers = [a for a in answers if reads(a.state)]
        consultation = [a for a in consultation if reads(a.state)]
        signed = [s for s in signed if reads(s)]
        preview, not_reached, turn = None, [], None
    decision = conn.execute(access.select_visible(t.decision, actor, t.decision.c.id)
                            .where(t.decision.c.draft_id == draft_id)).first()
    return DraftOut(
        id=row.id, body=row.body_key, meeting_id=row.meeting_id,
        agenda_item_id=row.agenda_item_id, kind=row.kind,
        question=row.question, procedure=row.procedure, limited_format=row.limited_format,
        title=row.title, title_ru=row.title_ru, current_version=row.current_version,
        status=row.status,
        outcome=row.outcome, outcome_reason=row.outcome_reason,
        deadline=aware(row.deadline) if row.deadline else None,
        signing_order=list(row.signing_order), signed=signed, answers=answers,
        written_status=written_status, turn=turn, revision=row.revision,
        chair=row.chair_state, consultation=consultation, not_reached=not_reached,
        aside=list(_aside(org, row, day, taking_part(conn, row.meeting_id)))
        if row.status == "open" else [],
        limited_format_open=row.procedure == "session" and not proc.limited_format_problems(
            org.bodies[row.body_key].rules, row.question, day, _limited_since(org, row.body_key)),
        authorizes=Authorizes(measures=list(row.measures), formations=list(row.formations),
                              contributing_states=list(row.contributing_states),
                              period_days=row.period_days,
                              period_limited=row.period_limited),
        marking=Marking(row.marking), on_date=day, versions=versions,
        amendments=amendments, stances=stance_out, preview=preview,
        decision_id=decision.id if decision else None,
        lifecycle=_life(conn, row, actor))


def _life(conn: Connection, row: Any, actor: Principal) -> LifecycleIn:
    """The life a draft states, as its reader may read it: the decision it modifies named
    by its id only to those who may read that decision (`access.readable_ids`)."""
    life = LifecycleIn.model_validate(row.lifecycle or {})
    if life.target is not None and life.target not in access.readable_ids(
            conn, actor, t.decision, [life.target]):
        return life.model_copy(update={"target": None})
    return life


def _answers(conn: Connection, draft_id: int,
             given: list[tuple[str, str, str]]) -> list[SignatureOut]:
    """The answers of a draft for signature or under silence (state, answer, its text),
    each with who gave and transmitted it, and when."""
    rows = {s.state_code: s for s in conn.execute(
        select(t.signature).where(t.signature.c.draft_id == draft_id))}
    return [SignatureOut(state=s, answer=a, reservation=text, given_by=rows[s].given_by,
                         transmitted_by=rows[s].signed_by, signed_at=rows[s].signed_at)
            for s, a, text in given]


def get_draft(conn: Connection, draft_id: int, *, actor: Principal) -> DraftOut:
    return _draft(conn, draft_id, actor)



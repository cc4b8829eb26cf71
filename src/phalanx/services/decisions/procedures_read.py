"""The procedures of a draft decided outside a session as they stand when read: the
written procedure (who still signs, the signatures given, its deadline), the silence
procedure (who may still break it, the breaks received) and the consultation of the heads
of state (the chair, the answers recorded); a member that lost its say since the draft
circulated is no longer awaited, on the day read or the deadline's once it has passed."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from phalanx.adapters.db import tables as t
from phalanx.domain import membership
from phalanx.domain.decisions import consultation as consult
from phalanx.domain.decisions import procedure as proc
from phalanx.domain.decisions import silence as sil
from phalanx.domain.decisions.consensus import Position, Standing
from phalanx.domain.organization import Organization
from phalanx.services.clock import aware, now
from phalanx.services.clock import day as clock_day
from phalanx.services.decisions.common import (
    _aside,
    _draft_day,
    _org,
    taking_part,
    without_vote,
)


def _written(conn: Connection, row: Any) -> proc.WrittenProcedure:
    answers = [proc.Signature(s.state_code, proc.Answer(s.answer), s.reservation)
               for s in conn.execute(select(t.signature).where(t.signature.c.draft_id == row.id)
                                     .order_by(t.signature.c.signed_at, t.signature.c.id))]
    org = _org(conn)
    concerned = without_vote(org, row.body_key, row.question, row.subject)
    order = tuple(s for s in row.signing_order if s not in concerned)
    aside = _aside(org, row, _draft_day(conn, row))
    if row.status == "open":
        # a member that lost its say since the draft circulated (left, suspended, not
        # taking part) is no longer awaited and signs no more (`procedure.still_signing`),
        # on the day read, or on the deadline's once it has passed
        day = clock_day(org, min(now(), aware(row.deadline)))
        order = proc.still_signing(order, {s: _member_standing(org, s, day) for s in order},
                                   bool(org.settings.get("written_procedure_in_arrears_sign",
                                                         False)))
        aside = tuple(dict.fromkeys((*aside, *_aside(org, row, day))))
    return proc.WrittenProcedure(order, tuple(answers), aware(row.deadline), aside)


def _silence(conn: Connection, row: Any) -> sil.SilenceProcedure:
    """The draft's silence procedure as it stands: the members that may still break
    silence (the list fixed when it circulated, less those that lost their say since, on
    the day read or the deadline's once it passed), the breaks received, the deadline."""
    org = _org(conn)
    deadline = aware(row.deadline)
    concerned = without_vote(org, row.body_key, row.question, row.subject)
    members = tuple(s for s in row.signing_order if s not in concerned)
    aside = _aside(org, row, _draft_day(conn, row))
    if row.status == "open":
        day = clock_day(org, min(now(), deadline))
        # members in arrears keep their say here where they sign a written procedure
        members = proc.still_signing(members, {s: _member_standing(org, s, day)
                                               for s in members}, bool(org.settings.get(
                                                   "written_procedure_in_arrears_sign",
                                                   False)))
        aside = tuple(dict.fromkeys((*aside, *_aside(org, row, day))))
    breaks = tuple(sil.Break(s.state_code, aware(s.signed_at), s.reservation)
                   for s in conn.execute(select(t.signature).where(
                       t.signature.c.draft_id == row.id, t.signature.c.answer == sil.BREAK)
                       .order_by(t.signature.c.signed_at, t.signature.c.id)))
    return sil.SilenceProcedure(members, breaks, deadline, aside)


def _member_standing(org: Organization, state: str, day: date) -> Standing | None:
    """A state's standing on `day`, None where it is no member that day."""
    try:
        return membership.standing_on(org, state, day)
    except ValueError:
        return None


def _consultation_answers(conn: Connection, draft_id: int) -> list[Any]:
    from phalanx.services.decisions.schemas import ConsultationAnswerOut

    return [ConsultationAnswerOut(
        state=a.state_code, position=Position(a.position), given_at=aware(a.given_at),
        channel=consult.Channel(a.channel), given_by=a.given_by, note=a.note,
        recorded_by=a.recorded_by)
        for a in conn.execute(select(t.consultation_answer).where(
            t.consultation_answer.c.draft_id == draft_id)
            .order_by(t.consultation_answer.c.recorded_at, t.consultation_answer.c.id))]


def _consultation(conn: Connection, row: Any) -> consult.Consultation:
    answers = [consult.Answer(a.state, a.position, a.given_at, a.channel, a.given_by)
               for a in _consultation_answers(conn, row.id)]
    return consult.Consultation(row.chair_state or "", tuple(row.signing_order),
                                tuple(answers), aware(row.created_at),
                                _aside(_org(conn), row, _draft_day(conn, row),
                                       taking_part(conn, row.meeting_id)))

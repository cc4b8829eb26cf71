"""Reading crises: the crisis room, the board, the situation report, the moves the
algorithm allows now."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, String, cast, func, or_, select

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain import calendar
from phalanx.domain.access.policy import (
    Marking,
)
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.crisis import authority, clocks, parties
from phalanx.domain.crisis.workflow import (
    FINAL,
    Measure,
    Situation,
    Stage,
    next_stages,
    refusals,
)
from phalanx.domain.organization import Organization
from phalanx.services import crisis_card, crisis_drafts, crisis_obligations, offered_units
from phalanx.services import organization as orgs
from phalanx.services.clock import aware, now
from phalanx.services.crises.common import (
    _attachments,
    _category,
    _first_offers,
    _histories,
    _history,
    _minutes,
    _requests,
    _row,
    _situation_at,
    dispute_of,
    mandate_of,
)
from phalanx.services.crises.record import members_in_dispute
from phalanx.services.crises.schemas import (
    CrisisDraftOut,
    CrisisOut,
    EventOut,
    MandateOut,
    ScorecardOut,
    SitrepOut,
    StageClockOut,
    _states,
)
from phalanx.services.crisis_requests import as_domain, requests_of
from phalanx.services.texts import ENGLISH, Texts


def _out(conn: Connection, row: Any, at: datetime, detail: bool = False,
         actor: Principal = SYSTEM,
         prefetched: tuple[list[tuple[Stage, datetime]], datetime | None] | None = None,
         org: Organization | None = None) -> CrisisOut:
    org = org or orgs.organization(conn)
    cat = _category(org, row.category)
    if prefetched is not None:
        history, first_offer = prefetched
    else:
        history = _history(conn, row.id)
        first_offer = _first_offers(conn, [row.id]).get(row.id)
    cl = clocks.stage_clocks(history, cat.targets, at)
    current = cl[-1] if cl else None
    card = clocks.scorecard(history, aware(first_offer) if first_offer else None)
    out = CrisisOut(
        id=row.id, title=row.title, category=row.category, category_name=cat.name_en,
        category_name_ru=cat.name_ru, basis=cat.basis, obligation=cat.obligation,
        basis_ru=cat.basis_ru, obligation_ru=cat.obligation_ru,
        stage=Stage(row.stage), severity=row.severity, affected=_states(row.affected),
        other_parties=_states(row.other_parties),
        members_in_dispute=members_in_dispute(org, row),
        off_territory=crisis_obligations.off_territory(row),
        place=row.place, lat=row.lat, lon=row.lon, description=row.description,
        reported_at=aware(row.reported_at), origin=row.origin,
        cap_identifier=row.cap_identifier, exercise=row.exercise, measures=list(row.measures),
        eligible_measures=parties.offered_measures(
            (m.value for m in cat.measures), dispute_of(org, row)), convene=list(cat.convene),
        session_id=row.session_id,
        decision_id=row.decision_id if row.decision_id is None or actor.role is Role.SYSTEM
        or conn.execute(_visible_decisions(actor).where(
            t.decision.c.id == row.decision_id)).first() else None,
        authorizes=list(row.authorizes), closing_reason=row.closing_reason, review=row.review,
        revision=row.revision, marking=Marking(row.marking),
        next_stages=next_stages(Stage(row.stage)),
        overdue=bool(current and current.overdue),
        overdue_minutes=_minutes(current.overdue_by) or 0.0 if current else 0.0,
        scorecard=ScorecardOut(
            to_consultations_minutes=_minutes(card.to_consultations),
            to_decision_minutes=_minutes(card.to_decision),
            to_first_offer_minutes=_minutes(card.to_first_offer),
            to_first_deployment_minutes=_minutes(card.to_first_deployment)))
    if detail:
        out.clocks = [StageClockOut(
            stage=c.stage, entered=c.entered, left=c.left,
            elapsed_minutes=_minutes(c.elapsed) or 0.0, target_minutes=_minutes(c.target),
            overdue=c.overdue, overdue_minutes=_minutes(c.overdue_by) or 0.0) for c in cl]
        # an offer or a member's answer names units by their keys: those the reader may
        # not see, by none
        hidden = offered_units.hidden(conn, actor)
        # an entry naming a decision obeys the decision's marking (the access layer)
        out.timeline = [EventOut(at=aware(e.at), kind=e.kind, stage=e.stage, actor=e.actor,
                                 text=offered_units.masked(e.text, hidden)
                                 if e.kind in ("offer", "consent") else e.text)
                        for e in conn.execute(access.select_timeline(actor, row.id))]
        # every draft about it the reader may read, adopted or not, and its outcome
        out.drafts = crisis_drafts.drafts_of(conn, row, actor)
        out.timeline = sorted([*out.timeline, *crisis_drafts.timeline(out.drafts)],
                              key=lambda e: e.at)
        out.requests = _requests(conn, row.id, at, actor)
        out.official_requests = requests_of(conn, row.id, actor)
        if out.decision_id is not None:  # the decision's marking: read only by its readers
            out.not_granted = authority.not_granted(
                as_domain(out.official_requests), out.affected,
                {Measure(m) for m in out.authorizes}, at)
        the_org = org or orgs.organization(conn)
        out.obligations = crisis_obligations.lines(conn, the_org, row, at, actor)
        out.un_notice = crisis_obligations.notice(conn, the_org, row.id, at)
        out.response_card = crisis_card.response_card(
            conn, the_org, row, history,
            out.official_requests[0].at if out.official_requests else None,
            out.un_notice.sent_at if out.un_notice else None,
            crisis_obligations.collective_defence(conn, the_org, row), at,
            out.un_notice.due_at if out.un_notice else None)
        mandate = mandate_of(conn, row, actor)
        if mandate is not None and (mandate.ends_at is not None or mandate.limited):
            out.mandate = MandateOut(
                decision=mandate.number, period_days=mandate.period_days,
                limited=mandate.limited,
                ended_by=mandate.stop if mandate.by_register else None,  # type: ignore[arg-type]
                adopted_at=mandate.adopted, ends_at=mandate.ends_at,
                expired=mandate.expired(at))
        out.sessions = [r.meeting_id for r in conn.execute(
            select(t.crisis_session.c.meeting_id).where(t.crisis_session.c.crisis_id == row.id)
            .order_by(t.crisis_session.c.convened_at, t.crisis_session.c.meeting_id))]
        out.sitreps = [SitrepOut(id=s.id, at=aware(s.at), author=s.author, state=s.state_code,
                                 situation=s.situation, casualties=s.casualties,
                                 measures=s.measures, needs=s.needs,
                                 attachments=_attachments(conn, list(s.document_ids), actor))
                       for s in conn.execute(select(t.sitrep).where(
                           t.sitrep.c.crisis_id == row.id).order_by(t.sitrep.c.at))]
    return out


def _visible_decisions(actor: Principal) -> Any:
    """The ids of the decisions `actor` may read (a subquery)."""
    return access.select_visible(t.decision, actor, t.decision.c.id)


def get(conn: Connection, crisis_id: int, *, actor: Principal,
        at: datetime | None = None) -> CrisisOut:
    return _out(conn, _row(conn, crisis_id, actor), at or now(), detail=True, actor=actor)


@dataclass(frozen=True)
class BoardFilter:
    """What the board is narrowed to: a state, affected or named by the report as the
    other party (each member of a dispute between members reads the crises it reports and
    those naming it), the year a crisis was reported in, its stage (a closing stage shows
    the closed ones without asking); the crises changed after a cursor (`change_cursor`:
    the ended ones too, without asking)."""

    state: str | None = None
    year: int | None = None
    stage: Stage | None = None
    changed_after: int | None = None
    # the working time zone whose year `year` is (`domain/calendar.py`; the board sets it)
    zone: str | None = None

    def where(self, stmt: Any) -> Any:
        if self.state:
            packed = f",{self.state},"
            stmt = stmt.where(or_(t.crisis.c.affected.contains(packed),
                                  t.crisis.c.other_parties.contains(packed)))
        if self.year:
            start, end = calendar.year_span(self.year, self.zone)
            stmt = stmt.where(t.crisis.c.reported_at >= start, t.crisis.c.reported_at < end)
        if self.stage:
            stmt = stmt.where(t.crisis.c.stage == self.stage.value)
        if self.changed_after is not None:
            stmt = stmt.where(cast(t.crisis.c.id, String).in_(_changed(self.changed_after)))
        return stmt

    def closed_too(self) -> bool:
        return self.changed_after is not None or (self.stage is not None
                                                  and self.stage in FINAL)


def _changed(after: int) -> Any:
    """The crises (ids as the audit trail writes them) with an entry after `after`."""
    a = t.audit_log.c
    return select(a.target_id).where(a.target_kind == "crisis", a.id > after)


def change_cursor(conn: Connection, *, actor: Principal) -> int:
    """Where the changes of the crises `actor` may read stand now: the last audit entry
    about one of them (0: none). Every change of a crisis writes an entry about it; the
    entries join the trail one writer at a time, in the order they commit, so a change
    committed later always comes after the cursor. Read it before the crises it goes
    with (`BoardFilter.changed_after`)."""
    a = t.audit_log.c
    visible = access.select_visible(t.crisis, actor, cast(t.crisis.c.id, String))
    return int(conn.execute(select(func.coalesce(func.max(a.id), 0)).where(
        a.target_kind == "crisis", a.target_id.in_(visible))).scalar_one())


def _board_rows(actor: Principal, exercise: bool | None, where: BoardFilter,
                final: bool) -> Any:
    stmt = where.where(access.select_visible(t.crisis, actor))
    if exercise is not None:
        stmt = stmt.where(t.crisis.c.exercise.is_(exercise))
    finals = [s.value for s in FINAL]
    return stmt.where(t.crisis.c.stage.in_(finals) if final else
                      t.crisis.c.stage.not_in(finals))


def board(conn: Connection, *, actor: Principal, at: datetime | None = None,
          include_closed: bool = False, exercise: bool | None = None,
          where: BoardFilter | None = None, limit: int | None = None,
          offset: int = 0) -> list[CrisisOut]:
    """Open crises, most urgent first: by severity, then by how overdue they are; with
    `include_closed`, the ended ones after them, the latest reported first. `limit` and
    `offset` take a page of that order (the ended ones are paged in the database)."""
    at = at or now()
    where = replace(where or BoardFilter(), zone=orgs.working_zone(conn))
    include_closed = include_closed or where.closed_too()
    rows = [] if where.stage in FINAL else list(conn.execute(
        _board_rows(actor, exercise, where, False)))
    org = orgs.organization(conn)  # once for the board, not once a crisis
    items = sorted(_outs(conn, rows, at, org, actor), key=lambda c: clocks.urgency(
        c.severity, timedelta(minutes=c.overdue_minutes)))
    end = None if limit is None else offset + limit
    items = items[offset:end]
    if include_closed and (end is None or end > offset + len(items)):
        stmt = _board_rows(actor, exercise, where, True).order_by(
            t.crisis.c.reported_at.desc(), t.crisis.c.id.desc()).offset(
            max(0, offset - len(rows)))
        if limit is not None:
            stmt = stmt.limit(limit - len(items))
        items += _outs(conn, list(conn.execute(stmt)), at, org, actor)
    return items


def board_total(conn: Connection, *, actor: Principal, include_closed: bool = False,
                exercise: bool | None = None, where: BoardFilter | None = None) -> int:
    """How many crises the board holds, all its pages together."""
    where = replace(where or BoardFilter(), zone=orgs.working_zone(conn))
    include_closed = include_closed or where.closed_too()
    n = 0
    for final in (False, True) if include_closed else (False,):
        stmt = _board_rows(actor, exercise, where, final)
        n += conn.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    return n


def _outs(conn: Connection, rows: list[Any], at: datetime, org: Organization,
          actor: Principal) -> list[CrisisOut]:
    ids = [r.id for r in rows]
    histories, offers = _histories(conn, ids), _first_offers(conn, ids)
    return [_out(conn, r, at, prefetched=(histories[r.id], offers.get(r.id)), org=org,
                 actor=actor) for r in rows]


def report_pdf(conn: Connection, crisis_id: int, *, actor: Principal,
               texts: Texts = ENGLISH) -> bytes:
    """A crisis's situation report as PDF, marked with its classification, in the
    reader's language (`texts`)."""
    from phalanx.adapters.exports import pdf

    _, label = texts.gettext, texts.label

    def num(value: float) -> str:  # minutes, whole or to the tenth
        return texts.number(value, None if float(value).is_integer() else 1)

    c = get(conn, crisis_id, actor=actor)
    card = c.scorecard.model_dump() if c.scorecard else {}
    data = orgs.organization(conn).text_in(texts.lang)  # the names in the entries
    # the registry units the entries name by key: by the names the reader may see
    names = {k: data(n) for k, n in offered_units.names(conn, None, actor).items()}
    if texts.lang != ENGLISH.lang:  # the drafts' titles in the timeline, as the room writes them
        names.update({f"title:{x.title}": x.title_ru for x in c.drafts if x.title_ru})

    sections = [
        pdf.Section(_("Situation"), [
            c.description or "—",
            _("Category: %(category)s.",
              category=texts.either(c.category_name, c.category_name_ru))
            + " " + _("Basis: %(basis)s.", basis=texts.either(c.basis, c.basis_ru)),
            _("Obligation: %(obligation)s.",
              obligation=texts.either(c.obligation, c.obligation_ru)),
            *([_("The place reported lies outside the territory of %(states)s: aggression "
                 "there is not aggression against a member, so no member owes assistance "
                 "under the collective-defence article and no notice to the UN Security "
                 "Council opens; the members consult.", states=", ".join(c.affected))]
              if c.off_territory else []),
            *([_("Asked for and not given by the decision on the crisis") + ": "
               + ", ".join(label("measure", m) for m in c.not_granted)]
              if c.not_granted else [])]),
        pdf.Section(_("Stages and clocks"), table=[
            [_("Stage"), _("Entered"), _("Minutes"), _("Target"), _("Overdue")]] + [
            [label("stage", k.stage), texts.moment(k.entered), num(k.elapsed_minutes),
             "—" if k.target_minutes is None else num(k.target_minutes),
             num(k.overdue_minutes) if k.overdue else ""] for k in c.clocks]),
        pdf.Section(_("Response scorecard (minutes)"), table=[[_("Measure"), _("Minutes")]] + [
            [label("scorecard", k.replace("_minutes", "")), "—" if v is None else num(v)]
            for k, v in card.items()]),
        pdf.Section(_("Response card (hours from the official request, else the report; "
                      "consultations from the report)"),
                    table=[[_("Measure"), _("Hours"), _("Target"), _("Verdict")]] + [
            [label("card", m.measure),
             "—" if m.elapsed_minutes is None else texts.number(m.elapsed_minutes / 60, 1),
             "—" if m.target_minutes is None else texts.number(m.target_minutes / 60, 1),
             label("verdict", m.verdict.replace(" ", "_"))]
            for m in c.response_card]),
        pdf.Section(_("Requests, offers and gaps"), table=[
            [_("From"), _("Need"), _("Quantity"), _("Covered"), _("Gap"), _("Status")]] + [
            [r.state, r.resource, f"{r.quantity} {r.unit}", str(r.covered), str(r.gap),
             label("request_status", r.status)] for r in c.requests]),
        pdf.Section(_("Drafts and decisions on this crisis"), table=[
            [_("Draft"), _("Procedure"), _("Tabled"), _("Outcome")]] + [
            [f"{x.id} · {texts.either(x.title, x.title_ru)}", label("procedure", x.procedure),
             texts.moment(x.tabled_at), _draft_fate(x, texts)] for x in c.drafts])
        if c.drafts else pdf.Section(_("Drafts and decisions on this crisis"), [
            _("No draft about this crisis is on record.")]),
        pdf.Section(_("Situation reports"), [
            " ".join(part for part in (
                f"{texts.moment(s.at)} {s.state or s.author}: {s.situation}",
                _("Casualties: %(text)s", text=s.casualties) if s.casualties else "",
                _("Needs: %(text)s", text=s.needs) if s.needs else "") if part)
            for s in c.sitreps] or ["—"]),
        pdf.Section(_("Timeline"), [
            f"{texts.moment(e.at)} {label('event', e.kind)}: "
            + _entry(e, texts, data, names) for e in c.timeline]),
    ]
    if c.mandate:  # after the response card
        m = c.mandate
        sections.insert(4, pdf.Section(_("Mandate"), [" · ".join((
            m.decision or _("the decision"),
            *([_("Period (days): %(days)s", days=m.period_days)] if m.period_days else []),
            *([_("For a limited period")] if m.limited else []),
            _("ends %(moment)s", moment=f"{texts.moment(m.ends_at)} UTC") if m.ends_at
            else _("ends when the official requests it answers are withdrawn"),
            *([label("mandate_end", m.ended_by)] if m.ended_by else []),
            label("mandate", "expired" if m.expired else "in_force")))]))
    if c.review:
        sections.append(pdf.Section(_("After-action review"), [c.review]))
    return pdf.render(pdf.PdfDocument(
        title=_("Situation report · crisis %(id)s: %(title)s", id=c.id, title=c.title),
        subtitle=f"{', '.join(c.affected)} · {c.place} · "
                 + _("stage %(stage)s", stage=label("stage", c.stage)),
        marking=label("marking", c.marking), exercise=c.exercise,
        exercise_label=_("EXERCISE"), sections=sections))


def _entry(e: Any, texts: Texts, data: Any, names: dict[str, str]) -> str:
    """A timeline entry's text in the reader's language: a stage entered by the stage's
    name (and what was said with it), as the crisis room writes it."""
    if e.kind == "stage" and e.stage:
        rest = e.text.removeprefix(f"{e.stage}: ") if e.text != e.stage else ""
        said = rest if e.as_written else texts.message(rest, data, names)
        return texts.label("stage", e.stage) + (f": {said}" if rest else "")
    return e.text if e.as_written else texts.message(e.text, data, names)


def _draft_fate(x: CrisisDraftOut, texts: Texts) -> str:
    """A draft's fate in the crisis's record: pending, adopted with its number, or its
    status, when, and why."""
    _ = texts.gettext
    if x.status == "open":
        return _("pending")
    fate = _("adopted as decision %(number)s", number=x.decision_number) \
        if x.decision_number else texts.label("draft_status", x.status)
    when = f" · {texts.moment(x.decided_at)}" if x.decided_at else ""
    why = f" — {texts.message(x.outcome_reason)}" if x.outcome_reason and not \
        x.decision_number else ""
    return fate + when + why


def stage_options(conn: Connection, crisis_id: int, *, actor: Principal
                  ) -> list[tuple[Stage, list[str]]]:
    """Each stage the crisis may go to next, with what the algorithm says stands in the
    way now (empty: the move is allowed; a reason or a review still to be written does
    not count, the form asks for them)."""
    row = _row(conn, crisis_id, actor)
    org = orgs.organization(conn)
    situation = _situation_at(conn, org, row, _category(org, row.category), actor=actor)
    situation = Situation(**{**situation.__dict__, "review": situation.review or "-"})
    return [(s, refusals(situation, s, "-")) for s in next_stages(Stage(row.stage))]

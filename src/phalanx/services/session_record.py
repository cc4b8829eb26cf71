"""A session's record as PDF: the session (body, kind, mode, time, place), who attended
and who represented a state, the agenda, and each draft with the version judged, its
outcome, the members' positions (objections and those who stayed out by name) and the
decision registered. A session not yet closed gives a provisional record, and says so."""

from __future__ import annotations

from sqlalchemy import Connection

from phalanx.adapters.exports import pdf
from phalanx.domain.access.principal import Principal
from phalanx.domain.decisions.consensus import Position
from phalanx.domain.languages import title_in
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.texts import ENGLISH, Texts


def record_pdf(conn: Connection, session_id: int, *, actor: Principal,
               texts: Texts = ENGLISH) -> bytes:
    """The session's record in the reader's language (`texts`); the drafts' texts are
    not repeated (each decision has its own PDF), only their titles and outcomes."""
    _, label = texts.gettext, texts.label
    m = dec.get_meeting(conn, session_id, actor=actor)
    org = orgs.organization(conn)

    def named(codes: list[str]) -> str:
        return ", ".join(org.states[c].name.get(texts.lang) if c in org.states else c
                         for c in codes) or "—"

    opens = m.opens_at
    facts = [
        _("Body: %(body)s", body=org.bodies[m.body].name.get(texts.lang)
          if m.body in org.bodies else m.body),
        _("Kind: %(kind)s; format: %(mode)s", kind=label("session_kind", m.kind),
          mode=label("session_mode", m.mode)),
        _("Opened: %(day)s, %(time)s UTC", day=texts.day(opens.date()),
          time=f"{opens:%H:%M}"),
    ]
    if m.place:
        facts.append(_("Place: %(place)s", place=m.place))
    if m.link:
        facts.append(_("Link: %(link)s", link=m.link))
    if m.status != "closed":
        facts.append(_("The session is %(status)s: this record is provisional.",
                       status=label("session_status", m.status)))
    sections = [pdf.Section(_("Session"), facts)]
    sections.append(pdf.Section(_("Attendance"), table=[
        [_("State"), _("Attendance"), _("Represented by")]] + [
        [named([a.state]), _("present") if a.present else _("absent"),
         a.note if a.present else ""] for a in m.attendance]))
    if m.agenda:
        sections.append(pdf.Section(_("Agenda"), [f"{a.position}. {a.title}"
                                                  for a in m.agenda]))
    for n, draft_id in enumerate(m.drafts, 1):
        d = dec.get_draft(conn, draft_id, actor=actor)
        lines = [_("Version %(number)s", number=d.current_version) + " · "
                 + label("draft_status", d.status)]
        if d.outcome_reason:
            lines.append(texts.message(d.outcome_reason))
        if d.decision_id is not None:
            decision = dec.get_decision(conn, d.decision_id, actor=actor)
            lines.append(_("Decision %(number)s, adopted %(day)s; binding on: %(states)s",
                           number=decision.number, day=texts.day(decision.adopted_on),
                           states=named(decision.binding)))
        objecting = [s for s in d.stances if s.position is Position.OBJECT]
        for s in objecting:
            lines.append(_("%(state)s objects: %(statement)s", state=named([s.state]),
                           statement=s.statement or "—"))
        aside = [s.state for s in d.stances if s.position is Position.NOT_TAKING_PART]
        if aside:
            lines.append(_("Stayed out of the decision (limited format): %(states)s",
                           states=named(aside)))
        sections.append(pdf.Section(f"{n}. {title_in(d, texts.lang)}", lines, table=[
            [_("State"), _("Position"), _("Statement")]] + [
            [named([s.state]), label("position", s.position), s.statement]
            for s in d.stances]))
    return pdf.render(pdf.PdfDocument(
        title=_("Record of the session"), subtitle=texts.message(m.title,
                                                               org.text_in(texts.lang)),
        marking=label("marking", m.marking), exercise=m.exercise,
        exercise_label=_("EXERCISE"), sections=sections))

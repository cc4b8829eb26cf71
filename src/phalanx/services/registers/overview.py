"""The Secretariat's view of every register ("where do we stand"), and the annual report
that assembles the registers with the year's decisions, crises and operations. Every
figure is computed through the reader's access filter, so a state's report leaves out
the bilateral supplies it is not a party to."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection

from phalanx.adapters.exports import charts, pdf
from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.languages import title_in
from phalanx.domain.organization import Organization
from phalanx.services import clock, operation_years
from phalanx.services import decisions as dec
from phalanx.services import operations as ops
from phalanx.services import organization as orgs
from phalanx.services.crises import year as crisis_years
from phalanx.services.registers import exercises as ex
from phalanx.services.registers import external as ext
from phalanx.services.registers import parliament as pa
from phalanx.services.registers import supply as mtc
from phalanx.services.registers import training as tr
from phalanx.services.texts import ENGLISH, Texts


def marking_for(actor: Principal, texts: Texts = ENGLISH) -> str:
    """What a printed report carries: the widest marking its content may include, in the
    report's language."""
    _, label = texts.gettext, texts.label
    if actor.role is Role.OBSERVER:
        return f"{label('marking', 'PUBLIC')} · " + _("RELEASED TO OBSERVERS")
    organization = label("marking", "ORGANIZATION")
    if actor.role is Role.REPORTER and actor.state and actor.agency:
        # an agency's reporter reads its own agency's national records, no other of its
        # state's (`domain/access/policy.py`, `read_scope`)
        return f"{organization} · " + _(
            "includes PARTICIPANTS data and NATIONAL data of %(state)s's %(agency)s",
            state=actor.state, agency=label("agency", actor.agency))
    if actor.state:
        return f"{organization} · " + _("includes PARTICIPANTS and NATIONAL data of "
                                        "%(state)s", state=actor.state)
    return f"{organization} · " + _("includes PARTICIPANTS data")


class OverviewOut(BaseModel):
    parliament: dict[str, Any]
    mtc: dict[str, Any]
    training: dict[str, Any]
    exercises: dict[str, Any]
    external: dict[str, Any]


def overview(conn: Connection, *, actor: Principal, today: date | None = None) -> OverviewOut:
    today = today or orgs.today(conn)
    laws = pa.list_laws(conn, actor=actor)
    matrix = pa.matrix(conn, actor=actor)
    cells = [c for row in matrix.laws for c in row["cells"].values()]
    sup = mtc.list_supplies(conn, actor=actor)
    tot = mtc.totals(conn, actor=actor)
    use = tr.use_by_year(conn, actor=actor)
    latest = max((u.year for u in use), default=None)
    # a cancelled exercise stays in the calendar, marked so; it is no exercise held or to
    # come: the figures count none
    cal = [e for e in ex.calendar(conn, actor=actor) if e.cancelled_on is None]
    open_findings = ex.findings(conn, actor=actor, open_only=True)
    instruments = ext.instruments(conn, actor=actor)
    events = ext.events(conn, actor=actor)
    org = orgs.organization(conn)
    return OverviewOut(
        parliament={
            "laws": len(laws), "adopted": sum(1 for x in laws if x.adopted),
            "cells": len(cells), "transposed": cells.count("adopted"),
            "in_progress": cells.count("in_progress"), "declined": cells.count("declined"),
            "progress": matrix.progress,
            "observers": len(pa.section(org)["observer_parliaments"])},
        mtc={
            "supplies": len(sup),
            # amounts in the register's currency only: two currencies never add
            "agreed_value": round(sum(s.value for s in sup if s.currency == tot.currency), 3),
            "delivered_value": round(sum(s.delivered_value for s in sup
                                         if s.currency == tot.currency), 3),
            "other_currencies": tot.other_currencies,
            "open": sum(1 for s in sup if s.delivered_quantity < s.quantity),
            "years": [y.model_dump() for y in tot.years], "currency": tot.currency,
            "programmes": len(mtc.programmes(conn, actor=actor))},
        training={
            "year": latest, "years": [u.model_dump(mode="json") for u in use],
            **{k: sum(getattr(u, k) for u in use if u.year == latest)
               for k in ("offered", "allocated", "enrolled", "graduated")}},
        exercises={
            "count": len(cal), "upcoming": [e.key for e in cal if e.start >= today],
            "next": next((e.name for e in sorted(cal, key=lambda e: e.start)
                          if e.start >= today), None),
            "open_findings": len(open_findings),
            "overdue_findings": sum(1 for f in open_findings if f.overdue),
            "by_year": _count_by_year([e.start.year for e in cal])},
        external={
            "partners": len(ext.partners(org)), "instruments": len(instruments),
            "events": len(events),
            "statements": sum(1 for e in events if e.kind == "statement"),
            "by_kind": _count_by_year([i.kind for i in instruments])},
    )


SYMBOLS = {"adopted": "✓", "in_progress": "…", "declined": "✗", "not_started": "–"}


def _count_by_year(values: list[Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in sorted(values):
        out[str(v)] = out.get(str(v), 0) + 1
    return out


def _named(names: dict[str, Any], key: str, texts: Texts) -> str:
    """A record named by its key in the file (`{"en": ..., "ru": ...}`), in the report's
    language; a key the file does not name stays as it is."""
    name = names.get(key)
    return (name.get(texts.lang) or name.get("en") or key) if isinstance(name, dict) else key


def _marked(record: Any, name: str, texts: Texts, shown: list[bool]) -> str:
    """A row's name, saying "(illustrative)" where the file marks the record so (what the
    report's note explains); `shown` keeps whether the report says it of any row."""
    if not getattr(record, "illustrative", False):
        return name
    shown.append(True)
    return f"{name} ({texts.gettext('illustrative')})"


def _body(org: Organization, key: str, texts: Texts) -> str:
    body = org.bodies.get(key)
    return body.name.get(texts.lang) if body else key


def _closing_paragraphs(conn: Connection, year: int, texts: Texts) -> list[str]:
    """Whether the year's figures are closed, and since when."""
    closed = operation_years.closed_years(conn).get(year)
    if closed is None:
        return [texts.gettext("The figures of %(year)s are not closed: they may still "
                              "change.", year=year)]
    return [texts.gettext("The figures of %(year)s were closed by the Secretariat on "
                          "%(day)s; the changes since are listed below.", year=year,
                          day=texts.dated(clock.day(orgs.organization(conn),
                                                    closed.closed_at)))]


def _late_changes_table(conn: Connection, year: int, *, actor: Principal,
                        texts: Texts) -> pdf.Section | None:
    """The changes to the year's figures after it was closed (of the reports the reader
    may see), each with its reason: the figures above count them."""
    _, label = texts.gettext, texts.label
    if year not in operation_years.closed_years(conn):
        return None
    changes = operation_years.late_changes(conn, year, actor=actor)
    org = orgs.organization(conn)  # its day of each change, not UTC's

    def figure(q: float | None, unit: str | None) -> str:
        return "—" if q is None or unit is None else texts.quantity(q, unit)

    return pdf.Section(
        _("Changes after the figures of %(year)s were closed", year=year),
        [] if changes else [_("No change since the year was closed.")],
        table=[[_("Date"), _("Report"), _("Change"), _("Metric"), _("Before"), _("After"),
                _("Reason")]]
        + [[texts.dated(clock.day(org, c.at)), f"{c.operation} {c.state} {c.reference}",
            label("late_change", c.kind), label("metric", c.metric),
            figure(c.quantity_before, c.unit_before), figure(c.quantity_after, c.unit_after),
            c.reason] for c in changes] if changes else None)


def annual_report_pdf(conn: Connection, year: int, *, actor: Principal,
                      texts: Texts = ENGLISH) -> bytes:
    """The year's report as PDF, in the reader's language (`texts`)."""
    _, label = texts.gettext, texts.label
    org = orgs.organization(conn)
    text = org.text_in(texts.lang)  # the file's texts in English alone, in the language

    marking = marking_for(actor, texts)
    sections: list[pdf.Section] = []
    marked: list[bool] = []  # whether a row says it is illustrative

    # decisions, crises, operations of the year
    decisions = dec.list_decisions(conn, actor=actor, year=year)
    sections.append(pdf.Section(
        _("Decisions adopted in %(year)s", year=year),
        [] if decisions else [_("No decision recorded.")],
        table=[[_("Number"), _("Body"), _("Adopted"), _("Title")]]
        + [[d.number, _body(org, d.body, texts), texts.dated(d.adopted_on),
            title_in(d, texts.lang)] for d in decisions]
        if decisions else None))
    # reported in the year or carried over into it, each at its stage at the year's end
    crises = crisis_years.of_year(conn, year, actor=actor)
    running = clock.today(org).year <= year
    sections.append(pdf.Section(
        _("Crises of %(year)s", year=year),
        ([] if crises else [_("No crisis recorded.")])
        + [_("Those reported in the year and those carried over into it, not yet ended when "
             "it began.")],
        table=[[_("Title"), _("Category"), _("Affected"), _("Reported"),
                _("Stage") if running else _("Stage on %(day)s",
                                              day=texts.dated(date(year, 12, 31)))]]
        + [[c.title, texts.either(c.category_name, c.category_name_ru), ", ".join(c.affected),
            texts.dated(clock.day(org, c.reported_at)), label("stage", stage)]
           for c, stage in crises]
        if crises else None))
    op_rows, demo = [], []
    for key, op in org.operations.items():
        s = ops.statistics(conn, key, ["metric", "unit"], actor=actor, year=year)
        name = op["name"].get(texts.lang) or op["name"]["en"]
        op_rows += [[name, label("metric", r.key["metric"]),
                     texts.quantity(r.quantity, r.key["unit"]), texts.number(r.reports, 0)]
                    for r in s.rows if r.reports]
        if s.synthetic_reports:  # never published as the organization's figures unsaid
            demo.append(_("%(operation)s: %(n)s of the counted reports are synthetic demo "
                          "data.", operation=name, n=texts.number(s.synthetic_reports, 0)))
    sections.append(pdf.Section(
        _("Joint operations in %(year)s", year=year),
        ([] if op_rows else [_("No result reported through Phalanx.")])
        + demo + _closing_paragraphs(conn, year, texts),
        table=[[_("Operation"), _("Metric"), _("Quantity"), _("Reports")],
               *op_rows] if op_rows else None))
    if changes := _late_changes_table(conn, year, actor=actor, texts=texts):
        sections.append(changes)

    # Parliamentary Assembly
    laws = pa.list_laws(conn, actor=actor)
    adopted = [x for x in laws if x.adopted and x.adopted.year == year]
    changes = pa.changes(conn, actor=actor, year=year)
    sessions = pa.field_sessions(conn, actor=actor, year=year)
    matrix = pa.matrix(conn, actor=actor)
    progress = [p for p in matrix.progress if p["year"] <= year]
    paras = [_("Model laws and recommendations adopted in %(year)s: %(n)s", year=year,
               n=len(adopted))
             + (" — " + "; ".join(_marked(x, texts.either(x.title, x.title_ru), texts, marked)
                                  for x in adopted)
                if adopted else "") + "."]
    paras.append(_("Transposition by member:") + " " + ", ".join(
        f"{v} {label('tr', k)}" for k, v in SYMBOLS.items()) + ".")
    paras += [_marked(s, _("Field session of %(commission)s in %(place)s (%(day)s):",
                           commission=s.commission, place=text(s.place),
                           day=texts.dated(s.start)), texts, marked)
              + f" {text(s.topic)}. {text(s.report)}" for s in sessions]
    by_key = {x.key: x for x in laws}
    sections.append(pdf.Section(
        _("Parliamentary Assembly: harmonization of legislation"), paras,
        table=[[_("Model law"), *matrix.states]]
        + [[_marked(by_key.get(row["key"]), texts.either(row["title"], row["title_ru"]),
                    texts, marked),
            *[SYMBOLS[row["cells"][s]] for s in matrix.states]]
           for row in matrix.laws] if matrix.laws else None,
        images=[charts.lines({_("national acts adopted"): [(str(p["year"]), p["adopted"])
                                                           for p in progress]},
                             _("Transposition into national law (cumulative)"), _("acts"),
                             marking=marking, number=texts.number)] if progress else []))
    if changes:
        sections.append(pdf.Section(
            _("Transposition changes in %(year)s", year=year),
            table=[[_("Model law"), _("State"), _("Status"), _("Reference"), _("On")]]
            + [[c.law, c.state, label("tr", c.status), text(c.reference),
                texts.dated(c.on)] for c in changes]))

    # military-technical cooperation
    sup = [s for s in mtc.list_supplies(conn, actor=actor)
           if s.agreed.year == year or any(d.on.year == year for d in s.deliveries)]
    tot = mtc.totals(conn, actor=actor)
    yt = next((y for y in tot.years if y.year == year), None)
    million = _("million %(currency)s", currency=tot.currency)
    sections.append(pdf.Section(
        _("Military-technical cooperation"),
        [_("Supplies agreed in %(year)s: %(n)s, %(agreed)s %(million)s; delivered in "
           "%(year)s: %(delivered)s %(million)s.", year=year, n=yt.agreements if yt else 0,
           agreed=texts.number(yt.agreed_value if yt else 0, 1), million=million,
           delivered=texts.number(yt.delivered_value if yt else 0, 1))],
        table=[[_("Supply"), _("Supplier"), _("Recipient"), _("Item"), _("Quantity"),
                _("Delivered"), _("Value") + f" ({million})"]]
        + [[_marked(s, s.key, texts, marked), s.supplier, s.recipient, text(s.item),
            texts.number(s.quantity, 0),
            texts.number(s.delivered_quantity, 0),
            # a value in another currency says its currency (the column's is the register's)
            texts.number(s.value, 1) + ("" if s.currency == tot.currency
                                        else f" {s.currency}")] for s in sup]
        if sup else None,
        images=[charts.lines({_("Agreed"): [(str(y.year), y.agreed_value) for y in tot.years],
                              _("Delivered"): [(str(y.year), y.delivered_value)
                                               for y in tot.years]},
                             _("Supplies by year"), million,
                             marking=marking, number=texts.number)] if tot.years else []))

    # training quotas
    quotas = tr.list_quotas(conn, actor=actor, year=year)
    institutions = {k: i.get("name") for k, i in tr.institutions(org).items()}
    sections.append(pdf.Section(
        _("Training quotas %(year)s", year=year),
        [] if quotas else [_("No quota recorded for the year.")],
        table=[[_("Institution"), _("Host"), _("Type"), _("offered"), _("allocated"),
                _("enrolled"), _("graduated")]]
        + [[_marked(q, _named(institutions, q.institution, texts), texts, marked), q.host,
            label("inst", q.type),
            *(texts.number(n, 0) for n in (q.offered, q.allocated, q.enrolled, q.graduated))]
           for q in quotas] if quotas else None,
        images=[charts.bars([_named(institutions, q.institution, texts) for q in quotas],
                            [float(q.enrolled) for q in quotas],
                            _("Quota use %(year)s: enrolled (gold: places offered)",
                              year=year), _("places"),
                            reference=[float(q.offered) for q in quotas],
                            reference_label=_("offered"), marking=marking,
                            value_label=_("enrolled"), number=texts.number)] if quotas else []))

    # exercises
    cal = ex.calendar(conn, actor=actor, year=year)
    findings = [f for e in cal for f in e.findings]
    exercise_names = {e.key: texts.either(e.name, e.name_ru) for e in cal}
    sections.append(pdf.Section(
        _("Joint exercises %(year)s", year=year),
        [] if cal else [_("No exercise in the calendar.")],
        table=[[_("Exercise"), _("Dates"), _("Host"), _("Participants"), _("Strength"),
                _("Scenario")]]
        + [[_marked(e, exercise_names[e.key], texts, marked),
            f"{texts.dated(e.start)} – {texts.dated(e.end)}"
            + (" (" + _("cancelled on") + " " + texts.dated(e.cancelled_on) + ")"
               if e.cancelled_on else ""), e.host,
            ", ".join(sorted({p.state for p in e.participants})),
            "—" if e.cancelled_on else texts.number(e.strength, 0), e.scenario or ""]
           for e in cal] if cal else None))
    if findings:
        sections.append(pdf.Section(
            _("After-action findings"),
            table=[[_("Exercise"), _("Finding"), _("Owner"), _("Due"), _("Status")]]
            + [[exercise_names.get(f.exercise, f.exercise), text(f.title), f.assignee,
                texts.dated(f.due),
                label("finding_status", f.status)] for f in findings]))

    # external relations
    instruments = [i for i in ext.instruments(conn, actor=actor)
                   if i.signed and i.signed.year == year]
    events = ext.events(conn, actor=actor, year=year)
    counts = [h for h in org.historical_counts if h.period == str(year)]
    partners = {p["key"]: p.get("name") for p in ext.partners(org)}
    sections.append(pdf.Section(
        _("External relations"),
        [_("Instruments signed in %(year)s: %(n)s; meetings, joint events and statements: "
           "%(events)s.", year=year, n=len(instruments), events=len(events))]
        + [_("Reported by the organization: %(count)s %(kind)s — %(note)s (%(source)s).",
             count=h.count, kind=label("event_text", h.kind), note=h.note, source=h.source)
           for h in counts],
        table=[[_("Date"), _("Kind"), _("Partner"), _("Title")]]
        + [[texts.dated(e.on), label("event_text", e.kind),
            _named(partners, e.partner, texts) if e.partner else "",
            _marked(e, text(e.title), texts, marked)]
           for e in events]
        + [[texts.dated(i.signed) if i.signed else "", label("instrument", i.kind),
            _named(partners, i.partner, texts), _marked(i, text(i.title), texts, marked)]
           for i in instruments]
        if events or instruments else None))
    if marked:
        sections.append(pdf.Section(_("Note"), [
            _("Figures marked illustrative in the dataset stand in for the organization's "
              "own records.")]))
    return pdf.render(pdf.PdfDocument(
        title=_("%(organization)s: annual report %(year)s", organization=org.name.get(
            texts.lang), year=year),
        subtitle=_("The Secretariat's report on the organization's work"), marking=marking,
        sections=sections, exercise_label=_("EXERCISE")))

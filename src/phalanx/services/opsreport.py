"""What the operation pages and printed reports show: the figures, the charts. The
charts and the PDF are in the reader's language (`texts`, see `phalanx.services.texts`)."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import Connection

from phalanx.adapters import countries
from phalanx.adapters.exports import charts, pdf, table_csv
from phalanx.domain.access.principal import Principal
from phalanx.domain.operations import results
from phalanx.services import operations as ops
from phalanx.services import organization as orgs
from phalanx.services.texts import ENGLISH, Texts


def dashboard(conn: Connection, key: str, *, actor: Principal, stage: str | None = None,
              year: int | None = None) -> dict[str, Any]:
    """The figures of the operation's page and report, all of the same stage and year:
    by substance (with the seizures of all substances, per unit, beside the organization's
    total of drugs seized), by state, and the corridors."""
    op = ops.operation(conn, key)
    by_substance = ops.statistics(conn, key, ["metric", "substance", "unit"], actor=actor,
                                  stage=stage, year=year)
    by_state = ops.statistics(conn, key, ["state", "metric", "unit"], actor=actor, stage=stage,
                              year=year)
    seized = ops.statistics(conn, key, ["unit"], actor=actor, stage=stage, year=year,
                            metric="seizure")
    return {"op": op, "stage": stage, "year": year, "by_substance": by_substance,
            "by_state": by_state, "seized": seized.rows, "seizures": seizures(op),
            "corridors": ops.corridors(conn, key, actor=actor, top=8, stage=stage, year=year)}


def seizures(op: dict[str, Any]) -> bool:
    """Whether the operation reports seizures (and so their substances and corridors)."""
    return "seizure" in results.OPERATION_METRICS.get(op.get("kind", ""), frozenset())


def stage_names(conn: Connection, key: str, texts: Texts = ENGLISH) -> dict[str, str]:
    """Each stage of the operation by its name, in the reader's language where the
    organization's file translates it ("«Канал» – весна 2025")."""
    text = orgs.organization(conn).text_in(texts.lang)
    return {st["key"]: text(st.get("name") or st["key"])
            for st in ops.operation(conn, key).get("stages", [])}


def _scope(conn: Connection, key: str, texts: Texts, stage: str | None,
           year: int | None) -> str:
    _ = texts.gettext
    name = stage_names(conn, key, texts).get(stage, stage) if stage else ""
    return ((_(", stage %(stage)s", stage=name) if stage else "")
            + (f", {year}" if year else ""))


def by_substance(conn: Connection, key: str, *, actor: Principal, stage: str | None = None,
                 year: int | None = None
                 ) -> tuple[list[str], list[float], list[float | None] | None]:
    """The seizures' substances by mass (largest first), their kg, and the organization's
    historical totals for them (None when it reported none; a substance it gave no figure
    for is None too, not a zero): what the charts show."""
    s = ops.statistics(conn, key, ["substance"], actor=actor, stage=stage, metric="seizure",
                       year=year, unit="kg")
    rows = sorted((r for r in s.rows if r.key["substance"]), key=lambda r: -r.quantity)
    hist = {h.substance: h.value for h in s.historical if h.metric == "seizure" and h.substance}
    keys = [r.key["substance"] for r in rows]
    return keys, [r.quantity for r in rows], [hist.get(k) for k in keys] if hist else None


def by_metric(conn: Connection, key: str, *, actor: Principal, stage: str | None = None,
              year: int | None = None) -> tuple[list[str], list[float]]:
    """The counted metrics (in the operation's vocabulary's order) and their totals."""
    s = ops.statistics(conn, key, ["metric"], actor=actor, stage=stage, year=year,
                       unit=results.COUNT)
    return [r.key["metric"] for r in s.rows], [r.quantity for r in s.rows]


def by_stage(conn: Connection, key: str, *, actor: Principal, texts: Texts = ENGLISH,
             stage: str | None = None, year: int | None = None, metric: str = "seizure"
             ) -> dict[str, list[tuple[str, float]]]:
    """The `metric` per state (a seizure's kg: seizures by mass), stage by stage in the
    operation's order (each stage by its name, in the reader's language), of one stage or
    year if asked."""
    unit = "kg" if results.METRICS.get(metric) != "count" else results.COUNT
    s = ops.statistics(conn, key, ["stage", "state"], actor=actor, metric=metric,
                       stage=stage, year=year, unit=unit)
    names = stage_names(conn, key, texts)
    order = list(names.values())
    series: dict[str, list[tuple[str, float]]] = {}
    for r in s.rows:
        series.setdefault(r.key["state"], []).append(
            (names.get(r.key["stage"], r.key["stage"]), r.quantity))
    for name in series:
        series[name].sort(key=lambda p: order.index(p[0]) if p[0] in order else 99)
    return series


def by_month(conn: Connection, key: str, *, actor: Principal, stage: str | None = None,
             year: int | None = None, metric: str = "seizure"
             ) -> tuple[int | None, dict[int, float]]:
    """The `metric` (a seizure's kg: seizures by mass) month by month of one year: the
    year asked, else the latest the reader has reports of (None: it has none), of one
    stage if asked; the months without a report are not in it."""
    unit = "kg" if results.METRICS.get(metric) != "count" else results.COUNT
    if year is None:
        years = ops.statistics(conn, key, ["year"], actor=actor, metric=metric, unit=unit,
                               stage=stage)
        year = max((r.key["year"] for r in years.rows), default=None)
        if year is None:
            return None, {}
    s = ops.statistics(conn, key, ["month"], actor=actor, metric=metric, unit=unit,
                       stage=stage, year=year)
    return year, {r.key["month"]: r.quantity for r in s.rows}


def seizures_chart(conn: Connection, key: str, *, actor: Principal, stage: str | None = None,
                   marking: str = "", year: int | None = None,
                   texts: Texts = ENGLISH) -> bytes:
    _ = texts.gettext
    keys, values, hist = by_substance(conn, key, actor=actor, stage=stage, year=year)
    hist = [math.nan if h is None else h for h in hist] if hist is not None else None
    return charts.bars([texts.label("substance", k) for k in keys], values,
                       _("Seizures by substance") + _scope(conn, key, texts, stage, year),
                       _("kg"),
                       reference=hist,
                       reference_label=_("historical total (reported by the organization)"),
                       marking=marking, value_label=_("reported through Phalanx"),
                       number=texts.number)


def stages_chart(conn: Connection, key: str, *, actor: Principal, marking: str = "",
                 texts: Texts = ENGLISH, stage: str | None = None,
                 year: int | None = None) -> bytes:
    _ = texts.gettext
    return charts.lines(by_stage(conn, key, actor=actor, texts=texts, stage=stage, year=year),
                        _("Seizures by stage and state") + _scope(conn, key, texts, stage,
                                                                  year),
                        _("kg"), marking=marking, number=texts.number)


def route_names(conn: Connection, corridors: list[Any], lang: str) -> dict[str, str]:
    """The corridors' ends by their names in `lang`: a country by its name (one of the
    organization's states by the file's), a place as written (`adapters.countries`)."""
    labels = countries.state_labels(orgs.organization(conn), lang)
    return {end: countries.name_of(end, lang, labels)
            for c in corridors for end in (c.route_from, c.route_to)}


def report_pdf(conn: Connection, key: str, *, actor: Principal, stage: str | None = None,
               marking: str, year: int | None = None, texts: Texts = ENGLISH) -> bytes:
    _, label = texts.gettext, texts.label
    d = dashboard(conn, key, actor=actor, stage=stage, year=year)
    op = d["op"]
    subst: ops.Statistics = d["by_substance"]
    state: ops.Statistics = d["by_state"]
    name = (op["name"].get(texts.lang) or op["name"]["en"]) if isinstance(op["name"], dict) \
        else str(op["name"])
    text = orgs.organization(conn).text_in(texts.lang)  # the file's texts, in the language
    ends = route_names(conn, d["corridors"], texts.lang)
    sections = [
        pdf.Section(_("Aims"), [text(op.get("aims", ""))]),
        pdf.Section(_("Totals reported through Phalanx"), table=[
            [_("Metric"), _("Substance"), _("Quantity"), _("Reports")]]
            + [[label("metric", r.key["metric"]), label("substance", r.key["substance"]),
                texts.quantity(r.quantity, r.key["unit"]), texts.number(r.reports, 0)]
               for r in subst.rows]
            + [[label("metric", "seizure"), _("all substances"),
                texts.quantity(r.quantity, r.key["unit"]), texts.number(r.reports, 0)]
               for r in d["seized"]],
                    images=[seizures_chart(conn, key, actor=actor, stage=stage,
                                           marking=marking, year=year, texts=texts)]
                    if d["seizures"] else []),
        pdf.Section(_("By state"), table=[
            [_("State"), _("Metric"), _("Quantity"), _("Reports")]]
            + [[r.key["state"], label("metric", r.key["metric"]),
                texts.quantity(r.quantity, r.key["unit"]), texts.number(r.reports, 0)]
               for r in state.rows]),
        *([pdf.Section(_("Most active corridors"), table=[
            [_("From"), _("To"), _("Seizures"), _("kg")]]
            + [[ends[c.route_from], ends[c.route_to], texts.number(c.seizures, 0),
                texts.number(c.kg, 1)]
               for c in d["corridors"]])] if d["seizures"] else []),
        pdf.Section(_("Historical totals (reported by the organization, not records)"),
                    table=[[_("Metric"), _("Substance"), _("Quantity"), _("Note")]]
                    + [[label("metric", h.metric), label("substance", h.substance),
                        texts.quantity(h.value, h.unit, 0), text(h.note)]
                       for h in subst.historical]),
    ]
    if subst.synthetic_reports:
        sections.insert(0, pdf.Section(_("Demo data"), [
            _("%(n)s of the counted reports are synthetic demo data.",
              n=texts.number(subst.synthetic_reports, 0))]))
    return pdf.render(pdf.PdfDocument(
        title=name + (_(" — stage %(stage)s",
                        stage=stage_names(conn, key, texts).get(stage, stage)) if stage else "")
        + (f" — {year}" if year else ""),
        subtitle=_("Report of the joint operation"), marking=marking, sections=sections,
        exercise_label=_("EXERCISE")))


CSV_GROUPS = ["year", "month", "stage", "state", "agency", "metric", "substance", "unit"]
CSV_COLUMNS = [*CSV_GROUPS, "quantity", "reports", "marking"]


def statistics_csv(conn: Connection, key: str, *, actor: Principal, marking: str,
                   stage: str | None = None, year: int | None = None,
                   semicolons: bool = False, texts: Texts | None = None) -> bytes:
    """The totals the reader may see, by year, month, stage, state, agency, metric,
    substance and unit (of one stage or year if asked), as a CSV file: the figures the page
    and the report add up, to be taken into a spreadsheet; each row carries the marking of
    what the file may include. Without `texts` the columns and values are the keys, for a
    program; with them (a page's file, for people) the columns are headed in its language
    and the stage, state, agency, metric, substance and unit are named in it."""
    s = ops.statistics(conn, key, CSV_GROUPS, actor=actor, stage=stage, year=year)
    if texts is None:
        return table_csv.write(CSV_COLUMNS, (
            [*(r.key[g] for g in CSV_GROUPS), r.quantity, r.reports, marking]
            for r in s.rows), semicolons=semicolons)
    _, label = texts.gettext, texts.label
    stages = stage_names(conn, key, texts)
    states = {k: st.name.get(texts.lang) or k
              for k, st in orgs.organization(conn).states.items()}
    header = [_("Year"), _("Month"), _("Stage"), _("State"), _("Agency"), _("Metric"),
              _("Substance"), _("Unit of measure"), _("Quantity"), _("Reports"), _("Marking")]

    def named(r: ops.TotalRow) -> list[object]:
        k = r.key
        return [k["year"], k["month"], stages.get(k["stage"], k["stage"]),
                states.get(k["state"], k["state"]), label("agency", k["agency"]),
                label("metric", k["metric"]),
                label("substance", k["substance"]) if k["substance"] else "",
                label("quantity_unit", k["unit"]), r.quantity, r.reports, marking]
    return table_csv.write(header, (named(r) for r in s.rows), semicolons=semicolons)

"""What the operation pages and printed reports show: the figures, the charts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from phalanx.adapters.exports import charts, pdf
from phalanx.domain.access.principal import Principal
from phalanx.services import operations as ops


def dashboard(conn: Connection, key: str, *, actor: Principal, stage: str | None = None,
              year: int | None = None) -> dict[str, Any]:
    op = ops.operation(conn, key)
    by_substance = ops.statistics(conn, key, ["metric", "substance", "unit"], actor=actor,
                                  stage=stage, year=year)
    by_state = ops.statistics(conn, key, ["state", "metric", "unit"], actor=actor, stage=stage,
                              year=year)
    by_stage = ops.statistics(conn, key, ["stage", "metric", "unit"], actor=actor)
    return {"op": op, "stage": stage, "year": year, "by_substance": by_substance,
            "by_state": by_state,
            "by_stage": by_stage,
            "corridors": ops.corridors(conn, key, actor=actor, top=8)}


def seizures_chart(conn: Connection, key: str, *, actor: Principal, stage: str | None = None,
                   marking: str = "", year: int | None = None) -> bytes:
    s = ops.statistics(conn, key, ["substance"], actor=actor, stage=stage, metric="seizure",
                       year=year)
    rows = sorted((r for r in s.rows if r.key["substance"]), key=lambda r: -r.quantity)
    hist = {h.substance: h.value for h in s.historical if h.metric == "seizure" and h.substance}
    labels = [r.key["substance"] for r in rows]
    return charts.bars(labels, [r.quantity for r in rows],
                       "Seizures by substance" + (f", stage {stage}" if stage else "")
                       + (f", {year}" if year else ""), "kg",
                       reference=[hist.get(label, 0.0) for label in labels] if hist else None,
                       reference_label="historical total (reported by the organization)",
                       marking=marking)


def stages_chart(conn: Connection, key: str, *, actor: Principal, marking: str = "") -> bytes:
    s = ops.statistics(conn, key, ["stage", "state"], actor=actor, metric="seizure")
    op = ops.operation(conn, key)
    order = [st["key"] for st in op.get("stages", [])]
    series: dict[str, list[tuple[str, float]]] = {}
    for r in s.rows:
        series.setdefault(r.key["state"], []).append((r.key["stage"], r.quantity))
    for name in series:
        series[name].sort(key=lambda p: order.index(p[0]) if p[0] in order else 99)
    return charts.lines(series, "Seizures by stage and state", "kg", marking=marking)


def report_pdf(conn: Connection, key: str, *, actor: Principal, stage: str | None = None,
               marking: str, year: int | None = None) -> bytes:
    d = dashboard(conn, key, actor=actor, stage=stage, year=year)
    op = d["op"]
    subst: ops.Statistics = d["by_substance"]
    state: ops.Statistics = d["by_state"]
    sections = [
        pdf.Section("Aims", [op.get("aims", "")]),
        pdf.Section("Totals reported through Phalanx", table=[["metric", "substance",
                                                               "quantity", "unit", "reports"]]
                    + [[r.key["metric"], r.key["substance"] or "", f"{r.quantity:,.2f}",
                        r.key["unit"], str(r.reports)] for r in subst.rows],
                    images=[seizures_chart(conn, key, actor=actor, stage=stage,
                                           marking=marking, year=year)]),
        pdf.Section("By state", table=[["state", "metric", "quantity", "unit", "reports"]]
                    + [[r.key["state"], r.key["metric"], f"{r.quantity:,.2f}", r.key["unit"],
                        str(r.reports)] for r in state.rows]),
        pdf.Section("Most active corridors", table=[["from", "to", "seizures", "kg"]]
                    + [[c.route_from, c.route_to, str(c.seizures), f"{c.kg:,.1f}"]
                       for c in d["corridors"]]),
        pdf.Section("Historical totals (reported by the organization, not records)",
                    table=[["metric", "substance", "value", "unit", "note"]]
                    + [[h.metric, h.substance or "", f"{h.value:,.0f}", h.unit, h.note]
                       for h in subst.historical]),
    ]
    if subst.synthetic_reports:
        sections.insert(0, pdf.Section("Demo data", [
            f"{subst.synthetic_reports} of the counted reports are synthetic demo data."]))
    return pdf.render(pdf.PdfDocument(
        title=f"{op['name']['en']}" + (f" — stage {stage}" if stage else "")
        + (f" — {year}" if year else ""),
        subtitle="Report of the joint operation", marking=marking, sections=sections))

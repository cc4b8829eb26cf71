"""The printed report of `phalanx exercise run`: the timeline, the scorecard with the
real case beside it (when the scenario has a reference), and the outcome."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from phalanx.services.exercise import Run, Scenario
from phalanx.services.exercise_replay import compare

__all__ = ["compare", "print_report"]


def _m(v: float | None) -> str:
    return "—" if v is None else f"{v:g}"


def print_report(out: Console, scenario: Scenario, result: Run, report: dict[str, Any]
                 ) -> None:
    start = f", from {result.start:%Y-%m-%d %H:%M %z}" if result.start else ""
    table = Table(title=f"EXERCISE {scenario.name}: crisis {result.crisis_id}{start}")
    table.add_column("minute", justify="right")
    table.add_column("event")
    for minute, text in result.timeline:
        table.add_row(f"{minute:g}", text)
    out.print(table)
    has_ref = "reference" in report
    card = Table(title="response scorecard (minutes from the first report)"
                 + (": the run beside the real case" if has_ref else ""))
    card.add_column("measure")
    card.add_column("target", justify="right")
    card.add_column("run", justify="right")
    card.add_column("run vs target")
    if has_ref:
        card.add_column("real case", justify="right")
        card.add_column("real vs target")
    for row in report["measures"]:
        cells = [row["measure"].replace("_", " "), _m(row["target"]), _m(row["product"]),
                 row["product_target"]]
        if has_ref:
            cells += [_m(row["reference"]), row["reference_target"]]
        card.add_row(*cells)
    card.add_row("escalations", "", str(result.escalations), "")
    out.print(card)
    outcome = report["outcome"]
    line = f"outcome: run {outcome['product']}"
    if has_ref:
        line += f"; real case {outcome['reference']}"
    out.print(line, highlight=False)
    for r in report["requests"]:
        if r["gap"]:
            out.print(f"  {r['state']} asked for {r['quantity']} × {r['resource']}: "
                      f"{r['covered']} given, gap {r['gap']}", highlight=False)
    for q in report["official_requests"]:
        line = (f"official request {q['request']} of {q['state']} ({q['person']}), "
                f"{q['article']}, minute {_m(q['minute'])}")
        if q["withdrawn_minute"] is not None:
            line += f"; withdrawn by {q['state']} at minute {_m(q['withdrawn_minute'])}"
            if q["reference_withdrawn_minute"] is not None:
                line += f" (real case: minute {_m(q['reference_withdrawn_minute'])})"
            if q["withdrawal_reason"]:
                line += f": {q['withdrawal_reason']}"
        out.print(line, highlight=False, markup=False)
    if has_ref:
        out.print("sources:", highlight=False)
        for m in report["reference"]["milestones"]:
            out.print(f"  {m['at'] or 'never'} {m['what']}: {m['text']} [{m['source']}]",
                      highlight=False, markup=False)

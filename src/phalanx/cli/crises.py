"""`phalanx cap import`, `phalanx exercise run`, `phalanx crises ...`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from phalanx.cli import exercise_report as replay
from phalanx.cli.common import database, emit_json, err, fail, operator, out
from phalanx.services import crises, exercise
from phalanx.services.errors import Invalid, NotFound
from phalanx.web.i18n.durations import duration_text

if TYPE_CHECKING:
    from phalanx.services.alerts import IntakeOut

cap_app = typer.Typer(no_args_is_help=True, help="OASIS CAP alerts.")
exercise_app = typer.Typer(no_args_is_help=True, help="Exercise scenarios.")
crises_app = typer.Typer(no_args_is_help=True, help="The crisis board.")


@cap_app.command("import")
def cap_import(
    file: Annotated[Path, typer.Argument(help="A CAP 1.2, 1.1 or 1.0 message, or an "
                                                   "EDXL-DE 1.0 distribution of them.")],
    affected: Annotated[list[str], typer.Option(help="An affected member (repeatable).")],
    category: Annotated[str | None, typer.Option(help="Crisis category; default: from the "
                                                      "alert's CAP category.")] = None,
    watch: Annotated[bool, typer.Option("--watch", help="An alert opens a watch entry, "
                                                        "not a crisis.")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Receive a CAP message: an alert opens a crisis (or a watch entry), an update or
    cancellation changes what it references, the rest is stored. Warnings and errors
    name the element and line; --json prints the result or the errors on stdout."""
    from phalanx.adapters.cap.parse import CapError
    from phalanx.config import get_settings
    from phalanx.services import alerts, distributions

    def refuse(problems: list[dict[str, object]], message: str, exc: Exception) -> NoReturn:
        if as_json:
            emit_json({"file": str(file), "stored": False, "errors": problems})
        err.print(f"[bold red]error:[/] {file}: {message}; nothing stored", highlight=False)
        for p in problems:
            line = f"line {p['line']}, " if p.get("line") else ""
            err.print(f"  {line}{p['where']}: {p['message']}", markup=False, highlight=False)
        raise typer.Exit(1) from exc

    try:
        data = file.read_bytes()
    except OSError as exc:
        refuse([{"where": str(file), "line": None, "message": exc.strerror or str(exc)}],
               "cannot be read", exc)
    route = alerts.Route(tuple(a.upper() for a in affected), category,
                         to_crisis=(lambda *_: False) if watch else None)
    try:
        r = distributions.receive(database(), data, route, actor=operator(),
                                  **alerts.trust_settings(get_settings()))
    except CapError as exc:
        refuse([p.as_dict() for p in exc.problems], f"{len(exc.problems)} problem(s)", exc)
    except Invalid as exc:
        refuse([{"where": exc.where, "line": None, "message": exc.message}], str(exc), exc)
    if as_json:
        emit_json(r)
        return
    if isinstance(r, distributions.DistributionOut):
        out.print(f"EDXL-DE distribution: {len(r.received)} alert(s) received",
                  highlight=False)
        _print_warnings(r.warnings)
        for one in r.received:
            _print_intake(one)
        return
    _print_intake(r)


def _print_intake(r: IntakeOut) -> None:
    a = r.alert
    head = "already received" if r.duplicate else a.action
    out.print(f"{a.msg_type} {a.sender}/{a.identifier} ({a.status}, signature "
              f"{a.signature}): {head} — {a.action_detail}", highlight=False)
    if r.crisis is not None:
        c = r.crisis
        out.print(f"crisis {c.id} ({c.category}, {c.stage.value}"
                  + (", EXERCISE" if c.exercise else "") + f"): {c.title}", highlight=False)
    if r.watch is not None:
        out.print(f"watch entry {r.watch.id} ({r.watch.risk}): {r.watch.title}",
                  highlight=False)
    _print_warnings(a.warnings)


def _print_warnings(warnings: list[dict[str, Any]]) -> None:
    for w in warnings:
        line = f"line {w['line']}, " if w.get("line") else ""
        err.print(f"  warning: {line}{w['where']}: {w['message']}", markup=False,
                  highlight=False)


def _scenario_path(name: str) -> Path:
    path = Path(name)
    if path.exists():
        return path
    shipped = exercise.scenarios_dir() / f"{name}.yaml"
    if shipped.exists():
        return shipped
    names = ", ".join(sorted(p.stem for p in exercise.scenarios_dir().glob("*.yaml")))
    raise fail(f"no scenario {name!r} (a file, or one of: {names})")


def _start(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not a time like 2022-01-05T23:00+06:00"
                                 ) from exc
    if at.tzinfo is None:
        raise typer.BadParameter(f"{value!r} needs its time zone, e.g. +06:00 or Z")
    return at


@exercise_app.command("run")
def run(
    file: Annotated[str, typer.Argument(help="A scenario file, or a shipped one's name.")],
    speed: Annotated[float, typer.Option(help="Scenario minutes per real second "
                                              "(0: no waiting).")] = 0.0,
    start: Annotated[str | None, typer.Option(
        help="The scenario's first minute, e.g. 2022-01-05T23:00+06:00 (default: the "
             "file's `start`, else now).")] = None,
    language: Annotated[str, typer.Option(
        help="The language of the records it writes: en, or one whose texts lie beside "
             "the scenario (ru: `ru/NAME.yaml`).")] = "en",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Run a scenario through the crisis engine on its own dates; print the timeline, the
    scorecard, and the real case beside it when the file has a reference."""
    path = _scenario_path(file)
    at = _start(start)
    db = database()
    try:
        scenario = exercise.load(path, language)
        with Progress(transient=True, disable=as_json, console=err) as progress:
            task = progress.add_task(scenario.name, total=len(scenario.injects))
            result = exercise.run(db, scenario, speed=speed, start=at, actor=operator(),
                                  progress=lambda n, total, text: progress.update(
                                      task, completed=n, description=text[:60]))
    except exercise.Stopped as exc:  # played live: what it played stays
        for problem in exc.problems:
            err.print(f"[bold red]error:[/] {escape(problem)}", highlight=False)
        err.print(escape(str(exc)), highlight=False)
        raise typer.Exit(1 if exc.problems else 130) from exc  # 130: interrupted
    except exercise.ScenarioError as exc:
        for p in exc.problems:
            err.print(f"[bold red]error:[/] {escape(str(p))}", highlight=False)
        err.print("nothing stored", highlight=False)
        raise typer.Exit(1) from exc
    except Invalid as exc:
        raise fail(str(exc)) from exc
    report = replay.compare(scenario, result)
    if as_json:
        emit_json(report)
        return
    replay.print_report(out, scenario, result, report)


@crises_app.command("list")
def list_crises(closed: Annotated[bool, typer.Option(help="Include closed ones.")] = False,
                as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The crisis board, most urgent first."""
    with database().read() as conn:
        rows = crises.board(conn, actor=operator(), include_closed=closed)
    if as_json:
        emit_json(rows)
        return
    table = Table(title="crises")
    for col in ("id", "title", "category", "stage", "severity", "overdue"):
        table.add_column(col)
    for c in rows:
        table.add_row(str(c.id), ("[EX] " if c.exercise else "") + c.title, c.category,
                      c.stage.value, c.severity,
                      duration_text(c.overdue_minutes, "en") if c.overdue else "")
    out.print(table)


@crises_app.command("show")
def show(crisis_id: Annotated[int, typer.Argument(help="The crisis's id.")],
         as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """One crisis: its stage, clocks, official requests and the response card (each
    measure beside its target: met, missed, open or overdue)."""
    with database().read() as conn:
        try:
            c = crises.get(conn, crisis_id, actor=operator())
        except NotFound as exc:
            raise fail(str(exc)) from None
    if as_json:
        emit_json(c)
        return
    out.print(f"crisis {c.id}: {'[EX] ' if c.exercise else ''}{c.title} — {c.category} · "
              f"{', '.join(c.affected)} · stage {c.stage.value}")
    for r in c.official_requests:
        out.print(f"request: {r.state} · {r.person} · {r.at:%Y-%m-%d %H:%M} UTC · {r.article}"
                  + (f" · withdrawn {r.withdrawn_at:%Y-%m-%d %H:%M} UTC" if r.withdrawn_at
                     else ""))
    if c.mandate:
        m = c.mandate
        period = (f"{m.period_days} days from " if m.period_days
                  else "for a limited period, adopted " if m.limited else "adopted ")
        ends = (f"ends {m.ends_at:%Y-%m-%d %H:%M} UTC" if m.ends_at
                else "ends when the official requests it answers are withdrawn")
        ended_by = {"repealed": " (the decision was repealed)",
                    "expired": " (the decision's time in force ran out)"}.get(m.ended_by or "", "")
        out.print(f"mandate: {m.decision or 'the decision'} · {period}"
                  f"{m.adopted_at:%Y-%m-%d %H:%M} UTC · {ends}"
                  f"{ended_by} · " + ("expired" if m.expired else "in force"), highlight=False)
    table = Table(title="response card (hours from the official request, else the report; "
                        "consultations from the report)")
    for col in ("measure", "hours", "target", "verdict"):
        table.add_column(col)
    for m in c.response_card:
        table.add_row(m.measure.replace("_", " "),
                      "—" if m.elapsed_minutes is None else f"{m.elapsed_minutes / 60:.1f}",
                      "—" if m.target_minutes is None else f"{m.target_minutes / 60:.1f}",
                      m.verdict)
    out.print(table)


@crises_app.command("escalate")
def escalate() -> None:
    """Escalate every overdue stage to the Secretariat and the chair (run it from
    a timer, e.g. every minute)."""
    done = crises.escalate_overdue(database(), actor=operator())
    out.print(f"escalated: {', '.join(map(str, done)) or 'nothing overdue'}")


outbox_app = typer.Typer(no_args_is_help=True, help="The notification outbox.")


@outbox_app.command("send")
def send() -> None:
    """Deliver pending notifications by email through PHALANX_SMTP_HOST:PHALANX_SMTP_PORT
    (run it from a timer), each in its recipient's language (PHALANX_DEFAULT_LANGUAGE for
    a user without one), linking to its record at PHALANX_PUBLIC_URL when it is set."""
    from phalanx.config import get_settings
    from phalanx.services import organization as orgs
    from phalanx.services import outbox
    from phalanx.web.i18n.timeline import notice_renderer

    s = get_settings()
    db = database()
    try:
        with db.read() as conn:
            org = orgs.organization(conn)
    except orgs.NotLoaded:
        org = None
    d = outbox.deliver(db, s.smtp_host, s.smtp_port, s.smtp_from,
                       render=notice_renderer(org), default_language=s.default_language,
                       public_url=s.public_url, actor=operator())
    out.print(f"sent {d.sent}, failed {d.failed}, without address {d.no_address}, "
              f"withheld {d.withheld}")
    if d.failed:
        for reason in d.errors[:3]:  # the timer's log says why, not only how many
            err.print(f"not sent: {reason}", markup=False)
        raise typer.Exit(1)

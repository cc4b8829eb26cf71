"""`phalanx decisions ...`: the register of decisions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from phalanx.cli.common import database, emit_json, fail, invalid, operator, out
from phalanx.services import decisions as dec
from phalanx.services.errors import Conflict, DayOff, Forbidden, Invalid, NotFound

app = typer.Typer(no_args_is_help=True, help="The register of decisions.")


@app.command("list")
def list_decisions(
    body: Annotated[str | None, typer.Option(help="Only this body's decisions.")] = None,
    year: Annotated[int | None, typer.Option(help="Only decisions of this year.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List adopted decisions, statements and instructions."""
    with database().read() as conn:
        rows = dec.list_decisions(conn, actor=operator(), body=body, year=year)
    if as_json:
        emit_json(rows)
        return
    table = Table(title="register of decisions")
    for col in ("id", "number", "adopted", "title", "binding on", "marking"):
        table.add_column(col)
    for d in rows:
        table.add_row(str(d.id), d.number, d.adopted_on.isoformat(), d.title,
                      ", ".join(d.binding), d.marking.value)
    out.print(table)


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(f"{option}: {value!r} is not a date (YYYY-MM-DD)") from None


DONE = {"amends": "amended", "extends": "extended", "suspends": "suspended",
        "repeals": "repealed"}


def _relation(r: dec.RelationOut) -> str:
    return r.number or "a decision you may not read"


def _history(d: dec.DecisionOut) -> list[str]:
    """What the decision waits for, what it does to an earlier one, and what later ones
    did to it."""
    life = d.lifecycle
    if life is None:
        return []
    parts = []
    if life.awaiting:
        parts.append(f"awaiting the notification of {', '.join(life.awaiting)}")
    if life.modifies:
        parts.append(f"{life.modifies.effect.value} {_relation(life.modifies)}")
    parts += [f"{DONE[r.effect.value]} by {_relation(r)}"
              + (f" from {r.in_force_from}" if r.in_force_from else "")
              for r in life.modified_by]
    parts += [f"to be {DONE[r.effect.value]} by {_relation(r)}"
              + (f" from {r.in_force_from}" if r.in_force_from else
                 " once it enters into force")
              for r in life.scheduled]
    return parts


def _life(d: dec.DecisionOut) -> str:
    """The decision's status on its day and its history, in one line."""
    life = d.lifecycle
    if life is None:
        return ""
    parts = [f"{life.status.value.replace('_', ' ')} on {life.day}"]
    if life.in_force_from:
        parts.append(f"in force from {life.in_force_from}")
    if life.until:
        parts.append(f"until {life.until}")
    return "; ".join(parts + _history(d))


@app.command("in-force")
def in_force(
    on: Annotated[str | None, typer.Option(help="The day (YYYY-MM-DD; default today).")
                  ] = None,
    body: Annotated[str | None, typer.Option(help="Only this body's decisions.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The decisions in force on a day, each with its history on that day."""
    day = _day(on, "--on")
    with database().read() as conn:
        from phalanx.services import organization as orgs
        from phalanx.services.clock import today

        day = day or today(orgs.organization(conn))
        rows = dec.list_decisions(conn, actor=operator(), body=body, in_force_on=day)
    if as_json:
        emit_json(rows)
        return
    table = Table(title=f"decisions in force on {day.isoformat()}")
    for col in ("id", "number", "adopted", "title", "in force", "history"):
        table.add_column(col)
    for d in rows:
        life = d.lifecycle
        span = (f"{life.in_force_from} – {life.until or '…'}" if life else "")
        table.add_row(str(d.id), d.number, d.adopted_on.isoformat(), d.title, span,
                      "; ".join(_history(d)))
    out.print(table)


@app.command("show")
def show(decision_id: Annotated[int, typer.Argument(help="The decision's id.")],
         on: Annotated[str | None, typer.Option(
             help="Its status and history on this day (YYYY-MM-DD; default today).")] = None,
         as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """One decision, with its text, its status on a day and its history."""
    day = _day(on, "--on")
    try:
        with database().read() as conn:
            d = dec.get_decision(conn, decision_id, actor=operator(), on=day)
    except NotFound as exc:
        raise fail(str(exc)) from exc
    if as_json:
        emit_json(d)
        return
    out.print(f"[bold]{d.number}[/] · {d.title} · adopted {d.adopted_on} · {d.marking.value}")
    out.print(d.text_en or d.text_ru, highlight=False, markup=False)
    out.print(f"{d.reason}. Binding on: {', '.join(d.binding)}", highlight=False)
    if d.declarations:
        out.print(_declarations(d), highlight=False, markup=False)
    out.print(_life(d), highlight=False, markup=False)


def _declarations(d: dec.DecisionOut) -> str:
    """The members' later declarations on a decision, in words."""
    return "; ".join(f"{j.state} joined, bound from {j.on}" if j.joins else
                     f"{j.state} declared on {j.on} it does not join" for j in d.declarations)


@app.command("join")
def join(decision_id: Annotated[int, typer.Argument(help="The decision's id.")],
         state: Annotated[str, typer.Argument(help="The member declaring (ISO3).")],
         on: Annotated[str, typer.Option(help="The day of its declaration (YYYY-MM-DD).")],
         joins: Annotated[bool, typer.Option(
             "--joins/--does-not-join",
             help="It joins (bound from that day), or declares it does not.")] = True,
         note: Annotated[str, typer.Option(help="What the declaration says.")] = "",
         as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Record that a member that received the decision for consideration, or stood aside
    from it in a limited format, joins it (bound from the day of its declaration) or
    declares it does not (audited)."""
    day = _day(on, "--on")
    assert day is not None
    try:
        d = dec.declare_joining(database(), decision_id, state, joins, day, note=note,
                                actor=operator())
    except (NotFound, Invalid, Conflict, Forbidden) as exc:
        raise fail(str(exc)) from exc
    if as_json:
        emit_json(d)
        return
    out.print(f"{d.number}: {_declarations(d)}", highlight=False, markup=False)


@app.command("notify")
def notify(decision_id: Annotated[int, typer.Argument(help="The decision's id.")],
           state: Annotated[str, typer.Argument(help="The member notifying (ISO3).")],
           on: Annotated[str, typer.Option(help="The day of its notification.")],
           as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Record a bound member's notification that its internal procedures are done (a
    decision entering into force on every member's notification; audited)."""
    day = _day(on, "--on")
    assert day is not None
    try:
        d = dec.record_notification(database(), decision_id, state.upper(), day,
                                    actor=operator())
    except (NotFound, Invalid, Conflict, Forbidden) as exc:
        raise fail(str(exc)) from exc
    if as_json:
        emit_json(d)
        return
    out.print(f"{d.number}: {_life(d)}", highlight=False, markup=False)


@app.command("circulate")
def circulate(
    body: Annotated[str, typer.Option(
        help="The body deciding (its key, as `phalanx bodies` lists them).")],
    title: Annotated[str, typer.Option(help="The draft's title.")],
    deadline: Annotated[str, typer.Option(help=(
        "The deadline, a date and time with its zone (2026-12-14T15:00+03:00); without "
        "one, UTC."))],
    text_en: Annotated[str, typer.Option(help="The text in English.")] = "",
    text_ru: Annotated[str, typer.Option(help="The text in Russian.")] = "",
    title_ru: Annotated[str, typer.Option(help="The title in Russian.")] = "",
    procedure: Annotated[str, typer.Option(
        help="written (every member signs in turn) or silence (adopted at the deadline "
             "unless a member breaks silence).")] = "written",
    question: Annotated[str, typer.Option(help="The kind of question (its rule).")] = "default",
    day_off_ok: Annotated[bool, typer.Option(
        "--day-off-ok", help="Keep a deadline falling on a day off where the Secretariat "
                             "sits (settings working_time_zone, days_off).")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Circulate a draft under the written or the silence procedure to every member of
    the body with a say (audited). A deadline on a day off where the Secretariat sits is
    refused unless --day-off-ok confirms it."""
    try:
        when = datetime.fromisoformat(deadline)
    except ValueError:
        raise fail(f"--deadline: {deadline!r} is not a date and time "
                   "(YYYY-MM-DDTHH:MM, with its zone or UTC)") from None
    if procedure not in ("written", "silence"):
        raise fail(f"--procedure: {procedure!r} is neither written nor silence")
    try:
        data = dec.DraftIn(body=body, title=title, title_ru=title_ru, text_en=text_en,
                           text_ru=text_ru, procedure=procedure, question=question,
                           deadline=when, deadline_on_day_off=day_off_ok)
        d = dec.propose_draft(database(), data, actor=operator())
    except ValidationError as exc:
        raise fail(invalid(exc)) from exc
    except DayOff as exc:
        raise fail(f"{exc}: choose another --deadline, or confirm it with --day-off-ok"
                   ) from exc
    except (NotFound, Invalid, Conflict, Forbidden) as exc:
        raise fail(str(exc)) from exc
    if as_json:
        emit_json(d)
        return
    out.print(f"draft {d.id} circulated under the {d.procedure} procedure until "
              f"{d.deadline:%Y-%m-%d %H:%M} UTC to {', '.join(d.signing_order)}",
              highlight=False, markup=False)


@app.command("settle")
def settle(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Store the lapse of every written procedure whose deadline has passed, and the
    adoption of every draft whose silence procedure reached its deadline in silence."""
    from phalanx.services.decisions.silence import settle_silence
    from phalanx.services.decisions.written import settle_lapsed

    lapsed = settle_lapsed(database(), actor=operator())
    adopted = settle_silence(database(), actor=operator())
    if as_json:
        emit_json({"lapsed": lapsed, "adopted_in_silence": adopted})
        return
    out.print(f"{len(lapsed)} written procedure(s) lapsed" + (
        f": drafts {', '.join(map(str, lapsed))}" if lapsed else ""))
    out.print(f"{len(adopted)} draft(s) adopted under the silence procedure" + (
        f": drafts {', '.join(map(str, adopted))}" if adopted else ""))

"""`phalanx crises open` and `phalanx crises request`: a crisis reported to the
Secretariat, and an affected state's official request (its appeal) received, recorded
through the services the API uses, under the same rules and refusals, audited in the name
of the account that runs the command."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from pydantic import ValidationError

from phalanx.cli.common import (
    REFUSED,
    database,
    emit_json,
    fail,
    operator,
    out,
)
from phalanx.domain.crisis.workflow import Measure
from phalanx.services import crises, crisis_requests
from phalanx.services.crises.schemas import CrisisIn
from phalanx.services.errors import Invalid

AsJson = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]

# the models' fields as the command's options: a refusal names what the officer typed
OPTION = {"title": "--title", "category": "--category", "affected": "--affected",
          "other_parties": "--other-party", "severity": "--severity", "place": "--place",
          "lat": "--lat", "lon": "--lon",
          "description": "--description", "marking": "--marking",
          "participants": "--participant", "state": "STATE", "person": "--person",
          "office": "--office", "at": "--at", "article": "--article",
          "measures": "--measure", "forces": "--forces", "period_days": "--period-days",
          "text": "--text"}


def _refusal(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{OPTION.get(str(e['loc'][0]), e['loc'][0]) if e['loc'] else ''}"
                         f": {e['msg']}" for e in exc.errors())
    if isinstance(exc, Invalid):
        return f"{OPTION.get(exc.where, exc.where)}: {exc.message}"
    return str(exc)


def open_crisis(
    title: Annotated[str, typer.Option(help="What happened, in a line.")],
    category: Annotated[str, typer.Option(help="The kind of crisis (a category's key of "
                                               "the organization's file).")],
    affected: Annotated[list[str], typer.Option(help="An affected member (ISO3; "
                                                     "repeatable).")],
    severity: Annotated[str, typer.Option(help="minor, moderate, severe or extreme.")
                        ] = "severe",
    other_party: Annotated[list[str] | None, typer.Option(
        help="A state the report names as the source of the threat (repeatable).")] = None,
    place: Annotated[str, typer.Option(help="Where.")] = "",
    lat: Annotated[float | None, typer.Option(
        help="The place's latitude (with --lon): whose territory it lies on decides, "
             "among others, whether art. 4 applies.")] = None,
    lon: Annotated[float | None, typer.Option(help="The place's longitude.")] = None,
    description: Annotated[str, typer.Option(help="What is known.")] = "",
    exercise: Annotated[bool, typer.Option("--exercise", help="An exercise's crisis, "
                                                              "never a real one.")] = False,
    as_json: AsJson = False,
) -> None:
    """Open a crisis reported to the Secretariat (audited): its clock starts and every
    entitled user is told. Marked for the organization."""
    try:
        data = CrisisIn(title=title, category=category,
                        affected=[a.upper() for a in affected],
                        other_parties=[p.upper() for p in other_party or []],
                        severity=severity, place=place, lat=lat, lon=lon,
                        description=description, exercise=exercise)
        c = crises.open_crisis(database(), data, actor=operator())
    except (ValidationError, *REFUSED) as exc:
        raise fail(_refusal(exc)) from exc
    if as_json:
        emit_json(c)
        return
    out.print(f"crisis {c.id} opened: {'[EX] ' if c.exercise else ''}{c.title} — "
              f"{c.category} · {', '.join(c.affected)} · stage {c.stage.value}",
              highlight=False, markup=False)


def request(
    crisis_id: Annotated[int, typer.Argument(help="The crisis's id.")],
    state: Annotated[str, typer.Argument(help="The affected state requesting (ISO3).")],
    person: Annotated[str, typer.Option(help="Who signed the request.")],
    office: Annotated[str, typer.Option(help="The signatory's office: " + ", ".join(
        crisis_requests.OFFICES) + ".")],
    at: Annotated[str, typer.Option(help=(
        "When it was made, with its zone (2022-01-05T23:00+06:00); without one, UTC."))],
    article: Annotated[str, typer.Option(help=(
        "Under which article, as the organization's file names it (one of its "
        "collective_defence_articles, for assistance owed by every member)."))],
    measure: Annotated[list[Measure], typer.Option(help="A measure asked for "
                                                        "(repeatable).")],
    forces: Annotated[str, typer.Option(help="What it asks for.")] = "",
    period_days: Annotated[int | None, typer.Option(help="For how many days.")] = None,
    text: Annotated[str, typer.Option(help="The request's text.")] = "",
    as_json: AsJson = False,
) -> None:
    """Record an affected state's official request (its appeal) on a crisis (audited):
    who signed it, when, under which article, what it asks. The same request recorded
    again is refused."""
    try:
        when = datetime.fromisoformat(at)
    except ValueError:
        raise fail(f"--at: {at!r} is not a date and time (YYYY-MM-DDTHH:MM, with its "
                   "zone or UTC)") from None
    try:
        data = crisis_requests.OfficialRequestIn(
            state=state.upper(), person=person, office=office, at=when, article=article,
            measures=measure, forces=forces, period_days=period_days, text=text)
        r = crisis_requests.record_request(database(), crisis_id, data, actor=operator())
    except (ValidationError, *REFUSED) as exc:
        raise fail(_refusal(exc)) from exc
    if as_json:
        emit_json(r)
        return
    out.print(f"crisis {crisis_id}: official request {r.id} of {r.state} recorded "
              f"({r.person}, {r.at:%Y-%m-%d %H:%M} UTC, {r.article}: "
              f"{', '.join(m.value for m in r.measures)})", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.command("open")(open_crisis)
    app.command("request")(request)

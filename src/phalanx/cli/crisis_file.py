"""`phalanx crises ...` for the Secretariat's work on one crisis: its file of drafts (tie,
untie), the members' answers to the art. 4 obligation (who owes one by when, an answer
given by telephone), the notice to the UN Security Council, and the timeline. Each goes
through the service the API uses, under the same rules and refusals, audited in the name
of the account that runs the command."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from phalanx.cli.common import (
    REFUSED,
    current_org,
    database,
    emit,
    emit_json,
    fail,
    invalid,
    operator,
    out,
    refusals,
)
from phalanx.domain.crisis.obligations import Answer
from phalanx.services import crises, crisis_drafts, crisis_obligations, preconditions
from phalanx.services.crises.schemas import CrisisDraftOut
from phalanx.services.errors import NotFound, Stale

CrisisId = Annotated[int, typer.Argument(help="The crisis's id (phalanx crises list).")]
DraftId = Annotated[int, typer.Argument(help="The draft's id.")]
Reason = Annotated[str, typer.Option(help="Why (kept in the audit trail).")]
AsJson = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def _utc(at: datetime | None) -> str:
    return "—" if at is None else f"{at:%Y-%m-%d %H:%M} UTC"


def _print_file(crisis_id: int, drafts: list[CrisisDraftOut]) -> None:
    table = Table(title=f"crisis {crisis_id}: its file of drafts")
    for col in ("draft", "title", "procedure", "status", "decision", "in the file by"):
        table.add_column(col)
    for d in drafts:
        table.add_row(str(d.id), d.title, d.procedure, d.status, d.decision_number or "",
                      d.tie + (f": {d.reason}" if d.reason else ""))
    out.print(table)


def tie(crisis_id: CrisisId, draft_id: DraftId, reason: Reason, as_json: AsJson = False
        ) -> None:
    """Tie an existing draft to the crisis's file, saying why (the Secretariat; audited).
    Refused for a draft already in the file, and between an exercise and a real crisis."""
    with refusals():
        drafts = crisis_drafts.tie(database(), crisis_id, draft_id, reason, actor=operator())
    emit(drafts, as_json, lambda: _print_file(crisis_id, drafts))


def untie(crisis_id: CrisisId, draft_id: DraftId, reason: Reason, as_json: AsJson = False
          ) -> None:
    """Take a draft named or tied by hand out of the crisis's file, saying why (the
    Secretariat; audited). A draft tabled in a session on the crisis, or whose decision
    the crisis names, stays."""
    with refusals():
        drafts = crisis_drafts.untie(database(), crisis_id, draft_id, reason,
                                     actor=operator())
    emit(drafts, as_json, lambda: _print_file(crisis_id, drafts))


def _crisis(crisis_id: int) -> crises.CrisisOut:
    with database(read_only=True).read() as conn:
        try:
            return crises.get(conn, crisis_id, actor=operator())
        except NotFound as exc:
            raise fail(str(exc)) from None


def _print_lines(crisis_id: int, lines: list[crisis_obligations.LineOut]) -> None:
    table = Table(title=f"crisis {crisis_id}: answers to the obligation of assistance")
    for col in ("state", "answer", "given", "due", "waiting"):
        table.add_column(col)
    table.add_column("version", no_wrap=True)  # copied whole into --replaces
    for x in lines:
        due = _utc(x.due_at) if x.arisen else "not yet arisen"
        waiting = "" if x.waiting_minutes is None else f"{x.waiting_minutes / 60:.1f} h"
        table.add_row(x.state, (x.answer.value if x.answer else "no answer yet")
                      + (f": {x.detail}" if x.detail else ""), _utc(x.at) if x.at else "",
                      due, waiting + (" OVERDUE" if x.overdue else ""), x.version or "")
    out.print(table)


def obligations(crisis_id: CrisisId, as_json: AsJson = False) -> None:
    """Who owes an answer to the obligation of assistance and by when (each member's
    answer, its due time and wait, overdue or not), and the notice to the UN Security
    Council (due, sent or overdue)."""
    c = _crisis(crisis_id)
    if as_json:
        emit_json({"obligations": [x.model_dump(mode="json") for x in c.obligations],
                   "un_notice": c.un_notice.model_dump(mode="json") if c.un_notice else None,
                   "off_territory": c.off_territory})
        return
    _print_lines(crisis_id, c.obligations)
    if c.off_territory:  # why no member owes an answer, as the crisis room says it
        out.print(f"The place reported lies outside the territory of {', '.join(c.affected)}: "
                  "aggression there is not aggression against a member, so no member owes "
                  "assistance under the collective-defence article and no notice to the UN "
                  "Security Council opens; the members consult.", highlight=False,
                  markup=False)
        return
    n = c.un_notice
    opens = crisis_obligations.opens_with(current_org(database(read_only=True)))
    out.print("notice to the UN Security Council: " + (
        f"none open ({opens})" if n is None else
        f"{n.status.value}; due {_utc(n.due_at)}"
        + (f"; sent {_utc(n.sent_at)}" if n.sent_at else "")
        + (f" ({n.reference})" if n.reference else "")), highlight=False, markup=False)


def answer(
    crisis_id: CrisisId,
    state: Annotated[str, typer.Argument(help="The member answering (ISO3).")],
    given: Annotated[Answer, typer.Option(
        "--answer", help="forces (forces or means offered), other (other assistance) or "
                         "declined (with its reason).")],
    detail: Annotated[str, typer.Option(
        help="What is offered, or the reason it declines.")] = "",
    replaces: Annotated[str | None, typer.Option(
        help="To change an answer already recorded: its version (phalanx crises "
             "obligations), so that an answer given meanwhile is not replaced unseen.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Record a member's answer to the obligation of assistance (given by telephone or
    in writing; audited). The latest answer counts: a member that has answered already
    is refused unless --replaces names the answer read, so the same command run twice
    records it once."""
    expect = (preconditions.Expect(version=replaces) if replaces
              else preconditions.Expect(absent=True))
    try:
        data = crisis_obligations.ObligationIn(answer=given, detail=detail)
        lines = crisis_obligations.answer(database(), crisis_id, state.upper(), data,
                                          actor=operator(), expect=expect)
    except ValidationError as exc:
        raise fail(invalid(exc)) from exc
    except Stale as exc:
        raise fail(f"{exc} (phalanx crises obligations {crisis_id}), and give its version "
                   "as --replaces to replace it") from exc
    except REFUSED as exc:
        raise fail(str(exc)) from exc
    emit(lines, as_json, lambda: _print_lines(crisis_id, lines))


def un_notice(
    crisis_id: CrisisId,
    reference: Annotated[str, typer.Option(
        help="The letter's reference (its number, the UN document symbol).")] = "",
    as_json: AsJson = False,
) -> None:
    """Record the notice to the UN Security Council as sent (the Secretariat; audited).
    Refused when none is open or it was recorded as sent already."""
    if len(reference) > 300:
        raise fail(f"--reference: at most 300 characters, not {len(reference)}")
    with refusals():
        n = crisis_obligations.mark_sent(database(), crisis_id, reference, actor=operator())
    if as_json:
        emit_json(n)
        return
    out.print(f"crisis {crisis_id}: the notice to the UN Security Council recorded as sent "
              f"at {_utc(n.sent_at)} ({n.status.value}, due {_utc(n.due_at)})"
              + (f", reference {n.reference}" if n.reference else ""),
              highlight=False, markup=False)


def timeline(crisis_id: CrisisId, as_json: AsJson = False) -> None:
    """The crisis's timeline, oldest first: stages, requests, answers, sessions, drafts,
    notes, each with who acted."""
    c = _crisis(crisis_id)
    events = sorted(c.timeline, key=lambda e: e.at)
    if as_json:
        emit_json(events)
        return
    table = Table(title=f"crisis {crisis_id}: timeline")
    for col in ("at (UTC)", "kind", "by", "what"):
        table.add_column(col)
    for e in events:
        table.add_row(f"{e.at:%Y-%m-%d %H:%M}", e.kind, e.actor, e.text)
    out.print(table)


def register(app: typer.Typer) -> None:
    app.command("tie")(tie)
    app.command("untie")(untie)
    app.command("obligations")(obligations)
    app.command("answer")(answer)
    app.command("un-notice")(un_notice)
    app.command("timeline")(timeline)

"""`phalanx decisions ...` for drafts and decisions as documents: a draft's standing (whose
turn, by when), a member's answer under the written procedure transmitted by telephone,
the closing that adopts a draft, and a decision exported as PDF or Akoma Ntoso. Each goes
through the service the API uses, under the same rules and refusals, audited in the name
of the account that runs the command."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.table import Table

from phalanx.cli.common import (
    database,
    emit,
    fail,
    operator,
    out,
    refusals,
)
from phalanx.domain.decisions.procedure import Answer
from phalanx.services import decision_exports as exports
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.errors import NotFound

DraftId = Annotated[int, typer.Argument(help="The draft's id.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def _print_draft(d: dec.DraftOut) -> None:
    status = d.written_status or d.status
    out.print(f"draft {d.id} · {d.body} · {d.title} · {d.procedure} procedure · {status}"
              + (f" · deadline {d.deadline:%Y-%m-%d %H:%M} UTC" if d.deadline else "")
              + (f" · {d.outcome_reason}" if d.outcome_reason else ""),
              highlight=False, markup=False)
    if d.procedure in ("written", "silence"):
        answered = {a.state: a for a in d.answers}
        table = Table(title="the members' answers, in order")
        for col in ("state", "answer", "given by", "at"):
            table.add_column(col)
        for state in d.signing_order:
            a = answered.get(state)
            if a is not None:
                table.add_row(state, a.answer + (f": {a.reservation}" if a.reservation
                                                 else ""), a.given_by,
                              f"{a.signed_at:%Y-%m-%d %H:%M} UTC" if a.signed_at else "")
            else:
                table.add_row(state, "its turn" if state == d.turn else
                              "keeps silence" if state in d.signed else "awaited", "", "")
        out.print(table)


def show(draft_id: DraftId, as_json: AsJson = False) -> None:
    """One draft: its procedure and status, its deadline, whose turn it is to sign and
    each member's answer."""
    try:
        with database(read_only=True).read() as conn:
            d = dec.get_draft(conn, draft_id, actor=operator())
    except NotFound as exc:
        raise fail(str(exc)) from exc
    emit(d, as_json, lambda: _print_draft(d))


def sign(
    draft_id: DraftId,
    state: Annotated[str, typer.Argument(help="The member answering (ISO3).")],
    given: Annotated[Answer, typer.Option(
        "--answer", help="sign, reservation (signs with the --reservation stated) or "
                         "object (returns the draft; under the silence procedure it "
                         "breaks silence).")] = Answer.SIGN,
    reservation: Annotated[str, typer.Option(
        help="The reservation, or the objection's grounds and the change proposed.")] = "",
    given_by: Annotated[str, typer.Option(
        help="In whose name (default: the seat holder on the day).")] = "",
    as_json: AsJson = False,
) -> None:
    """Record a member's answer to a draft under the written procedure (or a break of
    silence), transmitted by telephone or in writing (audited). The last signature
    adopts the draft; an objection returns it. A member that has answered is refused,
    so the same command run twice records it once."""
    if len(reservation) > 10_000 or len(given_by) > 200:
        raise fail("--reservation: at most 10000 characters" if len(reservation) > 10_000
                   else "--given-by: at most 200 characters")
    with refusals():
        d = dec.sign(database(), draft_id, state.upper(), answer=given,
                     reservation=reservation, given_by=given_by, actor=operator())
    emit(d, as_json, lambda: _print_draft(d))


def close(draft_id: DraftId, as_json: AsJson = False) -> None:
    """Judge a draft by its body's rule and register the decision if adopted (audited);
    under the silence procedure, once its deadline has passed, record its adoption in
    silence. A draft under the written procedure is adopted by its last signature."""
    with refusals():
        d = dec.close_draft(database(), draft_id, [], actor=operator())
    emit(d, as_json, lambda: _print_draft(d))


def export(
    decision_id: Annotated[int, typer.Argument(help="The decision's id.")],
    file: Annotated[Path, typer.Argument(help="Where to write it (a new file).")],
    form: Annotated[Literal["pdf", "akn"], typer.Option(
        "--format", help="pdf (both authentic texts) or akn (Akoma Ntoso 3.0 XML).")
    ] = "pdf",
    lang: Annotated[Literal["en", "ru"], typer.Option(
        help="The language of the rest of the PDF, or of the Akoma Ntoso text.")] = "en",
) -> None:
    """Export a decision as PDF or Akoma Ntoso, marked as the register marks it; the
    file is written whole or not at all, and an existing file is never replaced."""
    from phalanx.web.i18n import errors, texts_for

    if file.exists():
        raise fail(f"{file} exists: give a new file", code=2)
    if not file.parent.is_dir():
        raise fail(f"{file}: no directory {file.parent}", code=2)
    with refusals(), database(read_only=True).read() as conn:
        if form == "akn":
            data = exports.akoma_ntoso(conn, decision_id, lang, actor=operator(),
                                       texts_in=texts_for)
        else:
            own = errors.own_labels(orgs.organization(conn), lang)
            data = exports.decision_pdf(conn, decision_id, actor=operator(),
                                        texts=texts_for(lang, own))
    raw = data.encode("utf-8") if isinstance(data, str) else data
    _write_new(file, raw)
    out.print(f"decision {decision_id} exported to {file} ({form}, {len(raw):,} bytes)",
              highlight=False, markup=False)


def _write_new(file: Path, data: bytes) -> None:
    """Write `data` to a new `file`: into a temporary file beside it, then linked in
    place, so that a reader never sees half of it and an existing file is kept."""
    fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.link(tmp, file)  # fails if the file appeared meanwhile
    except FileExistsError:
        raise fail(f"{file} exists: give a new file", code=2) from None
    finally:
        os.unlink(tmp)


def register(app: typer.Typer) -> None:
    app.command("draft")(show)
    app.command("sign")(sign)
    app.command("close")(close)
    app.command("export")(export)

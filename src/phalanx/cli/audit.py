"""`phalanx audit ...`: verify the trail, sign a checkpoint, show the public key."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from cryptography.hazmat.primitives import serialization
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from phalanx.cli.common import database, emit_json, err, fail, operator, out
from phalanx.config import get_settings
from phalanx.services import audit

app = typer.Typer(no_args_is_help=True, help="The tamper-evident audit trail.")


def _key(path: Path | None) -> Any:
    """The public key to check signatures with: --key, else the installation's key file
    when it is readable here (never created)."""
    if path is None:
        path = get_settings().audit_key_file
        if not path.is_file():
            return None
    try:
        return audit.public_key(path)
    except (OSError, ValueError) as exc:
        raise fail(f"--key {path}: {exc}", code=2) from exc


@app.command("verify")
def verify(
    as_json: Annotated[bool, typer.Option("--json")] = False,
    key: Annotated[Path | None, typer.Option(
        "--key", help="The checkpoint key's public half (PEM, from `audit public-key`); "
        "default: the installation's key file if readable here.")] = None,
    checkpoints: Annotated[list[Path] | None, typer.Option(
        "--checkpoints", help="A file of checkpoints kept outside the database (may be "
        "given several times, e.g. the witness's copy); default: the installation's file "
        "and the witness directory's files.")] = None,
    max_age: Annotated[float | None, typer.Option(
        "--max-age", min=0, help="Minutes the newest checkpoint may be old (default: "
        "PHALANX_AUDIT_CHECKPOINT_MAX_AGE_MINUTES).")] = None,
    export_file: Annotated[Path | None, typer.Option(
        "--export", help="Verify this export (from `audit export`) instead of the "
        "database: its signature, its chain and, with --checkpoints, the copies kept "
        "outside the database up to its end.")] = None,
) -> None:
    """Walk the hash chain, the signed checkpoints and the copies kept outside the
    database; exit 1 if anything was tampered with, if the newest checkpoint is stale or
    if no key is at hand. Writes nothing."""
    settings = get_settings()
    public = _key(key)
    if export_file is not None:
        verdict = _verify_export(export_file, public, checkpoints)
        _report(verdict, as_json)
        return
    with Progress(TextColumn("checking the chain"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True, disable=as_json) as bar:
        task = bar.add_task("chain", total=None)
        verdict = audit.verify_installation(
            database(read_only=True), settings, public, checkpoints, max_age,
            progress=lambda n, total: bar.update(task, completed=n, total=total))
    _report(verdict, as_json)


def _verify_export(path: Path, public: Any, files: list[Path] | None) -> Any:
    from datetime import timedelta

    from phalanx.services import audit_export
    from phalanx.services.audit_tail import TailFileError, outside

    try:
        out = outside(files, timedelta(0), timedelta(
            seconds=get_settings().audit_copy_grace_seconds)) if files else None
        return audit_export.verify_export(path, public, out)
    except (OSError, TailFileError, audit_export.ExportError) as exc:
        raise fail(str(exc), code=2) from exc


def _report(verdict: Any, as_json: bool) -> None:
    if as_json:
        emit_json(verdict.as_dict())
    elif verdict.ok:
        out.print(f"audit trail intact: {verdict.entries} entries")
    else:
        where = f"first bad entry {verdict.first_bad}: " if verdict.first_bad else ""
        out.print(f"[bold red]audit trail NOT verified[/] ({verdict.problem}): {where}"
                  f"{verdict.reason} ({verdict.entries} entries read)")
    if not verdict.ok:
        raise typer.Exit(1)


@app.command("checkpoint")
def checkpoint() -> None:
    """Sign the current end of the trail with the installation's key, in the database
    and in the files outside it (e.g. from cron when the server is not running)."""
    settings = get_settings()
    db = database()
    key = audit.installation_key(db, settings.audit_key_file)
    c = audit.checkpoint(db, audit.tail_from(settings, key), actor=operator())
    out.print(f"checkpoint at entry {c.entry_id} signed with key {key.key_id}" if c and key
              else "the trail is empty")


@app.command("export")
def export(file: Annotated[Path, typer.Argument(
        help="Where to write the export (JSON lines); an existing file is refused.")]
           ) -> None:
    """Export the whole trail, every entry and checkpoint, signed with the installation's
    key, to be verified without the database (`audit verify --export FILE --key
    PUBLIC.pem`). It holds every entry as stored: keep it as a backup is kept."""
    from phalanx.services import audit_export

    key = audit.signing_key(get_settings().audit_key_file, create=False)
    if key is None:
        raise fail(f"no signing key at {get_settings().audit_key_file}: an export is signed "
                   "with the installation's key", code=2)
    try:
        with file.open("x", encoding="utf-8") as fh, Progress(
                TextColumn("exporting the trail"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), console=err, transient=True) as bar:
            task = bar.add_task("export", total=None)
            n = audit_export.export(
                database(read_only=True), fh, key,
                progress=lambda done, total: bar.update(task, completed=done, total=total))
    except FileExistsError as exc:
        raise fail(f"{file} exists: give a new file", code=2) from exc
    out.print(f"exported {n} entries to {file}, signed with key {key.key_id}")


@app.command("public-key")
def public_key() -> None:
    """Print the checkpoint key's public half (PEM), to keep apart from the server."""
    key = audit.installation_key(database(read_only=True), get_settings().audit_key_file)
    pem = key.public.public_bytes(serialization.Encoding.PEM,
                                  serialization.PublicFormat.SubjectPublicKeyInfo)
    out.print(pem.decode("ascii").strip(), highlight=False)

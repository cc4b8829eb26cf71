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
) -> None:
    """Walk the hash chain, the signed checkpoints and the copies kept outside the
    database; exit 1 if anything was tampered with, if the newest checkpoint is stale or
    if no key is at hand. Writes nothing."""
    settings = get_settings()
    public = _key(key)
    with Progress(TextColumn("checking the chain"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True, disable=as_json) as bar:
        task = bar.add_task("chain", total=None)
        verdict = audit.verify_installation(
            database(read_only=True), settings, public, checkpoints, max_age,
            progress=lambda n, total: bar.update(task, completed=n, total=total))
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
    key = audit.signing_key(settings.audit_key_file)
    c = audit.checkpoint(database(), audit.tail_from(settings, key), actor=operator())
    out.print(f"checkpoint at entry {c.entry_id} signed with key {key.key_id}" if c and key
              else "the trail is empty")


@app.command("public-key")
def public_key() -> None:
    """Print the checkpoint key's public half (PEM), to keep apart from the server."""
    key = audit.signing_key(get_settings().audit_key_file)
    assert key is not None
    pem = key.public.public_bytes(serialization.Encoding.PEM,
                                  serialization.PublicFormat.SubjectPublicKeyInfo)
    out.print(pem.decode("ascii").strip(), highlight=False)

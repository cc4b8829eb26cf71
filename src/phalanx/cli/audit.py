"""`phalanx audit ...`: verify the trail, sign a checkpoint, show the public key."""

from __future__ import annotations

from typing import Annotated

import typer
from cryptography.hazmat.primitives import serialization

from phalanx.cli.common import database, emit_json, out
from phalanx.config import get_settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import audit

app = typer.Typer(no_args_is_help=True, help="The tamper-evident audit trail.")


@app.command("verify")
def verify(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Walk the hash chain and the signed checkpoints; exit 1 if anything was tampered with."""
    key = audit.signing_key(get_settings().audit_key_file, create=False)
    verdict = audit.verify_trail(database(), key)
    if as_json:
        emit_json({"ok": verdict.ok, "entries": verdict.entries,
                   "first_bad": verdict.first_bad})
    elif verdict.ok:
        out.print(f"audit trail intact: {verdict.entries} entries"
                  + ("" if key else " (no signing key here: checkpoint signatures unchecked)"))
    else:
        out.print(f"[bold red]audit trail NOT intact[/]: first bad entry {verdict.first_bad}: "
                  f"{verdict.reason} ({verdict.entries} entries read)")
    if not verdict.ok:
        raise typer.Exit(1)


@app.command("checkpoint")
def checkpoint() -> None:
    """Sign the current end of the trail with the installation's key."""
    key = audit.signing_key(get_settings().audit_key_file)
    assert key is not None
    c = audit.checkpoint(database(), key, actor=SYSTEM)
    out.print(f"checkpoint at entry {c.entry_id} signed with key {key.key_id}" if c
              else "the trail is empty")


@app.command("public-key")
def public_key() -> None:
    """Print the checkpoint key's public half (PEM), to keep apart from the server."""
    key = audit.signing_key(get_settings().audit_key_file)
    assert key is not None
    pem = key.public.public_bytes(serialization.Encoding.PEM,
                                  serialization.PublicFormat.SubjectPublicKeyInfo)
    out.print(pem.decode("ascii").strip(), highlight=False)

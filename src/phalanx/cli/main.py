"""The `phalanx` command line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from phalanx.cli import audit as audit_cli
from phalanx.cli import crises as crises_cli
from phalanx.cli import crisis_file as crisis_file_cli
from phalanx.cli import crisis_open as crisis_open_cli
from phalanx.cli import decisions as decisions_cli
from phalanx.cli import drafts as drafts_cli
from phalanx.cli import feeds as feeds_cli
from phalanx.cli import forces as forces_cli
from phalanx.cli import identity as identity_cli
from phalanx.cli import membership as membership_cli
from phalanx.cli import operations as operations_cli
from phalanx.cli import registers as registers_cli
from phalanx.cli import registry as registry_cli
from phalanx.cli.common import current_org, database, emit_json, err, fail, operator, out, parse_day
from phalanx.dataset import loader
from phalanx.services import clock
from phalanx.services import organization as orgs

app = typer.Typer(no_args_is_help=True, help="Phalanx: the collective-security information system.")
db_app = typer.Typer(no_args_is_help=True, help="The database: migrations.")
app.add_typer(db_app, name="db")
app.add_typer(identity_cli.users, name="users")
app.add_typer(identity_cli.tokens, name="tokens")
app.add_typer(audit_cli.app, name="audit")
app.add_typer(decisions_cli.app, name="decisions")
drafts_cli.register(decisions_cli.app)
app.add_typer(crises_cli.cap_app, name="cap")
app.add_typer(feeds_cli.app, name="feeds")
app.add_typer(crises_cli.exercise_app, name="exercise")
app.add_typer(crises_cli.crises_app, name="crises")
crisis_open_cli.register(crises_cli.crises_app)
crisis_file_cli.register(crises_cli.crises_app)
app.add_typer(crises_cli.outbox_app, name="outbox")
app.add_typer(operations_cli.app, name="ops")
app.add_typer(membership_cli.app, name="membership")
app.add_typer(registers_cli.app, name="registers")
app.add_typer(registry_cli.app, name="forces")
app.add_typer(forces_cli.cot_app, name="cot")
app.command("plan")(forces_cli.plan)

@app.callback()
def _settings_first() -> None:
    """A setting the environment gives wrong is named before any command runs (exit 2)."""
    from pydantic import ValidationError

    from phalanx.config import get_settings

    try:
        get_settings()
    except ValidationError as exc:
        for e in exc.errors():
            name = f"PHALANX_{str(e['loc'][0]).upper()}" if e["loc"] else "settings"
            msg = str(e["msg"]).removeprefix("Value error, ")
            err.print(msg if msg.startswith(name) else f"{name}: {msg}", markup=False)
        raise typer.Exit(2) from None


OnOption = Annotated[str | None, typer.Option("--on", help="The date, YYYY-MM-DD.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the migrations to the configured database (all of them or, if one fails,
    none)."""
    from sqlalchemy.exc import IntegrityError

    from phalanx.adapters.db.migrate import MigrationError, upgrade

    db = database()
    try:
        upgrade(db.engine)
    except (MigrationError, IntegrityError) as exc:
        said = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise fail(f"the upgrade failed, nothing was changed: {said}") from None
    out.print(f"database at head: {db.engine.url.render_as_string(hide_password=True)}")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str | None, typer.Argument(help=(
        "The migration to go back to (e.g. 0044)."))] = None,
    steps: Annotated[int | None, typer.Option(
        "--steps", min=1, help="Go back this many migrations instead (1: the last).")] = None,
) -> None:
    """Undo the migrations after REVISION, or the last --steps of them (all of them or, if
    one fails, none); what they added to the schema is dropped. `phalanx db upgrade`
    applies them again."""
    from alembic.util import CommandError
    from sqlalchemy.exc import IntegrityError

    from phalanx.adapters.db.migrate import MigrationError, current_revision, downgrade

    if (revision is None) == (steps is None):
        raise fail("give a REVISION or --steps N (one of them); nothing was changed", 2)
    target = revision.strip() if revision is not None else f"-{steps}"
    if target.lower() == "base":
        raise fail("the empty database is no downgrade: name a migration (or --steps); "
                   "nothing was changed", 2)
    db = database()
    try:
        downgrade(db.engine, target)
    except CommandError as exc:
        asked = revision if revision is not None else f"{steps} step(s) back"
        raise fail(f"no migration {asked} to go back to ({exc}); nothing was changed",
                   2) from None
    except (MigrationError, IntegrityError) as exc:
        said = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise fail(f"the downgrade failed, nothing was changed: {said}") from None
    out.print(f"database at {current_revision(db.engine)}: "
              f"{db.engine.url.render_as_string(hide_password=True)}")


@app.command("load")
def load(
    file: Annotated[Path | None, typer.Argument(help="An organization file (YAML).")] = None,
    builtin: Annotated[str | None, typer.Option(help="A dataset shipped with Phalanx.")] = None,
) -> None:
    """Load an organization file; a broken file changes nothing."""
    if (file is None) == (builtin is None):
        raise fail("give a FILE or --builtin NAME (one of them)", 2)
    path = loader.builtin_path(builtin) if builtin else file
    assert path is not None
    try:
        result = orgs.load_dataset(database(), path, actor=operator())
    except loader.DatasetError as exc:
        err.print(f"[bold red]error:[/] {len(exc.problems)} problem(s); nothing was loaded",
                  highlight=False)
        for p in exc.problems:
            err.print(f"  {p}", highlight=False, markup=False)
        raise typer.Exit(1) from exc
    except ValueError as exc:
        raise fail(str(exc)) from exc
    if result.changed:
        total = sum(result.counts.values())
        out.print(f"loaded {result.key} {result.version} ({total} records, sha256 "
                  f"{result.sha256[:12]})")
    else:
        out.print(f"{result.key} {result.version} already loaded; nothing changed")
    if result.as_of:
        out.print(f"sourced facts as of {result.as_of.isoformat()}; later entries are "
                  "illustrative")


@app.command("members")
def members(on: OnOption = None, as_json: JsonOption = False) -> None:
    """The member states on a date (today by default)."""
    asked = parse_day(on)  # a bad date is refused before anything is read
    org = current_org(database())
    day = asked or clock.today(org)
    rows = orgs.members_on(org, day)
    if as_json:
        emit_json(rows)
        return
    table = Table(title=f"{org.abbreviation.en} members on {day.isoformat()}")
    for col in ("code", "state", "status", "since", "say", "bound"):
        table.add_column(col)
    for m in rows:
        table.add_row(m.code, m.name, m.status.value, m.since.isoformat(), m.standing.value,
                      "yes" if m.bound else "no")
    out.print(table)


@app.command("bodies")
def bodies(on: OnOption = None, as_json: JsonOption = False) -> None:
    """The organization's bodies; with --on, those existing on that date."""
    day = parse_day(on)
    org = current_org(database())
    rows = orgs.bodies(org, day)
    if as_json:
        emit_json(rows)
        return
    table = Table(title=f"{org.abbreviation.en} bodies" + (f" on {day}" if day else ""))
    for col in ("key", "name", "kind", "established", "seat"):
        table.add_column(col)
    for b in rows:
        table.add_row(b.key, b.name, b.kind, str(b.established or ""), b.seat or "")
    out.print(table)


@app.command("composition")
def composition(
    body: Annotated[str, typer.Argument(help="Body key, e.g. csc.")],
    on: OnOption = None,
    as_json: JsonOption = False,
) -> None:
    """Who sits in a body on a date."""
    asked = parse_day(on)  # a bad date is refused before anything is read
    org = current_org(database())
    day = asked or clock.today(org)
    try:
        comp = orgs.composition(org, body, day)
    except orgs.NotFound as exc:
        raise fail(str(exc)) from exc
    if as_json:
        emit_json(comp)
        return
    table = Table(title=f"{comp.body.name} on {day}")
    for col in ("state", "office", "person", "note"):
        table.add_column(col)
    for s in comp.seats:
        table.add_row(s.state, s.office or "", s.person or "—",
                      "participation suspended" if s.suspended else
                      "not taking part" if s.not_taking_part else
                      "in arrears" if s.standing.value == "in_arrears" else "")
    out.print(table)
    if comp.chair:
        out.print(f"chair {comp.chair.year}: {comp.chair.state} {comp.chair.person}".rstrip())


@app.command("demo")
def demo() -> None:
    """Create the demo accounts (not in production) and print them."""
    from phalanx.config import get_settings
    from phalanx.services.demo import ensure_demo_accounts, ensure_demo_records

    if get_settings().environment == "production":
        raise fail("demo accounts are not created in production")
    try:
        db = database()
        accounts = ensure_demo_accounts(db, actor=operator())
        created = ensure_demo_records(db, actor=operator())
    except orgs.NotLoaded as exc:
        raise fail(str(exc)) from exc
    table = Table(title="demo accounts (log in at /login)")
    for col in ("user", "password", "role", "acts for"):
        table.add_column(col)
    for a in accounts:
        table.add_row(a.username, a.password, a.role.value,
                      " ".join(x for x in (a.state, a.agency.value if a.agency else None,
                                           a.observer_of) if x))
    out.print(table)
    if created:
        out.print(f"demo records: {', '.join(created)}")


@app.command("backup")
def backup(file: Annotated[Path, typer.Argument(help="Where to write the backup.")]) -> None:
    """Back up the database while it runs (SQLite backup API, or pg_dump)."""
    from phalanx.adapters.db.backup import BackupError
    from phalanx.adapters.db.backup import backup as run_backup

    db = database()
    try:
        size = run_backup(db.engine, file)
    except BackupError as exc:
        raise fail(str(exc)) from exc
    out.print(f"backed up to {file} ({size:,} bytes)")


@app.command("restore")
def restore(file: Annotated[Path, typer.Argument(help="A backup made by phalanx backup.")]
            ) -> None:
    """Restore a backup into the configured, empty database; then verify the audit trail."""
    from phalanx.adapters.db.backup import BackupError
    from phalanx.adapters.db.backup import restore as run_restore
    from phalanx.config import get_settings
    from phalanx.services import audit

    # no key made here: where the installation's is not (yet) at hand, a new one would
    # call its checkpoints forged and sign the next ones with a key nobody verifies
    # (a key file that holds no key is refused before anything is restored)
    settings = get_settings()
    key = audit.signing_key(settings.audit_key_file, create=False)
    db = database(read_only=True)
    try:
        run_restore(db.engine, file)
    except BackupError as exc:
        raise fail(str(exc)) from exc
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("checking the audit trail"), BarColumn(), MofNCompleteColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task("chain", total=None)
        verdict, outside = audit.verify_restored(
            database(read_only=True), settings, key,
            progress=lambda n, total: bar.update(task, completed=n, total=total))
    unsigned = verdict.problem == "no-key"
    if not verdict.ok and not unsigned:
        where = f"first bad entry {verdict.first_bad}: " if verdict.first_bad else ""
        raise fail(f"restored, but the audit trail does not verify ({verdict.problem}): "
                   f"{where}{verdict.reason}")
    out.print(f"restored from {file}; audit trail intact ({verdict.entries} entries"
              + (", as the copies kept outside the database hold it)" if outside else
                 f"; no copies kept outside the database at {settings.checkpoint_file}: "
                 "its end unchecked, run `phalanx audit verify --checkpoints FILE` with "
                 "the witness's copy)")
              + (" (no signing key here: checkpoint signatures unchecked; run "
                 "`phalanx audit verify --key` with the public key)" if unsigned else ""))


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
) -> None:
    """Serve the web pages and the API."""
    import uvicorn

    from phalanx.config import get_settings
    from phalanx.web.app import create_app, settle
    from phalanx.web.observability import configure_logging

    configure_logging()
    out.print(f"Phalanx on http://{host}:{port}/  (API: http://{host}:{port}/api/v1/openapi.json)")
    web = create_app()
    settle(web)
    uvicorn.run(web, host=host, port=port, log_config=None, access_log=False,
                **proxy_options(get_settings().forwarded_allow_ips))


def proxy_options(allowed: str) -> dict[str, object]:
    """uvicorn's handling of forwarded headers: believed only from the configured proxies
    (PHALANX_FORWARDED_ALLOW_IPS), never by default, not even from loopback; otherwise
    any local process could pick its address, e.g. to pass the login throttle."""
    allowed = allowed.strip()
    return {"proxy_headers": bool(allowed), "forwarded_allow_ips": allowed or None}


def main() -> None:
    """The command line: a database the command cannot use (not migrated, not reachable)
    is said in a line, not a traceback (exit 2); so is a file it cannot read or write
    (exit 1)."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from phalanx.services.audit import KeyMissing

    try:
        app()
    except KeyMissing as exc:
        err.print(str(exc), markup=False)
        raise SystemExit(2) from None
    except (OperationalError, ProgrammingError) as exc:
        said = str(exc.orig or exc).strip().splitlines()[0]
        hint = ("; run `phalanx db upgrade` first" if re.search(
            r"no such table|does not exist", said) else "")
        err.print(f"the database cannot answer: {said}{hint}", markup=False)
        raise SystemExit(2) from None
    except OSError as exc:  # a file the command was given or writes: named, in a line
        where = f"{exc.filename}: " if exc.filename else ""
        err.print(f"error: {where}{exc.strerror or exc}", markup=False)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()

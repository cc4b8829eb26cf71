"""Every command that changes something leaves audit entries naming who ran it: the
installation's role (system) in the name of the operating system's account that runs the
command (`system:alice`), so that the trail tells one operator's `users add` from
another's and from the server's own timers. The commands are taken from the command line
itself: a new command fails this test until it is named here, as a write (with the
arguments that make it succeed) or as one that changes no record."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
import pytest
import typer
from typer.testing import CliRunner

from phalanx.cli import common
from phalanx.cli.main import app
from phalanx.config import get_settings
from phalanx.domain.access.principal import SYSTEM, Agency, Principal, Role
from phalanx.services import clock
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from tests.support.days import last_working, working_deadline

runner = CliRunner()
OPERATOR = "alice"

# commands that change no record (or, servers, whose actions are the server's own)
READS = {
    "audit verify", "audit public-key", "audit export", "backup", "bodies", "composition",
    "crises list", "crises show", "crises obligations", "crises timeline",
    "decisions list", "decisions show", "decisions in-force", "decisions draft",
    "decisions export",
    "feeds list", "members",
    "membership arrears", "membership chairs", "membership records", "ops stats",
    "ops duplicates", "ops changes",
    "registers strays", "tokens list", "users list",
    "serve", "cot serve",  # the server: each action there is its user's, audited
    "db upgrade", "db downgrade",  # the schema's migrations: no record of the organization changes
    "restore",  # into an empty database: the backup's trail, verified after it
}

# commands this test's world cannot bring to success (refused, they write nothing)
UNREACHED = {
    "membership confirm": "a proposal comes from an adopted Council decision",
    "decisions notify": "a decision waiting for the members' notifications is tabled so "
                        "from a session's page or the API",
    "decisions close": "the organization's file allows no silence procedure, and a "
                       "session's drafts are decided while it sits",
    "decisions join": "no decision of this world was adopted with a member absent or "
                      "standing aside",
}

CSV = ("reference,date,stage,metric,substance,quantity,unit,area\n"
       "K-1,2026-03-10,spring-2026,seizure,heroin,1.5,kg,Aktau\n")


def commands() -> list[str]:
    def walk(cmd: Any, prefix: tuple[str, ...]) -> Iterator[str]:
        if hasattr(cmd, "list_commands"):  # a group of commands
            ctx = click.Context(cmd)
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                assert sub is not None
                yield from walk(sub, (*prefix, name))
        else:
            yield " ".join(prefix)
    return sorted(walk(typer.main.get_command(app), ()))


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = int(s.getsockname()[1])
    s.close()
    return port


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PHALANX_DATABASE_URL", url)
    monkeypatch.setenv("PHALANX_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    monkeypatch.setenv("PHALANX_SMTP_PORT", str(closed_port()))
    monkeypatch.setattr(common, "_account", lambda uid: OPERATOR)
    monkeypatch.setattr(common, "_login_uid", lambda: None)
    monkeypatch.delenv("SUDO_UID", raising=False)
    monkeypatch.setattr(common, "_switched_from", lambda: None)  # however pytest is run
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    db = Database.from_url(url)
    yield db
    db.dispose()
    get_settings.cache_clear()


def test_every_command_is_named_as_a_write_or_not(tmp_path: Path) -> None:
    named = set(READS) | set(UNREACHED) | {c for c, _a, _i in _writes(tmp_path, {})}
    assert named == set(commands()), (sorted(set(commands()) - named),
                                      sorted(named - set(commands())))


def _writes(tmp: Path, ids: dict[str, str]) -> list[tuple[str, list[str], str]]:
    """(command, its arguments, standard input), in an order in which each succeeds."""
    from tests.support.capfiles import alert

    cap = str(tmp / "alert.xml")
    (tmp / "alert.xml").write_bytes(alert())
    (tmp / "r.csv").write_text(CSV, encoding="utf-8")
    return [
        ("load", ["load", "--builtin", "csto"], ""),
        ("demo", ["demo"], ""),
        ("forces add-unit", ["forces", "add-unit", "--state", "KAZ", "--formation", "crrf",
                             "--name", "Air assault battalion 2", "--capability", "airborne",
                             "--strength", "450", "--readiness", "12", "--weight", "90",
                             "--garrison", "almaty"], ""),
        ("forces move-unit", ["forces", "move-unit", "crdf-kaz-1", "--formation",
                              "peacekeeping"], ""),
        ("forces add-aircraft", ["forces", "add-aircraft", "--state", "KAZ", "--type", "C-295",
                                 "--base", "astana"], ""),
        ("users add", ["users", "add", "bob", "--role", "auditor", "--password-stdin"],
         "a-long-password-for-bob\n"),
        ("users language", ["users", "language", "bob", "ru"], ""),
        ("users password", ["users", "password", "bob", "--password-stdin"],
         "Quartz-lantern-1987\n"),
        ("users deactivate", ["users", "deactivate", "bob"], ""),
        ("users activate", ["users", "activate", "bob"], ""),
        ("users term", ["users", "term", "rep-kaz", "2030-01-01"], ""),
        ("tokens issue", ["tokens", "issue", "rep-kaz"], ""),
        ("tokens revoke", ["tokens", "revoke", ids.get("token", "0")], ""),
        ("membership record", ["membership", "record", "KGZ", "notice_of_withdrawal",
                               "--on", "2026-11-30"], ""),
        ("membership contribution", ["membership", "contribution", "KAZ", "2026",
                                     "--assessed", "100", "--paid", "50"], ""),
        ("membership authorities", ["membership", "authorities", "KGZ", "--since",
                                    "2026-11-30", "--authorities", "a provisional council",
                                    "--source", "its decree", "--unconstitutional"], ""),
        ("users confirm", ["users", "confirm", "rep-kgz"], ""),
        ("feeds add", ["feeds", "add", "http://alerts.kz.invalid/alerts.atom", "--country",
                       "KAZ"], ""),
        ("feeds poll", ["feeds", "poll", "1"], ""),
        ("cap import", ["cap", "import", cap, "--affected", "KGZ"], ""),
        ("ops ingest", ["ops", "ingest", str(tmp / "r.csv"), "--operation", "channel",
                        "--agency", "customs", "--state", "KAZ"], ""),
        ("ops keep-both", ["ops", "keep-both", "channel", ids.get("flag", "1")], ""),
        ("ops withdraw", ["ops", "withdraw", "channel", "KAZ", "customs", "K-1", "--reason",
                          "test data"], ""),
        ("ops close-year", ["ops", "close-year", "2025"], ""),
        ("registers rekey", ["registers", "rekey", "supply", "sup-rus-kgz-2023-1",
                             "sup-org-2023-1"], ""),
        ("plan", ["plan", "--crisis", ids.get("crisis", "1"), "--time-limit", "0.5",
                  "--decide"], ""),
        ("crises answer", ["crises", "answer", ids.get("crisis", "1"), "BLR", "--answer",
                           "other", "--detail", "humanitarian aid"], ""),
        ("crises un-notice", ["crises", "un-notice", ids.get("crisis", "1"), "--reference",
                              "S/2026/1"], ""),
        ("exercise run", ["exercise", "run", "frontier"], ""),
        ("crises open", ["crises", "open", "--title", "Flooding in Aktobe", "--category",
                         "natural_disaster", "--affected", "KAZ"], ""),
        ("crises request", ["crises", "request", ids.get("opened", "1"), "KAZ", "--person",
                            "Kassym-Jomart Tokayev", "--office", "head_of_state", "--at",
                            (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
                            "--article", "Treaty art. 4", "--measure", "humanitarian"], ""),
        ("crises escalate", ["crises", "escalate"], ""),
        ("decisions circulate", ["decisions", "circulate", "--body", "csc", "--title",
                                 "On the plan", "--text-en", "To approve the plan.",
                                 "--deadline", working_deadline(3).isoformat()], ""),
        ("crises tie", ["crises", "tie", ids.get("crisis", "1"), ids.get("draft", "1"),
                        "--reason", "its subject"], ""),
        ("crises untie", ["crises", "untie", ids.get("crisis", "1"), ids.get("draft", "1"),
                          "--reason", "tied by mistake"], ""),
        ("decisions sign", ["decisions", "sign", ids.get("draft", "1"),
                            ids.get("turn", "BLR")], ""),
        ("decisions settle", ["decisions", "settle"], ""),
        ("outbox send", ["outbox", "send"], ""),
        ("audit checkpoint", ["audit", "checkpoint"], ""),
    ]


def _last(db: Database) -> int:
    with db.read() as conn:
        return int(conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM audit_log").scalar())


def _since(db: Database, after: int) -> list[tuple[str, str, str]]:
    """The entries after `after` (an exercise's played injects left out: they are its
    players', `test_exercise_isolation.py`): (actor, role, action)."""
    with db.read() as conn:
        return [(r.actor, r.role, r.action) for r in conn.exec_driver_sql(
            f"SELECT actor, role, action, change FROM audit_log WHERE id > {after} "
            "ORDER BY id") if not (json.loads(r.change).get("exercise") is True
                                    and r.action != "exercise.run")]


def _prepare(db: Database, command: str, ids: dict[str, str]) -> None:
    """What a command needs that another command does not leave."""
    if command == "tokens revoke":
        with db.read() as conn:
            ids["token"] = str(conn.exec_driver_sql("SELECT max(id) FROM api_token").scalar())
    if command == "ops keep-both":  # K-1 sent again under another reference
        from phalanx.services import operations as ops
        ops.ingest(db, "channel", "KAZ", "customs", [(2, {
            "reference": "K-2", "date": "2026-03-10", "stage": "spring-2026",
            "metric": "seizure", "substance": "heroin", "quantity": "1.5", "unit": "kg",
            "area": "Aktau"})], actor=Principal("reporter-kaz", Role.REPORTER, state="KAZ",
                                                 agency=Agency.CUSTOMS))
        with db.read() as conn:
            ids["flag"] = str(conn.exec_driver_sql("SELECT max(id) FROM op_duplicate").scalar())
    if command == "plan":  # the demo's real crisis, answered by the CRRF
        with db.read() as conn:
            ids["crisis"] = str(conn.exec_driver_sql(
                "SELECT min(crisis_id) FROM force_requirement").scalar())
    if command == "crises request":  # the crisis `crises open` opened
        with db.read() as conn:
            ids["opened"] = str(conn.exec_driver_sql("SELECT max(id) FROM crisis").scalar())
    if command == "crises tie":  # the draft `decisions circulate` circulated
        with db.read() as conn:
            ids["draft"] = str(conn.exec_driver_sql("SELECT max(id) FROM draft").scalar())
            turn = dec.get_draft(conn, int(ids["draft"]), actor=SYSTEM).turn
        assert turn is not None
        ids["turn"] = turn
    if command == "crises escalate":  # a real crisis reported long ago, never consulted
        from phalanx.services import crises as crs
        crs.open_crisis(db, crs.CrisisIn(title="Shelling at the border",
                                         category="armed_attack", affected=["KAZ"]),
                        actor=Principal("secretariat", Role.SECRETARIAT),
                        at=datetime.now(UTC) - timedelta(days=3))
    if command == "decisions settle":  # a written procedure whose deadline has passed
        deadline = last_working(datetime.now(UTC) - timedelta(days=2))
        with clock.use(deadline - timedelta(days=1)):
            dec.propose_draft(db, dec.DraftIn(
                body="csc", procedure="written", title="To appoint", text_en="To appoint.",
                deadline=deadline),
                actor=Principal("secretariat", Role.SECRETARIAT))


def test_every_write_command_names_the_operator_who_ran_it(cli: Database,
                                                           tmp_path: Path) -> None:
    ids: dict[str, str] = {}
    who = f"system:{OPERATOR}"
    for command, _args, _input in _writes(tmp_path, ids):
        _prepare(cli, command, ids)
        args, stdin = next((a, i) for c, a, i in _writes(tmp_path, ids) if c == command)
        before = _last(cli)
        r = runner.invoke(app, args, input=stdin)
        # a poll of a feed that does not answer, a mail server that does not: both tried,
        # both audited, both exit 1
        assert r.exit_code == 0 or command in ("feeds poll", "outbox send"), \
            (command, r.output)
        new = _since(cli, before)
        assert new, f"{command} wrote no audit entry"
        if command == "demo":  # staged: the demo's users act in it, the rest is the operator's
            staged = {a for a, role, _action in new if role != "system"}
            assert staged and all(a.startswith(("rep-", "secretariat", "planner"))
                                  for a in staged), staged
            new = [e for e in new if e[1] == "system"]
        assert {(actor, role) for actor, role, _action in new} == {(who, "system")}, \
            (command, new)
    for command in UNREACHED:
        before = _last(cli)
        assert runner.invoke(app, ["membership", "confirm", "999"]).exit_code != 0
        assert _since(cli, before) == [], command


def test_a_missing_key_file_is_not_made_anew_for_a_signed_trail(
        cli: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A key file setting that points at the wrong place (a mistyped path, a volume not
    mounted) while the trail holds checkpoints: the command line and the server refuse to
    start with a new key, naming the setting and the key that signed the trail; nothing
    is written."""
    import io
    import sys

    from sqlalchemy import func, select

    from phalanx.adapters.db import tables as t
    from phalanx.cli import main as cli_main
    from phalanx.services import audit
    from phalanx.web.app import create_app

    assert runner.invoke(app, ["load", "--builtin", "csto"]).exit_code == 0
    assert runner.invoke(app, ["audit", "checkpoint"]).exit_code == 0
    signed_by = audit.signing_key(tmp_path / "audit.key", create=False)
    assert signed_by is not None

    def entries() -> int:
        with cli.read() as conn:
            return conn.execute(select(func.count()).select_from(t.audit_log)).scalar_one()

    before = entries()
    wrong = tmp_path / "not-mounted" / "audit.key"
    monkeypatch.setenv("PHALANX_AUDIT_KEY_FILE", str(wrong))
    get_settings.cache_clear()
    monkeypatch.setattr(sys, "argv", ["phalanx", "users", "add", "eve", "--role", "auditor",
                                      "--password-stdin"])
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-password-for-eve\n"))
    with pytest.raises(SystemExit) as exit_:
        cli_main.main()
    assert exit_.value.code == 2
    said = "".join(capsys.readouterr().err.split())  # as one line, however it wrapped
    assert f"PHALANX_AUDIT_KEY_FILE:{wrong}doesnotexist" in said
    assert signed_by.key_id in said
    with pytest.raises(audit.KeyMissing, match=signed_by.key_id):
        create_app(get_settings(), cli)
    assert not wrong.parent.exists() and entries() == before


@pytest.mark.parametrize("held", ["another key", "no key", "its key, readable by all"])
def test_a_key_file_holding_another_key_or_none_is_refused(
        cli: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], held: str) -> None:
    """The key file setting pointing at a file that holds another Ed25519 key (another
    host's own, an old copy), no key at all (a truncated copy, a certificate), or the key
    in a file every account on the host may read (whoever reads it can sign): the
    command line and the server refuse to start, naming the setting and the file, in a
    line; no checkpoint is signed with the wrong key and nothing is written."""
    import io
    import sys

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from sqlalchemy import func, select

    from phalanx.adapters.db import tables as t
    from phalanx.cli import main as cli_main
    from phalanx.services import audit
    from phalanx.web.app import create_app

    assert runner.invoke(app, ["load", "--builtin", "csto"]).exit_code == 0
    assert runner.invoke(app, ["audit", "checkpoint"]).exit_code == 0
    signed_by = audit.signing_key(tmp_path / "audit.key", create=False)
    assert signed_by is not None

    def written() -> tuple[int, int]:
        with cli.read() as conn:
            return (conn.execute(select(func.count()).select_from(t.audit_log)).scalar_one(),
                    conn.execute(select(func.count()).select_from(t.audit_checkpoint))
                    .scalar_one())

    before = written()
    wrong = tmp_path / "copied.key"
    wrong.write_bytes(Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()) if held == "another key" else b"not a key\n")
    wrong.chmod(0o600)
    if held == "its key, readable by all":
        wrong.write_bytes((tmp_path / "audit.key").read_bytes())
        wrong.chmod(0o644)
    monkeypatch.setenv("PHALANX_AUDIT_KEY_FILE", str(wrong))
    get_settings.cache_clear()
    for argv in (["audit", "checkpoint"], ["users", "add", "eve", "--role", "auditor",
                                           "--password-stdin"]):
        monkeypatch.setattr(sys, "argv", ["phalanx", *argv])
        monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-password-for-eve\n"))
        with pytest.raises(SystemExit) as exit_:
            cli_main.main()
        assert exit_.value.code == 2, argv
        said = "".join(capsys.readouterr().err.split())  # as one line, however it wrapped
        assert f"PHALANX_AUDIT_KEY_FILE:{wrong}" in said and "Traceback" not in said, said
        if held == "another key":
            assert f"signedbykey{signed_by.key_id}" in said
        if held == "its key, readable by all":
            assert "maybereadbyeveryaccount" in said and "0644" in said
    with pytest.raises(audit.KeyMissing, match="PHALANX_AUDIT_KEY_FILE"):
        create_app(get_settings(), cli)
    assert written() == before

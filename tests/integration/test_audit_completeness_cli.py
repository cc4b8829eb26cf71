"""The night shift's commands (`phalanx crises open|request|answer|tie|untie`,
`phalanx decisions circulate|sign`) leave, each, an entry naming who ran it (the account
of the process's user id, whatever the environment says), what it did, to which record,
when, and why where a reason is given; an exercise's entries say so; a refused command
(sent twice, or tying a real draft to an exercise's crisis) writes nothing and leaves no
entry; and the trail verifies after."""

from __future__ import annotations

import json
import os
import pwd
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.cli import common
from phalanx.cli.main import app
from phalanx.services.db import Database
from tests.support.cli import cli_database, runner
from tests.support.days import working_deadline


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    yield from cli_database(tmp_path, monkeypatch)


def _run(*args: str, refused: bool = False) -> str:
    r = runner.invoke(app, list(args))
    assert (r.exit_code != 0) == refused, r.output
    return r.stdout


def _count(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(t.audit_log)).scalar_one())


def _new(db: Database, after: int) -> list[dict[str, object]]:
    a = t.audit_log.c
    with db.read() as conn:
        return [{**r._mapping, "change": json.loads(r.change)} for r in conn.execute(
            select(t.audit_log).where(a.id > after).order_by(a.id))]


def test_the_night_shifts_commands_are_audited_in_full_and_refusals_leave_nothing(
        cli: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "_login_uid", lambda: None, raising=False)
    monkeypatch.delenv("SUDO_UID", raising=False)
    monkeypatch.setattr(common, "_switched_from", lambda: None)  # however pytest is run
    monkeypatch.setenv("LOGNAME", "secretary-general")  # whoever types it says so
    monkeypatch.setenv("USER", "secretary-general")
    who = f"system:{pwd.getpwuid(os.getuid()).pw_name}"
    start = datetime.now(UTC) - timedelta(seconds=1)

    def did(before: int, action: str, kind: str, target: object,
            exercise: bool) -> dict[str, object]:
        new = _new(cli, before)
        mine = [e for e in new if e["action"] == action]
        assert len(mine) == 1, (action, [e["action"] for e in new])
        e = mine[0]
        assert (e["actor"], e["role"]) == (who, "system"), e
        assert (e["target_kind"], e["target_id"]) == (kind, str(target)), e
        at = datetime.fromisoformat(str(e["at"]))
        assert start <= at <= datetime.now(UTC), e
        assert e["change"].get("exercise", False) is exercise, e  # type: ignore[union-attr]
        return e["change"]  # type: ignore[return-value]

    before = _count(cli)
    crisis = json.loads(_run("crises", "open", "--title", "Night drill", "--category",
                             "armed_attack", "--affected", "KGZ", "--exercise", "--json"))
    assert did(before, "crisis.open", "crisis", crisis["id"], True)["title"] == "Night drill"

    made = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0)
    request = ["crises", "request", str(crisis["id"]), "KGZ", "--person", "S. Japarov",
               "--office", "head_of_state", "--at", made.isoformat(), "--article",
               "Treaty art. 4", "--measure", "military_crrf"]
    before = _count(cli)
    _run(*request)
    change = did(before, "crisis.official_request", "crisis", crisis["id"], True)
    assert datetime.fromisoformat(str(change["at"])) == made
    assert "RUS" in change["owed"] and change["due_at"]  # type: ignore[operator]
    before = _count(cli)
    _run(*request, refused=True)  # sent twice
    assert _count(cli) == before

    before = _count(cli)
    _run("crises", "answer", str(crisis["id"]), "KAZ", "--answer", "forces", "--detail",
         "a battalion")
    assert did(before, "crisis.obligation", "crisis", crisis["id"], True)["state"] == "KAZ"
    _run("crises", "answer", str(crisis["id"]), "KAZ", "--answer", "forces", "--detail",
         "a battalion", refused=True)
    assert _count(cli) == before + 1

    before = _count(cli)
    draft = json.loads(_run("decisions", "circulate", "--body", "csc", "--title",
                            "On the night plan", "--text-en", "To approve.", "--deadline",
                            working_deadline(3).isoformat(), "--json"))
    assert did(before, "draft.propose", "draft", draft["id"], False)["procedure"] == "written"
    # a real draft and an exercise's crisis: refused, nothing written
    before = _count(cli)
    _run("crises", "tie", str(crisis["id"]), str(draft["id"]), "--reason", "night plan",
         refused=True)
    _run("crises", "untie", str(crisis["id"]), str(draft["id"]), "--reason", "x",
         refused=True)
    assert _count(cli) == before

    first = draft["signing_order"][0]
    before = _count(cli)
    _run("decisions", "sign", str(draft["id"]), first, "--given-by", "A. Head of State")
    change = did(before, "draft.sign", "draft", draft["id"], False)
    assert (change["state"], change["given_by"]) == (first, "A. Head of State")
    _run("decisions", "sign", str(draft["id"]), first, refused=True)
    assert _count(cli) == before + 1

    r = runner.invoke(app, ["audit", "verify"])
    assert r.exit_code == 0 and "intact" in r.output, r.output

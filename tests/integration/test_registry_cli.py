"""`phalanx forces ...` as the registry officer runs it: a unit and an aircraft added and a
unit moved, each audited in the operator's name; a refusal names what and where and exits
non-zero, writing nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from phalanx.cli.main import app
from phalanx.config import get_settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import forces
from phalanx.services.db import Database

runner = CliRunner()
ADD = ["forces", "add-unit", "--state", "KAZ", "--formation", "crrf", "--name",
       "Air assault battalion 2", "--capability", "airborne", "--strength", "450",
       "--readiness", "12", "--weight", "90", "--garrison", "almaty"]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PHALANX_DATABASE_URL", url)
    monkeypatch.setenv("PHALANX_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["load", "--builtin", "csto"]).exit_code == 0
    db = Database.from_url(url)
    yield db
    db.dispose()
    get_settings.cache_clear()


def _audited(db: Database) -> int:
    with db.read() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM audit_log").scalar())


def test_the_cli_adds_and_moves_and_refuses_with_a_non_zero_exit(cli: Database) -> None:
    r = runner.invoke(app, ADD)
    added = re.search(r"kaz-crrf-[0-9a-f]{8}", r.stdout)
    assert r.exit_code == 0 and added, r.output
    key = added[0]
    before = _audited(cli)
    for args, words in (([*ADD[:-1], "nowhere"], "garrison: unknown base 'nowhere'"),
                        ([*ADD[:3], "GEO", *ADD[4:]], "GEO is not a member"),
                        ([*ADD[:-3], "0", *ADD[-2:]], "weight_t"),
                        (["forces", "move-unit", key, "--formation", "crrf"],
                         "is in crrf already"),
                        (["forces", "add-aircraft", "--state", "KAZ", "--type", "Tu-154",
                          "--base", "almaty"], "unknown aircraft kind 'Tu-154'")):
        r = runner.invoke(app, args)
        assert r.exit_code == 1 and words in " ".join(r.output.split()), (args, r.output)
    assert _audited(cli) == before
    r = runner.invoke(app, ["forces", "move-unit", key, "--formation",
                            "peacekeeping"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["forces", "add-aircraft", "--state", "KAZ", "--type", "C-295",
                            "--base", "astana"])
    assert r.exit_code == 0 and re.search(r"kaz-lift-[0-9a-f]{8}", r.output), r.output
    with cli.read() as conn:
        assert forces.unit(conn, key, actor=SYSTEM).formation == "peacekeeping"
    assert _audited(cli) == before + 2

"""The command line as a user types it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from phalanx.cli.main import app
from phalanx.config import get_settings
from phalanx.dataset import loader

runner = CliRunner()


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PHALANX_DATABASE_URL", url)
    get_settings.cache_clear()
    r = runner.invoke(app, ["db", "upgrade"])
    assert r.exit_code == 0, r.output
    yield url
    get_settings.cache_clear()


def test_members_json_on_two_dates(cli_db: str) -> None:
    r = runner.invoke(app, ["load", "--builtin", "csto"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["members", "--on", "1995-01-01", "--json"])
    assert r.exit_code == 0
    assert [m["code"] for m in json.loads(r.stdout)] == [
        "ARM", "AZE", "BLR", "GEO", "KAZ", "KGZ", "RUS", "TJK", "UZB"]
    r = runner.invoke(app, ["members", "--on", "2000-01-01", "--json"])
    assert [m["code"] for m in json.loads(r.stdout)] == ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]


def test_a_bad_date_exits_non_zero_naming_it(cli_db: str) -> None:
    r = runner.invoke(app, ["members", "--on", "1995-13-45"])
    assert r.exit_code != 0
    assert "1995-13-45" in r.output


def test_a_broken_file_names_file_line_and_path(cli_db: str, tmp_path: Path) -> None:
    text = loader.builtin_path().read_text(encoding="utf-8")
    lines = text.splitlines()
    n = next(i for i, line in enumerate(lines) if "{state: GEO, event: sign" in line)
    lines[n] = lines[n].replace("GEO", "GEX")
    broken = tmp_path / "broken.yaml"
    broken.write_text("\n".join(lines), encoding="utf-8")
    r = runner.invoke(app, ["load", str(broken)])
    assert r.exit_code == 1
    assert f"broken.yaml:{n + 1}:" in r.output.replace("\n", "")
    assert "unknown state code 'GEX'" in r.output
    r = runner.invoke(app, ["members", "--json"])
    assert "no organization loaded" in r.output


def test_bodies_on_a_date(cli_db: str) -> None:
    runner.invoke(app, ["load", "--builtin", "csto"])
    r = runner.invoke(app, ["bodies", "--on", "2004-01-01", "--json"])
    assert r.exit_code == 0
    keys = [b["key"] for b in json.loads(r.stdout)]
    assert "csc" in keys


@pytest.mark.parametrize(("scenario", "to_consultations"), [
    ("frontier", 75.0), ("atom-antiterror", 40.0), ("aftermath", 50.0), ("earthquake", 30.0)])
def test_shipped_exercises_run_to_their_review(cli_db: str, scenario: str,
                                               to_consultations: float) -> None:
    assert runner.invoke(app, ["load", "--builtin", "csto"]).exit_code == 0
    r = runner.invoke(app, ["exercise", "run", scenario, "--json"])
    assert r.exit_code == 0, r.output
    result = json.loads(r.stdout)
    assert result["stage"] == "closed"
    assert result["scorecard"]["to_consultations_minutes"] == to_consultations
    # Frontier: the consultations late, then the art. 4 answers of the members that gave
    # none (only Russia and Belarus answer)
    assert result["escalations"] == (2 if scenario == "frontier" else 0)
    r = runner.invoke(app, ["crises", "list", "--closed", "--json"])
    listed = json.loads(r.stdout)
    assert all(c["exercise"] for c in listed)
    assert all(c["title"].startswith("[EXERCISE]") for c in listed)
    r = runner.invoke(app, ["decisions", "list", "--json"])
    assert json.loads(r.stdout) == []  # exercise decisions stay out of the real register
    shown = runner.invoke(app, ["crises", "show", str(listed[0]["id"]), "--json"])
    assert shown.exit_code == 0, shown.output
    card = {m["measure"]: m for m in json.loads(shown.stdout)["response_card"]}
    # consultations from the first report, as the scorecard counts them (target 1 h)
    assert card["consultations"]["elapsed_minutes"] == to_consultations
    assert card["consultations"]["verdict"] == ("met" if to_consultations <= 60 else "missed")
    # closed without a decided deployment plan: never fully deployed, not "open"
    assert card["full_deployment"]["verdict"] == "not reached"
    assert "response card" in runner.invoke(app, ["crises", "show", str(listed[0]["id"])]
                                            ).output
    missing = runner.invoke(app, ["crises", "show", "999"])
    assert missing.exit_code == 1 and "999" in missing.output


def test_a_broken_scenario_names_the_place(cli_db: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ninjects:\n  - {at: 0, do: open, title: t, category: c,"
                   " affected: [KGZ]}\n  - {at: 5, do: fly}\n", encoding="utf-8")
    r = runner.invoke(app, ["exercise", "run", str(bad)])
    assert r.exit_code == 1
    assert "injects.1" in r.output


def test_cap_import_reports_every_problem(cli_db: str, tmp_path: Path) -> None:
    from tests.conftest import shared_file
    from tests.support.capfiles import alert

    good = shared_file("fixtures", "cap", "oasiscap", "v1dot2_appendix_adot2.xml")
    runner.invoke(app, ["load", "--builtin", "csto"])
    bad = tmp_path / "bad.xml"
    bad.write_bytes(alert(identifier="", msg_type="Bogus"))
    r = runner.invoke(app, ["cap", "import", str(bad), "--affected", "KGZ"])
    assert r.exit_code == 1
    assert "/alert/identifier" in r.output and "/alert/msgType" in r.output
    assert "nothing stored" in r.output
    r = runner.invoke(app, ["cap", "import", str(good), "--affected", "KGZ"])
    assert r.exit_code == 0, r.output
    assert "crisis 1" in r.output


def test_plan_prints_the_plan_with_its_bound_and_gap(cli_db: str) -> None:
    from phalanx.domain.access.principal import SYSTEM
    from phalanx.services import demo, forcesdemo
    from phalanx.services.db import Database

    assert runner.invoke(app, ["load", "--builtin", "csto"]).exit_code == 0
    db = Database.from_url(cli_db)
    demo.ensure_demo_accounts(db, actor=SYSTEM)
    crisis = forcesdemo.run(db, time_limit=1)
    r = runner.invoke(app, ["plan", "--crisis", str(crisis), "--time-limit", "1", "--json"])
    assert r.exit_code == 0, r.output
    plan = json.loads(r.stdout)
    assert plan["status"] == "proposed" and plan["crisis_id"] == crisis
    assert plan["bound"] <= plan["objective"]["closure"] + 1e-6
    assert plan["gap"] is not None
    r = runner.invoke(app, ["plan", "--crisis", str(crisis), "--time-limit", "1"],
                      env={"COLUMNS": "200"})
    assert r.exit_code == 0
    assert "lower bound" in r.stdout and "gap" in r.stdout
    # its moments are UTC's, and it says so, as the pages do
    said = " ".join(r.stdout.split())
    assert re.search(r"this crisis closes \d\d-\d\d \d\d:\d\d UTC\)", said), said
    # (the table's headers may wrap "(UTC)" under their word where the console is narrow)
    assert "departs" in said and "arrives" in said and said.count("(UTC)") >= 2, said
    r = runner.invoke(app, ["plan", "--crisis", "999", "--time-limit", "1"])
    assert r.exit_code == 1 and "no crisis 999" in r.output
    r = runner.invoke(app, ["plan", "--crisis", str(crisis), "--withdrawal"])
    assert r.exit_code == 1 and "after the mission" in r.output
    from phalanx.domain.crisis.workflow import Stage
    from phalanx.services import crises

    crises.transition(db, crisis, Stage.MONITORING, actor=SYSTEM)
    r = runner.invoke(app, ["plan", "--crisis", str(crisis), "--withdrawal", "--time-limit",
                            "1", "--decide"])
    assert r.exit_code == 0, r.output
    assert "withdrawal plan" in r.stdout and "(decided)" in r.stdout


def test_a_tokens_expiry_is_shown_to_the_minute_in_utc(cli_db: str) -> None:
    """A token issued at 21:30 UTC on 31 December for 90 days expires at 21:30 UTC on
    31 March, 00:30 on 1 April in Moscow: the commands say the moment and that it is UTC's,
    never a bare day that is not the organization's."""
    from datetime import UTC, datetime

    from phalanx.services import clock

    assert runner.invoke(app, ["load", "--builtin", "csto"]).exit_code == 0
    added = runner.invoke(app, ["users", "add", "ops", "--role", "secretariat",
                                "--password-stdin"], input="a-long-password\n")
    assert added.exit_code == 0, added.output
    with clock.use(datetime(2026, 12, 31, 21, 30, tzinfo=UTC)):
        r = runner.invoke(app, ["tokens", "issue", "ops", "--expires", "90"])
    assert r.exit_code == 0, r.output
    assert "expires 2027-03-31 21:30 UTC" in r.output
    listed = runner.invoke(app, ["tokens", "list"], env={"COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    assert "2027-03-31 21:30" in listed.output and "UTC" in listed.output

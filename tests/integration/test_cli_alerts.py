"""`phalanx cap import` and `phalanx feeds` as a watch officer types them: --json prints
the result or the errors on stdout; warnings name the element and line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.test_cli import app, cli_db, runner  # noqa: F401 (fixture)
from tests.support.capfiles import alert, info


def test_cap_import_json_prints_the_result_or_the_errors(cli_db: str,  # noqa: F811
                                                         tmp_path: Path) -> None:
    runner.invoke(app, ["load", "--builtin", "csto"])
    good = tmp_path / "good.xml"
    good.write_bytes(alert(info(), extra="<references/>"))
    r = runner.invoke(app, ["cap", "import", str(good), "--affected", "KGZ", "--json"])
    assert r.exit_code == 0, r.output
    body = json.loads(r.stdout)
    assert body["crisis"]["id"] == 1 and body["alert"]["action"] == "opened-crisis"
    assert body["alert"]["warnings"][0]["where"] == "/alert/references"
    bad = tmp_path / "bad.xml"
    bad.write_bytes(alert(sender=""))
    r = runner.invoke(app, ["cap", "import", str(bad), "--affected", "KGZ", "--json"])
    assert r.exit_code == 1
    errors = json.loads(r.stdout)["errors"]
    assert errors[0]["where"] == "/alert/sender" and errors[0]["line"] == 2
    r = runner.invoke(app, ["cap", "import", str(tmp_path / "none.xml"), "--affected",
                            "KGZ", "--json"])
    assert r.exit_code == 1 and json.loads(r.stdout)["stored"] is False
    watch = tmp_path / "watch.xml"
    watch.write_bytes(alert(identifier="W1"))
    r = runner.invoke(app, ["cap", "import", str(watch), "--affected", "KGZ", "--watch"])
    assert r.exit_code == 0 and "watch entry" in r.stdout


def test_feeds_add_list_and_refuse(cli_db: str) -> None:  # noqa: F811
    runner.invoke(app, ["load", "--builtin", "csto"])
    r = runner.invoke(app, ["feeds", "add", "http://alerts.kz.invalid/feed.atom", "--country",
                            "KAZ", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["rule"]["min_severity"] == "Severe"
    r = runner.invoke(app, ["feeds", "add", "file:///etc/passwd", "--country", "KAZ"])
    assert r.exit_code == 1 and "http" in r.output
    r = runner.invoke(app, ["feeds", "add", "http://alerts.kz.invalid/feed.atom", "--country",
                            "KAZ"])
    assert r.exit_code == 1 and "already registered" in r.output
    r = runner.invoke(app, ["feeds", "poll", "--json"])  # the port refuses: back-off
    assert r.exit_code == 1 and json.loads(r.stdout)[0]["status"] == "failing"
    assert "alerts.kz.invalid" in json.loads(r.stdout)[0]["errors"][0]
    r = runner.invoke(app, ["feeds", "poll", "1"])
    assert r.exit_code == 1 and "failing" in r.stdout
    r = runner.invoke(app, ["feeds", "list", "--json"])
    assert json.loads(r.stdout)[0]["failures"] == 2

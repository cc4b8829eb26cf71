"""The command line reviews the results as the pages do: an ingestion names the rows
that look like earlier reports, a report is withdrawn with its reason, a year is closed,
a later change needs `--reason`, and the changes after closing are listed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from phalanx.cli.main import app as cli
from phalanx.config import get_settings

HEADER = "reference,date,stage,metric,substance,quantity,unit,area\n"


def test_the_command_line_flags_withdraws_closes_and_lists(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHALANX_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str, str]:
        out = runner.invoke(cli, list(args))
        return out.exit_code, out.stdout, out.stderr

    def ingest(name: str, rows: str, *extra: str) -> tuple[int, str, str]:
        path = tmp_path / name
        path.write_text(HEADER + rows, encoding="utf-8")
        return run("ops", "ingest", str(path), "--operation", "channel", "--agency",
                   "customs", "--state", "KAZ", *extra)

    try:
        for step in (["db", "upgrade"], ["load", "--builtin", "csto"]):
            assert runner.invoke(cli, step).exit_code == 0
        row = "{ref},2025-10-10,autumn-2025,seizure,heroin,{q},kg,Khorgos\n"
        assert ingest("a.csv", row.format(ref="K-1", q="4"))[0] == 0
        code, _out, err = ingest("b.csv", row.format(ref="K-2", q="4"))
        assert code == 0 and "1 row(s) look like reports already sent" in err
        assert "row 2, K-2: like K-1" in err
        code, out, _err = run("ops", "duplicates", "channel", "--json")
        [flag] = json.loads(out)
        assert (flag["reference"], flag["other_reference"]) == ("K-2", "K-1")
        code, out, _err = run("ops", "withdraw", "channel", "KAZ", "customs", "K-2",
                              "--reason", "sent twice")
        assert code == 0 and "version 1 (4 kg) withdrawn" in out
        assert json.loads(run("ops", "duplicates", "channel", "--json")[1]) == []
        assert run("ops", "close-year", "2025", "--note", "annual report")[0] == 0
        code, _out, err = run("ops", "close-year", "2025")
        assert code == 1 and "2025 is already closed" in err
        code, _out, err = ingest("c.csv", row.format(ref="K-1", q="5"))
        assert code == 1 and "2025 is closed: a change to its figures needs a reason" in err
        code, out, _err = ingest("c.csv", row.format(ref="K-1", q="5"), "--reason",
                                 "weighed again")
        assert code == 0 and "1 change(s) to the figures of a closed year" in out
        code, out, _err = run("ops", "changes", "2025", "--json")
        assert [(c["reference"], c["kind"], c["reason"]) for c in json.loads(out)] == [
            ("K-1", "correction", "weighed again")]
    finally:
        get_settings.cache_clear()

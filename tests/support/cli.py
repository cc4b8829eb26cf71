"""The command line on a database of its own, for the tests of the commands: the
database a test's commands use (`PHALANX_DATABASE_URL`), migrated and loaded with an
organization, and the commands run as an operator would run them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from phalanx.cli.main import app
from phalanx.config import get_settings
from phalanx.services.db import Database

runner = CliRunner()


def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                 load: tuple[str, ...] = ("--builtin", "csto")) -> Iterator[Database]:
    """A SQLite database the commands use, migrated and loaded (`phalanx load *load`);
    its settings forgotten after."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PHALANX_DATABASE_URL", url)
    monkeypatch.setenv("PHALANX_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    loaded = runner.invoke(app, ["load", *load])
    assert loaded.exit_code == 0, loaded.output
    db = Database.from_url(url)
    yield db
    db.dispose()
    get_settings.cache_clear()


def cli_runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """The runner of the commands, on a database of its own (`cli_database`)."""
    for _db in cli_database(tmp_path, monkeypatch):
        yield runner


def ok(*args: str) -> str:
    """A command that succeeds: what it printed."""
    r = runner.invoke(app, list(args))
    assert r.exit_code == 0, r.output
    return r.stdout


def refused(*args: str) -> str:
    """A command refused (a non-zero exit): its refusal, as one line however the console
    wrapped it."""
    r = runner.invoke(app, list(args))
    assert r.exit_code != 0, r.output
    return " ".join(r.output.split())

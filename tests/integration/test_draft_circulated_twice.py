"""A draft circulated a second time with the title, text and deadline of one still open
under the same procedure (a command run twice, a form sent twice) is refused (409 naming
the first, a non-zero exit on the command line): every member would otherwise be asked to
sign twice over one question. Nothing is written; changed in anything, it is another
draft."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from phalanx.adapters.db import tables as t
from phalanx.cli.main import app as cli
from phalanx.config import Settings
from phalanx.services import clock
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_cli import cli_db  # noqa: F401 (a fixture)
from tests.support.sessions import bearer

runner = CliRunner()


def _wednesday() -> datetime:
    """A Wednesday noon UTC (15:00 in Moscow, a working day) at least three days ahead."""
    day = (clock.now() + timedelta(days=3)).date()
    day += timedelta(days=(2 - day.weekday()) % 7)
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


def _counts(db: Database) -> tuple[int, int]:
    with db.read() as conn:
        return tuple(int(conn.execute(select(func.count()).select_from(x)).scalar_one())
                     for x in (t.draft, t.audit_log))  # type: ignore[return-value]


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c


def test_the_api_refuses_the_same_draft_circulated_twice(
        client: TestClient, accounts_db: Database) -> None:
    sec = bearer(accounts_db, "secretariat")
    draft = {"body": "csc", "procedure": "written", "title": "On the statement",
             "text_en": "To adopt the statement.", "deadline": _wednesday().isoformat()}
    first = client.post("/api/v1/drafts", headers=sec, json=draft)
    assert first.status_code == 201, first.text
    before = _counts(accounts_db)
    r = client.post("/api/v1/drafts", headers=sec, json=draft)
    assert r.status_code == 409, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["detail"] == (f"draft {first.json()['id']} circulates already with this "
                                  "title, text and deadline")
    r = client.post("/api/v1/drafts", headers={**sec, "Accept-Language": "ru"}, json=draft)
    assert r.json()["detail"] == (f"проект {first.json()['id']} уже разослан с тем же "
                                  "названием, текстом и сроком")
    assert _counts(accounts_db) == before  # nothing written
    # another deadline, another text or another procedure: another draft
    later = (_wednesday() + timedelta(days=7)).isoformat()
    assert client.post("/api/v1/drafts", headers=sec,
                       json={**draft, "deadline": later}).status_code == 201
    assert client.post("/api/v1/drafts", headers=sec,
                       json={**draft, "text_en": "To adopt it."}).status_code == 201


def test_a_draft_closed_may_go_round_again(client: TestClient, accounts_db: Database) -> None:
    sec = bearer(accounts_db, "secretariat")
    draft = {"body": "csc", "procedure": "written", "title": "On the seal",
             "text_en": "To adopt the seal.", "deadline": _wednesday().isoformat()}
    first = client.post("/api/v1/drafts", headers=sec, json=draft).json()["id"]
    with accounts_db.engine.begin() as conn:  # its procedure ended (returned)
        conn.execute(t.draft.update().where(t.draft.c.id == first).values(
            status="closed", outcome="returned"))
    assert client.post("/api/v1/drafts", headers=sec, json=draft).status_code == 201


def test_the_command_line_run_twice_circulates_once(cli_db: str) -> None:  # noqa: F811
    assert runner.invoke(cli, ["load", "--builtin", "csto"]).exit_code == 0
    args = ["decisions", "circulate", "--body", "csc", "--title", "On the statement",
            "--text-en", "To adopt the statement.", "--deadline", _wednesday().isoformat()]
    assert runner.invoke(cli, args).exit_code == 0
    again = runner.invoke(cli, args)
    assert again.exit_code == 1, again.output
    assert "circulates already with this title, text and deadline" in " ".join(
        again.output.split())


def _exercise_session(db: Database, opens: datetime) -> int:
    from phalanx.domain.access.principal import Principal, Role
    from phalanx.services import decisions as dec

    return dec.convene(db, dec.MeetingIn(body="csc", exercise=True, opens_at=opens),
                       actor=Principal("secretariat", Role.SECRETARIAT)).id


def test_an_exercises_draft_and_a_real_one_are_never_the_same_draft(
        client: TestClient, accounts_db: Database) -> None:
    """An exercise rehearsing a real question circulates its draft in its own session: the
    real draft of the same title, text and deadline is no repeat of it (an exercise never
    stands in the way of real work, nor is a real draft named inside an exercise), and
    neither is another exercise's."""
    sec = bearer(accounts_db, "secretariat")
    deadline = _wednesday()
    draft = {"body": "csc", "procedure": "written", "title": "On the rehearsed statement",
             "text_en": "To adopt the statement.", "deadline": deadline.isoformat()}
    played = _exercise_session(accounts_db, deadline - timedelta(days=2))
    first = client.post("/api/v1/drafts", headers=sec, json={**draft, "meeting_id": played})
    assert first.status_code == 201, first.text
    real = client.post("/api/v1/drafts", headers=sec, json=draft)
    assert real.status_code == 201, real.text  # the real one circulates
    other = _exercise_session(accounts_db, deadline - timedelta(days=1))
    r = client.post("/api/v1/drafts", headers=sec, json={**draft, "meeting_id": other})
    assert r.status_code == 201, r.text  # another exercise's is its own
    # within each world, the same draft sent again is still a repeat of its first
    r = client.post("/api/v1/drafts", headers=sec, json=draft)
    assert r.status_code == 409 and f"draft {real.json()['id']} " in r.json()["detail"]
    r = client.post("/api/v1/drafts", headers=sec, json={**draft, "meeting_id": played})
    assert r.status_code == 409 and f"draft {first.json()['id']} " in r.json()["detail"]

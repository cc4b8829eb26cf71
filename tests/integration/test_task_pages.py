"""An implementation task is followed up on the tasks page: whoever may update it (the
Secretariat any task, a member's representative its state's) sets its status there (the
inbox sent them to a list with no way to do so); a page sent before another update is
refused beside the task, in the page's language; the others see no form."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_draft_pages import SEC, login, session, token


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c


def _today(db: Database) -> date:
    with db.read() as conn:
        return orgs.today(conn)


def _tasks(db: Database) -> tuple[dec.TaskOut, dec.TaskOut]:
    m = session(db)
    d = dec.propose_draft(db, dec.DraftIn(body="csc", meeting_id=m.id, title="On the plan",
                                          text_en="To adopt the plan."), actor=SEC)
    decision = dec.close_draft(db, d.id, actor=SEC).decision_id
    assert decision is not None
    # the organization's yesterday (date.today() is the machine's: east of Moscow, from
    # 18:00 UTC in Bishkek, its yesterday is Moscow's today, and nothing is overdue)
    yesterday = _today(db) - timedelta(days=1)
    ours = dec.add_task(db, decision, dec.TaskIn(
        assignee_kind="secretariat", assignee="secretariat", title="Circulate the plan",
        due_on=yesterday), actor=SEC)
    kaz = dec.add_task(db, decision, dec.TaskIn(
        assignee_kind="state", assignee="KAZ", title="Report on the plan",
        due_on=yesterday), actor=SEC)
    return ours, kaz


def _row(html: str, task_id: int) -> str:
    m = re.search(rf'<tr[^>]*id="task-{task_id}".*?</tr>', html, re.S)
    assert m is not None, task_id
    return m.group(0)


def test_the_secretariat_completes_an_overdue_task_on_the_page(
        client: TestClient, accounts_db: Database) -> None:
    ours, _kaz = _tasks(accounts_db)
    login(client, "secretariat")
    page = client.get("/tasks?overdue=true&lang=ru").text
    assert f'id="task-form-{ours.id}"' in _row(page, ours.id)
    r = client.post(f"/tasks/{ours.id}", data={
        "csrf_token": token(page), "status": "done", "note": "Sent on 3 December.",
        "revision": str(ours.revision)}, follow_redirects=False)
    assert r.status_code == 303
    with accounts_db.read() as conn:
        done = next(x for x in dec.list_tasks(conn, actor=SEC) if x.id == ours.id)
    assert done.status == "done" and not done.overdue
    assert str(ours.id) not in re.findall(r'id="task-(\d+)"',
                                          client.get("/tasks?overdue=true").text)

    # the same page sent again: the task changed since, refused beside it, in Russian
    r = client.post(f"/tasks/{ours.id}?lang=ru", data={
        "csrf_token": token(page), "status": "in_progress", "note": "",
        "revision": str(ours.revision)})
    assert r.status_code == 409
    error = re.search(r'id="task-error">([^<]+)<', r.text)
    assert error is not None and re.search("[а-я]", error.group(1)), r.text[:300]


def test_a_representative_updates_its_states_task_only(
        client: TestClient, accounts_db: Database) -> None:
    ours, kaz = _tasks(accounts_db)
    login(client, "rep-kaz")
    page = client.get("/tasks?lang=ru").text
    assert "task-form" in _row(page, kaz.id) and "task-form" not in _row(page, ours.id)
    r = client.post(f"/tasks/{kaz.id}", data={
        "csrf_token": token(page), "status": "in_progress", "note": "",
        "revision": str(kaz.revision)}, follow_redirects=False)
    assert r.status_code == 303
    login(client, "rep-blr")
    page = client.get("/tasks").text
    assert "task-form" not in _row(page, kaz.id)


def test_the_secretariat_assigns_a_task_on_the_page(
        client: TestClient, accounts_db: Database) -> None:
    """The Secretariat assigns an implementation task of a decision to a member state on
    the tasks page (it could only through the API); a refusal (a due date that is no
    date) comes back beside the form with what was typed; a representative has no form."""
    ours, _kaz = _tasks(accounts_db)
    login(client, "secretariat")
    page = client.get("/tasks?lang=ru").text
    assert 'id="assign-form"' in page
    r = client.post("/tasks", data={
        "csrf_token": token(page), "decision_id": str(ours.decision_id),
        "assignee": "state:TJK", "title": "Name the contingent", "due_on": "2027-02-01"},
        follow_redirects=False)
    assert r.status_code == 303
    with accounts_db.read() as conn:
        made = [x for x in dec.list_tasks(conn, actor=SEC) if x.title == "Name the contingent"]
    assert [(x.assignee_kind, x.assignee, x.due_on.isoformat()) for x in made] == [
        ("state", "TJK", "2027-02-01")]
    r = client.post("/tasks?lang=ru", data={
        "csrf_token": token(page), "decision_id": str(ours.decision_id),
        "assignee": "body:nowhere", "title": "Report", "due_on": "2027-02-01"})
    assert r.status_code == 422
    error = re.search(r'id="assign-error">([^<]+)<', r.text)
    assert error is not None and re.search("[а-я]", error.group(1))
    assert 'value="Report"' in r.text

    login(client, "rep-kaz")
    assert 'id="assign-form"' not in client.get("/tasks").text


def test_a_body_holding_a_task_or_a_document_is_named_by_its_name(
        client: TestClient, accounts_db: Database) -> None:
    """A task assigned to a body, and a document a body owns, name the body by its name in
    the page's language (the pages read "орган: csc"); the Secretariat is named once (it
    read "Секретариат: secretariat")."""
    from phalanx.domain.access.policy import Marking
    from phalanx.services import documents

    ours, _kaz = _tasks(accounts_db)
    dec.add_task(accounts_db, ours.decision_id, dec.TaskIn(
        assignee_kind="body", assignee="csc", title="Hear the report",
        due_on=_today(accounts_db) + timedelta(days=30)), actor=SEC)
    documents.create(accounts_db, documents.DocumentIn(
        title="Note of the Council", owner_kind="body", owner="csc",
        marking=Marking.PUBLIC), actor=SEC)
    login(client, "secretariat")
    for path, title in (("/tasks", "Hear the report"), ("/documents", "Note of the Council")):
        ru = client.get(f"{path}?lang=ru").text
        row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{title}.*?</tr>", ru, re.S)
        assert row is not None, path
        assert "Совет коллективной безопасности" in row.group(0), path
        assert not re.search(r"\bcsc\b|орган:", row.group(0)), path
        en = client.get(f"{path}?lang=en").text
        assert "Collective Security Council" in en, path
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", _row(client.get("/tasks?lang=ru").text,
                                                   ours.id), re.S)
    assert cells[2] == "Секретариат"


def test_the_trail_keeps_a_task_s_status_and_note_before_and_after_its_update(
        accounts_db: Database) -> None:
    """An auditor reads what an update changed: the status and note it replaced."""
    ours, _kaz = _tasks(accounts_db)
    first = dec.update_task(accounts_db, ours.id, "in_progress", "Drafting.",
                            revision=ours.revision, actor=SEC)
    dec.update_task(accounts_db, ours.id, "done", "Sent on 3 December.",
                    revision=first.revision, actor=SEC)
    with accounts_db.read() as conn:
        changes = [json.loads(c) for (c,) in conn.exec_driver_sql(
            "SELECT change FROM audit_log WHERE action = 'task.update' AND target_id = ? "
            "ORDER BY id", (str(ours.id),))]
    assert changes == [
        {"status": "in_progress", "note": "Drafting.",
         "before": {"status": "open", "note": ""}},
        {"status": "done", "note": "Sent on 3 December.",
         "before": {"status": "in_progress", "note": "Drafting."}}]



def test_the_tasks_not_done_come_first_a_page_at_a_time(
        client: TestClient, accounts_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """After years of use the page opens on the work still to do, not on the oldest
    tasks long done: those not done first (soonest due first), then the done ones."""
    from phalanx.services.clock import now, use
    from phalanx.web.pages import tasks as task_pages

    m = session(accounts_db)
    d = dec.propose_draft(accounts_db, dec.DraftIn(body="csc", meeting_id=m.id,
                                                   title="On the plan", text_en="To do it."),
                          actor=SEC)
    decision = dec.close_draft(accounts_db, d.id, actor=SEC).decision_id
    assert decision is not None
    today = _today(accounts_db)
    made = {}
    for n, (due, done) in enumerate([(-700, True), (-600, True), (-30, False), (20, False),
                                     (-10, True), (5, False)]):
        x = dec.add_task(accounts_db, decision, dec.TaskIn(
            assignee_kind="secretariat", assignee="secretariat", title=f"Task {n}",
            due_on=today + timedelta(days=due)), actor=SEC)
        if done:
            with use(now() + timedelta(days=due)):  # done on its day
                dec.update_task(accounts_db, x.id, "done", "", x.revision, actor=SEC)
        made[n] = x.id
    expected = [made[n] for n in (2, 5, 3, 4, 1, 0)]
    monkeypatch.setattr(task_pages, "TASKS_PAGE", 4)
    login(client, "secretariat")
    url, seen = "/tasks", []
    while url:
        r = client.get(url)
        assert r.status_code == 200
        seen += [int(x) for x in re.findall(r'<tr[^>]*id="task-(\d+)"', r.text)]
        found = re.search(r'<a href="([^"]+)" rel="next">', r.text)
        url = found.group(1).replace("&amp;", "&") if found else ""
    assert seen == expected
    api = client.get("/api/v1/tasks?limit=2&offset=1",
                     headers={"Authorization": "Bearer " + _bearer(accounts_db)})
    assert api.status_code == 200 and api.headers["X-Total-Count"] == str(len(made))
    assert [x["id"] for x in api.json()] == expected[1:3]
    overdue = client.get("/api/v1/tasks?overdue=true",
                         headers={"Authorization": "Bearer " + _bearer(accounts_db)})
    assert [x["id"] for x in overdue.json()] == [made[2]]


def _bearer(db: Database) -> str:
    from phalanx.domain.access.principal import SYSTEM
    from phalanx.services import tokens

    return tokens.issue_token(db, "secretariat", actor=SYSTEM).token

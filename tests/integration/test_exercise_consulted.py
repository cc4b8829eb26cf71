"""An exercise's decision by consultation is put to the heads of state of the states taking
part in it only: they alone are listed as consulted and awaited (the draft's page, the
API), the decision is judged on their answers, and its PDF gives their positions only. A
real crisis marked for some participants still consults every member with a say."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain import rotation
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.services import crises
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.errors import Invalid
from phalanx.web.app import create_app
from tests.support.sessions import bearer, login

SEC = Principal("secretariat", Role.SECRETARIAT)


def _chair(db: Database) -> str:
    """The state chairing the Collective Security Council this year."""
    with db.read() as conn:
        org, today = orgs.organization(conn), orgs.today(conn)
    c = rotation.chair(org, "csc", today.year)
    assert c is not None
    return c.state


def _crisis(db: Database, exercise: bool, taking: set[str]) -> crises.CrisisOut:
    c = crises.open_crisis(db, crises.CrisisIn(
        title="CPX Southern Shield" if exercise else "Incursion near Isfara",
        category="armed_attack", affected=["TJK"], place="Isfara", lat=40.12, lon=70.63,
        exercise=exercise, marking="PARTICIPANTS", participants=sorted(taking | {"TJK"})),
        actor=SEC)
    crises.convene_consultations(db, c.id, actor=SEC)
    return c


def _put(client: TestClient, crisis_id: int) -> int:
    room = client.get(f"/crises/{crisis_id}").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', room).group(1)  # type: ignore[union-attr]
    r = client.post(f"/crises/{crisis_id}/consultation", data={
        "csrf_token": token, "body": "csc", "question": "default",
        "title": "On assistance to Tajikistan", "text_en": "To send the CRRF.",
        "measures": "military_crrf"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return int(r.headers["location"].rsplit("/", 1)[1])


@pytest.mark.parametrize("exercise", [True, False])
def test_an_exercise_consults_the_states_taking_part_only(
        accounts_db: Database, settings: Settings, exercise: bool) -> None:
    chair = _chair(accounts_db)
    taking = {"KGZ", "RUS", chair}
    c = _crisis(accounts_db, exercise, taking)
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "secretariat", "demo-secretariat")
        draft_id = _put(client, c.id)
        page = client.get(f"/drafts/{draft_id}").text
        api = client.get(f"/api/v1/drafts/{draft_id}",
                         headers=bearer(accounts_db, "secretariat")).json()
    listed = set(re.findall(r'<tr id="consulted-(\w+)"', page))
    if exercise:
        assert set(api["signing_order"]) == taking | {"TJK"}
        assert set(api["not_reached"]) == taking | {"TJK"}
        assert listed == taking | {"TJK"}
        assert {s["state"] for s in api["stances"]} == taking | {"TJK"}
    else:  # a real decision: every member with a say
        assert {"BLR", "KAZ", "KGZ", "RUS", "TJK"} <= set(api["signing_order"])
        assert set(api["not_reached"]) == set(api["signing_order"]) == listed


def test_an_exercises_decision_is_announced_on_its_states_answers(
        accounts_db: Database, settings: Settings) -> None:
    """Every state taking part answers: the chair announces, the decision binds them, and
    its PDF lists their positions only; a state outside the exercise's answer is refused."""
    chair = _chair(accounts_db)
    taking = {"KGZ", "RUS", chair}
    c = _crisis(accounts_db, True, taking)
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "secretariat", "demo-secretariat")
        draft_id = _put(client, c.id)
    with accounts_db.read() as conn:
        d = dec.get_draft(conn, draft_id, actor=SYSTEM)
    rep = Principal(f"rep-{chair.lower()}", Role.REPRESENTATIVE, state=chair)
    outsider = next(s for s in ("KAZ", "BLR") if s not in taking)
    with pytest.raises(Invalid, match="not among the members consulted"):
        dec.record_answer(accounts_db, draft_id, dec.ConsultationAnswerIn(
            state=outsider, position="support", given_at=d.versions[0].created_at), actor=rep)
    for state in d.signing_order:
        dec.record_answer(accounts_db, draft_id, dec.ConsultationAnswerIn(
            state=state, position="support", given_at=d.versions[0].created_at), actor=rep)
    done = dec.announce(accounts_db, draft_id, actor=rep)
    assert done.status == "adopted", done.outcome_reason
    with accounts_db.read() as conn:
        decision = dec.get_decision(conn, done.decision_id or 0, actor=SYSTEM)
    assert decision.exercise
    assert set(decision.binding) == taking | {"TJK"}
    with TestClient(create_app(settings, accounts_db)) as client:
        r = client.get(f"/api/v1/decisions/{decision.id}/pdf",
                       headers=bearer(accounts_db, "secretariat"))
        assert r.status_code == 200
    from phalanx.services import decision_exports

    with accounts_db.read() as conn:
        draft = dec.get_draft(conn, draft_id, actor=SYSTEM)
    assert set(decision_exports._positions(draft)) == taking | {"TJK"}


def test_an_exercise_its_chair_takes_no_part_in_is_not_decided_by_consultation(
        accounts_db: Database, settings: Settings) -> None:
    """The chair records the answers and announces, and a state outside the exercise does
    not read its draft: with the chair's state not taking part, a consultation could never
    be decided. It is refused when put, from the room (its message in Russian too) and
    through the API, naming the chair, and nothing is stored (no session convened for it,
    no draft)."""
    chair = _chair(accounts_db)
    taking = {"KAZ", "KGZ", "BLR"} - {chair}
    c = _crisis(accounts_db, True, taking)
    before = _stored(accounts_db)
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "secretariat", "demo-secretariat")
        room = client.get(f"/crises/{c.id}").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', room).group(1)  # type: ignore[union-attr]
        form = {"csrf_token": token, "body": "csc", "question": "default",
                "title": "On assistance to Tajikistan", "text_en": "To send the CRRF.",
                "measures": "military_crrf"}
        r = client.post(f"/crises/{c.id}/consultation", data=form, follow_redirects=False)
        assert r.status_code == 422, r.status_code
        assert f"({chair}) takes no part in the exercise" in r.text
        ru = client.post(f"/crises/{c.id}/consultation?lang=ru", data=form,
                         follow_redirects=False)
        assert ru.status_code == 422 and f"({chair}) не участвует в учениях" in ru.text
    with accounts_db.read() as conn:
        session = crises.get(conn, c.id, actor=SYSTEM).session_id
    with TestClient(create_app(settings, accounts_db)) as client:
        api = client.post("/api/v1/drafts", headers=bearer(accounts_db, "secretariat"), json={
            "body": "csc", "meeting_id": session, "crisis_id": c.id,
            "procedure": "consultation", "title": "On assistance to Tajikistan",
            "text_en": "To send the CRRF."})
    assert api.status_code == 422, api.text
    assert api.headers["content-type"].startswith("application/problem+json")
    assert f"({chair}) takes no part in the exercise" in api.json()["detail"]
    assert _stored(accounts_db) == before


def _stored(db: Database) -> tuple[int, int]:
    """How many drafts and sessions there are."""
    from sqlalchemy import func, select

    from phalanx.adapters.db import tables as t

    with db.read() as conn:
        return (conn.execute(select(func.count()).select_from(t.draft)).scalar_one(),
                conn.execute(select(func.count()).select_from(t.meeting)).scalar_one())

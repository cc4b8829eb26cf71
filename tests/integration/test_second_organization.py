"""Another organization served from its file (`tests/fixtures/danube-alliance.yaml`): the
demo fits it, and its pages name its own agreement, bodies and sections, never the
built-in organization's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.domain.crisis.workflow import Measure, Stage
from phalanx.services import crises, decision_exports, demo
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.sessions import login

FILE = Path(__file__).parents[1] / "fixtures" / "danube-alliance.yaml"


@pytest.fixture
def danube_db(sqlite_db: Database) -> Database:
    orgs.load_dataset(sqlite_db, FILE, actor=SYSTEM)
    demo.ensure_demo_accounts(sqlite_db, actor=SYSTEM)
    return sqlite_db


def test_the_demo_records_fit_another_organization(danube_db: Database) -> None:
    # the built-in organization's exercise and forces crisis name its states and units:
    # they are left out, and the session is the alliance's own supreme body's
    created = demo.ensure_demo_records(danube_db, actor=SYSTEM)
    assert "adopted draft" in created
    # the council decides by majority: the draft one member objects to is adopted
    assert "adopted draft over an objection" in created and "returned draft" not in created
    assert not [c for c in created if "Frontier" in c or "CRRF" in c]
    with danube_db.read() as conn:
        (meeting,) = dec.list_meetings(conn, actor=SYSTEM)
    assert meeting.body == "supreme-council" and meeting.place == ""


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_pages_name_the_organizations_own_things(danube_db: Database,
                                                     settings: Settings) -> None:
    with TestClient(create_app(settings, danube_db)) as client:
        login(client, "secretariat", "demo-secretariat")
        home = client.get("/?lang=en").text
        # the file has no assembly, military-technical register, operations or training
        for href in ("/parliament", "/mtc", "/operations", "/training", "/external"):
            assert f'href="{href}"' not in home, href
        assert 'href="/forces"' in home and 'href="/sessions"' in home
        overview = client.get("/secretariat?lang=en").text
        assert 'id="ov-parliament"' not in overview and 'id="ov-exercises"' in overview
        members = client.get("/members?lang=en").text
        assert 'title="Danube Security Pact">Bound by the founding agreement' in members
        agreements = _text(client.get("/agreements?lang=en").text)
        for page in (_text(members), agreements):
            assert "Treaty" not in page and "Charter" not in page


def test_the_built_in_organization_keeps_its_sections(accounts_db: Database,
                                                       settings: Settings) -> None:
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "secretariat", "demo-secretariat")
        home = client.get("/?lang=en").text
        for href in ("/parliament", "/mtc", "/operations", "/training", "/external"):
            assert f'href="{href}"' in home, href


def test_a_decision_by_majority_is_exported_as_one(danube_db: Database) -> None:
    # the supreme council decides by majority (its file's default rule): the demo's
    # second draft, objected to by one member, is adopted, and its Akoma Ntoso names the
    # majority rule, not consensus
    demo.ensure_demo_records(danube_db, actor=SYSTEM)
    with danube_db.read() as conn:
        adopted = {d.title: d for d in dec.list_decisions(conn, actor=SYSTEM)}
        objected = adopted["On the joint information policy"]
        xml = decision_exports.akoma_ntoso(conn, objected.id, "en", actor=SYSTEM).decode()
        other = decision_exports.akoma_ntoso(
            conn, adopted["On the plan of consultations"].id, "en", actor=SYSTEM).decode()
    assert 'refersTo="#majority"' in xml and 'eId="majority"' in xml
    assert 'value="1" refersTo="#object"' in xml
    assert "consensus" not in xml
    assert 'refersTo="#majority"' in other


def test_the_crrf_constraint_binds_only_an_organization_whose_file_gives_it(
        danube_db: Database, settings: Settings) -> None:
    # a report naming a member as the other party: the built-in organization's CRRF is
    # not used for such a dispute (its formations' `use_constraint: crrf`,
    # test_crisis_room_refusals); the alliance's response force has no such constraint,
    # and its rapid-reaction measure is not refused for it, nor asked about CIS partners
    c = crises.open_crisis(danube_db, crises.CrisisIn(
        title="Border clash", category="armed_attack", affected=["SVN"],
        other_parties=["HUN"], severity="severe", place="border"), actor=SYSTEM)
    crises.set_response(danube_db, c.id, crises.ResponseIn(measures=[Measure.MILITARY_CRRF]),
                        actor=SYSTEM)
    crises.convene_consultations(danube_db, c.id, actor=SYSTEM)
    crises.transition(danube_db, c.id, Stage.ASSESSMENT, actor=SYSTEM)
    with danube_db.read() as conn:
        refused = crises.military_check(conn, c.id, actor=SYSTEM)
    # what stands is the alliance's own rules: a decision, the state's request
    assert refused and not [r for r in refused if "CRRF" in r or "CIS" in r], refused
    with TestClient(create_app(settings, danube_db)) as client:
        login(client, "secretariat", "demo-secretariat")
        room = client.get(f"/crises/{c.id}?lang=en").text
        assert "other party" in room and "a dispute between members" in room
        assert "CRRF is not used" not in room and "CIS" not in room
        # the guards' facts: the UN mandate and abroad, not the CRRF's two
        assert 'value="un_mandate"' in room and 'value="abroad"' in room
        assert 'value="bilateral_dispute"' not in room
        assert 'value="against_cis_or_neighbour"' not in room


def test_its_days_are_those_of_its_own_working_zone(danube_db: Database) -> None:
    """The alliance works on Vienna's time: a session opening at 00:30 on 1 January there
    (23:30 UTC on 31 December) dates its decisions 1 January and numbers them in the new
    year; Moscow's day (already 1 January at 21:00 UTC) is not its own."""
    from datetime import UTC, date, datetime, timedelta

    from phalanx.domain.access.principal import Principal, Role
    from phalanx.domain.decisions.consensus import Position
    from phalanx.services import clock

    sec = Principal("secretariat", Role.SECRETARIAT)
    opens = datetime(2024, 12, 31, 23, 30, tzinfo=UTC)
    with danube_db.read() as conn, clock.use(datetime(2024, 12, 31, 22, 30, tzinfo=UTC)):
        assert orgs.today(conn) == date(2024, 12, 31)  # 23:30 in Vienna, 01:30 in Moscow
    with clock.use(opens - timedelta(days=1)):
        m = dec.convene(danube_db, dec.MeetingIn(body="supreme-council", opens_at=opens),
                        actor=sec)
        for a in m.attendance:
            dec.record_attendance(danube_db, m.id, a.state, True, actor=sec)
        d = dec.propose_draft(danube_db, dec.DraftIn(
            body="supreme-council", meeting_id=m.id, title="On the plan",
            text_en="To approve the plan."), actor=sec)
    with clock.use(opens + timedelta(minutes=30)):
        for a in m.attendance:
            dec.state_position(danube_db, d.id, Position.SUPPORT, actor=Principal(
                f"rep-{a.state.lower()}", Role.REPRESENTATIVE, state=a.state))
        closed = dec.close_draft(danube_db, d.id, actor=sec)
    assert closed.decision_id is not None, closed.outcome_reason
    with danube_db.read() as conn:
        decision = dec.get_decision(conn, closed.decision_id, actor=sec)
    assert (decision.number, decision.adopted_on) == ("SCA-2025-001", date(2025, 1, 1))


# the built-in organization's words (the menu's "Договоры и соглашения" is any one's)
CSTO_WORDS = ("CRRF", "КСОР", "CSTO", "ОДКБ", "Treaty", "Договора", "Договор ", "CIS", "СНГ")


def test_no_csto_word_on_its_pages_or_in_its_refusals(danube_db: Database,
                                                      settings: Settings) -> None:
    """The alliance's refusals cite its own Pact's articles (its file's settings), and its
    rapid-reaction measure is named after its own force, in English and in Russian."""
    from phalanx.services.errors import Conflict
    from phalanx.web.i18n import errors

    c = crises.open_crisis(danube_db, crises.CrisisIn(
        title="Border clash", category="armed_attack", affected=["SVN"], severity="severe",
        place="border"), actor=SYSTEM)
    crises.set_response(danube_db, c.id, crises.ResponseIn(measures=[Measure.MILITARY_CRRF]),
                        actor=SYSTEM)
    with pytest.raises(Conflict) as first:
        crises.transition(danube_db, c.id, Stage.CONSULTATIONS, actor=SYSTEM)
    with pytest.raises(Conflict) as rejected:
        crises.transition(danube_db, c.id, Stage.REJECTED, reason="no threat", actor=SYSTEM)
    crises.convene_consultations(danube_db, c.id, actor=SYSTEM)
    crises.transition(danube_db, c.id, Stage.ASSESSMENT, actor=SYSTEM)
    with danube_db.read() as conn:
        refused = crises.military_check(conn, c.id, actor=SYSTEM)
        org = orgs.organization(conn)
    said = [str(first.value), str(rejected.value), *refused]
    assert "consultations must be convened first (Pact art. 4)" in said[0]
    assert "before the members consult (Pact art. 4: consultations at once)" in said[1]
    assert any("military assistance under Pact art. 5" in r for r in refused), refused
    for lang in ("en", "ru"):
        names = errors.body_names(org, lang)
        shown = [errors.translate(s, lang, labelled=True, bodies=names) for s in said]
        assert not [s for s in shown if any(w in s for w in CSTO_WORDS)], shown
        if lang == "ru":
            assert "сначала нужно созвать консультации (ст. 4 Пакта)" in shown[0], shown
            assert any("военные (СРД): военная помощь (ст. 5 Пакта)" in s for s in shown), \
                shown
        else:
            assert any(s.startswith("military (DRF): military assistance under Pact art. 5")
                       for s in shown), shown
    with TestClient(create_app(settings, danube_db)) as client:
        login(client, "secretariat", "demo-secretariat")
        for lang, own in (("en", "military (DRF)"), ("ru", "военные (СРД)")):
            room = _text(client.get(f"/crises/{c.id}?lang={lang}").text)
            assert own in room, lang
            assert not [w for w in CSTO_WORDS if w in room], (lang, [
                room[max(0, room.index(w) - 80):room.index(w) + 40]
                for w in CSTO_WORDS if w in room])


def test_its_decision_pdf_names_its_own_force(danube_db: Database, settings: Settings) -> None:
    """A decision authorizing the rapid-reaction measure says so in the alliance's words
    (its Response Force), not the built-in organization's."""
    import io
    from datetime import UTC, datetime, timedelta

    import pypdf

    from phalanx.domain.access.principal import Principal, Role
    from phalanx.domain.decisions.consensus import Position
    from phalanx.services import clock

    sec = Principal("secretariat", Role.SECRETARIAT)
    opens = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with clock.use(opens - timedelta(days=1)):
        m = dec.convene(danube_db, dec.MeetingIn(body="supreme-council", opens_at=opens),
                        actor=sec)
        for a in m.attendance:
            dec.record_attendance(danube_db, m.id, a.state, True, actor=sec)
        d = dec.propose_draft(danube_db, dec.DraftIn(
            body="supreme-council", meeting_id=m.id, title="On the response force",
            text_en="To send the response force.", measures=[Measure.MILITARY_CRRF]),
            actor=sec)
    with clock.use(opens + timedelta(minutes=30)):
        for a in m.attendance:
            dec.state_position(danube_db, d.id, Position.SUPPORT, actor=Principal(
                f"rep-{a.state.lower()}", Role.REPRESENTATIVE, state=a.state))
        closed = dec.close_draft(danube_db, d.id, actor=sec)
    assert closed.decision_id is not None, closed.outcome_reason
    with TestClient(create_app(settings, danube_db)) as client:
        login(client, "secretariat", "demo-secretariat")
        for lang, own in (("en", "military (DRF)"), ("ru", "военные (СРД)")):
            r = client.get(f"/api/v1/decisions/{closed.decision_id}/pdf?lang={lang}")
            assert r.status_code == 200
            text = " ".join(p.extract_text() for p in pypdf.PdfReader(
                io.BytesIO(r.content)).pages)
            text = " ".join(text.split())
            assert own in text and "CRRF" not in text and "КСОР" not in text, text

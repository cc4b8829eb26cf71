"""Membership after loading, on SQLite and PostgreSQL: events recorded by the Secretariat,
events proposed by an adopted decision and confirmed, the contributions ledger,
appointments by decision; and the same through the API and the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from phalanx.adapters.db import tables as t
from phalanx.cli.main import app as cli
from phalanx.config import Settings, get_settings
from phalanx.dataset import loader
from phalanx.domain import membership as rules
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.decisions.consensus import Position, Standing
from phalanx.services import decisions as dec
from phalanx.services import identity
from phalanx.services import membership as ms
from phalanx.services import organization as orgs
from phalanx.services import organization_terms as terms
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid
from phalanx.web.app import create_app

SEC = Principal("sec", Role.SECRETARIAT)
REP = Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ")


@pytest.fixture
def db_recipe() -> str:
    return "dataset"  # every test starts from the built-in dataset


@pytest.fixture
def org_db(db: Database) -> Database:
    return db


def audited(db: Database, action: str) -> int:
    with db.read() as conn:
        return conn.execute(select(func.count()).select_from(t.audit_log)
                            .where(t.audit_log.c.action == action)).scalar_one()


def org(db: Database):
    with db.read() as conn:
        return orgs.organization(conn)


def test_a_notice_of_withdrawal_takes_effect_six_months_later_and_survives_a_reload(
        org_db: Database) -> None:
    r = ms.record_event(org_db, ms.EventIn(state="KAZ", kind="notice_of_withdrawal",
                                           on=date(2026, 12, 1), source="note verbale"),
                        actor=SEC)
    assert (r.status, r.event) == ("confirmed", "notice")
    assert audited(org_db, "membership.record") == 1
    o = org(org_db)  # not settled: it stays a member past the notice period
    assert rules.status_on(o, "KAZ", date(2027, 9, 1)) is not None
    kaz = next(x for x in orgs.members_on(o, date(2027, 9, 1)) if x.code == "KAZ")
    assert (kaz.notice_given, kaz.leaving_on, kaz.obligations_settled) == (
        date(2026, 12, 1), None, None)
    ms.record_event(org_db, ms.EventIn(state="KAZ", kind="obligations_settled",
                                       on=date(2027, 3, 1)), actor=SEC)
    o = org(org_db)
    assert rules.status_on(o, "KAZ", date(2027, 5, 31)) is not None
    assert rules.status_on(o, "KAZ", date(2027, 6, 1)) is None
    kaz = next(x for x in orgs.members_on(o, date(2027, 4, 1)) if x.code == "KAZ")
    assert (kaz.leaving_on, kaz.obligations_settled) == (date(2027, 6, 1), date(2027, 3, 1))
    # a reload of the same file and of a changed one keeps what was recorded after it
    orgs.load_dataset(org_db, loader.builtin_path(), actor=SYSTEM)
    assert rules.status_on(org(org_db), "KAZ", date(2027, 6, 1)) is None


def test_refusals_write_nothing(org_db: Database) -> None:
    with pytest.raises(Invalid, match="not a member"):
        ms.record_event(org_db, ms.EventIn(state="GEO", kind="withdrawal",
                                           on=date(2020, 1, 1)), actor=SEC)
    ms.record_event(org_db, ms.EventIn(state="BLR", kind="notice_of_withdrawal",
                                       on=date(2027, 1, 1)), actor=SEC)
    with pytest.raises(Invalid, match="notice period"):
        ms.record_event(org_db, ms.EventIn(state="BLR", kind="withdrawal",
                                           on=date(2027, 3, 1)), actor=SEC)
    with pytest.raises(Invalid, match="before the obligations are settled"):
        ms.record_event(org_db, ms.EventIn(state="BLR", kind="withdrawal",
                                           on=date(2027, 9, 1)), actor=SEC)
    with pytest.raises(Invalid, match="written notice"):
        ms.record_event(org_db, ms.EventIn(state="KGZ", kind="withdrawal",
                                           on=date(2027, 9, 1)), actor=SEC)
    for kind, state in (("admission", "SRB"), ("admission", "AZE"), ("suspension", "TJK"),
                        ("expulsion", "BLR")):
        with pytest.raises(Invalid, match="decided by the Council"):
            ms.record_event(org_db, ms.EventIn(state=state, kind=kind, on=date(2027, 1, 1)),
                            actor=SEC)
    with pytest.raises(Forbidden):
        ms.record_event(org_db, ms.EventIn(state="KAZ", kind="not_taking_part",
                                           on=date(2027, 1, 1)), actor=REP)
    with org_db.read() as conn:
        assert len(ms.records(conn, actor=SYSTEM)) == 1
    assert audited(org_db, "membership.record") == 1


def adopted_decision(db: Database) -> int:
    m = dec.convene(db, dec.MeetingIn.model_validate(
        {"body": "csc", "opens_at": datetime(2026, 11, 20, 10, tzinfo=UTC)}), actor=SEC)
    for a in m.attendance:
        dec.record_attendance(db, m.id, a.state, True, actor=SEC)
    d = dec.propose_draft(db, dec.DraftIn.model_validate(
        {"body": "csc", "meeting_id": m.id, "title": "On a member's request",
         "text_en": "The Council decides:\n1. To suspend.\n"}), actor=SEC)
    for s in d.stances:
        if s.standing.value == "full":  # Armenia takes no part since 2024; UZB left
            a = s
            dec.state_position(db, d.id, Position.SUPPORT,
                               actor=Principal(f"rep-{a.state}", Role.REPRESENTATIVE,
                                               state=a.state))
    closed = dec.close_draft(db, d.id, [], actor=SEC)
    assert closed.status == "adopted"
    return closed.decision_id or 0


def test_a_decision_proposes_and_the_secretariat_confirms(org_db: Database) -> None:
    decision = adopted_decision(org_db)
    with org_db.write(SEC) as w:
        pid = ms.propose_from_decision(w, decision_id=decision, state="TJK",
                                       kind="suspension", on=date(2027, 1, 1), actor=SEC)
    assert audited(org_db, "membership.propose") == 1
    assert rules.standing_on(org(org_db), "TJK", date(2027, 2, 1)) is Standing.FULL
    done = ms.confirm(org_db, pid, actor=SEC)
    assert done.status == "confirmed" and done.decision_id == decision
    o = org(org_db)
    assert rules.standing_on(o, "TJK", date(2027, 2, 1)) is Standing.SUSPENDED
    assert "TJK" in [x.state for x in rules.members_on(o, date(2027, 2, 1))]
    with pytest.raises(Conflict):
        ms.confirm(org_db, pid, actor=SEC)
    with pytest.raises(Forbidden):
        ms.confirm(org_db, pid, actor=REP)
    with pytest.raises(Invalid), org_db.write(SEC) as w:
        ms.propose_from_decision(w, decision_id=decision, state="TJK", kind="promotion",
                                 on=date(2027, 1, 1), actor=SEC)


def test_a_decisions_proposal_is_read_by_the_decisions_readers_only(
        org_db: Database) -> None:
    """A proposal is what a decision says until the Secretariat confirms it: the list of
    membership records shows it only to readers of the decision; confirmed, the event is
    the organization's (every reader's), but the decision stays unnamed, by id and by
    number, to a reader that may not read it."""
    observer = Principal("observer", Role.OBSERVER)
    decision = adopted_decision(org_db)
    with org_db.read() as conn:
        number = dec.get_decision(conn, decision, actor=SEC).number
    with org_db.write(SEC) as w:
        pid = ms.propose_from_decision(w, decision_id=decision, state="TJK",
                                       kind="suspension", on=date(2027, 1, 1), actor=SEC)
    with org_db.read() as conn:
        assert pid in [r.id for r in ms.records(conn, actor=REP)]
        assert pid not in [r.id for r in ms.records(conn, actor=observer)]
    ms.confirm(org_db, pid, actor=SEC)
    with org_db.read() as conn:
        (seen,) = [r for r in ms.records(conn, actor=observer) if r.id == pid]
        assert seen.decision_id is None and number not in seen.source
        (kaz,) = [r for r in ms.records(conn, actor=REP) if r.id == pid]
        assert kaz.decision_id == decision and number in kaz.source


def test_the_council_lifts_a_suspension_by_decision(org_db: Database) -> None:
    """Uzbekistan's suspension of 2012 can be lifted: a Council decision on the question
    proposes the event, the Secretariat confirms it; recorded alone it is refused. Before,
    no body decided 'lifting_of_suspension' questions, so it could never be lifted."""
    with pytest.raises(Invalid, match="decided by the Council"):
        ms.record_event(org_db, ms.EventIn(state="UZB", kind="lifting_of_suspension",
                                           on=date(2027, 1, 1)), actor=SEC)
    m = dec.convene(org_db, dec.MeetingIn.model_validate(
        {"body": "csc", "opens_at": datetime(2026, 11, 20, 10, tzinfo=UTC)}), actor=SEC)
    d = dec.propose_draft(org_db, dec.DraftIn.model_validate(
        {"body": "csc", "meeting_id": m.id, "title": "On Uzbekistan's participation",
         "question": "lifting_of_suspension", "subject": {"state": "UZB", "on": "2027-01-01"},
         "text_en": "The Council decides:\n1. To lift the suspension.\n"}), actor=SEC)
    for s in ("BLR", "KAZ", "KGZ", "RUS", "TJK"):
        dec.record_attendance(org_db, m.id, s, True, actor=SEC)
        dec.state_position(org_db, d.id, Position.SUPPORT,
                           actor=Principal(f"rep-{s}", Role.REPRESENTATIVE, state=s))
    assert dec.close_draft(org_db, d.id, [], actor=SEC).status == "adopted"
    with org_db.read() as conn:
        (proposal,) = [r for r in ms.records(conn, actor=SYSTEM) if r.state == "UZB"]
    assert (proposal.event, proposal.on, proposal.status) == ("resume", date(2027, 1, 1),
                                                              "proposed")
    ms.confirm(org_db, proposal.id, actor=SEC)
    o = org(org_db)
    assert rules.standing_on(o, "UZB", date(2026, 12, 31)) is Standing.SUSPENDED
    assert rules.standing_on(o, "UZB", date(2027, 1, 1)) is Standing.FULL
    assert rules.bound_by_founding(o, "UZB", date(2027, 1, 1))
    assert rules.check(o) == []
    # an expulsion, which the CSTO's settings allow, can be tabled too
    assert dec.propose_draft(org_db, dec.DraftIn.model_validate(
        {"body": "csc", "meeting_id": m.id, "title": "On a member", "question": "expulsion",
         "subject": {"state": "UZB"}, "text_en": "To expel."}), actor=SEC).question == \
        "expulsion"


def test_an_appointment_decision_updates_the_post(org_db: Database) -> None:
    decision = adopted_decision(org_db)
    with org_db.write(SEC) as w:
        ms.appoint_from_decision(w, decision_id=decision, post="secretary_general",
                                 person="A. Successor", state="RUS", start=date(2029, 1, 1),
                                 actor=SEC)
    o = org(org_db)
    assert terms.post_on(o, "secretary_general", date(2028, 12, 31)).holder == \
        "Taalatbek Masadykov"
    after = terms.post_on(o, "secretary_general", date(2029, 6, 1))
    assert (after.holder, after.term_state, after.next_state) == ("A. Successor", "RUS", "TJK")
    assert audited(org_db, "post.appoint") == 1
    with pytest.raises(Invalid, match="good standing"), org_db.write(SEC) as w:
        ms.appoint_from_decision(w, decision_id=decision, post="secretary_general",
                                 person="X", state="UZB", start=date(2032, 1, 1), actor=SEC)
    # a titular appointment holds the post to the end of its term, not beyond
    later = terms.post_on(o, "secretary_general", date(2032, 6, 1))
    assert later.holder is None and later.term_state is None and after.term_end == \
        date(2032, 1, 1)


def test_an_appointment_out_of_the_rotation_must_say_so(org_db: Database) -> None:
    """The 2026–2028 term is Kyrgyzstan's: a decision appointing a Tajik national mid-term
    is refused unless it says it departs from the rotation; then it holds the post to
    the term's end and the rotation goes on from the term's state."""
    decision = adopted_decision(org_db)
    with pytest.raises(Invalid, match="the term 2026–2028 is KGZ's"), \
            org_db.write(SEC) as w:
        ms.appoint_from_decision(w, decision_id=decision, post="secretary_general",
                                 person="Test Person", state="TJK", start=date(2027, 3, 15),
                                 actor=SEC)
    with org_db.write(SEC) as w:
        ms.appoint_from_decision(w, decision_id=decision, post="secretary_general",
                                 person="Test Person", state="TJK", start=date(2027, 3, 15),
                                 actor=SEC, out_of_rotation=True)
    o = org(org_db)
    now = terms.post_on(o, "secretary_general", date(2028, 6, 1))
    assert (now.holder, now.term_end) == ("Test Person", date(2029, 1, 1))
    after = terms.post_on(o, "secretary_general", date(2030, 6, 1))
    assert after.holder is None
    # the term stays Kyrgyzstan's: the rotation goes on to Russia, not from Tajikistan
    assert (now.term_state, now.next_state) == ("KGZ", "RUS")


def test_the_ledger_is_edited_and_the_two_year_rule_follows(org_db: Database) -> None:
    with org_db.read() as conn:
        assert len(ms.ledger(conn, actor=SEC)) == 24
    for year in (2024, 2025):
        ms.set_contribution(org_db, "KAZ", year, ms.ContributionIn(assessed=1500, paid=0),
                            actor=SEC)
    assert audited(org_db, "contribution.set") == 2
    o = org(org_db)
    assert rules.standing_on(o, "KAZ", date(2026, 1, 1)) is Standing.IN_ARREARS
    assert rules.bound_by_founding(o, "KAZ", date(2026, 1, 1))  # never the obligations
    orgs.load_dataset(org_db, loader.builtin_path(), actor=SYSTEM)  # edits are kept
    assert rules.standing_on(org(org_db), "KAZ", date(2026, 1, 1)) is Standing.IN_ARREARS
    with pytest.raises(Invalid, match="paid more"):
        ms.set_contribution(org_db, "KAZ", 2024, ms.ContributionIn(assessed=1, paid=2),
                            actor=SEC)
    with pytest.raises(Forbidden):
        ms.set_contribution(org_db, "KAZ", 2024, ms.ContributionIn(assessed=1, paid=0),
                            actor=REP)


# --- the API --------------------------------------------------------------------------


@pytest.fixture
def api(loaded_db: Database, settings: Settings) -> Iterator[tuple[TestClient, dict, dict]]:
    identity.add_user(loaded_db, identity.NewUser("sec", "quartz-ledger-41", Role.SECRETARIAT),
                      actor=SYSTEM)
    identity.add_user(loaded_db, identity.NewUser("rep", "quartz-ledger-41", Role.REPRESENTATIVE,
                                                  "KAZ"), actor=SYSTEM)
    sec = api_tokens.issue_token(loaded_db, "sec", actor=SYSTEM).token
    rep = api_tokens.issue_token(loaded_db, "rep", actor=SYSTEM).token
    with TestClient(create_app(settings, loaded_db)) as c:
        yield c, {"Authorization": f"Bearer {sec}"}, {"Authorization": f"Bearer {rep}"}


def test_the_api_shows_standing_and_records_events(api, loaded_db: Database) -> None:
    c, sec, rep = api
    identity.add_user(loaded_db, identity.NewUser("obs", "quartz-ledger-41", Role.OBSERVER),
                      actor=SYSTEM)
    obs_token = api_tokens.issue_token(loaded_db, "obs", actor=SYSTEM).token
    obs = {"Authorization": f"Bearer {obs_token}"}
    assert c.get("/api/v1/organization", headers=sec).json()["as_of"] == "2025-11-30"
    arm = next(m for m in c.get("/api/v1/members", params={"on": "2024-06-01"},
                                headers=sec).json() if m["code"] == "ARM")
    assert (arm["status"], arm["standing"], arm["bound"]) == (
        "not_taking_part", "not_participating", True)
    chairs = c.get("/api/v1/bodies/csc/chairs", params={"until": 2028}, headers=sec).json()
    assert [(x["year"], x["state"]) for x in chairs][-2:] == [(2027, "TJK"), (2028, "BLR")]
    event = {"state": "KGZ", "kind": "notice_of_withdrawal", "on": "2027-01-10"}
    assert c.post("/api/v1/membership/events", json=event, headers=rep).status_code == 403
    r = c.post("/api/v1/membership/events", json=event, headers=sec)
    assert r.status_code == 201 and r.json()["event"] == "notice"
    bad = c.post("/api/v1/membership/events", headers=sec,
                 json={"state": "KGZ", "kind": "withdrawal", "on": "2027-02-01"})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert "notice period" in bad.json()["detail"]
    alone = c.post("/api/v1/membership/events", headers=sec,
                   json={"state": "SRB", "kind": "admission", "on": "2030-01-01"})
    assert alone.status_code == 422 and "decided by the Council" in alone.json()["detail"]
    put = c.put("/api/v1/contributions/TJK/2025", headers=sec,
                json={"assessed": 900, "paid": 100, "paid_on": "2025-12-01"})
    assert put.status_code == 200 and put.json()["illustrative"] is False
    arrears = c.get("/api/v1/arrears", params={"on": "2026-06-01"}, headers=sec).json()
    assert {a["state"]: a["standing"] for a in arrears}["ARM"] == "not_participating"
    # the ledger and the arrears: members and staff, not an observer
    assert c.get("/api/v1/arrears", headers=rep).status_code == 200
    assert c.get("/api/v1/contributions", params={"state": "TJK"},
                 headers=rep).json()[-1]["paid"] == 100
    for path in ("/api/v1/contributions", "/api/v1/arrears"):
        refused = c.get(path, headers=obs)
        assert refused.status_code == 403, path
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "members and the Organization's staff" in refused.json()["detail"]
    post = c.get("/api/v1/posts/secretary_general", params={"on": "2026-06-01"},
                 headers=sec).json()
    assert (post["term_end"], post["next_state"]) == ("2029-01-01", "RUS")


# --- the command line -----------------------------------------------------------------

runner = CliRunner()


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PHALANX_DATABASE_URL", url)
    get_settings.cache_clear()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    yield url
    get_settings.cache_clear()


def test_members_and_the_treaty_agree_on_the_issue_s_dates(cli_db: str) -> None:
    r = runner.invoke(cli, ["load", "--builtin", "csto"])
    assert r.exit_code == 0 and "as of 2025-11-30" in r.output
    r = runner.invoke(cli, ["members", "--on", "2024-06-01", "--json"])
    arm = next(m for m in json.loads(r.stdout) if m["code"] == "ARM")
    assert (arm["status"], arm["standing"], arm["bound"]) == (
        "not_taking_part", "not_participating", True)
    r = runner.invoke(cli, ["members", "--on", "2007-01-01", "--json"])
    uzb = next(m for m in json.loads(r.stdout) if m["code"] == "UZB")
    assert (uzb["status"], uzb["bound"]) == ("member", True)
    r = runner.invoke(cli, ["members", "--on", "2013-01-01", "--json"])
    uzb = next(m for m in json.loads(r.stdout) if m["code"] == "UZB")
    assert (uzb["status"], uzb["standing"], uzb["bound"]) == ("suspended", "suspended", True)
    with Database.from_url(cli_db).read() as conn:
        treaty = orgs.agreement(orgs.organization(conn), "cst-1992", date(2007, 1, 1))
    assert "UZB" in treaty.bound_on
    assert [p.bound_from for p in treaty.parties if p.state == "UZB"] == [
        date(1994, 4, 20), date(2006, 8, 16)]


def test_the_cli_records_and_refuses(cli_db: str) -> None:
    runner.invoke(cli, ["load", "--builtin", "csto"])
    r = runner.invoke(cli, ["membership", "record", "KGZ", "notice_of_withdrawal",
                            "--on", "2027-01-10"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["membership", "record", "KGZ", "withdrawal", "--on", "2027-02-01"])
    assert r.exit_code == 1 and "before the notice" in r.output
    r = runner.invoke(cli, ["membership", "record", "KGZ", "promotion", "--on", "2027-02-01"])
    assert r.exit_code == 2
    r = runner.invoke(cli, ["membership", "records", "--json"])
    assert [x["event"] for x in json.loads(r.stdout)] == ["notice"]
    r = runner.invoke(cli, ["membership", "chairs", "csc", "--until", "2028"])
    assert "2028 BLR" in r.output and "derived" in r.output


def test_an_admission_binds_by_the_treaty_and_leaving_ends_it(org_db: Database) -> None:
    """The founding agreement binds exactly the members: an admission recorded after
    loading binds from its day, a notice's effect ends the period."""
    decision = adopted_decision(org_db)
    with org_db.write(SEC) as w:  # the Council admits
        pid = ms.propose_from_decision(w, decision_id=decision, state="AZE", kind="admission",
                                       on=date(2027, 3, 1), actor=SEC)
    ms.confirm(org_db, pid, actor=SEC)
    ms.record_event(org_db, ms.EventIn(state="KAZ", kind="notice_of_withdrawal",
                                       on=date(2027, 1, 1)), actor=SEC)
    ms.record_event(org_db, ms.EventIn(state="KAZ", kind="obligations_settled",
                                       on=date(2027, 5, 1)), actor=SEC)
    o = org(org_db)
    treaty = o.agreements["cst-1992"]
    assert "AZE" in rules.parties_bound(treaty, date(2027, 3, 1))
    assert "AZE" not in rules.parties_bound(treaty, date(2027, 2, 28))
    assert "KAZ" in rules.parties_bound(treaty, date(2027, 6, 30))
    assert "KAZ" not in rules.parties_bound(treaty, date(2027, 7, 1))
    assert rules.check(o) == []


def test_the_ledgers_refusals_read_in_russian(api) -> None:
    """A Russian reader of the API meets the ledger's refusals in Russian (the English
    stays for a client that asks for it)."""
    c, sec, rep = api
    ru = {"Accept-Language": "ru"}
    event = {"state": "KGZ", "kind": "notice_of_withdrawal", "on": "2027-01-10"}
    refused = c.post("/api/v1/membership/events", json=event, headers={**rep, **ru})
    assert refused.status_code == 403
    assert refused.json()["detail"] == "события членства вносит только Секретариат"
    english = c.post("/api/v1/membership/events", json=event,
                     headers={**rep, "Accept-Language": "en"})
    assert english.json()["detail"] == "only the Secretariat records membership events"
    alone = c.post("/api/v1/membership/events", headers={**sec, **ru},
                   json={"state": "SRB", "kind": "admission", "on": "2030-01-01"})
    assert alone.status_code == 422
    assert alone.json()["detail"].startswith("kind: SRB, 01.01.2030: «приём» решает Совет")
    over = c.put("/api/v1/contributions/TJK/2025", headers={**sec, **ru},
                 json={"assessed": 1, "paid": 2, "paid_on": "2025-12-01"})
    assert over.status_code == 422 and "уплачено больше начисленного" in over.json()["detail"]

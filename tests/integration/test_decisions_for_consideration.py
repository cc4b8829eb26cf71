"""Members absent from an adoption, or without a say on it, receive the adopted text for
consideration (DOMAIN §7): they read the decision, its exports and the register's line,
whatever the draft's marking; not the draft it came from. A member that declared it
stays out of a limited-format decision is not absent; an exercise's decision goes to no
state outside the exercise."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.decisions.consensus import Position
from phalanx.services import decision_exports as exports
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.services.errors import NotFound
from tests.integration.test_decisions import MEMBERS, SEC, draft, rep, session
from tests.support.days import working_deadline

MARKED = ["ARM", "BLR", "KAZ", "RUS", "TJK"]  # KGZ and UZB (suspended) not listed


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def _adopted_without_kgz(db: Database) -> tuple[dec.DraftOut, int]:
    """A draft marked for five members, adopted with Kyrgyzstan absent without a
    declaration (Uzbekistan suspended: without a say)."""
    m = session(db)
    dec.record_attendance(db, m.id, "KGZ", False, actor=SEC)
    d = draft(db, m.id, marking="PARTICIPANTS", participants=MARKED)
    for s in MARKED:
        dec.state_position(db, d.id, Position.SUPPORT, statement=f"{s} supports",
                           actor=rep(s))
    closed = dec.close_draft(db, d.id, actor=SEC)
    assert closed.status == "adopted" and closed.decision_id is not None
    return d, closed.decision_id


def test_an_absent_member_reads_the_text_it_receives_not_the_draft(db: Database) -> None:
    d, decision_id = _adopted_without_kgz(db)
    with db.read() as conn:
        for state in ("KGZ", "UZB"):  # absent; suspended (consensus.py: for consideration)
            got = dec.get_decision(conn, decision_id, actor=rep(state))
            assert state in got.for_consideration and state not in got.binding
            assert got.text_en.startswith("The Council decides")
            assert decision_id in {x.id for x in dec.list_decisions(conn, actor=rep(state))}
            with pytest.raises(NotFound):
                dec.get_draft(conn, d.id, actor=rep(state))
            xml = exports.akoma_ntoso(conn, decision_id, "en", actor=rep(state)).decode()
            assert "To approve the plan." in xml
            assert exports.decision_pdf(conn, decision_id, actor=rep(state)).startswith(b"%PDF")
        # an observer, and a user whose state was sent nothing, read it not
        for who in (Principal("obs", Role.OBSERVER), Principal("rep-x", Role.REPRESENTATIVE,
                                                               state="XXX")):
            with pytest.raises(NotFound):
                dec.get_decision(conn, decision_id, actor=who)
        assert dec.count_decisions(conn, actor=rep("KGZ")) == dec.count_decisions(
            conn, actor=rep("KAZ"))


def test_the_export_for_a_member_that_reads_not_the_draft_leaves_out_its_statements(
        db: Database) -> None:
    from phalanx.adapters.exports import pdf

    captured: list[pdf.PdfDocument] = []
    real = pdf.render
    pdf.render = lambda doc: captured.append(doc) or real(doc)  # type: ignore[assignment]
    try:
        _, decision_id = _adopted_without_kgz(db)
        with db.read() as conn:
            exports.decision_pdf(conn, decision_id, actor=rep("KAZ"))
            exports.decision_pdf(conn, decision_id, actor=rep("KGZ"))
    finally:
        pdf.render = real  # type: ignore[assignment]

    def said(doc: pdf.PdfDocument) -> str:
        return repr([s.table for s in doc.sections if s.table])

    assert "KAZ supports" in said(captured[0])
    assert "supports" not in said(captured[1])


def test_a_member_staying_out_of_a_limited_format_decision_is_not_sent_it(
        db: Database) -> None:
    """With `readers: participants`, the members that declared they stay out read nothing
    of it; one absent without a declaration receives the text."""
    with db.write(SYSTEM) as w:
        rules = w.conn.execute(select(t.body.c.rules).where(t.body.c.key == "csc")).scalar_one()
        rules = {**rules, "limited_format": {**rules["limited_format"],
                                             "readers": "participants"}}
        w.conn.execute(update(t.body).where(t.body.c.key == "csc").values(rules=rules))
        w.audit("test.rules", "body", "csc", {"limited_format.readers": "participants"})
    m = session(db)
    dec.record_attendance(db, m.id, "KGZ", False, actor=SEC)
    d = draft(db, m.id, title="On a joint contingent")
    for s in MEMBERS:
        if s != "KGZ":
            pos = Position.NOT_TAKING_PART if s == "BLR" else Position.SUPPORT
            dec.state_position(db, d.id, pos, actor=rep(s))
    closed = dec.close_draft(db, d.id, actor=SEC)
    assert closed.limited_format and closed.decision_id is not None
    with db.read() as conn:
        got = dec.get_decision(conn, closed.decision_id, actor=rep("KGZ"))
        assert got.marking == "PARTICIPANTS" and "KGZ" not in got.participants
        assert "KGZ" in got.for_consideration and "BLR" not in got.for_consideration
        with pytest.raises(NotFound):
            dec.get_decision(conn, closed.decision_id, actor=rep("BLR"))


def test_an_exercises_decision_goes_to_no_state_outside_the_exercise(
        accounts_db: Database) -> None:
    """Adopted in writing within an exercise's session: the states outside the exercise
    are not absent from it, and neither receive nor read its decision."""
    from tests.integration.test_exercise_consulted import _chair, _crisis
    from tests.integration.test_exercise_written_procedure import _session

    taking = {"KGZ", "RUS", _chair(accounts_db)}
    c = _crisis(accounts_db, True, taking)
    d = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", meeting_id=_session(accounts_db, c.id), procedure="written",
        title="On the exercise plan", text_en="To approve the plan.",
        deadline=working_deadline(3)), actor=SEC)
    for s in d.signing_order:
        d = dec.sign(accounts_db, d.id, s, actor=rep(s))
    assert d.status == "adopted" and d.decision_id is not None
    with accounts_db.read() as conn:
        got = dec.get_decision(conn, d.decision_id, actor=SEC)
        outside = {"ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK", "UZB"} - set(got.participants)
        assert outside and not outside & set(got.for_consideration), got.for_consideration
        for s in outside:
            with pytest.raises(NotFound):
                dec.get_decision(conn, d.decision_id, actor=rep(s))


def _users(db: Database) -> dict[str, Principal]:
    from phalanx.services import identity

    with db.read() as conn:
        return {u.username: u for u in identity.list_users(conn)}


def test_the_members_bound_and_those_sent_the_text_are_told(accounts_db: Database) -> None:
    """Each representative of a member bound gets a notice saying so; of a member sent
    the text for consideration, a notice saying that, which it reads in its inbox (and
    the outbox emails); no other state's."""
    from phalanx.services import outbox

    _, decision_id = _adopted_without_kgz(accounts_db)
    users = _users(accounts_db)
    with accounts_db.read() as conn:
        number = dec.get_decision(conn, decision_id, actor=SEC).number
        told = {name: [n.body for n in outbox.mine(conn, actor=users[name])
                       if n.topic == f"decision:{decision_id}"]
                for name in ("rep-kgz", "rep-kaz", "rep-uzb", "observer")}
    assert told["rep-kaz"] == [f"KAZ is bound by decision {number}"]
    assert told["rep-kgz"] == [f"Decision {number} was sent to KGZ for consideration: "
                               "adopted in its absence or without its say; it does not "
                               "bind it"]
    assert told["rep-uzb"] and "UZB" in told["rep-uzb"][0]
    from phalanx.web.i18n.timeline import notice_text

    assert notice_text(told["rep-kgz"][0], "ru") == (
        f"Решение {number} направлено на рассмотрение государству KGZ: оно принято в "
        "отсутствие этого государства или без его права голоса и для него не обязательно")
    assert told["observer"] == []
    assert outbox.record_url("https://x.test", f"decision:{decision_id}") == (
        f"https://x.test/decisions/{decision_id}")


def test_a_decision_by_majority_binds_the_absent(db: Database) -> None:
    """A procedural question of the Council is decided by majority (setting); the
    decision binds the minority and the member absent without a declaration
    (`absent_bound`, setting), who therefore reads the draft whatever its marking."""
    m = session(db)
    dec.record_attendance(db, m.id, "KGZ", False, actor=SEC)
    d = draft(db, m.id, question="procedural", title="On the agenda",
              marking="PARTICIPANTS", participants=["ARM", "KAZ"])
    with db.read() as conn:  # bound whatever happens: it reads the draft
        assert dec.get_draft(conn, d.id, actor=rep("KGZ")).id == d.id
    for s in MEMBERS:
        if s != "KGZ":
            dec.state_position(db, d.id, Position.OBJECT if s == "ARM" else Position.SUPPORT,
                               actor=rep(s))
    closed = dec.close_draft(db, d.id, actor=SEC)
    assert closed.status == "adopted" and closed.decision_id is not None
    with db.read() as conn:
        got = dec.get_decision(conn, closed.decision_id, actor=rep("KGZ"))
    assert set(got.binding) == set(MEMBERS) and got.for_consideration == ["UZB"]
    assert "KGZ absent, bound by the decision of the body" in got.reason


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_decisions_page_shows_a_member_sent_it_the_text(
        accounts_db: Database, lang: str) -> None:
    """The register's line and the decision's address: a member sent the text for
    consideration reads the decision's own page (its draft's is not its to read), in
    English and Russian; a member that reads the draft is taken to it, as before."""
    from fastapi.testclient import TestClient

    from phalanx.config import Settings
    from phalanx.web.app import create_app
    from tests.support.sessions import bearer, login

    d, decision_id = _adopted_without_kgz(accounts_db)
    with TestClient(create_app(Settings(), accounts_db)) as client:
        login(client, "rep-kaz", "demo-rep-kaz")
        r = client.get(f"/decisions/{decision_id}", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith(f"/drafts/{d.id}")
        # the language asked for kept on the way (a redirect sets no cookie)
        r = client.get(f"/decisions/{decision_id}?lang={lang}", follow_redirects=False)
        assert r.headers["location"] == f"/drafts/{d.id}?lang={lang}#decision-life"
        assert client.get(f"/decisions/{decision_id}?lang=xx", follow_redirects=False
                          ).headers["location"] == f"/drafts/{d.id}#decision-life"
    with TestClient(create_app(Settings(), accounts_db)) as client:
        login(client, "rep-kgz", "demo-rep-kgz")
        assert client.get(f"/drafts/{d.id}").status_code == 404
        page = client.get(f"/decisions/{decision_id}?lang={lang}")
        assert page.status_code == 200
        assert "To approve the plan." in page.text and 'id="for-consideration"' in page.text
        assert ("направлено на рассмотрение государству Киргизия" if lang == "ru"
                else "Sent to Kyrgyzstan for consideration") in page.text
        register = client.get(f"/decisions?lang={lang}").text
        assert f'href="/decisions/{decision_id}"' in register
        assert ("на рассмотрение" if lang == "ru" else "for consideration") in register
        api = client.get(f"/api/v1/decisions/{decision_id}/pdf",
                         headers=bearer(accounts_db, "rep-kgz"))
        assert api.status_code == 200


def test_a_broken_silence_is_noticed_in_its_readers_inbox(sqlite_db: Database) -> None:
    """A notice is read while its record is: a draft's (the silence broken) as a crisis's,
    where it was stored and never listed."""
    from phalanx.services import demo, outbox
    from phalanx.services import organization as orgs
    from tests.integration.test_silence_procedure import FILE, T0, _break, _circulate

    orgs.load_dataset(sqlite_db, FILE, actor=SYSTEM)
    demo.ensure_demo_accounts(sqlite_db, actor=SYSTEM)
    d = _circulate(sqlite_db)
    breaker, other = d.signing_order[0], d.signing_order[1]
    _break(sqlite_db, d.id, breaker, T0 + timedelta(hours=1))
    users = _users(sqlite_db)
    reader = users[f"rep-{other.lower()}"]
    with sqlite_db.read() as conn:
        told = [n.body for n in outbox.mine(conn, actor=reader) if n.topic == f"draft:{d.id}"]
        assert outbox.unread_count(conn, actor=reader) >= 1
    assert told == [f"{breaker} broke silence on draft {d.id}: returned to the body"]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_decisions_own_page_names_each_text_by_its_language(
        accounts_db: Database, lang: str) -> None:
    """Given in both working languages, the decision's text shows in the page's first,
    each under its language's name (not twice under "Text"); given in one, under "Text"
    with a word where it is not the page's; the exports on a line of their own."""
    from fastapi.testclient import TestClient

    from phalanx.config import Settings
    from phalanx.web.app import create_app
    from tests.support.sessions import login

    m = session(accounts_db)
    dec.record_attendance(accounts_db, m.id, "KGZ", False, actor=SEC)
    both = draft(accounts_db, m.id, marking="PARTICIPANTS", participants=MARKED,
                 text_ru="Совет решил:\n1. Утвердить план.\n")
    english = draft(accounts_db, m.id, marking="PARTICIPANTS", participants=MARKED)
    ids = []
    for d in (both, english):
        for s in MARKED:
            dec.state_position(accounts_db, d.id, Position.SUPPORT, actor=rep(s))
        ids.append(dec.close_draft(accounts_db, d.id, actor=SEC).decision_id)
    first, second = ("Текст на русском языке", "Текст на английском языке") if lang == "ru" \
        else ("Text in English", "Text in Russian")
    with TestClient(create_app(Settings(), accounts_db)) as client:
        login(client, "rep-kgz", "demo-rep-kgz")
        page = client.get(f"/decisions/{ids[0]}?lang={lang}").text
        headings = re.findall(r'<section class="card" id="decision-text">\s*<h2>([^<]*)</h2>'
                              r'.*?<h2>([^<]*)</h2>', page, re.S)
        assert headings == [(first, second)]
        assert page.index(f'id="decision-text-{lang}"') < page.index(
            f'id="decision-text-{"en" if lang == "ru" else "ru"}"')
        exports = re.search(r'<p class="toolbar" id="decision-exports">(.*?)</p>', page, re.S)
        assert exports is not None
        # the PDF, as the Akoma Ntoso, in the page's language whatever the browser's
        assert f"/api/v1/decisions/{ids[0]}/pdf?lang={lang}" in exports.group(1)
        register = client.get(f"/decisions?lang={lang}").text
        assert f"/api/v1/decisions/{ids[0]}/pdf?lang={lang}" in register
        page = client.get(f"/decisions/{ids[1]}?lang={lang}").text
        text = page[page.index('id="decision-text"'):page.index('id="decision-outcome"')]
        assert re.findall(r"<h2>([^<]*)</h2>", text) == ["Текст" if lang == "ru" else "Text"]
        assert ('id="text-language"' in text) == (lang == "ru")


def test_a_decision_names_its_draft_only_to_the_drafts_readers(db: Database) -> None:
    """A record that names another by its id gives the id only to readers of the other:
    a member sent the decision for consideration reads the decision, not the draft's
    number (which would tell that drafts it may not read exist, and how many)."""
    d, decision_id = _adopted_without_kgz(db)
    with db.read() as conn:
        assert dec.get_decision(conn, decision_id, actor=rep("KAZ")).draft_id == d.id
        got = dec.get_decision(conn, decision_id, actor=rep("KGZ"))
        assert got.draft_id is None
        listed = {x.id: x for x in dec.list_decisions(conn, actor=rep("KGZ"))}
        assert listed[decision_id].draft_id is None
        assert not dec.reads_draft(conn, got.draft_id, actor=rep("KGZ"))
        # its exports still render the text adopted, without the members' positions
        xml = exports.akoma_ntoso(conn, decision_id, "en", actor=rep("KGZ")).decode()
        assert "To approve the plan." in xml
        assert exports.decision_pdf(conn, decision_id, actor=rep("KGZ")).startswith(b"%PDF")

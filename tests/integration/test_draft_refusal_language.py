"""The refusals beside a draft's forms read in the page's language: an amendment sent
against a version already amended, a reservation without its text, a signature on a
draft returned meanwhile, an amendment decided twice (they were shown in English on a
Russian page). A refusal shows even when the draft no longer offers its form (the page
came back with a 409 and no message)."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from phalanx.domain.decisions.procedure import Answer
from phalanx.services import decisions as dec
from phalanx.services.clock import now
from phalanx.services.db import Database
from phalanx.web.i18n.errors import translate
from tests.integration.test_draft_pages import (  # noqa: F401
    SEC,
    WITH_A_SAY,
    client,
    login,
    rep,
    session,
    token,
    written,
)


def _error(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]+)<', html)
    assert found is not None, element_id
    return found.group(1)


def test_an_amendment_and_its_decision_refused_in_russian(
        client: TestClient, accounts_db: Database) -> None:  # noqa: F811
    m = session(accounts_db)
    d = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="On the exercise", text_en="To hold it."),
        actor=SEC)
    login(client, "rep-kaz")
    page = client.get(f"/drafts/{d.id}?lang=ru").text
    other = dec.propose_amendment(accounts_db, d.id, 1, "To hold it in May.", actor=rep("BLR"))
    dec.decide_amendment(accounts_db, other.id, True, actor=SEC)
    r = client.post(f"/drafts/{d.id}/amendments", data={
        "csrf_token": token(page), "against_version": "1", "text_ru": "Провести в июне."})
    assert r.status_code == 409
    assert _error(r.text, "amend-error") == \
        "Поправка внесена к редакции 1, а проект уже в редакции 2"

    login(client, "secretariat")
    page = client.get(f"/drafts/{d.id}?lang=ru").text
    r = client.post(f"/drafts/{d.id}/amendments/{other.id}/decision", data={
        "csrf_token": token(page), "accept": "false"})
    assert r.status_code == 409
    assert _error(r.text, "amendment-error") == \
        f"Поправка {other.id} уже в состоянии «принята»"

    # the draft is decided meanwhile: no form to amend or revise it, the refusals shown
    dec.close_draft(accounts_db, d.id, actor=SEC)
    r = client.post(f"/drafts/{d.id}/revise", data={
        "csrf_token": token(page), "text_en": "To hold it in July."})
    assert r.status_code == 409 and 'id="revise-form"' not in r.text
    assert _error(r.text, "revise-error") == f"Проект {d.id} в состоянии «{_status(r.text)}»"
    login(client, "rep-kaz")
    r = client.post(f"/drafts/{d.id}/amendments?lang=ru", data={
        "csrf_token": token(client.get(f"/drafts/{d.id}").text), "against_version": "2",
        "text_ru": "Провести в июне."})
    assert r.status_code == 409 and 'id="amend-form"' not in r.text
    assert _error(r.text, "amend-error").endswith("поправки больше не вносятся")


def _status(html: str) -> str:
    """The draft's status as its page names it (after the version, in the heading)."""
    return re.search(r"· v\d+ · ([^·<]+?) ·", html).group(1)  # type: ignore[union-attr]


def test_a_signature_refused_in_russian(
        client: TestClient, accounts_db: Database) -> None:  # noqa: F811
    d = written(accounts_db)
    login(client, "rep-blr")
    page = client.get(f"/drafts/{d.id}?lang=ru").text
    r = client.post(f"/drafts/{d.id}/sign", data={"csrf_token": token(page),
                                                  "answer": "reservation"})
    assert r.status_code == 422
    assert _error(r.text, "sign-error") == "Подпись с оговоркой требует текста оговорки"
    dec.sign(accounts_db, d.id, answer=Answer.OBJECT, actor=rep("TJK"))  # returned
    r = client.post(f"/drafts/{d.id}/sign", data={"csrf_token": token(page),
                                                  "answer": "sign"})
    assert r.status_code == 409
    assert _error(r.text, "sign-error") == f"Проект {d.id} в состоянии «возвращён»"


def test_the_written_procedures_other_refusals_in_russian() -> None:
    yesterday = now() + timedelta(days=-1)
    deadline, russian_deadline = f"{yesterday:%Y-%m-%d %H:%M}", f"{yesterday:%d.%m.%Y %H:%M}"
    for english, russian in [
        ("the procedure is returned", "процедура: «возвращено на доработку»"),
        ("KAZ has already answered", "KAZ уже дал ответ"),
        ("ARM is not among the signatories (members with a say)",
         "ARM нет среди подписантов (членов с правом голоса)"),
        ("draft 4 is open; positions can no longer change", None),
        ("draft 4 is adopted; positions can no longer change",
         "проект 4 в состоянии «принят»: позиции больше не меняются"),
        (f"the written procedure's deadline has passed ({deadline} UTC): circulate the text "
         "again as a new draft", f"срок письменной процедуры истёк ({russian_deadline} UTC): "
         "разошлите текст заново как новый проект"),
        # (with the body's name: tests/unit/test_body_names_in_messages.py)
    ]:
        ru = translate(english, "ru")
        assert ru != english and re.search("[а-я]", ru), english
        if russian is not None:
            assert ru == russian, ru


def test_a_member_without_a_say_is_offered_no_position_form_and_told_why(
        client: TestClient, accounts_db: Database) -> None:  # noqa: F811
    """Uzbekistan's participation is suspended: its representative is not offered a
    position it may not state, but told why; a position sent by a page opened before
    (or by hand) is refused beside the form, in the page's language."""
    m = session(accounts_db)
    d = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="On the exercise", text_en="To hold it."),
        actor=SEC)
    login(client, "rep-uzb")
    page = client.get(f"/drafts/{d.id}?lang=ru").text
    assert 'id="position-form"' not in page
    assert "участие приостановлено" in _error(page, "no-say")
    r = client.post(f"/drafts/{d.id}/position", data={
        "csrf_token": token(page), "position": "support"})
    assert r.status_code == 409
    # the body by its name, not its key (it read "в csc")
    assert re.fullmatch(r"UZB не имеет права голоса в органе «Совет коллективной "
                        r"безопасности» на \d+ \w+ \d{4} г\. \(«участие приостановлено»\)",
                        _error(r.text, "position-error"))

    login(client, "rep-kaz")  # a member with a say keeps its form
    assert 'id="position-form"' in client.get(f"/drafts/{d.id}?lang=ru").text


def test_the_apis_refusal_names_the_body_in_the_readers_language(
        client: TestClient, accounts_db: Database) -> None:  # noqa: F811
    """The same position through the API: the problem's detail in Russian names the
    Council by its Russian name (the error edge gives the bodies' names too); in English
    it stays as the services wrote it (clients may match it)."""
    from tests.support.sessions import bearer

    m = session(accounts_db)
    d = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="On the exercise", text_en="To hold it."),
        actor=SEC)
    headers = bearer(accounts_db, "rep-uzb")
    r = client.post(f"/api/v1/drafts/{d.id}/positions", json={"position": "support"},
                    headers={**headers, "Accept-Language": "ru"})
    assert r.status_code == 409
    detail = r.json()["detail"]
    assert detail.startswith("UZB не имеет права голоса в органе «Совет коллективной "
                             "безопасности» на "), detail
    r = client.post(f"/api/v1/drafts/{d.id}/positions", json={"position": "support"},
                    headers={**headers, "Accept-Language": "en"})
    assert re.fullmatch(r"UZB has no say in csc on \d{4}-\d\d-\d\d \(suspended\)",
                        r.json()["detail"])


def test_a_written_procedures_outcome_reads_in_russian(
        client: TestClient, accounts_db: Database) -> None:  # noqa: F811
    """Signed by every member with a say, one with a reservation: the draft's page in
    Russian gives the outcome in Russian (it read "adopted by written procedure: every
    member with a say signed; with reservations: ..."), the reservation as written."""
    d = written(accounts_db)
    for state in WITH_A_SAY:
        answer = Answer.RESERVATION if state == "KAZ" else Answer.SIGN
        dec.sign(accounts_db, d.id, answer=answer, actor=rep(state),
                 reservation="Subject to ratification." if state == "KAZ" else "")
    login(client, "rep-kaz")
    page = client.get(f"/drafts/{d.id}?lang=ru").text
    assert "принято письменной процедурой: подписали все члены с правом голоса; " \
           "с оговорками: KAZ (Subject to ratification.)" in page
    assert "adopted by written procedure" not in page


def test_the_written_procedures_outcomes_in_russian() -> None:
    for english, russian in [
        ("returned for revision: ARM objects in the written procedure",
         "возвращено на доработку: ARM возражает в ходе письменной процедуры"),
        ("returned for revision: ARM, KAZ object in the written procedure",
         "возвращено на доработку: ARM, KAZ возражают в ходе письменной процедуры"),
        ("lapsed on 2023-12-20 00:00 UTC: not signed by KGZ, RUS",
         "срок истёк 20.12.2023 00:00 UTC: не подписали KGZ, RUS"),
        ("circulating: 2 of 5 signed", "на подписании: подписали 2 из 5"),
        ("adopted by written procedure: every member with a say signed; with reservations: "
         "KAZ (a); BLR (b)", "принято письменной процедурой: подписали все члены с правом "
         "голоса; с оговорками: KAZ (a); BLR (b)"),
    ]:
        assert translate(english, "ru") == russian


def test_a_session_refused_comes_back_beside_its_form_in_russian(
        client: TestClient, accounts_db: Database) -> None:  # noqa: F811
    """A video conference convened without its link, or a kind of session the body does
    not hold: the sessions page comes back with the refusal beside the form, in the
    page's language, and what was chosen kept (it was a bare error page in English)."""
    login(client, "secretariat")
    page = client.get("/sessions?lang=ru").text
    r = client.post("/sessions", data={
        "csrf_token": token(page), "body": "csc", "kind": "extraordinary",
        "mode": "video_conference", "opens_at": "2026-12-04T10:00"})
    assert r.status_code == 422
    assert _error(r.text, "convene-error") == "Для видеоконференции нужна её ссылка"
    form = re.search(r'<form method="post" action="/sessions".*?</form>', r.text, re.S)
    assert form is not None
    assert re.search(r'<option value="extraordinary"\s+selected', form.group(0))
    assert re.search(r'<option value="video_conference"\s+selected', form.group(0))
    assert 'value="2026-12-04T10:00"' in form.group(0)
    r = client.post("/sessions", data={
        "csrf_token": token(page), "body": "military-committee", "kind": "emergency",
        "mode": "in_person", "opens_at": "2026-12-04T10:00"})
    assert r.status_code == 422
    assert _error(r.text, "convene-error") == ("Этот орган не проводит заседания вида "
                                               "«экстренное» (проводит: очередное, "
                                               "внеочередное)")


def test_a_member_without_a_say_is_told_why_it_signs_nothing(
        client: TestClient, accounts_db: Database) -> None:  # noqa: F811
    """Under the written procedure Uzbekistan, suspended, is not among the signatories:
    its representative's page says why (it said nothing at all)."""
    d = written(accounts_db)
    login(client, "rep-uzb")
    page = client.get(f"/drafts/{d.id}?lang=ru").text
    assert 'id="sign-form"' not in page and 'id="object-form"' not in page
    assert "участие приостановлено" in _error(page, "no-say")
    login(client, "rep-kaz")  # a signatory waiting for its turn is not told so
    assert 'id="no-say"' not in client.get(f"/drafts/{d.id}?lang=ru").text

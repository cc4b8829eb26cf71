"""A form of the crisis room that the rules refuse comes back as the crisis room, the
message beside the form in the reader's language (values by their labels, never their
keys), what was typed kept; the fields the rules require are marked required. A form
refused elsewhere gets the error page with the way back to the form."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from phalanx.adapters.db.engine import make_engine
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.domain.crisis.workflow import Measure, Stage
from phalanx.services import clock, crises, forces
from phalanx.services.db import Database
from phalanx.web.app import create_app
from phalanx.web.i18n.errors import translate
from tests.integration.test_response_chain import PK, SEC, T0, adopt, crisis
from tests.support.sessions import login
from tests.support.templates import Templates

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def records_db(db_templates: Templates, tmp_path: Path) -> Iterator[Database]:
    """The demo records (the Batken crisis answered by the CRRF), one copy per test."""
    db = Database(make_engine(db_templates.sqlite_copy("records", tmp_path / "r.db")))
    yield db
    db.dispose()


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        login(c, "secretariat", "demo-secretariat")
        yield c


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def _form(html: str, form_id: str) -> str:
    found = re.search(rf'<form[^>]*id="{form_id}".*?</form>', html, re.S)
    assert found is not None, form_id
    return found.group(0)


def _refusal(html: str, element_id: str) -> str:
    found = re.search(rf'<p class="error refusal" role="alert" id="{element_id}"[^>]*>(.*?)</p>',
                      html, re.S)
    assert found is not None, element_id
    return found.group(1)


def test_a_decision_linked_before_the_request_comes_back_beside_its_form(
        accounts_db: Database, client: TestClient) -> None:
    c = crisis(accounts_db)
    with clock.use(T0 + timedelta(hours=2)):
        decision = adopt(accounts_db, c.session_id or 0, measures=[PK],
                         formations=["peacekeeping"])
    crises.transition(accounts_db, c.id, Stage.ASSESSMENT, actor=SEC)
    room = client.get(f"/crises/{c.id}").text
    r = client.post(f"/crises/{c.id}/decision", data={
        "csrf_token": _token(room), "decision_id": str(decision)})
    assert r.status_code == 409
    assert f"<h1>{c.title}" in r.text  # the crisis room, not the error page
    message = _refusal(r.text, "decision-error")
    assert "cannot authorize the response" in message
    assert "military (peacekeeping): no official request of KGZ asks for it" in message
    assert "military_peacekeeping" not in message
    assert re.search(rf'<option value="{decision}" selected>', _form(r.text, "decision-form"))
    # the room's language switch (a signed-in user's: forms) names the room, not the
    # address the form was sent to
    assert f'name="next" value="/crises/{c.id}?lang=ru"' in r.text
    assert "/decision?lang=" not in r.text

    client.cookies.set("lang", "ru")
    r = client.post(f"/crises/{c.id}/decision", data={
        "csrf_token": _token(room), "decision_id": str(decision)})
    message = _refusal(r.text, "decision-error")
    assert "не может санкционировать" in message, message
    assert "миротворческие: нет официального обращения KGZ" in message, message
    assert "military" not in message and "cannot" not in message


def test_no_action_without_a_reason_keeps_what_was_typed(accounts_db: Database,
                                                          client: TestClient) -> None:
    c = crisis(accounts_db)  # in consultations: next, assessment or no action
    room = client.get(f"/crises/{c.id}").text
    form = _form(room, "transition-form")
    # the moves that need a text say which; the one chosen first needs none
    assert re.search(r'<option value="no_action"[^>]*data-requires="reason"', form)
    assert not re.search(r'<input name="(reason|review)"[^>]*required', form)
    r = client.post(f"/crises/{c.id}/transition", data={
        "csrf_token": _token(room), "revision": re.search(  # type: ignore[union-attr]
            r'name="revision" value="(\d+)"', room).group(1),
        "to": "no_action", "reason": "  ", "review": "the situation was handled"})
    assert r.status_code == 409
    assert _refusal(r.text, "transition-error") == "&#39;no action&#39; needs a recorded reason"
    form = _form(r.text, "transition-form")
    assert re.search(r'<option value="no_action" selected', form)
    assert re.search(r'<input name="reason" value="  " required>', form)
    assert 'value="the situation was handled"' in form

    r = client.post(f"/crises/{c.id}/transition?lang=ru", data={
        "csrf_token": _token(room), "revision": "999", "to": "no_action", "reason": "x"})
    assert r.status_code == 409
    assert "кризис изменился" in _refusal(r.text, "transition-error")


def test_closing_needs_the_review_marked_required(records_db: Database,
                                                  settings: Settings) -> None:
    with records_db.read() as conn:
        c = next(x for x in crises.board(conn, actor=SYSTEM) if x.stage is Stage.RESPONSE)
    crises.transition(records_db, c.id, Stage.MONITORING, actor=SYSTEM)
    # the demo's deployment comes home first: a crisis with units out does not close
    home = forces.plan_withdrawal(records_db, c.id, forces.WithdrawalIn(time_limit=1),
                                  actor=SYSTEM)
    forces.decide_plan(records_db, home.id, actor=SYSTEM)
    with TestClient(create_app(settings, records_db)) as client:
        login(client, "secretariat", "demo-secretariat")
        client.cookies.set("lang", "ru")
        room = client.get(f"/crises/{c.id}").text
        form = _form(room, "transition-form")
        assert re.search(r'<option value="closed" selected data-requires="review"', form)
        assert re.search(r'<input name="review" value="" required>', form)
        r = client.post(f"/crises/{c.id}/transition", data={
            "csrf_token": _token(room), "to": "closed", "reason": "all went home",
            "revision": re.search(r'name="revision" value="(\d+)"',  # type: ignore[union-attr]
                                  room).group(1)})
        assert r.status_code == 409
        assert _refusal(r.text, "transition-error") == "Для закрытия нужен разбор итогов"
        assert 'value="all went home"' in _form(r.text, "transition-form")


def test_the_official_request_form_keeps_its_input(accounts_db: Database,
                                                   client: TestClient) -> None:
    c = crisis(accounts_db)
    room = client.get(f"/crises/{c.id}").text
    typed = {"csrf_token": _token(room), "state": "KGZ", "person": "Roza Otunbayeva",
             "office": "head_of_state", "at": "2023-06-11T02:30", "article": "Treaty art. 4",
             "forces": "collective peacekeeping forces", "period_days": "30"}
    r = client.post(f"/crises/{c.id}/official-requests", data=typed)  # no measure ticked
    assert r.status_code == 422
    assert "Choose the measures the request asks for." in _refusal(
        r.text, "official-request-error")
    form = _form(r.text, "official-request-form")
    assert 'value="Roza Otunbayeva"' in form and 'value="2023-06-11T02:30"' in form
    assert 'value="collective peacekeeping forces"' in form and 'value="30"' in form
    assert re.search(r"<details open><summary>", r.text)

    later = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(f"/crises/{c.id}/official-requests?lang=ru", data={
        **typed, "at": later,
        "measures": [Measure.MILITARY_CRRF.value, Measure.HUMANITARIAN.value]})
    assert r.status_code == 422
    message = _refusal(r.text, "official-request-error")
    assert message.startswith("Обращение датировано будущим временем: "), message
    assert not re.search(r"\dT\d", message) and "+00:00" not in message
    form = _form(r.text, "official-request-form")
    assert re.search(r'value="military_crrf" checked', form)
    assert re.search(r'value="humanitarian" checked', form)

    r = client.post(f"/crises/{c.id}/official-requests", data={
        **typed, "measures": [Measure.MILITARY_CRRF.value]}, follow_redirects=False)
    assert r.status_code == 303


def test_a_refused_form_not_on_the_page_shows_its_message(accounts_db: Database,
                                                           client: TestClient) -> None:
    c = crisis(accounts_db)  # no decision: no notice to the UN to record
    room = client.get(f"/crises/{c.id}").text
    assert 'id="un-notice-form"' not in room
    r = client.post(f"/crises/{c.id}/un-notice", data={"csrf_token": _token(room),
                                                       "reference": "S/2023/1"})
    assert r.status_code == 409
    assert "has no notice to the UN Security Council open" in _refusal(r.text, "refusal")


def test_the_error_page_of_a_form_leads_back_to_it(accounts_db: Database,
                                                    client: TestClient) -> None:
    c = crisis(accounts_db)
    room = client.get(f"/crises/{c.id}").text
    # a form refused outside the room's rules (here, by the CSRF check) gets the error
    # page, with the way back to the form that keeps its input, and the page's link
    r = client.post(f"/crises/{c.id}/sitreps", data={"csrf_token": "stale", "situation": "x"},
                    headers={"referer": f"http://testserver/crises/{c.id}?lang=en"})
    assert r.status_code == 403
    back = re.search(r'<p class="toolbar" id="form-back">(.*?)</p>', r.text, re.S)
    assert back is not None
    assert f'data-history-back="/crises/{c.id}?lang=en"' in back.group(1)
    assert f'<a href="/crises/{c.id}?lang=en">' in back.group(1)
    # a page opened by a link (not a form), or a Referer leaving the site: no way back
    assert 'id="form-back"' not in client.get("/crises/999999").text
    r = client.post(f"/crises/{c.id}/sitreps", data={"csrf_token": _token(room)},
                    headers={"referer": "http://testserver//evil.example/x"})
    assert r.status_code == 422 and 'id="form-back"' not in r.text


def test_a_refusal_naming_values_reads_as_words() -> None:
    message = ("CSC-2023-001 cannot authorize the response: military_crrf: no official "
               "request of TJK asks for it; CSC-2023-001 was adopted on 2023-06-10, before "
               "the crisis was reported (2023-06-11)")
    page = translate(message, "en", labelled=True)
    assert "military (CRRF): no official request of TJK" in page
    assert "adopted on 10 June 2023, before the crisis was reported (11 June 2023)" in page
    assert translate(message, "en") == message  # the API's problem says it as the services do
    ru = translate(message, "ru")
    assert ru.startswith("CSC-2023-001 не может санкционировать ответные меры: военные (КСОР): "
                         "нет официального обращения TJK"), ru
    assert "10 июня 2023 г." in ru and "11 июня 2023 г." in ru
    assert translate("'no action' needs a recorded reason", "ru") == \
        "для «без мер» нужна записанная причина"
    assert translate("it is BLR's turn to sign", "ru") == "сейчас очередь BLR подписывать"

"""Errors speak the reader's language: the error pages and the API's problem details
(404, 403, 422, 409) are in Russian on a Russian page, in English on an English one;
the services' English messages are translated at the web edge."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from phalanx.domain.crisis.authority import Mandate, OfficialRequest, withdrawals
from phalanx.domain.crisis.workflow import (
    Category,
    Measure,
    Situation,
    Stage,
    refusals,
    response_refusals,
)
from phalanx.services.db import Database
from phalanx.web.app import create_app
from phalanx.web.i18n.errors import not_found, translate
from tests.integration.test_pages import demo_db, login, page_settings  # noqa: F401

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def client(demo_db: Database, page_settings) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(page_settings, demo_db)) as c:
        yield c


def _error_text(html: str) -> str:
    start = html.index('<p class="error"')
    return html[start:html.index("</p>", start)]


def test_a_404_page_in_russian(client: TestClient) -> None:
    login(client, "secretariat", "demo-secretariat")
    r = client.get("/crises/999999?lang=ru")
    assert r.status_code == 404
    # the heading is words a person reads; the code is for the machine, in a muted line
    # and the window's title
    assert "<h1>Не найдено</h1>" in r.text
    assert re.search(r'<p class="small muted" id="error-code">[^<]*404</p>', r.text)
    assert "<title>Не найдено (404)" in r.text
    assert "Не найдено: кризис 999999" in _error_text(r.text)
    r = client.get("/crises/999999?lang=en")
    assert "<h1>Not Found</h1>" in r.text
    assert re.search(r'<p class="small muted" id="error-code">[^<]*404</p>', r.text)
    assert "No crisis 999999" in _error_text(r.text)


def test_a_422_page_leads_with_words(client: TestClient) -> None:
    """A refused form's page: the heading says "Неверные данные", not "422 Неверные
    данные" (a screen reader reads the number first)."""
    login(client, "secretariat", "demo-secretariat")
    client.cookies.set("lang", "ru")
    r = client.get("/crises?year=abc")
    assert r.status_code == 422, r.text[:300]
    heading = re.search(r"<h1>([^<]*)</h1>", r.text)
    assert heading and heading.group(1) == "Неверные данные", heading
    assert "Код ошибки: 422" in r.text


def test_a_404_problem_in_russian(client: TestClient) -> None:
    login(client, "secretariat", "demo-secretariat")
    client.cookies.set("lang", "ru")
    r = client.get("/api/v1/crises/999999")
    assert r.status_code == 404
    body = r.json()
    assert body["title"] == "Не найдено"
    assert body["detail"] == "не найдено: кризис 999999"


def test_a_403_page_in_russian(client: TestClient) -> None:
    login(client, "observer", "demo-observer-pass")
    r = client.get("/audit?lang=ru")
    assert r.status_code == 403
    text = _error_text(r.text)
    assert "Ваша роль (наблюдатель) не позволяет: читать журнал аудита" in text, text
    assert "audit.read" not in r.text


def test_a_422_page_in_russian(client: TestClient) -> None:
    login(client, "secretariat", "demo-secretariat")
    r = client.get("/decisions?year=abc&lang=ru")
    assert r.status_code == 422
    assert "Неверные данные" in r.text
    assert "укажите целое число" in _error_text(r.text)
    assert "Input should be" not in r.text


def test_the_algorithms_refusals_in_russian() -> None:
    message = ("a crisis cannot go from reported to closed (from reported: assessment, "
               "rejected); closing needs the after-action review")
    ru = translate(message, "ru")
    assert ru.startswith("кризис не может перейти из стадии «")
    assert "closed" not in ru and "reported" not in ru
    assert "нужен разбор итогов" in ru
    assert translate(message, "en") == message
    assert translate("an unknown message 5", "ru") == "an unknown message 5"
    assert not_found("watch item", 7, "ru") == "не найдено: пункт наблюдения 7"
    assert json.dumps(translate("crisis 3 is deployed", "ru"), ensure_ascii=False).count(
        "deployed") == 0


def _situations() -> Iterator[Situation]:
    """Situations enough for every refusal of the algorithm, with its values."""
    category = Category("armed_attack", "Armed attack", "Вооружённое нападение", "art. 4",
                        ("csc",), frozenset({Measure.POLITICAL, Measure.HUMANITARIAN}),
                        "assist", "all_members")
    measures = [frozenset(), frozenset(Measure), frozenset({Measure.MILITARY_CRRF})]
    made = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    # a request its state withdrew, a decision whose period is over (their refusals
    # name them)
    withdrawn = withdrawals([OfficialRequest("KGZ", made, "art. 4", frozenset(Measure),
                                             withdrawn_at=made + timedelta(days=3))], ["KGZ"])
    ended = Mandate.of("CSC-2026-003", date(2026, 1, 6), None, 30).ended()
    for stage in Stage:
        for flags in itertools.product((False, True), repeat=5):
            for chosen in measures:
                yield Situation(
                    category=category, stage=stage, consultations_convened=flags[0],
                    decision_adopted=flags[1], collective_defence=flags[1],
                    decision_authorizes=frozenset() if flags[2] else frozenset(Measure),
                    measures=chosen, bilateral_dispute=flags[3],
                    against_cis_or_neighbour=flags[3], official_request=flags[0],
                    un_mandate=False, on_member_territory=flags[2], units_out=3 * flags[2],
                    units_committed=int(flags[3]), review="" if flags[0] else "done",
                    withdrawn=withdrawn if flags[4] else {},
                    mandate_ended=ended if flags[4] else "")


def test_every_refusal_of_the_algorithm_reads_in_russian() -> None:
    """What stands in the way of each move (the crisis room lists it under the move's
    select) is never shown in English on a Russian page."""
    english = set()
    for s in _situations():
        for target in Stage:
            for problem in refusals(s, target, ""):
                ru = translate(problem, "ru", labelled=True)
                if not re.search("[а-яА-Я]", ru) or ru == problem:
                    english.add(problem)
    assert english == set()
    assert translate("3 unit(s) of the decided deployment are still out: plan and decide "
                     "their way home first", "ru").startswith(
        "подразделения утверждённого развёртывания ещё не вернулись (3)")


def test_a_change_refused_under_way_reads_in_russian() -> None:
    """Once the response is under way a change is held to every guard of the response
    (`services/crises/workflow.py`): the refusal and each of its reasons in Russian."""
    for s in _situations():
        if s.stage is not Stage.DEPLOYED:
            continue
        problems = response_refusals(s)
        if len(problems) < 2:
            continue
        message = f"the response is under way ({s.stage.value}): " + "; ".join(problems)
        ru = translate(message, "ru", labelled=True)
        assert ru.startswith("реагирование уже идёт (стадия «"), ru
        assert "under way" not in ru and "deployed" not in ru
        assert ru.count("; ") == len(problems) - 1
        return
    raise AssertionError("no situation under way with two reasons to refuse")


def test_a_drafts_outcome_in_russian() -> None:
    reason = ("adopted; no member with a say objects; sent for consideration to ARM, KGZ "
              "(absent)")
    assert translate(reason, "ru") == ("принято; ни один член с правом голоса не возражает; "
                                       "направлено на рассмотрение отсутствовавшим: ARM, KGZ")
    assert translate("not carried: 2 in favour, 1 against", "ru") == (
        "не принято: за — 2, против — 1")


def test_a_failed_login_in_russian(client: TestClient) -> None:
    client.get("/login?lang=ru")
    r = client.post("/login", data={"username": "nobody", "password": "wrong",
                                    "csrf_token": client.cookies.get("phalanx_login_csrf")})
    assert r.status_code == 401
    assert "Неизвестный пользователь или неверный пароль." in r.text
    assert "Unknown user" not in r.text

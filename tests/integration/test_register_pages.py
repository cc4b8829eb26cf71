"""The registers' pages: each renders its register with a chart, in English and
Russian, without inline code; each reader sees what the markings allow; the forms
record through the same rules."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from fastapi.testclient import TestClient

from tests.integration.test_pages import (  # noqa: F401 (fixtures)
    client,
    demo_db,
    login,
    no_inline_code,
    page_settings,
)


@pytest.fixture
def web(client: TestClient) -> TestClient:  # noqa: F811
    """The pages' client of tests/integration/test_pages.py (the demo installation)."""
    return client


PAGES = ["/parliament", "/mtc", "/training", "/joint-exercises", "/external", "/secretariat"]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_register_page_renders_with_its_chart(web: TestClient, path: str,
                                                    lang: str) -> None:
    login(web, "secretariat", "demo-secretariat")
    r = web.get(path, params={"lang": lang})
    assert r.status_code == 200
    no_inline_code(r.text)
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="bars"' in r.text
    assert f'href="{path}"' in r.text  # in the navigation
    if lang == "ru":
        assert "Парламентская Ассамблея" in r.text


@pytest.mark.parametrize("path", PAGES)
def test_every_register_page_names_each_element_once(web: TestClient, path: str) -> None:
    """An element's id is the page's once (the military-technical page said the totals'
    currency twice, the second time under the joint programmes, which have no values)."""
    login(web, "secretariat", "demo-secretariat")
    ids = re.findall(r'\sid="([^"]+)"', web.get(path, params={"lang": "ru"}).text)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_the_register_pages_need_a_login(web: TestClient) -> None:
    for path in PAGES:
        r = web.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_a_third_state_does_not_see_a_bilateral_supply(web: TestClient) -> None:
    login(web, "rep-blr", "demo-rep-blr")
    html = web.get("/mtc").text
    assert "sup-blr-kaz-2025-1" in html
    assert "sup-rus-kgz-2023-1" not in html and "armoured personnel carriers" not in html
    overview = web.get("/secretariat").text
    assert "1 supply agreements you may see" in overview
    pdf = web.get("/secretariat/annual-report/2023.pdf")
    text = "".join("".join(p.extract_text() for p in pypdf.PdfReader(
        io.BytesIO(pdf.content)).pages).split())
    assert "annualreport2023" in text and "sup-rus-kgz" not in text
    login(web, "rep-kgz", "demo-rep-kgz")
    assert "sup-rus-kgz-2023-1" in web.get("/mtc").text
    login(web, "secretariat", "demo-secretariat")
    assert web.get("/mtc").text.count('<tr id="supply-') == 5


def test_observers_see_the_public_registers_only(web: TestClient) -> None:
    login(web, "observer", "demo-observer-pass")
    assert "Model law on countering terrorism" in web.get("/parliament").text
    assert "<td>2024</td>" not in web.get("/training").text  # quotas: not public
    assert '<tr id="supply-' not in web.get("/mtc").text
    assert "Frontier-2026" not in web.get("/joint-exercises").text
    assert "Frontier-2014" in web.get("/joint-exercises").text
    login(web, "secretariat", "demo-secretariat")
    assert "<td>2024</td>" in web.get("/training").text


def test_a_representative_records_its_own_transposition(web: TestClient) -> None:
    login(web, "rep-uzb", "demo-rep-uzb")
    html = web.get("/parliament").text
    form = re.search(r'<form method="post" class="toolbar" id="transposition-form".*?</form>',
                     html, re.S)
    assert form is not None
    assert re.findall(r'name="state"><option>(\w+)</option></select>', form.group(0)) == ["UZB"]
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    r = web.post("/parliament/transposition", data={
        "csrf_token": token, "law": "rec-information-security", "state": "UZB",
        "status": "in_progress", "on": "2026-01-15"}, follow_redirects=False)
    assert r.status_code == 303
    row = re.search(r'<tr id="law-rec-information-security">.*?</tr>',
                    web.get("/parliament").text, re.S).group(0)  # type: ignore[union-attr]
    assert 'class="tr tr-in_progress" data-state="UZB"' in row
    r = web.post("/parliament/transposition", data={
        "csrf_token": token, "law": "rec-information-security", "state": "KAZ",
        "status": "adopted", "on": "2026-01-15", "reference": "x"}, follow_redirects=False)
    assert r.status_code == 403
    r = web.post("/parliament/transposition", data={
        "csrf_token": token, "law": "rec-information-security", "state": "UZB",
        "status": "adopted", "on": "2026-02-01"}, follow_redirects=False)
    assert r.status_code == 422 and "reference" in r.text


def test_the_annual_report_form_leads_to_the_pdf(web: TestClient) -> None:
    login(web, "secretariat", "demo-secretariat")
    r = web.get("/secretariat/annual-report.pdf", params={"year": 2014},
                   follow_redirects=True)
    assert r.headers["content-type"] == "application/pdf"
    text = " ".join("".join(p.extract_text() for p in pypdf.PdfReader(
        io.BytesIO(r.content)).pages).split())
    for heading in ("Decisions adopted in 2014", "Crises of 2014",
                    "Joint operations in 2014", "Parliamentary Assembly",
                    "Military-technical cooperation", "Training quotas 2014",
                    "Joint exercises 2014", "External relations"):
        assert heading in text
    assert "Interaction-2014" in text and "Frontier-2014" in text


def test_open_findings_are_tracked_beside_the_implementation_tasks(web: TestClient) -> None:
    login(web, "secretariat", "demo-secretariat")
    html = web.get("/tasks").text
    table = re.search(r'<table class="data" id="findings-tasks">.*?</table>', html, re.S)
    assert table is not None
    assert "Review the host nation support plan" in table.group(0)
    assert "Shorten the notification" not in table.group(0)  # done in the dataset
    login(web, "observer", "demo-observer-pass")
    table = re.search(r'id="findings-tasks">.*?</table>', web.get("/tasks").text, re.S)
    assert table is not None and "host nation" not in table.group(0)

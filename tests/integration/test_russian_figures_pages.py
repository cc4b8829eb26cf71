"""The figures of the pages are written with the reader's separators: on a Russian page
the operation's reports counted ("4 320 синтетических донесений", a row's "3 018"), the
training places ("1 000"), a supply's quantity ("5 000") have a space between the
thousands, as their quantities already had; an English page writes "4,320"."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.integration.test_pages import (  # noqa: F401 (fixtures)
    client,
    demo_db,
    page_settings,
)
from tests.support.sessions import login

SPACE = "[\u00a0\u202f ]"  # the Russian thousands separator (a no-break space)


def _text(html: str) -> str:
    # (the no-break spaces kept: they are the separators looked for)
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


def test_counts_and_places_on_russian_pages(client: TestClient) -> None:  # noqa: F811
    login(client, "secretariat", "demo-secretariat")
    page = _text(client.get("/operations/channel?lang=ru").text)
    synthetic = re.search(r"([\d\u00a0\u202f,.]+) синтетических донесений", page)
    assert synthetic is not None and re.fullmatch(rf"\d{{1,3}}({SPACE}\d{{3}})+",
                                                  synthetic.group(1)), synthetic
    # every row's count of reports: no run of four digits or more without its separator
    totals = client.get("/operations/channel?lang=ru").text.split('id="totals"')[1]
    assert not re.search(r"<td>\d{4,}</td>", totals)
    assert re.search(rf"<td>\d{{1,3}}{SPACE}\d{{3}}</td>", totals)
    training = _text(client.get("/training?lang=ru").text)
    assert re.search(rf"\b1{SPACE}000\b", training) and not re.search(r"\b1000\b", training)
    mtc = client.get("/mtc?lang=ru").text
    assert re.search(rf"<td>5{SPACE}000</td>", mtc) and "<td>5000</td>" not in mtc
    overview = _text(client.get("/secretariat?lang=ru").text)
    assert re.search(rf"предложено 1{SPACE}000 мест", overview), overview[:2000]


def test_counts_on_english_pages(client: TestClient) -> None:  # noqa: F811
    login(client, "secretariat", "demo-secretariat")
    page = _text(client.get("/operations/channel?lang=en").text)
    assert re.search(r"\d,\d{3} synthetic reports", page)


def test_the_states_are_named_in_the_pages_language(client: TestClient) -> None:  # noqa: F811
    """The operation's table and chart by state name the states as the page's language
    does ("Казахстан"), no longer by their codes ("KAZ")."""
    login(client, "secretariat", "demo-secretariat")
    for lang, kazakhstan in (("ru", "Казахстан"), ("en", "Kazakhstan")):
        html = client.get(f"/operations/channel?lang={lang}").text
        table = html.split('id="by-state"')[1].split("</table>")[0]
        rows = re.findall(r'<tr><th scope="row" class="name">([^<]+)</th>', table)
        assert kazakhstan in rows and "KAZ" not in rows, rows
        chart = html.split('data-chart="stage-chart"')[1].split("</svg>")[0]
        assert kazakhstan in chart and ">KAZ<" not in chart

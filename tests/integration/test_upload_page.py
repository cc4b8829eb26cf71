"""The upload page guides: a template to download, the values each column takes, a
summary with the right plural forms, and a wrong file named by its own name."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from phalanx.config import Settings
from phalanx.domain.operations.results import COLUMNS
from phalanx.services.db import Database
from phalanx.web.app import create_app
from phalanx.web.pages.operations import XLSX
from tests.support.sessions import login


def test_the_upload_page_guides(accounts_db: Database, settings: Settings) -> None:
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "reporter-kaz", "demo-reporter-kaz")
        client.cookies.set("lang", "ru")
        page = client.get("/operations/channel/upload").text
        assert 'href="/operations/channel/upload/template.csv"' in page
        assert 'href="/operations/channel/upload/template.xlsx"' in page
        assert "Скачать шаблон (XLSX)" in page
        assert 'id="allowed-values"' in page and "<code>synthetic_cathinones</code>" in page
        assert "<code>seizure</code>" in page and "<code>kg</code>" in page
        assert "исправляет присланную ранее" in page  # how a figure is corrected
        r = client.get("/operations/channel/upload/template.csv")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        # a Russian spreadsheet's CSV: UTF-8 with its mark, semicolons, a decimal comma
        assert r.content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
        assert rows[0] == list(COLUMNS) and len(rows) == 2
        example = dict(zip(rows[0], rows[1], strict=True))
        assert example["stage"] and example["metric"] and example["unit"]
        assert example["quantity"] == "1,5"
        # the template, sent back as it is, is read without a complaint about its form
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        r = client.post("/operations/channel/upload", data={"csrf_token": token},
                        files={"file": ("channel.csv", r.content, "text/csv")})
        assert r.status_code == 200 and 'id="upload-errors"' not in r.text  # a valid row
        assert "1 строка" in r.text  # the plural of Russian, not "1 строк"
        assert "столбцы разделены точкой с запятой" in r.text  # and it says how it read it
        # in English, commas and a decimal point; the workbook opens alike in both
        client.cookies.set("lang", "en")
        english = client.get("/operations/channel/upload/template.csv").content
        rows = list(csv.reader(io.StringIO(english.decode("utf-8-sig"))))
        assert rows[0] == list(COLUMNS) and dict(zip(rows[0], rows[1], strict=True))[
            "quantity"] == "1.5"
        book = client.get("/operations/channel/upload/template.xlsx")
        assert book.headers["content-type"] == XLSX
        sheet = load_workbook(io.BytesIO(book.content)).active
        header, example_cells = list(sheet.iter_rows(values_only=True))
        assert list(header) == list(COLUMNS)
        cells = dict(zip(header, example_cells, strict=True))
        assert cells["quantity"] == 1.5 and isinstance(cells["date"], datetime)
        for name, body in (("channel.csv", english), ("channel.xlsx", book.content)):
            r = client.post("/operations/channel/upload", data={"csrf_token": token},
                            files={"file": (name, body, "text/plain")})
            assert r.status_code == 200 and "1 row" in r.text, name
            # the example sent again as it stood: no correction, and said so
            assert "1 already reported as it stands" in r.text, name
        client.cookies.set("lang", "ru")
        r = client.post("/operations/channel/upload", data={"csrf_token": token},
                        files={"file": ("notes.txt", b"hello", "text/plain")})
        assert r.status_code == 422 and 'id="upload-problem"' in r.text
        problem = r.text.split('id="upload-problem">')[1].split("</p>")[0]
        assert "notes.txt" in problem and "tmp" not in problem
        # in the page's language, the file's problem and each row's
        assert "загрузите файл .csv или .xlsx" in problem, problem
        bad = "reference,date,stage,metric,quantity,unit,substance,area\r\n" \
              "R1,2026-13-01,nowhere,seizure,-1,kg,heroin,Almaty\r\n"
        r = client.post("/operations/channel/upload", data={"csrf_token": token},
                        files={"file": ("bad.csv", bad.encode(), "text/csv")})
        errors = r.text.split('id="upload-errors"')[1].split("</table>")[0]
        assert "не дата" in errors and "неизвестный этап" in errors, errors
        assert "не может быть отрицательным" in errors
        assert "is not a date" not in errors and "must not be negative" not in errors


def _logged_in(client: TestClient, user: str, password: str) -> None:
    client.cookies.clear()  # the last user's session and language go
    login(client, user, password)


def test_who_may_not_submit_is_told_so_before_sending_a_file(accounts_db: Database,
                                                              settings: Settings) -> None:
    """A representative (or the Secretariat) reads the results but does not submit them:
    the upload page says so up front, with no form, and no page offers it the upload; a
    reporter whose agency does not take part in the operation is told that too."""
    with TestClient(create_app(settings, accounts_db)) as client:
        for user, password in (("rep-kaz", "demo-rep-kaz"),
                               ("secretariat", "demo-secretariat")):
            _logged_in(client, user, password)
            page = client.get("/operations/channel/upload?lang=en").text
            assert 'id="upload-form"' not in page and 'type="file"' not in page
            refused = page.split('id="upload-refused">')[1].split("</p>")[0]
            assert "submitted by the reporters of the national agencies" in refused
            assert 'href="/operations/channel"' in refused
            assert 'id="upload-template"' in page  # the template, for a reporter
            assert "/operations/channel/upload" not in client.get(
                "/operations/channel?lang=en").text
            ru = client.get("/operations/channel/upload?lang=ru").text
            assert "докладчики национальных ведомств" in ru
        _logged_in(client, "reporter-kaz", "demo-reporter-kaz")  # KAZ customs
        assert 'href="/operations/channel/upload"' in client.get(
            "/operations/channel?lang=en").text
        assert 'id="upload-form"' in client.get("/operations/channel/upload").text
        page = client.get("/operations/illegal/upload?lang=en").text
        assert 'id="upload-form"' not in page
        refused = page.split('id="upload-refused">')[1].split("</p>")[0]
        assert "Your agency (customs of KAZ) does not take part in this operation" in refused
        assert "The agencies of KAZ that take part: police, border guard, state security." \
            in refused
        assert "/operations/illegal/upload" not in client.get(
            "/operations/illegal?lang=en").text


def test_the_units_the_page_lists_are_those_a_row_is_held_to(accounts_db: Database,
                                                             settings: Settings) -> None:
    """A seizure's unit is a mass or a volume, explosives' a mass, the other metrics are
    counted: the page lists the units by the metrics they serve, and a refused unit is
    refused naming the same units the page gives for its metric."""
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "reporter-kaz", "demo-reporter-kaz")
        client.cookies.set("lang", "ru")
        page = client.get("/operations/channel/upload").text
        listed = re.sub(r"<[^>]+>", "", page.split('id="allowed-units">')[1].split("</dd>")[0])
        assert "также г, кг, т, мл, л, шт" in page.split('id="allowed-units"')[1]
        served = {}
        for part in listed.split("; "):
            units, metrics = part.split(" — ")
            served.update({m: units for m in metrics.split(", ")})
        assert served["seizure"] == "g, kg, t, ml, l"
        assert served["explosives"] == "g, kg, t"
        assert served["firearms"] == "count или пусто"
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        rows = "reference,date,stage,metric,quantity,unit,substance,area\r\n" \
               "R1,2026-04-02,spring-2026,seizure,3,пуд,heroin,Almaty\r\n"
        r = client.post("/operations/channel/upload", data={"csrf_token": token},
                        files={"file": ("units.csv", rows.encode(), "text/csv")})
        errors = r.text.split('id="upload-errors"')[1].split("</table>")[0]
        assert f"пуд — не одна из единиц: {served['seizure']}" in errors, errors


def test_the_templates_example_is_of_the_stage_begun_on_the_organizations_day(
        accounts_db: Database, settings: Settings) -> None:
    """At 00:30 in Moscow on 1 September 2026 (21:30 UTC on 31 August) the autumn stage of
    Channel has begun: the template's example row is of it, dated on its first day."""
    from datetime import UTC

    from phalanx.services import clock

    with clock.use(datetime(2026, 8, 31, 21, 30, tzinfo=UTC)), \
            TestClient(create_app(settings, accounts_db)) as client:
        login(client, "reporter-kaz", "demo-reporter-kaz")
        client.cookies.set("lang", "en")
        rows = list(csv.reader(io.StringIO(client.get(
            "/operations/channel/upload/template.csv").content.decode("utf-8-sig"))))
        example = dict(zip(rows[0], rows[1], strict=True))
        assert (example["stage"], example["date"]) == ("autumn-2026", "2026-09-01")

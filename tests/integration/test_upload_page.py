"""The upload page guides: a template to download, the values each column takes, a
summary with the right plural forms, and a wrong file named by its own name."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.operations.results import COLUMNS
from phalanx.services.db import Database
from phalanx.web.app import create_app


def test_the_upload_page_guides(accounts_db: Database, settings: Settings) -> None:
    with TestClient(create_app(settings, accounts_db)) as client:
        client.get("/login")
        client.post("/login", data={"username": "reporter-kaz", "password": "demo-reporter-kaz",
                                    "csrf_token": client.cookies.get("phalanx_login_csrf")})
        client.cookies.set("lang", "ru")
        page = client.get("/operations/channel/upload").text
        assert 'href="/operations/channel/upload/template.csv"' in page
        assert 'id="allowed-values"' in page and "<code>synthetic_cathinones</code>" in page
        assert "<code>seizure</code>" in page and "<code>kg</code>" in page
        r = client.get("/operations/channel/upload/template.csv")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(r.text)))
        assert rows[0] == list(COLUMNS) and len(rows) == 2
        example = dict(zip(rows[0], rows[1], strict=True))
        assert example["stage"] and example["metric"] and example["unit"]
        # the template, sent back as it is, is read without a complaint about its form
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        r = client.post("/operations/channel/upload", data={"csrf_token": token},
                        files={"file": ("channel.csv", r.content, "text/csv")})
        assert "1 строка" in r.text  # the plural of Russian, not "1 строк"
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

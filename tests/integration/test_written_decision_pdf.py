"""A decision adopted by signatures under the written procedure: its PDF's table of
positions gives each state's answer (signs, signs with a reservation), in whose name it
was given and the reservation, not "not stated" for states that all signed."""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient
from pypdf import PdfReader

from phalanx.config import Settings
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.days import working_deadline
from tests.support.sessions import bearer


def _text(pdf: bytes) -> str:
    words = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", words)


def test_the_pdf_of_a_decision_adopted_by_signatures_gives_each_answer(
        accounts_db: Database, settings: Settings) -> None:
    client = TestClient(create_app(settings, accounts_db))
    r = client.post("/api/v1/drafts", headers=bearer(accounts_db, "secretariat"), json={
        "body": "csc", "procedure": "written", "title": "On the statement",
        "text_en": "To adopt the statement.", "deadline": working_deadline().isoformat()})
    assert r.status_code == 201, r.text
    draft, order = r.json()["id"], r.json()["signing_order"]
    assert order == ["BLR", "KAZ", "KGZ", "RUS", "TJK"]
    answers = {"KAZ": {"answer": "sign", "given_by": "Acting Head of State Smagulov"},
               "RUS": {"answer": "reservation", "reservation": "On the time limits"}}
    for state in order:
        r = client.post(f"/api/v1/drafts/{draft}/signatures",
                        headers=bearer(accounts_db, f"rep-{state.lower()}"),
                        json=answers.get(state, {"answer": "sign"}))
        assert r.status_code == 200, r.text
    assert r.json()["status"] == "adopted"
    by = {a["state"]: a["given_by"] for a in r.json()["answers"]}
    sec = bearer(accounts_db, "secretariat")
    decision = r.json()["decision_id"]

    en = _text(client.get(f"/api/v1/decisions/{decision}/pdf", headers=sec).content)
    table = en[en.index("Positions"):]
    assert "Kazakhstan signs Acting Head of State Smagulov" in table
    assert f"Russia signs with a reservation {by['RUS']} · On the time limits" in table
    assert f"Belarus signs {by['BLR']}" in table
    # those not asked (without a say) stated nothing; no signatory reads "not stated"
    assert table.count("not stated") == 2

    ru = _text(client.get(f"/api/v1/decisions/{decision}/pdf", params={"lang": "ru"},
                          headers=sec).content)
    table = ru[ru.index("Позиции"):]
    assert "Казахстан подписывает Acting Head of State Smagulov" in table
    assert "Россия подписывает с оговоркой" in table
    assert table.count("не высказалось") == 2

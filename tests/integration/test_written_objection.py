"""A member's objection under the written procedure states its grounds, on the form and
beside the answer on the draft's page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.decisions.procedure import Answer
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.services.errors import Invalid
from phalanx.web.app import create_app
from tests.integration.test_draft_pages import login, rep, token, written


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c


def test_an_objection_under_the_written_procedure_states_its_grounds(
        client: TestClient, accounts_db: Database) -> None:
    """A member objecting out of its turn gives the grounds of its objection on the
    form; the draft's page shows them beside the answer. A plain signature carries no
    text."""
    d = written(accounts_db)
    with pytest.raises(Invalid):
        dec.sign(accounts_db, d.id, answer=Answer.SIGN, reservation="с оговоркой",
                 actor=rep("BLR"))
    login(client, "rep-kaz")
    page = client.get(f"/drafts/{d.id}?lang=ru").text
    form = re.search(r'<form method="post" action="/drafts/\d+/sign"[^>]*id="object-form"[^>]*>'
                     r"(.*?)</form>", page, re.S)
    assert form is not None and 'name="reservation"' in form.group(1)
    r = client.post(f"/drafts/{d.id}/sign", data={
        "csrf_token": token(page), "answer": "object",
        "reservation": "Пункт 2 противоречит нашему законодательству"},
        follow_redirects=False)
    assert r.status_code == 303
    page = client.get(f"/drafts/{d.id}?lang=ru").text
    assert re.search(r"Казахстан — возражает \([^)]*\): <em>Пункт 2 противоречит нашему "
                     r"законодательству</em>", page)

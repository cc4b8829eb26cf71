"""An offer of registry units, wherever the crisis room shows it (the timeline and the
offers of a request) and in the situation report, names the units by their names in
the reader's language, never by their keys; a unit the reader may not see (one its state
keeps NATIONAL) is not named, neither by its name nor by its key; an offer of a strength
of a capability shows the capability by its label."""

from __future__ import annotations

import html
import io
import re
from datetime import timedelta

import pypdf
from fastapi.testclient import TestClient
from sqlalchemy import update

from phalanx.adapters.db import tables as t
from phalanx.adapters.db.access import classification_values
from phalanx.config import Settings
from phalanx.domain.access.policy import Classification, Marking, OwnerKind
from phalanx.services import crises, forces
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_force_tasks import PK, T0, consent_all, rep, response
from tests.integration.test_pages import login

KEYS = ("pk-blr-1", "pk-kgz-1")


def _text(page: str) -> str:
    """What a person reads on the page: its main part's text, without the markup."""
    main = page[page.index("<main"):]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)))


def _part(page: str, start: str, end: str) -> str:
    i = page.index(start)
    return _text("<main>" + page[i:page.index(end, i)])


def _offered(page: str) -> list[str]:
    """The units each offer of the request names, as the list of offers shows them."""
    return [html.unescape(u) for u in re.findall(r'class="offered-units">([^<]*)<', page)]


def _offers(db: Database) -> int:
    """Belarus offers its peacekeeping company by name, Kyrgyzstan its own, which it keeps
    NATIONAL (stating the quantity it offers, 150), Armenia a strength of motorized rifles."""
    cid = response(db)
    consent_all(db, cid)
    with db.write(rep("KGZ")) as w:
        w.conn.execute(update(t.force_unit).where(t.force_unit.c.key == "pk-kgz-1").values(
            **classification_values(Classification(OwnerKind.STATE, "KGZ", Marking.NATIONAL))))
        w.audit("forces.unit.mark", "force_unit", "pk-kgz-1", {"marking": "NATIONAL"})
    c = crises.request_assistance(db, cid, crises.RequestIn(
        resource="peacekeepers", measure=PK, quantity=900, unit="troops",
        needed_by=T0 + timedelta(days=2)), actor=rep("KAZ"), at=T0 + timedelta(hours=5))
    request_id = c.requests[0].id
    for state, offer in (("BLR", {"units": ["pk-blr-1"]}),
                         ("KGZ", {"units": ["pk-kgz-1"], "quantity": 150}),
                         ("ARM", {"capability": "motorized_rifle", "strength": 200})):
        crises.offer_assistance(db, request_id, crises.OfferIn.model_validate(
            {"kind": "units", "description": "for the capital", **offer}),
            actor=rep(state), at=T0 + timedelta(hours=6))
    return cid


def test_an_offers_units_by_their_names_not_their_keys(accounts_db: Database,
                                                       settings: Settings) -> None:
    cid = _offers(accounts_db)
    room = f"/crises/{cid}"
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "rep-kaz", "demo-rep-kaz")
        english = client.get(f"{room}?lang=en").text
        timeline = _part(english, 'id="timeline"', "</ol>")
        assert "BLR offers 300 (units: Peacekeeping company): for the capital" in timeline, \
            timeline
        # Kazakhstan may not see Kyrgyzstan's NATIONAL unit: not named, nor its key shown
        assert "KGZ offers 150 (units: a restricted unit): for the capital" in timeline
        assert "ARM offers 200 (units: motorized rifle, 200): for the capital" in timeline
        assert _offered(english) == ["Peacekeeping company", "a restricted unit"]
        for key in (*KEYS, "motorized_rifle"):
            assert key not in _text(english), key

        russian = client.get(f"{room}?lang=ru").text
        timeline = _part(russian, 'id="timeline"', "</ol>")
        assert "BLR предлагает 300 (подразделения: Миротворческая рота): for the capital" \
            in timeline, timeline
        assert "KGZ предлагает 150 (подразделения: подразделение с ограниченным доступом)" \
            in timeline
        assert _offered(russian) == ["Миротворческая рота",
                                     "подразделение с ограниченным доступом"]
        assert not any(key in _text(russian) for key in KEYS)

        # the situation report, as the reader may see it
        report = "".join(p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(
            client.get(f"/api/v1/crises/{cid}/report.pdf?lang=ru").content)).pages)
        report = " ".join(report.split())
        assert "Миротворческая рота" in report and not any(k in report for k in KEYS), report

        # Kyrgyzstan reads its own unit's name where it offered it
        login(client, "rep-kgz", "demo-rep-kgz")
        own = client.get(f"{room}?lang=en").text
        assert "KGZ offers 150 (units: Peacekeeping company)" in _part(
            own, 'id="timeline"', "</ol>")
        assert _offered(own) == ["Peacekeeping company", "Peacekeeping company"]


def test_a_members_answer_names_its_units_by_their_names(accounts_db: Database,
                                                          settings: Settings) -> None:
    """The answer of a member that lets some of its units take part: in the timeline and
    the table of answers, each unit by its name, one the reader may not see unnamed."""
    cid = _offers(accounts_db)
    for state, key in (("BLR", "pk-blr-1"), ("KGZ", "pk-kgz-1")):
        forces.give_consent(accounts_db, cid, state, forces.ConsentIn(
            scope="some", units=[key], conditions="for the capital only"), actor=rep(state),
            at=T0 + timedelta(hours=7))
    room = f"/crises/{cid}"
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "rep-kaz", "demo-rep-kaz")
        english = client.get(f"{room}?lang=en").text
        timeline = _part(english, 'id="timeline"', "</ol>")
        assert "BLR: some units (Peacekeeping company); conditions: for the capital only" \
            in timeline, timeline
        assert "KGZ: some units (a restricted unit); conditions:" in timeline
        answer = re.search(r'<tr data-state="KGZ">.*?</tr>', english, re.S)
        assert answer is not None and "a restricted unit" in _text("<main>" + answer.group(0))
        assert not any(key in _text(english) for key in KEYS)
        russian = _part(client.get(f"{room}?lang=ru").text, 'id="timeline"', "</ol>")
        assert "BLR: некоторые подразделения (Миротворческая рота)" in russian, russian
        assert not any(key in russian for key in KEYS)

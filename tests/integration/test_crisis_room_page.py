"""The crisis room offers only the moves the algorithm allows now: the others are shown
disabled, with what stands in the way; convening consultations has one control."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.services import crises, demo
from phalanx.services.db import Database
from phalanx.web.app import create_app


def test_only_allowed_moves_are_offered(loaded_db: Database, settings: Settings) -> None:
    demo.ensure_demo_accounts(loaded_db, actor=SYSTEM)
    c = crises.open_crisis(loaded_db, crises.CrisisIn(
        title="Armed incursion", category="armed_attack", affected=["KGZ"],
        severity="severe", place="Batken", lat=40.06, lon=70.82),
        actor=Principal("rep-kgz", Role.REPRESENTATIVE, state="KGZ"))
    with TestClient(create_app(settings, loaded_db)) as client:
        client.get("/login")
        client.post("/login", data={"username": "secretariat", "password": "demo-secretariat",
                                    "csrf_token": client.cookies.get("phalanx_login_csrf")})
        html = client.get(f"/crises/{c.id}").text
        form = re.search(r'<form[^>]*id="transition-form".*?</form>', html, re.S)
        assert form is not None
        options = dict(re.findall(r'<option value="(\w+)"( disabled)?', form.group(0)))
        # consultations are convened with their own button, not moved to
        assert options["consultations"] == " disabled"
        assert html.count('id="convene"') == 1
        blocked = re.search(r'<ul[^>]*id="blocked-stages">(.*?)</ul>', html, re.S)
        assert blocked is not None and "consultations must be convened" in blocked.group(1)
        # a move that is allowed is offered as it is; ending the crisis asks first
        assert any(v == "" for v in options.values())
        assert re.search(r"<option value=\"rejected\"[^>]*data-confirm=\"Move the crisis", html)
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
        revision = re.search(r'name="revision" value="(\d+)"', html).group(1)  # type: ignore[union-attr]
        r = client.post(f"/crises/{c.id}/transition", data={
            "csrf_token": token, "revision": revision, "to": "rejected",
            "reason": "handled by the national service"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].endswith("?saved=1")
        page = client.get(r.headers["location"]).text
        assert 'id="saved"' in page and "Saved." in page
        assert "saved=1" not in page.split('id="lang-switch"')[1].split("</nav>")[0]

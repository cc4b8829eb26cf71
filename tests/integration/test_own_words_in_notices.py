"""Another organization's own words where the built-in organization's stood: its
rapid-reaction measure named after its own force (`tests/fixtures/danube-alliance.yaml`:
the Danube Response Force, "military (DRF)") in the e-mailed notices and the situation
report's timeline, in English and in Russian; the members' answers under its own
collective-defence article."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.domain.crisis.workflow import Measure
from phalanx.services import crises, demo
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.web.app import create_app
from phalanx.web.i18n.timeline import notice_renderer
from tests.support.sessions import login

FILE = Path(__file__).parents[1] / "fixtures" / "danube-alliance.yaml"
OWN = {"en": "military (DRF)", "ru": "военные (СРД)"}
CSTO = ("CRRF", "КСОР", "Treaty art. 4", "ст. 4 Договора")


@pytest.fixture
def danube_db(sqlite_db: Database) -> Database:
    orgs.load_dataset(sqlite_db, FILE, actor=SYSTEM)
    demo.ensure_demo_accounts(sqlite_db, actor=SYSTEM)
    return sqlite_db


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_an_emailed_notice_names_the_organizations_own_force(danube_db: Database,
                                                             lang: str) -> None:
    with danube_db.read() as conn:
        render = notice_renderer(orgs.organization(conn))
    subject, body = render("Crisis 3: decision",
                           "measures: humanitarian, military_crrf\n\nmeasures: military_crrf",
                           lang)
    assert body.count(OWN[lang]) == 2, body
    assert not [w for w in CSTO if w in subject + body], body


def test_the_situation_reports_timeline_names_its_own_force(danube_db: Database,
                                                            settings: Settings) -> None:
    c = crises.open_crisis(danube_db, crises.CrisisIn(
        title="Border clash", category="armed_attack", affected=["SVN"], severity="severe",
        place="border"), actor=SYSTEM)
    crises.set_response(danube_db, c.id, crises.ResponseIn(measures=[Measure.MILITARY_CRRF]),
                        actor=SYSTEM)
    with TestClient(create_app(settings, danube_db)) as client:
        login(client, "secretariat", "demo-secretariat")
        for lang in ("en", "ru"):
            r = client.get(f"/api/v1/crises/{c.id}/report.pdf?lang={lang}")
            assert r.status_code == 200
            text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(
                io.BytesIO(r.content)).pages).split())
            assert OWN[lang] in text, (lang, text)
            assert not [w for w in CSTO if w in text], (lang, text)

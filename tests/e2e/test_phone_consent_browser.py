"""Kyrgyzstan's liaison officer answers on a phone, in Russian, whether its units take part:
"some units" with none chosen comes back as the room with the refusal in Russian beside the
form, in view, and the answer as it was chosen (the choice and the conditions typed), not
an error page in English."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from phalanx.adapters.db.engine import make_engine
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import crises
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.e2e.test_browser import login
from tests.e2e.test_live_hold_browser import KGZ, _in_view, phone  # noqa: F401
from tests.support.browser import serve_asgi
from tests.support.templates import Templates

pytestmark = pytest.mark.browser


@pytest.fixture
def site(tmp_path: Path, db_templates: Templates) -> Iterator[tuple[str, Database]]:
    db = Database(make_engine(db_templates.sqlite_copy("accounts", tmp_path / "p.db")))
    settings = Settings(environment="test", audit_key_file=tmp_path / "audit.key")
    with serve_asgi(create_app(settings, db)) as url:
        yield url, db
    db.dispose()


def test_some_units_naming_none_is_refused_beside_the_form(
        phone: Any, site: tuple[str, Database]) -> None:  # noqa: F811
    base_url, db = site
    c = crises.open_crisis(db, crises.CrisisIn(
        title="Mudflow in the Alay valley", category="natural_disaster", affected=["KGZ"],
        severity="severe", place="Osh", lat=40.53, lon=72.8), actor=KGZ)
    crises.convene_consultations(db, c.id, actor=SYSTEM)
    login(phone, base_url, "rep-kgz", "demo-rep-kgz")
    phone.goto(f"{base_url}/crises/{c.id}?lang=ru")
    form = phone.locator("#consent-form")
    form.locator("select[name=scope]").select_option("some")
    form.locator("input[name=conditions]").fill("только в Ошской области")
    with phone.expect_navigation():
        form.locator("button[type=submit]").tap()
    refusal = phone.locator("#consent-error")
    assert refusal.inner_text() == \
        "KGZ: в ответе «некоторые» не названо ни одного подразделения"
    assert _in_view(phone, "#consent-error")
    assert form.locator("select[name=scope]").input_value() == "some"
    assert form.locator("input[name=conditions]").input_value() == "только в Ошской области"
    assert phone.locator("[data-refusal]").count() == 1

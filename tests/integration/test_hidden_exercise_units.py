"""A joint exercise's participant may name a registry unit its reader may not see (one its
state keeps NATIONAL): the register names it by no key, as the crisis's offers do (an
empty key in the API, "a restricted unit" on the page), and says nothing else of it: the
formation's text and the strength the state entered describe the unit, so they are
withheld with it (the API, the page in both languages, the annual report's PDF; the
exercise's total counts only the strengths its reader reads); naming it is refused as
naming a unit that does not exist, and the audit trail's entry of the participation names
it by no key, formation or strength to a reader who may not see it (the stored entry
unchanged, the chain verified)."""

from __future__ import annotations

import io
import json

import pypdf
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.services.db import Database
from phalanx.services.errors import Invalid
from phalanx.services.registers import exercises as ex
from phalanx.web.app import create_app
from phalanx.web.i18n import errors as texts
from tests.integration.test_force_tasks import rep
from tests.integration.test_hidden_units import HIDDEN, _national
from tests.integration.test_pages import login

EXERCISE = "frontier-2026"  # an ORGANIZATION calendar entry: every member reads it
FORMATION = "Osh garrison company"  # what Kyrgyzstan says of its NATIONAL company
STRENGTH = 137
TOTAL = 650 + 420 + 300 + 260 + 400  # the dataset's participants and Kazakhstan's battalion


def _participants(db: Database) -> None:
    """Kyrgyzstan commits its company, which it keeps NATIONAL; Kazakhstan its
    battalion, which every member sees."""
    _national(db, HIDDEN, "KGZ")
    ex.add_participant(db, EXERCISE, ex.ParticipantIn(
        state="KGZ", formation=FORMATION, strength=STRENGTH, unit=HIDDEN), actor=rep("KGZ"))
    ex.add_participant(db, EXERCISE, ex.ParticipantIn(
        state="KAZ", formation="Peacekeeping battalion", strength=400, unit="pk-kaz-1"),
        actor=rep("KAZ"))


def _pdf(client: TestClient, lang: str) -> str:
    r = client.get("/api/v1/secretariat/annual-report/2026.pdf", params={"lang": lang})
    assert r.status_code == 200, r.text
    return " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(r.content)).pages)


def _row(page: str) -> str:
    start = page.index(f'id="exercise-{EXERCISE}"')
    return page[start:page.index("</tr>", start)]


def test_the_register_names_no_unit_the_reader_may_not_see(accounts_db: Database,
                                                           settings: Settings) -> None:
    _participants(accounts_db)
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "rep-kaz", "demo-rep-kaz")
        one = client.get(f"/api/v1/joint-exercises/{EXERCISE}").json()
        calendar = client.get("/api/v1/joint-exercises").json()
        for text in (json.dumps(one), json.dumps(calendar)):
            assert HIDDEN not in text and FORMATION not in text
            assert str(STRENGTH) not in text and str(TOTAL + STRENGTH) not in text
        seen = {(p["state"], p["unit"]): (p["formation"], p["strength"])
                for p in one["participants"]}
        assert seen[("KGZ", "")] == ("", None)  # the state alone
        assert seen[("KAZ", "pk-kaz-1")] == ("Peacekeeping battalion", 400)
        assert seen[("RUS", None)] == ("CRDF CAR battalions of Russia", 650)  # names no unit
        assert one["strength"] == TOTAL  # the figures it reads, added up
        assert next(e for e in calendar if e["key"] == EXERCISE)["participants"] == \
            one["participants"]
        english = client.get("/joint-exercises?lang=en").text
        for text in (english, client.get("/secretariat").text):
            assert HIDDEN not in text and FORMATION not in text
        assert "<span class=\"code\">KGZ</span> a restricted unit;" in _row(english)
        assert f"({STRENGTH})" not in _row(english) and "()" not in _row(english)
        assert "pk-kaz-1" in _row(english)
        russian = client.get("/joint-exercises?lang=ru").text
        assert HIDDEN not in russian and FORMATION not in russian
        assert "<span class=\"code\">KGZ</span> подразделение с ограниченным доступом" in \
            _row(russian)
        assert "a restricted unit" not in russian and f"({STRENGTH})" not in _row(russian)
        for lang, sep in (("en", ","), ("ru", " ")):  # the language's thousands separator
            report = _pdf(client, lang).replace("\u00a0", " ").replace("\u202f", " ")

            def written(n: int, sep: str = sep) -> str:
                return f"{n:,}".replace(",", sep)
            assert written(TOTAL) in report and written(TOTAL + STRENGTH) not in report
            assert str(TOTAL + STRENGTH) not in report
            assert FORMATION not in report and HIDDEN not in report

        # Kyrgyzstan reads its own unit, its formation and its strength
        login(client, "rep-kgz", "demo-rep-kgz")
        own = client.get(f"/api/v1/joint-exercises/{EXERCISE}").json()
        assert {"state": "KGZ", "formation": FORMATION, "unit": HIDDEN,
                "strength": STRENGTH} in own["participants"]
        assert own["strength"] == TOTAL + STRENGTH
        assert f"{FORMATION} ({STRENGTH}) <span class=\"code\">{HIDDEN}</span>" in _row(
            client.get("/joint-exercises?lang=en").text)
        assert f"{TOTAL + STRENGTH:,}" in _pdf(client, "en")  # "2,167"


def test_naming_a_unit_one_may_not_see_is_refused_as_naming_none(
        accounts_db: Database) -> None:
    _national(accounts_db, HIDDEN, "KGZ")

    def refusal(unit: str) -> Invalid:
        with pytest.raises(Invalid) as refused:
            ex.add_participant(accounts_db, EXERCISE, ex.ParticipantIn(
                state="KAZ", formation="Peacekeeping company", strength=120, unit=unit),
                actor=rep("KAZ"))
        return refused.value

    hidden, missing = refusal(HIDDEN), refusal("pk-xyz-9")
    assert (hidden.where, hidden.message) == (
        missing.where, missing.message.replace("pk-xyz-9", HIDDEN)) == (
        "unit", f"'{HIDDEN}' is not a unit of the forces registry")
    assert texts.translate(hidden.message, "ru") == \
        f"«{HIDDEN}» не является подразделением реестра сил"
    # Kyrgyzstan names its own
    out = ex.add_participant(accounts_db, EXERCISE, ex.ParticipantIn(
        state="KGZ", formation="Peacekeeping company", strength=120, unit=HIDDEN),
        actor=rep("KGZ"))
    assert HIDDEN in {p.unit for p in out.participants}


def test_a_state_commits_its_own_units_only(accounts_db: Database) -> None:
    """Kazakhstan's representative may not commit Kyrgyzstan's company (which every member
    sees) to an exercise in Kazakhstan's name: nothing is written."""
    with accounts_db.read() as conn:
        before = conn.execute(select(t.exercise_participant)).all()
    with pytest.raises(Invalid) as refused:
        ex.add_participant(accounts_db, EXERCISE, ex.ParticipantIn(
            state="KAZ", formation="Peacekeeping company", strength=120, unit=HIDDEN),
            actor=rep("KAZ"))
    assert (refused.value.where, refused.value.message) == (
        "unit", f"'{HIDDEN}' is a unit of KGZ: KAZ commits its own formations")
    assert texts.translate(refused.value.message, "ru") == \
        f"«{HIDDEN}» — подразделение KGZ: KAZ выделяет только свои формирования"
    with accounts_db.read() as conn:
        assert conn.execute(select(t.exercise_participant)).all() == before


def test_the_audit_trail_names_no_unit_its_reader_may_not_see(accounts_db: Database,
                                                               settings: Settings) -> None:
    _participants(accounts_db)

    def stored() -> dict[str, str]:
        with accounts_db.read() as conn:
            return {r.acting_for: r.change for r in conn.execute(select(t.audit_log).where(
                t.audit_log.c.action == "exercise.participant"))}

    before = stored()
    assert HIDDEN in before["KGZ"] and "pk-kaz-1" in before["KAZ"]
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "auditor", "demo-auditor-pass")
        items = client.get("/api/v1/audit", params={"limit": 1000}).json()["items"]
        assert HIDDEN not in json.dumps(items) and FORMATION not in json.dumps(items)
        entries = {e["acting_for"]: e for e in items if e["action"] == "exercise.participant"}
        assert json.loads(entries["KGZ"]["change"]) == {
            "state": "KGZ", "formation": "", "unit": "", "strength": None}
        assert entries["KGZ"]["redacted"] is True
        assert json.loads(entries["KAZ"]["change"])["unit"] == "pk-kaz-1"
        assert "redacted" not in entries["KAZ"]
        assert HIDDEN not in client.get("/audit").text
        assert FORMATION not in client.get("/audit").text
        assert client.get("/api/v1/audit/verify").json()["ok"] is True
    assert stored() == before  # the trail itself is unchanged

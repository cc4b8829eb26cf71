"""A replay of Operation Channel's results from the public record (tests/data/channel-
replay: two agencies' files, one a Russian spreadsheet's CSV): read as the agencies'
spreadsheets wrote them, released by their states, they add up, for the Secretariat, to
exactly the operation's totals to date that the dataset gives (245 t of drugs, 12 t of
heroin, 5 t of cocaine, 42 t of hashish, 9,300 firearms, 300,000 rounds), on the
statistics, the page's table, the CSV of its figures and the annual reports."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from phalanx.adapters.ingest import CP1251, SEPARATORS, read_file
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Agency, Principal, Role
from phalanx.services import identity, opsreport
from phalanx.services import operations as ops
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.sessions import login

REPLAY = Path(__file__).resolve().parents[1] / "data" / "channel-replay"
SEC = Principal("sec", Role.SECRETARIAT)
AGENCIES = {"kaz-customs.csv": ("KAZ", Agency.CUSTOMS),
            "tjk-drug_control.csv": ("TJK", Agency.DRUG_CONTROL)}


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def replay(db: Database) -> dict[str, list[str]]:
    """Each file sent by its agency's reporter, each state's reports released; what each
    file was read as."""
    notes: dict[str, list[str]] = {}
    for name, (state, agency) in AGENCIES.items():
        reporter = Principal(f"{state.lower()}-{agency.value}", Role.REPORTER, state=state,
                             agency=agency)
        notes[name] = []
        r = ops.ingest(db, "channel", state, agency.value,
                       read_file(REPLAY / name, notes[name]), actor=reporter, source=name)
        assert r.errors == [] and r.stored == r.rows > 0, r.errors
        ops.release(db, "channel", actor=Principal(f"rep-{state.lower()}",
                                                   Role.REPRESENTATIVE, state=state))
    return notes


def test_the_replay_adds_up_to_the_totals_of_the_public_record(db: Database) -> None:
    notes = replay(db)
    assert notes == {"kaz-customs.csv": [CP1251, SEPARATORS[";"]],
                     "tjk-drug_control.csv": []}
    with db.read() as conn:
        s = ops.statistics(conn, "channel", ["metric", "substance", "unit"], actor=SEC)
        seized = opsreport.dashboard(conn, "channel", actor=SEC)["seized"]
    by_substance = {(r.key["metric"], r.key["substance"], r.key["unit"]): r.quantity
                    for r in s.rows}
    by_metric: dict[tuple[str, str], float] = defaultdict(float)
    for (metric, _substance, unit), quantity in by_substance.items():
        by_metric[metric, unit] += quantity
    assert len(s.historical) == 6
    for h in s.historical:  # each figure of the record, by substance or of all of them
        got = by_substance.get((h.metric, h.substance, h.unit)) if h.substance \
            else by_metric[h.metric, h.unit]
        assert got == h.value, h.note
    drugs = next(h.value for h in s.historical if h.metric == "seizure" and not h.substance)
    assert [(r.key["unit"], r.quantity) for r in seized] == [("kg", drugs)]


def test_the_page_its_csv_and_the_annual_reports_say_the_same(
        db: Database, settings: Settings) -> None:
    replay(db)
    identity.add_user(db, identity.NewUser("sec", "a-long-password", Role.SECRETARIAT),
                      actor=SYSTEM)
    with TestClient(create_app(settings, db)) as client:
        login(client, "sec", "a-long-password")
        page = client.get("/operations/channel").text
        figures = client.get("/operations/channel/statistics.csv").content
        years = {y: client.get(f"/secretariat/annual-report/{y}.pdf") for y in (2025, 2026)}
    assert "245,000.00 kg" in page.split('class="total"')[1].split("</tr>")[0]
    rows = list(csv.DictReader(io.StringIO(figures.decode("utf-8-sig"))))
    per_state: dict[tuple[str, str], float] = defaultdict(float)
    per_year: dict[tuple[str, str], float] = defaultdict(float)
    for r in rows:
        per_state[r["state"], r["metric"]] += float(r["quantity"])
        per_year[r["year"], r["metric"]] += float(r["quantity"])
    assert per_state["KAZ", "seizure"] + per_state["TJK", "seizure"] == 245_000
    assert per_state["KAZ", "firearms"] == per_state["TJK", "firearms"] == 4_650
    assert per_year["2025", "seizure"] + per_year["2026", "seizure"] == 245_000
    from pypdf import PdfReader

    for year, pdf in years.items():
        assert pdf.status_code == 200
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
        text = " ".join(text.split())
        assert f"{per_year[str(year), 'seizure']:,.2f} kg" in text, year

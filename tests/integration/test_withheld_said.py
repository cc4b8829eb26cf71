"""What an observer of a crisis is not told, said where it is not shown: in the crisis
room a unit's progress and its arrival home are withheld from an observer (a way home's
length tells the garrison, `test_plan_routes_unread.py`); the "—" in their place is read
out by a screen reader as nothing, or as "dash". Each says, in the page's language, that
it is not shown, and a note under its table says why."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.crisis.workflow import Stage
from phalanx.services import crises, forces
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_force_tasks import PLANNER, SEC, T0
from tests.integration.test_plan_aircraft_unread import _plan
from tests.support.sessions import login


def _table(html: str, tid: str) -> str:
    return html.split(f'id="{tid}"', 1)[1].split("</table>", 1)[0]


def test_an_observer_hears_why_progress_and_home_are_not_shown(
        accounts_db: Database, settings: Settings) -> None:
    cid, pid = _plan(accounts_db)
    forces.decide_plan(accounts_db, pid, actor=PLANNER, at=T0 + timedelta(hours=9))
    crises.transition(accounts_db, cid, Stage.DEPLOYED, actor=SEC, at=T0 + timedelta(hours=30))
    end = T0 + timedelta(days=9)
    crises.transition(accounts_db, cid, Stage.MONITORING, actor=SEC, at=end)
    forces.plan_withdrawal(accounts_db, cid, forces.WithdrawalIn(time_limit=1),
                           actor=PLANNER, at=end)
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "observer", "demo-observer-pass")
        for lang, said, why in (
                ("en", "not shown", "When each unit is home"),
                ("ru", "не показывается", "Когда каждое подразделение вернулось")):
            room = client.get(f"/crises/{cid}?lang={lang}")
            assert room.status_code == 200, room.text
            for tid, mark, note in (("withdrawal-movements", "data-home-withheld",
                                     "home-withheld-why"),
                                    ("progress", "data-done-withheld", "done-withheld-why")):
                table = _table(room.text, tid)
                cells = re.findall(rf"<span[^>]*{mark}[^>]*>(.*?)</span></span>", table)
                assert cells, (lang, tid, table[:2000])
                for cell in cells:  # the dash is not read; the words are
                    assert '<span aria-hidden="true">—</span>' in cell, cell
                    assert f'<span class="visually-hidden">{said}' in cell, cell
                after = room.text.split(f'id="{tid}"', 1)[1].split("</table>", 1)[1]
                m = re.search(rf'<p[^>]*id="{note}"[^>]*>(.*?)</p>', after, re.S)
                assert m, (lang, tid)
            home_note = re.search(r'id="home-withheld-why"[^>]*>(.*?)</p>', room.text, re.S)
            assert home_note and why in home_note.group(1), home_note

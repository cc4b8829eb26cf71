"""Who is a member on a date, and on what grounds: each member's status rests on its
membership events since it became a member (its admission, a suspension, a stop in
taking part), each with its source in the dataset, in the API and on the members page in
both languages."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.services.db import Database
from phalanx.web.app import create_app


def test_each_member_s_status_on_a_day_names_its_grounds_and_their_sources(
        loaded_db: Database, settings: Settings) -> None:
    with TestClient(create_app(settings, loaded_db)) as client:
        on_2013 = {m["code"]: m for m in client.get(
            "/api/v1/members", params={"on": "2013-06-01"}).json()}
        uzb = on_2013["UZB"]
        assert uzb["status"] == "suspended"
        assert [(g["event"], g["on"]) for g in uzb["grounds"]] == [
            ("join", "2006-08-16"), ("suspend", "2012-12-19")]
        assert "restoration protocol" in uzb["grounds"][0]["source"]
        assert "note of 2012-06-28" in uzb["grounds"][1]["source"]
        # the day before the suspension: its return only
        on_eve = {m["code"]: m for m in client.get(
            "/api/v1/members", params={"on": "2012-12-18"}).json()}
        assert [g["event"] for g in on_eve["UZB"]["grounds"]] == ["join"]
        arm = {m["code"]: m for m in client.get(
            "/api/v1/members", params={"on": "2025-01-01"}).json()}["ARM"]
        first = arm["grounds"][0]
        assert (first["event"], first["on"], first["source"]) == ("join", "1994-04-20", "seeds")
        assert arm["grounds"][-1]["event"] == "stand_aside"
        assert all(g["source"] for m in on_2013.values() for g in m["grounds"])

        page = client.get("/members", params={"on": "2025-01-01", "lang": "ru"}).text
        assert "Основания и источники" in page
        row = re.search(r'<tr class="\w+"><td class="code">ARM</td>.*?</tr>', page, re.S)
        assert row is not None
        assert "справочные материалы Организации" in row.group(0)
        assert "заявления премьер-министра Армении" in row.group(0)
        assert "statements of Armenia" not in page
        english = client.get("/members", params={"on": "2013-06-01", "lang": "en"}).text
        assert "public: restoration protocol, Sochi, 2006-08-16" in english

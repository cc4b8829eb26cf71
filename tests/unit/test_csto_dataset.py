"""The built-in CSTO dataset says what the domain brief says."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import yaml

from phalanx.dataset import loader
from phalanx.domain import membership as m
from phalanx.domain.organization import Organization, PartyStatus

NINE = ["ARM", "AZE", "BLR", "GEO", "KAZ", "KGZ", "RUS", "TJK", "UZB"]
SIX = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]
BODIES = ["csc", "permanent-council", "cmfa", "cmo", "military-committee", "cssc",
          "secretariat", "joint-staff", "pa", "pa-defence", "pa-political", "pa-social",
          "cc-drugs", "cc-migration", "cc-emergencies", "wg-afghanistan",
          "wg-terrorism-migration", "wg-information", "wg-border", "expert-council",
          "institute"]


@pytest.fixture(scope="module")
def org() -> Organization:
    return loader.read(loader.builtin_path())[0]


def codes(org: Organization, day: str) -> list[str]:
    return [x.state for x in m.members_on(org, date.fromisoformat(day))]


def test_the_nine_of_1994_and_the_six_of_1999(org: Organization) -> None:
    assert codes(org, "1995-01-01") == NINE
    assert codes(org, "2000-01-01") == SIX
    assert codes(org, "1993-06-01") == []  # signatories, not yet members


def test_uzbekistan_returns_in_2006_and_is_suspended_later(org: Organization) -> None:
    assert "UZB" in codes(org, "2007-01-01")
    later = {x.state: x.status.value for x in m.members_on(org, date(2013, 1, 1))}
    assert later["UZB"] == "suspended"


def test_agreements_and_their_parties(org: Organization) -> None:
    crrf = org.agreements["crrf-2009"]
    assert m.parties_bound(crrf, date(2010, 1, 1)) == SIX
    assert {p.state: p.status for p in crrf.parties}["UZB"] is PartyStatus.ABSTAINED
    ext = org.agreements["extension-1999"]
    assert sorted(p.state for p in ext.parties if p.status is PartyStatus.NOT_SIGNED) == [
        "AZE", "GEO", "UZB"]
    assert m.parties_bound(org.agreements["cst-1992"], date(1995, 1, 1)) == NINE
    assert org.agreements["charter-2002"].in_force == date(2003, 9, 18)
    assert org.agreements["peacekeeping-2007"].in_force == date(2009, 1, 1)


def test_chairs_posts_and_observers(org: Organization) -> None:
    assert m.chair_in(org.bodies["csc"], 2014).state == "RUS"
    assert m.chair_in(org.bodies["csc"], 2015).state == "TJK"
    assert m.holder_on(org, "secretary_general", date(2005, 1, 1)).person == "Nikolai Bordyuzha"
    assert m.holder_on(org, "pa_chair", date(2007, 1, 1)).person == "Boris Gryzlov"
    assert m.holder_on(org, "pa_chair", date(2013, 1, 1)).person == "Sergei Naryshkin"
    assert m.holder_on(org, "pa_chair", date(2017, 1, 1)).person == "Vyacheslav Volodin"
    assert m.composition_on(org, "pa", date(2015, 1, 1)).observers == ("Serbia", "Afghanistan")
    un = org.external_statuses[0]
    assert un.status == "observer" and un.term.start == date(2004, 12, 2)


def test_the_military_committee_exists_from_2012_12_19(org: Organization) -> None:
    assert not m.composition_on(org, "military-committee", date(2012, 12, 18)).exists
    assert m.composition_on(org, "military-committee", date(2012, 12, 19)).exists
    assert org.bodies["military-committee"].parent == "cmo"


def test_every_body_of_the_brief_is_there(org: Organization) -> None:
    assert sorted(org.bodies) == sorted(BODIES)


def test_the_csc_seats_one_head_of_state_per_member(org: Organization) -> None:
    comp = m.composition_on(org, "csc", date(2014, 6, 1))
    assert [s.state for s in comp.seats] == [*SIX, "UZB"]
    assert {s.office for s in comp.seats} == {"head_of_state"}


def test_every_fact_names_its_source() -> None:
    raw = yaml.safe_load(loader.builtin_path().read_text(encoding="utf-8"))
    missing: list[str] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            if ("state" in node or "person" in node or "event" in node or "signed" in node
                    or "counterpart" in node or "year" in node or "count" in node) and \
                    not node.get("source") and "name" not in node:
                missing.append(path)
            for k, v in node.items():
                walk(v, f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}.{i}")

    for section in ("agreements", "membership", "bodies", "posts", "external_statuses",
                    "historical_counts"):
        walk(raw[section], section)
    assert missing == []


def test_the_example_organization_loads_and_answers(org: Organization) -> None:
    other, _ = loader.read(loader.builtin_path("example-alliance"))
    assert other.key != org.key
    assert [x.state for x in m.members_on(other, date(2016, 1, 1))] == ["EST", "LTU", "LVA"]
    statuses = {x.state: x.status.value for x in m.members_on(other, date(2020, 6, 1))}
    assert statuses["LVA"] == "suspended"

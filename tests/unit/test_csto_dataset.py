"""The built-in CSTO dataset says what the domain brief and the seeds say, every fact
names its source, and the fictional second organization loads and answers too."""

from __future__ import annotations

import copy
import re
import types
import typing
from datetime import date
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from phalanx.dataset import loader
from phalanx.dataset.schema import DatasetIn
from phalanx.domain import membership as m
from phalanx.domain.organization import MembershipStatus, Organization, PartyStatus

NINE = ["ARM", "AZE", "BLR", "GEO", "KAZ", "KGZ", "RUS", "TJK", "UZB"]
SIX = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]

# Every body of DOMAIN.md §2, with its kind and the body it sits under (None: none).
BODIES: dict[str, tuple[str, str | None]] = {
    "csc": ("council", None),
    "permanent-council": ("council", None),
    "cmfa": ("council", None),
    "cmo": ("council", None),
    "military-committee": ("committee", "cmo"),
    "cssc": ("committee", None),
    "secretariat": ("secretariat", None),
    "joint-staff": ("staff", None),
    "pa": ("assembly", None),
    "pa-defence": ("commission", "pa"),
    "pa-political": ("commission", "pa"),
    "pa-social": ("commission", "pa"),
    "cc-drugs": ("coordination_council", None),
    "cc-migration": ("coordination_council", None),
    "cc-emergencies": ("coordination_council", None),
    "wg-afghanistan": ("working_group", "cmfa"),
    "wg-terrorism-migration": ("working_group", "cssc"),
    "wg-information": ("working_group", "cssc"),
    "wg-border": ("working_group", None),
    "expert-council": ("expert_council", None),
    "institute": ("institute", None),
}


@pytest.fixture(scope="module")
def org() -> Organization:
    return loader.read(loader.builtin_path())[0]


@pytest.fixture(scope="module")
def example() -> Organization:
    return loader.read(loader.builtin_path("example-alliance"))[0]


def d(text: str) -> date:
    return date.fromisoformat(text)


def codes(org: Organization, day: str) -> list[str]:
    return [x.state for x in m.members_on(org, d(day))]


def statuses(org: Organization, day: str) -> dict[str, str]:
    return {x.state: x.status.value for x in m.members_on(org, d(day))}


# --- loading ------------------------------------------------------------------------


def test_the_shipped_file_loads_whole() -> None:
    org, sha = loader.read(loader.builtin_path())
    assert org.key == "csto"
    assert org.founding_agreement == "cst-1992"
    assert len(sha) == 64 and int(sha, 16) >= 0
    # parse() agrees with read() and the file is consistent by the domain's own check
    _, again = loader.parse(loader.builtin_path().read_text(encoding="utf-8"))
    assert again == org
    assert m.check(org) == []


# --- membership (DOMAIN.md §1) -------------------------------------------------------


def test_the_nine_of_1994_and_the_six_of_1999(org: Organization) -> None:
    assert codes(org, "1995-01-01") == NINE
    assert codes(org, "2000-01-01") == SIX
    assert set(statuses(org, "1995-01-01").values()) == {"member"}


def test_before_entry_into_force_they_are_signatories_not_members(org: Organization) -> None:
    assert codes(org, "1993-06-01") == []
    assert m.status_on(org, "ARM", d("1993-06-01")) is MembershipStatus.SIGNATORY
    assert m.status_on(org, "BLR", d("1993-06-01")) is None  # signs only in December
    assert codes(org, "1994-04-19") == []
    assert codes(org, "1994-04-20") == NINE


def test_the_three_leave_on_the_end_of_the_first_term(org: Organization) -> None:
    assert codes(org, "1999-04-19") == NINE
    assert codes(org, "1999-04-20") == SIX


def test_uzbekistan_returns_in_2006_and_is_suspended_from_2012(org: Organization) -> None:
    assert "UZB" not in codes(org, "2006-08-15")
    assert statuses(org, "2007-01-01")["UZB"] == "member"
    assert statuses(org, "2012-12-18")["UZB"] == "member"
    assert statuses(org, "2013-01-01")["UZB"] == "suspended"
    uzb = next(x for x in m.members_on(org, d("2013-01-01")) if x.state == "UZB")
    assert uzb.since == d("2006-08-16")  # a suspension does not end membership
    # nor the treaty tie: no notice of withdrawal, no denunciation; it has no say
    for day in ("2013-01-01", "2025-06-01"):
        assert m.bound_by_founding(org, "UZB", d(day))
        assert "UZB" in m.parties_bound(org.agreements["charter-2002"], d(day))


def test_observer_states_are_never_members(org: Organization) -> None:
    for day in ("1995-01-01", "2000-01-01", "2010-01-01", "2015-01-01", "2026-01-01"):
        assert not {"SRB", "AFG"} & set(codes(org, day))


# --- agreements ----------------------------------------------------------------------


def test_the_crrf_agreement_binds_the_six_and_uzbekistan_abstained(org: Organization) -> None:
    crrf = org.agreements["crrf-2009"]
    assert m.parties_bound(crrf, d("2010-01-01")) == SIX
    status = {p.state: p.status for p in crrf.parties}
    assert status["UZB"] is PartyStatus.ABSTAINED
    assert "UZB" not in m.parties_bound(crrf, d("2026-01-01"))
    assert "BLR" not in m.parties_bound(crrf, d("2009-07-01"))  # signed later, in October


def test_the_extension_protocol_and_the_charter(org: Organization) -> None:
    ext = org.agreements["extension-1999"]
    assert sorted(p.state for p in ext.parties if p.status is PartyStatus.NOT_SIGNED) == [
        "AZE", "GEO", "UZB"]
    # in force on 2000-03-22 (public: the preamble of the 2010 protocol amending the
    # Treaty); the six stayed parties to the Treaty in between
    assert (ext.signed, ext.place, ext.in_force) == (d("1999-04-02"), "Moscow",
                                                     d("2000-03-22"))
    assert m.parties_bound(ext, d("2000-03-21")) == []
    assert m.parties_bound(ext, d("2000-03-22")) == SIX
    assert m.parties_bound(org.agreements["cst-1992"], d("1999-12-31")) == SIX
    cst = org.agreements["cst-1992"]
    assert (cst.signed, cst.place, cst.in_force, cst.term_years) == (
        d("1992-05-15"), "Tashkent", d("1994-04-20"), 5)
    assert m.parties_bound(cst, d("1995-01-01")) == NINE
    charter = org.agreements["charter-2002"]
    assert (charter.signed, charter.place, charter.in_force) == (
        d("2002-10-07"), "Chisinau", d("2003-09-18"))
    status = org.agreements["legal-status-2002"]
    assert (status.signed, status.in_force) == (d("2002-10-07"), d("2003-09-18"))
    assert org.agreements["peacekeeping-2007"].in_force == d("2009-01-01")
    assert org.agreements["un-declaration-2010"].signed == d("2010-03-18")


def test_every_membership_event_names_a_known_agreement_or_none(org: Organization) -> None:
    assert {e.agreement for e in org.membership} - {None} <= set(org.agreements)


def test_the_un_general_assembly_observer_status_from_2004_12_02(org: Organization) -> None:
    (un,) = [x for x in org.external_statuses
             if x.counterpart == "United Nations General Assembly"]
    assert un.status == "observer"
    assert un.term.start == d("2004-12-02")
    assert not un.term.contains(d("2004-12-01"))
    assert un.term.contains(d("2004-12-02"))


# --- bodies (DOMAIN.md §2) -----------------------------------------------------------


def test_every_body_of_the_brief_is_there_with_its_kind_and_parent(org: Organization) -> None:
    assert sorted(org.bodies) == sorted(BODIES)
    for key, (kind, parent) in BODIES.items():
        body = org.bodies[key]
        assert (key, body.kind, body.parent) == (key, kind, parent)


def test_every_body_has_english_and_russian_names_and_a_role(org: Organization) -> None:
    for body in org.bodies.values():
        assert body.name.en.strip() and body.name.ru.strip(), body.key
        assert body.role is not None and body.role.en.strip() and body.role.ru.strip(), body.key
    assert {k: b.abbreviation.ru for k, b in org.bodies.items()
            if k in ("csc", "cmfa", "cmo", "cssc") and b.abbreviation} == {
        "csc": "СКБ", "cmfa": "СМИД", "cmo": "СМО", "cssc": "КССБ"}


def test_a_body_never_exists_before_its_parent(org: Organization) -> None:
    for body in org.bodies.values():
        if body.parent is None:
            continue
        parent = org.bodies[body.parent]
        if body.existence.start and parent.existence.start:
            assert parent.existence.start <= body.existence.start, body.key


def test_seats_and_attendees_name_known_offices_and_posts(org: Organization) -> None:
    for body in org.bodies.values():
        assert body.seat is None or body.seat in org.offices, body.key
        for who in body.attendees:
            assert who in org.offices or who in org.posts, (body.key, who)


def test_the_military_committee_exists_from_2012_12_19(org: Organization) -> None:
    assert not m.composition_on(org, "military-committee", d("2012-12-18")).exists
    assert m.composition_on(org, "military-committee", d("2012-12-18")).seats == ()
    now = m.composition_on(org, "military-committee", d("2012-12-19"))
    assert now.exists and [s.state for s in now.seats] == codes(org, "2012-12-19")


def test_dated_bodies(org: Organization) -> None:
    assert org.bodies["cc-drugs"].existence.start == d("2003-06-23")
    assert org.bodies["pa"].existence.start == d("2006-11-16")
    assert org.bodies["wg-border"].existence.start.year == 2014


@pytest.mark.parametrize("day", ["1995-01-01", "2000-01-01", "2007-01-01", "2014-06-01",
                                 "2026-06-01"])
def test_the_csc_seats_one_head_of_state_per_member(org: Organization, day: str) -> None:
    comp = m.composition_on(org, "csc", d(day))
    assert comp.exists
    assert [s.state for s in comp.seats] == codes(org, day)
    # Armenia's seat is its head of government's since the reform of 2018
    assert {s.office for s in comp.seats if not (s.state == "ARM" and day >= "2018")} == {
        "head_of_state"}
    assert [s.state for s in comp.seats if s.suspended] == [
        k for k, v in statuses(org, day).items() if v == "suspended"]


def test_the_csc_from_2010_names_its_heads_of_state_acting_ones_included(
        org: Organization) -> None:
    """The Moscow session of 2010-12-10 (the Charter's reform): Russia's President then
    was Medvedev, Kyrgyzstan's the transitional President Otunbayeva; between Bakiyev's
    resignation (2010-04-15) and her taking the office (2010-07-03) the dataset names
    nobody, and in the winter of 2020-21 Kyrgyzstan's acting heads of state."""
    def on(day: str) -> dict[str, str | None]:
        return {s.state: s.person for s in m.composition_on(org, "csc", d(day)).seats}
    moscow = on("2010-12-10")
    assert (moscow["RUS"], moscow["KGZ"], moscow["KAZ"]) == (
        "Dmitry Medvedev", "Roza Otunbayeva", "Nursultan Nazarbayev")
    assert all(moscow.values())
    assert on("2010-04-10")["KGZ"] == "Kurmanbek Bakiyev"  # removal: representation.py
    assert on("2010-05-01")["KGZ"] is None
    assert on("2012-05-07")["RUS"] == "Vladimir Putin"
    assert on("2012-05-06")["RUS"] == "Dmitry Medvedev"
    assert [on(day)["KGZ"] for day in ("2020-10-15", "2020-10-16", "2020-12-01",
                                        "2021-01-28")] == [
        "Sooronbay Jeenbekov", "Sadyr Japarov", "Talant Mamytov", "Sadyr Japarov"]


def test_the_csc_in_2014_names_its_heads_of_state(org: Organization) -> None:
    comp = m.composition_on(org, "csc", d("2014-06-01"))
    assert [s.state for s in comp.seats] == [*SIX, "UZB"]
    people = {s.state: s.person for s in comp.seats}
    assert people["RUS"] == "Vladimir Putin"
    assert all(people.values())
    assert comp.seats[-1].suspended  # Uzbekistan
    assert "secretary_general" in comp.attendees
    later = {s.state: s.person for s in m.composition_on(org, "csc", d("2016-06-01")).seats}
    assert (later["RUS"], later["ARM"]) == ("Vladimir Putin", "Serzh Sargsyan")
    # between Armenia's President's term and its Prime Minister's: no name recorded
    assert {s.state: s.person for s in m.composition_on(org, "csc", d("2018-04-20")).seats
            }["ARM"] is None
    in_2022 = {s.state: s.person for s in m.composition_on(org, "csc", d("2022-01-05")).seats}
    assert (in_2022["ARM"], in_2022["KAZ"]) == ("Nikol Pashinyan", "Kassym-Jomart Tokayev")


def test_armenia_sits_in_the_council_by_its_head_of_government_from_2018(
        org: Organization) -> None:
    """The Council consists of the heads of state; Armenia's Prime Minister has held its
    seat since the constitutional reform of 2018: the seat shows his office, not 'head
    of state' (the body's default)."""
    seats = {s.state: s for s in m.composition_on(org, "csc", d("2024-01-01")).seats}
    assert (seats["ARM"].office, seats["ARM"].person) == ("head_of_government",
                                                         "Nikol Pashinyan")
    assert seats["KAZ"].office == "head_of_state"
    before = {s.state: s for s in m.composition_on(org, "csc", d("2014-06-01")).seats}
    assert (before["ARM"].office, before["ARM"].person) == ("head_of_state", "Serzh Sargsyan")


def test_csc_chairmanship_by_year(org: Organization) -> None:
    csc = org.bodies["csc"]
    assert m.chair_in(csc, 2014).state == "RUS"
    assert m.chair_in(csc, 2015).state == "TJK"
    assert m.chair_in(csc, 1990) is None


def test_every_chair_was_a_full_member_in_its_year(org: Organization) -> None:
    for chair in org.bodies["csc"].chairs:
        assert statuses(org, f"{chair.year}-07-01").get(chair.state) == "member", chair


def test_parliamentary_assembly_chairs_observers_and_commissions(org: Organization) -> None:
    assert m.holder_on(org, "pa_chair", d("2006-11-15")) is None
    assert m.holder_on(org, "pa_chair", d("2006-11-16")).person == "Boris Gryzlov"
    assert m.holder_on(org, "pa_chair", d("2012-05-17")).person == "Sergei Naryshkin"
    assert m.holder_on(org, "pa_chair", d("2016-11-23")) is None  # the gap of autumn 2016
    assert m.holder_on(org, "pa_chair", d("2016-11-24")).person == "Vyacheslav Volodin"
    comp = m.composition_on(org, "pa", d("2015-01-01"))
    assert comp.observers == ("Serbia", "Afghanistan")
    assert {o.state for o in org.bodies["pa"].observers} == {"SRB", "AFG"}
    assert [(p.post, p.person) for p in comp.officials] == [("pa_chair", "Sergei Naryshkin")]
    commissions = [b for b in org.bodies.values() if b.parent == "pa"]
    assert len(commissions) == 3
    for b in commissions:
        assert b.kind == "commission"
        assert b.rules["decision_rules"]["default"]["quorum"] == "two_thirds"


def test_the_secretary_general(org: Organization) -> None:
    post = org.posts["secretary_general"]
    assert post.body == "secretariat"
    assert m.holder_on(org, "secretary_general", d("2003-04-27")) is None
    assert m.holder_on(org, "secretary_general", d("2005-01-01")).person == "Nikolai Bordyuzha"
    assert m.holder_on(org, "secretary_general", d("2016-12-31")).person == "Nikolai Bordyuzha"
    assert m.holder_on(org, "secretary_general", d("2017-01-01")).person != "Nikolai Bordyuzha"
    sec = m.composition_on(org, "secretariat", d("2005-01-01"))
    assert [(p.post, p.person) for p in sec.officials] == [
        ("secretary_general", "Nikolai Bordyuzha")]


def test_each_secretary_general_is_a_citizen_of_a_member(org: Organization) -> None:
    for a in org.posts["secretary_general"].appointments:
        assert a.term.start is not None
        assert statuses(org, a.term.start.isoformat()).get(a.state) == "member", a


def test_decision_rules_use_only_known_values_and_say_when_they_are_settings(
        org: Organization) -> None:
    seen = 0
    for body in org.bodies.values():
        for question, rule in body.rules["decision_rules"].items():
            seen += 1
            assert rule["quorum"] in ("all", "two_thirds", "majority"), (body.key, question)
            if rule["setting"]:
                assert rule["note"], (body.key, question)  # a setting says what it stands for
    assert seen >= 10
    csc = org.bodies["csc"].rules
    assert csc["video_conference"] and "emergency" in csc["session_kinds"]
    assert csc["decision_rules"]["default"]["limited_format"] is True
    assert csc["decision_rules"]["default"]["consensus"] == "no_objection"


# --- every fact names its source -------------------------------------------------------


def _model_of(annotation: Any) -> tuple[str, type[BaseModel]] | None:
    """('one' | 'list' | 'dict', Model) when a field holds schema models."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "one", annotation
    if origin is list and args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
        return "list", args[0]
    if origin is dict and len(args) == 2 and isinstance(args[1], type) and \
            issubclass(args[1], BaseModel):
        return "dict", args[1]
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            found = _model_of(arg)
            if found:
                return found
    return None


def missing_sources(model: type[BaseModel], data: Any, path: str = "") -> list[str]:
    """Paths of the items in `data` whose schema model has a `source` field left empty
    (an item marked `setting: true` states that no source fixes it)."""
    if not isinstance(data, dict):
        return []
    out = []
    if ("source" in model.model_fields and not str(data.get("source") or "").strip()
            and not ("setting" in model.model_fields and data.get("setting") is True)):
        out.append(path or "<top>")
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key not in data:
            continue
        found = _model_of(field.annotation)
        if found is None:
            continue
        how, sub = found
        here = f"{path}.{key}" if path else key
        value = data[key]
        if how == "one":
            out += missing_sources(sub, value, here)
        elif how == "list" and isinstance(value, list):
            for i, item in enumerate(value):
                out += missing_sources(sub, item, f"{here}.{i}")
        elif how == "dict" and isinstance(value, dict):
            for k, item in value.items():
                out += missing_sources(sub, item, f"{here}.{k}")
    return out


def raw(name: str) -> dict[str, Any]:
    return yaml.safe_load(loader.builtin_path(name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["csto", "example-alliance"])
def test_every_item_that_can_name_a_source_names_one(name: str) -> None:
    assert missing_sources(DatasetIn, raw(name)) == []


def test_the_source_walk_finds_a_missing_source() -> None:
    data = copy.deepcopy(raw("csto"))
    del data["bodies"][2]["source"]
    data["agreements"][0]["parties"][3]["source"] = " "
    data["bodies"][0]["chairs"][1].pop("source")
    data["states"][4]["source"] = ""
    assert sorted(missing_sources(DatasetIn, data)) == sorted([
        "bodies.2", "agreements.0.parties.3", "bodies.0.chairs.1", "states.4"])


def test_settings_are_marked_in_the_file() -> None:
    text = loader.builtin_path().read_text(encoding="utf-8")
    assert "setting: true" in text
    rules = [r for b in raw("csto")["bodies"] for r in b.get("decision_rules", {}).values()]
    assert any(r.get("setting") for r in rules)
    # the commissions' two thirds has a text; their consensus method has none
    commissions = [b["decision_rules"]["default"] for b in raw("csto")["bodies"]
                   if b.get("parent") == "pa"]
    assert len(commissions) == 3
    assert all(r["source"].startswith("public:") and r["setting"] for r in commissions)


def test_a_rule_that_says_part_of_it_is_a_setting_is_marked_one() -> None:
    """Every rule cites its source or says `setting: true`: a decision rule, limited
    format or consultation whose note names a setting, or a value no source gives, is
    marked (the commissions' consensus method and the Council's consultation were not)."""
    says = re.compile(r"setting|not in the sources|no text", re.IGNORECASE)
    seen = 0
    for body in raw("csto")["bodies"]:
        items = [*(body.get("decision_rules") or {}).items(),
                 *((k, body[k]) for k in ("limited_format", "consultation") if body.get(k))]
        for name, rule in items:
            if says.search(f"{rule.get('note', '')} {rule.get('source', '')}"):
                seen += 1
                assert rule.get("setting") is True, (body["key"], name)
    assert seen >= 20


def test_the_consultations_targets_have_one_home_each(org: Organization) -> None:
    """The consultations' clocks read the categories' `targets.reported` and the card's
    `response_targets.consultations`; no other setting claims to fix them."""
    assert "consultations_target_minutes" not in org.settings
    assert org.settings["response_targets"]["consultations"] == 60
    assert all("reported" in c.targets for c in org.crisis_categories.values())


def test_a_crisis_category_says_its_clock_targets_are_settings() -> None:
    """The stages' targets (minutes) are settings (the texts say only 'immediately'):
    each category's source says so beside what its facts come from."""
    for cat in raw("csto")["crisis_categories"]:
        assert "targets: settings" in cat["source"], cat["key"]
    aggression = next(c for c in raw("csto")["crisis_categories"] if c["key"] == "aggression")
    assert "public statements (at the attacked state's request" in aggression["source"]


def test_the_categories_under_treaty_art_2_consult_before_a_rejection(
        org: Organization) -> None:
    """`consult_first` is data, cited: the threat to a member's security (Treaty art. 2,
    relying on volunteers) and the two of collective defence; the others may be rejected
    at once. A `consult_first` citing nothing is refused where it stands."""
    first = sorted(k for k, c in org.crisis_categories.items() if c.consult_first)
    assert first == ["aggression", "armed_attack", "threat_to_security"]
    for cat in raw("csto")["crisis_categories"]:
        if cat["key"] in first:
            assert "Treaty art. 2" in cat["consult_first"]["source"], cat["key"]
    text = loader.builtin_path().read_text(encoding="utf-8")
    cited = 'consult_first: {source: "seeds (Treaty art. 2: the members immediately activate ' \
        'joint consultations)"}'
    assert text.count(cited) == 3
    with pytest.raises(loader.DatasetError) as info:
        loader.parse(text.replace(cited, "consult_first: {required: true}", 1), "csto.yaml")
    assert any("consult_first" in p.path and "setting: true" in p.message
               for p in info.value.problems)


def test_the_threat_category_quotes_treaty_art_2_as_written() -> None:
    """Art. 2 covers a threat to one or more members' security, territorial integrity and
    sovereignty, or to international peace and security, and asks for consultations at
    once; the peacekeeping rule has its own source, the additions are settings."""
    threat = next(c for c in raw("csto")["crisis_categories"]
                  if c["key"] == "threat_to_security")
    en, ru = threat["basis"]["en"], threat["basis"]["ru"]
    assert en.startswith("Treaty art. 2:") and "international peace and security" in en
    assert "one or more members" in en and "immediately" in en
    assert "международному миру и безопасности" in ru and "одного или нескольких" in ru
    for added in ("peacekeeping", "terrorism", "interference"):
        assert added not in en, added
    for added in ("миротвор", "терроризм", "вмешательство"):
        assert added not in ru, added
    assert "DOMAIN §7" in threat["source"] and "setting" in threat["source"]


# --- the second organization ----------------------------------------------------------


def test_the_example_organization_loads_and_answers(org: Organization,
                                                    example: Organization) -> None:
    assert example.key != org.key
    assert set(example.states) == {"EST", "FIN", "LVA", "LTU"}
    assert codes(example, "2001-04-01") == []  # signatories only
    assert codes(example, "2002-01-01") == ["EST", "FIN", "LVA"]
    assert codes(example, "2014-12-31") == ["EST", "FIN", "LTU", "LVA"]
    assert codes(example, "2015-01-01") == ["EST", "LTU", "LVA"]  # Finland withdrew
    assert statuses(example, "2020-06-01") == {"EST": "member", "LTU": "member",
                                               "LVA": "suspended"}
    lva = next(x for x in m.members_on(example, d("2021-06-01")) if x.state == "LVA")
    assert (lva.status, lva.since) == (MembershipStatus.MEMBER, d("2001-06-01"))
    compact = example.agreements[example.founding_agreement]
    assert "FIN" in m.parties_bound(compact, d("2010-01-01"))
    assert "FIN" not in m.parties_bound(compact, d("2016-01-01"))
    council = m.composition_on(example, "council", d("2020-06-01"))
    assert [(s.state, s.suspended) for s in council.seats] == [
        ("EST", False), ("LTU", False), ("LVA", True)]
    assert example.bodies["interior-committee"].parent == "council"
    assert m.holder_on(example, "coordinator", d("2023-01-01")).person == "B. Example"

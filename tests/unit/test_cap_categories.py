"""The CAP 1.2 category each crisis category is written with and read from (OASIS CAP 1.2
§3.2.2: Security is law enforcement, military, homeland and local/private security;
CBRNE a chemical, biological, radiological, nuclear or high-yield explosive threat or
attack; Infra utility, telecommunication and other non-transport infrastructure)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from phalanx.dataset import loader
from phalanx.dataset.schema.operations import CrisisCategoryIn
from phalanx.domain.organization import Organization
from phalanx.services.crises.intake import category_for_cap

WRITTEN = {
    "aggression": "Security", "armed_attack": "Security", "threat_to_security": "Security",
    "terrorist_act": "Security", "violent_extremism": "Security",
    "drug_trafficking": "Security", "illegal_migration": "Security",
    "information_attack": "Security", "natural_disaster": "Geo",
    "man_made_emergency": "Infra",
}


@pytest.fixture(scope="module")
def org() -> Organization:
    return loader.read(loader.builtin_path())[0]


def test_every_crisis_category_is_written_with_its_cap_category(org: Organization) -> None:
    assert {k: c.cap_category for k, c in org.crisis_categories.items()} == WRITTEN


def test_a_terrorist_act_is_security_and_a_cbrne_attack_still_opens_one(
        org: Organization) -> None:
    assert category_for_cap(org, ("Security",)) == "armed_attack"
    assert category_for_cap(org, ("CBRNE",)) == "terrorist_act"
    assert category_for_cap(org, ("Infra",)) == "man_made_emergency"


def test_a_category_that_is_not_cap_is_refused() -> None:
    with pytest.raises(ValidationError, match="cap_categories"):
        CrisisCategoryIn.model_validate({
            "key": "x", "name": {"en": "X", "ru": "Х"}, "basis": "b", "convene": [],
            "measures": ["political"], "obligation": "o", "obliged": "volunteers",
            "cap_categories": ["Secruity"]})


def test_a_crisis_keeps_the_cap_category_its_source_gave_where_its_category_lists_it(
        org: Organization) -> None:
    flood = org.crisis_categories["natural_disaster"]
    assert flood.cap_category_for(("Met",)) == "Met"
    assert flood.cap_category_for(("Security", "Health")) == "Health"
    assert flood.cap_category_for(("Security",)) == "Geo"
    assert flood.cap_category_for(()) == "Geo"
    assert org.crisis_categories["armed_attack"].cap_category_for(("Met",)) == "Security"

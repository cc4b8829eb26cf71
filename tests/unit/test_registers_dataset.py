"""The registers' sections of an organization file: optional, checked, and every
problem placed on its line."""

from __future__ import annotations

import pytest

from phalanx.dataset.loader import DatasetError, builtin_path, parse, read
from tests.unit.test_dataset_errors import VALID, line_of

PA = """\
parliamentary_assembly:
  body: council
  commissions: [council]
  model_laws:
    - key: ml-one
      title: {en: Model law one}
      commission: council
      drafted: 2008-01-01
      adopted: 2009-01-01
      transposition:
        - {state: ARM, status: adopted, on: 2010-01-01, reference: Law 1}
training:
  institutions:
    - {key: arm-academy, name: {en: Academy}, state: ARM, type: military}
  limits:
    - {state: ARM, type: military, places: 50}
  quotas:
    - year: 2025
      institution: arm-academy
      offered: 50
      allocations:
        - {state: KAZ, allocated: 40, enrolled: 30, graduated: 10}
military_technical:
  commission: {en: Commission}
  categories: {small_arms: {en: Small arms}}
  supplies:
    - {key: s-1, supplier: KAZ, recipient: ARM, category: small_arms, item: rifles,
       quantity: 10, value: 1.5, agreed: 2024-01-01,
       deliveries: [{quantity: 10, value: 1.5, on: 2024-02-01}]}
exercises:
  - key: ex-1
    name: {en: Exercise one}
    series: one
    start: 2014-04-21
    end: 2014-04-25
    host: KAZ
    scenario: frontier
    participants:
      - {state: KAZ, formation: battalion, unit: crdf-kaz-1, strength: 400}
external_relations:
  partners:
    - {key: un, name: {en: United Nations}, relation: instrument}
  instruments:
    - {partner: un, kind: declaration, title: Joint declaration, signed: 2010-03-18}
"""


def problems(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(DatasetError) as exc:
        parse(text, "org.yaml")
    return [(p.line, p.path, p.message) for p in exc.value.problems]


def test_the_sections_are_optional_and_load() -> None:
    _, org = parse(VALID + PA, "org.yaml")
    assert set(org.registers) == {"parliamentary_assembly", "training", "military_technical",
                                  "exercises", "external_relations"}
    _, plain = parse(VALID, "org.yaml")
    assert plain.registers == {}
    example, _ = read(builtin_path("example-alliance"))
    assert example.key == "amber-compact"


def test_the_builtin_registers_are_marked_and_use_the_seeds_figures() -> None:
    org, _ = read(builtin_path())
    training = org.registers["training"]
    assert {(x["state"], x["type"], x["places"]) for x in training["limits"]} == {
        ("RUS", "military", 1000), ("RUS", "civilian", 100)}
    pa = org.registers["parliamentary_assembly"]
    assert pa["commissions"] == ["pa-defence", "pa-political", "pa-social"]
    assert {o["state"] for o in pa["observer_parliaments"]} == {"SRB", "AFG"}
    assert all(law["illustrative"] for law in pa["model_laws"])
    assert all(s["illustrative"] for s in org.registers["military_technical"]["supplies"])
    series = {e["series"] for e in org.registers["exercises"]}
    assert {"frontier", "interaction", "indestructible_brotherhood",
            "atom_antiterror", "aftermath"} <= series
    partners = {p["key"] for p in org.registers["external_relations"]["partners"]}
    assert {"un", "sco", "cis", "eaeu", "union-state", "colombo-plan", "sco-rats", "cis-atc",
            "cis-border", "unodc", "osce", "eu", "oic", "iom", "wco-rilo"} == partners


@pytest.mark.parametrize(("old", "new", "path", "message"), [
    ("institution: arm-academy\n      offered", "institution: nowhere\n      offered",
     "training.quotas.0.institution", "unknown institution 'nowhere'"),
    ("offered: 50", "offered: 51", "training.quotas.0.offered", "over its limit of 50"),
    ("allocated: 40, enrolled: 30", "allocated: 40, enrolled: 41",
     "training.quotas.0", "enrolled: 41 enrolled exceeds"),
    ("quantity: 10, value: 1.5, on: 2024-02-01", "quantity: 11, value: 1.5, on: 2024-02-01",
     "military_technical.supplies.0", "exceed the agreed quantity"),
    ("on: 2024-02-01", "on: 2023-12-31", "military_technical.supplies.0",
     "is before the agreement"),
    ("quantity: 10, value: 1.5, agreed", "quantity: -3, value: 1.5, agreed",
     "military_technical.supplies.0.quantity", "greater than 0"),
    ("category: small_arms", "category: tanks", "military_technical.supplies.0.category",
     "unknown category 'tanks'"),
    ("end: 2014-04-25", "end: 2014-04-20", "exercises.0", "is before start"),
    ("end: 2014-04-25", "end: 2014-04-31", "exercises.0.end", "date"),
    ("scenario: frontier", "scenario: nowhere", "exercises.0.scenario", "unknown scenario"),
    ("{state: KAZ, formation", "{state: SRB, formation", "exercises.0.participants.0.state",
     "not a member state"),
    ("on: 2010-01-01, reference: Law 1", "on: 2010-01-01",
     "parliamentary_assembly.model_laws.0.transposition.0", "needs its reference"),
    ("on: 2010-01-01, reference", "on: 2008-06-01, reference",
     "parliamentary_assembly.model_laws.0", "before the model law was adopted"),
    ("commission: council\n      drafted", "commission: nobody\n      drafted",
     "parliamentary_assembly.model_laws.0.commission", "not one of the Assembly's"),
    ("{partner: un, kind", "{partner: nato, kind", "external_relations.instruments.0.partner",
     "unknown partner 'nato'"),
    # the file's keys are the organization's: none begins with a state's code
    ("key: s-1", "key: kaz-s-1", "military_technical.supplies.0.key",
     "'kaz-s-1' begins with KAZ's code: keys beginning 'kaz-' are kept for the records "
     "KAZ's representative creates"),
    ("key: ex-1", "key: arm-2014", "exercises.0.key", "'arm-2014' begins with ARM's code"),
    ("key: ml-one", "key: kaz-ml-one", "parliamentary_assembly.model_laws.0.key",
     "begins with KAZ's code"),
])
def test_bad_register_items_are_placed(old: str, new: str, path: str, message: str) -> None:
    text = VALID + PA
    assert old in text
    bad = text.replace(old, new, 1)
    found = problems(bad)
    hit = [p for p in found if p[1] == path and message in p[2]]
    assert hit, found
    line = hit[0][0]
    assert line is not None and line >= line_of(bad, path.split(".")[0] + ":")


def test_units_are_checked_only_against_a_forces_registry() -> None:
    from phalanx.dataset.schema import _forces_units

    ds, _ = parse(VALID + PA, "org.yaml")
    assert _forces_units(ds) is None  # no registry: unit keys are kept as given

    from types import SimpleNamespace

    with_forces = SimpleNamespace(forces={"units": [{"key": "crdf-rus-1", "state": "RUS"}]})
    assert _forces_units(with_forces) == {"crdf-rus-1": "RUS"}  # type: ignore[arg-type]


def test_a_key_in_a_states_namespace_is_refused_naming_the_file_line_and_field() -> None:
    """A key beginning with a state's code and a hyphen is kept for the records that
    state's representative creates (every one a record that state reads): the file's,
    which are the organization's, begin otherwise, so that a representative creating a
    record never meets one of them under a key of its own. A code that is no state of the
    file begins an ordinary key."""
    bad = (VALID + PA).replace("key: s-1", "key: kaz-s-1", 1)
    with pytest.raises(DatasetError) as exc:
        parse(bad, "org.yaml")
    line = line_of(bad, "kaz-s-1")
    assert str(exc.value) == (
        f"org.yaml:{line}: military_technical.supplies.0.key: 'kaz-s-1' begins with KAZ's "
        "code: keys beginning 'kaz-' are kept for the records KAZ's representative creates; "
        "the file's keys begin with no state's code")
    _, org = parse((VALID + PA).replace("key: s-1", "key: rus-s-1", 1), "org.yaml")
    assert org.registers["military_technical"]["supplies"][0]["key"] == "rus-s-1"

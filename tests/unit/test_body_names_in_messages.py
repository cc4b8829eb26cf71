"""A refusal that names a body of the organization names it by its name in the reader's
language (on a Russian page "в органе «Совет коллективной безопасности»", never "в csc"),
in every message that names one: a position or an amendment of a member without a seat
or a say, a session of another body, a body with no chair or no member with a say, a
decision of a body not competent for a measure (and its list of the competent ones).
Without the names (a caller that has no dataset) the key stays; a key the dataset does
not know stays as it is."""

from __future__ import annotations

import re

import pytest

from phalanx.dataset import loader
from phalanx.domain.organization import Organization
from phalanx.web.i18n.errors import body_names, translate

CSC_RU = "Совет коллективной безопасности"
PC_RU = "Постоянный совет"


@pytest.fixture(scope="module")
def org() -> Organization:
    return loader.read(loader.builtin_path())[0]


def test_the_bodies_names_are_the_datasets_in_each_language(org: Organization) -> None:
    ru, en = body_names(org, "ru"), body_names(org, "en")
    # besides the bodies: the articles its refusals cite, and its own labels
    assert set(ru) == set(en) == set(org.bodies) | {
        "Treaty art. 2", "Treaty art. 4", "CST art. 4", "Договор ст. 4", "measure:military_crrf"}
    assert (en["measure:military_crrf"], ru["measure:military_crrf"]) == (
        "military (CRRF)", "военные (КСОР)")
    assert ru["csc"] == org.bodies["csc"].name.ru == CSC_RU
    assert en["csc"] == org.bodies["csc"].name.en != CSC_RU
    assert ru["permanent-council"].startswith(PC_RU)


@pytest.mark.parametrize(("english", "russian"), [
    ("UZB has no say in csc on 2026-12-04 (suspended)",
     f"UZB не имеет права голоса в органе «{CSC_RU}» на 4 декабря 2026 г. "
     "(«участие приостановлено»)"),
    ("ARM has no say in csc on 2026-12-04 (not participating, and in arrears)",
     f"ARM не имеет права голоса в органе «{CSC_RU}» на 4 декабря 2026 г. («не участвует», "
     "и у него задолженность по взносам)"),
    ("ARM takes no part in csc on 2026-12-04: it states no position, but its formal "
     "objection still counts",
     f"ARM не участвует в работе органа «{CSC_RU}» на 4 декабря 2026 г.: позиции не "
     "заявляет, но его официальное возражение по-прежнему учитывается"),
    ("ARM takes no part in csc on 2026-12-04 (not participating): it proposes no amendment",
     f"ARM не участвует в работе органа «{CSC_RU}» на 4 декабря 2026 г. («не участвует»): "
     "поправок не вносит"),
    ("TKM has no seat in csc on 2026-12-04", f"у TKM нет места в органе «{CSC_RU}» на "
     "04.12.2026"),
    ("TKM has no seat in csc", f"у TKM нет места в органе «{CSC_RU}»"),
    ("csc does not exist on 1990-01-01", f"органа «{CSC_RU}» на 01.01.1990 не существует"),
    ("no member of csc has a say on 2026-12-04",
     f"на 04.12.2026 ни один член органа «{CSC_RU}» не имеет права голоса"),
    ("session 7 is of csc", f"сессия 7 — сессия органа «{CSC_RU}»"),
    ("the dataset names nobody holding KAZ's seat in csc on 2026-12-04: name in whose "
     "name the answer is given",
     f"в данных на 04.12.2026 не указано, кто занимает место KAZ в органе «{CSC_RU}»: "
     "укажите, от чьего имени дан ответ"),
    ("KGZ's authorities changed outside the constitution on 2026-12-04: the holder of its "
     "seat in csc the dataset names no longer speaks for it; name in whose name the answer "
     "is given",
     f"04.12.2026 власть в KGZ сменилась неконституционным путём: указанный в данных член "
     f"органа «{CSC_RU}» от этого государства больше не выступает от его имени; укажите, "
     "от чьего имени дан ответ"),
])
def test_a_refusal_names_the_body_by_its_russian_name(org: Organization, english: str,
                                                      russian: str) -> None:
    shown = translate(english, "ru", bodies=body_names(org, "ru"))
    assert shown == russian
    assert not re.search(r"\bcsc\b", shown)


def test_a_body_not_competent_and_the_competent_ones_by_their_names(
        org: Organization) -> None:
    english = "military_crrf: permanent-council is not competent (the dataset names csc, cmo)"
    ru = translate(english, "ru", bodies=body_names(org, "ru"))
    assert f"{org.bodies['permanent-council'].name.ru} не обладает компетенцией" in ru
    assert ru.endswith(f"компетентны: {CSC_RU}, {org.bodies['cmo'].name.ru})")
    en = translate(english, "en", labelled=True, bodies=body_names(org, "en"))
    assert f"{org.bodies['permanent-council'].name.en} is not competent" in en
    assert en.endswith(f"names {org.bodies['csc'].name.en}, {org.bodies['cmo'].name.en})")
    nobody = translate("military_crrf: csc is not competent (the dataset names no body)",
                       "ru", bodies=body_names(org, "ru"))
    assert nobody.endswith("компетентны: ни один орган)")


def test_a_refusal_inside_another_names_its_body_too(org: Organization) -> None:
    """A decision that cannot authorize the response lists its problems, each a message
    of its own: the body in one of them by its name as well."""
    english = ("CSC-2026-006 cannot authorize the response: military_crrf: pa is not "
               "competent (the dataset names csc)")
    shown = translate(english, "ru", bodies=body_names(org, "ru"))
    assert f"{org.bodies['pa'].name.ru} не обладает компетенцией" in shown
    assert f"компетентны: {CSC_RU})" in shown


def test_without_the_names_or_for_an_unknown_key_the_key_stays(org: Organization) -> None:
    assert translate("TKM has no seat in csc", "ru") == "у TKM нет места в органе «csc»"
    assert translate("TKM has no seat in xyz", "ru", bodies=body_names(org, "ru")) == \
        "у TKM нет места в органе «xyz»"
    # the API's English detail stays as the services wrote it
    assert translate("TKM has no seat in csc", "en", bodies=body_names(org, "en")) == \
        "TKM has no seat in csc"
    # the session's own seat keeps its own message
    assert translate("TKM has no seat in this session", "ru",
                     bodies=body_names(org, "ru")) == "TKM не представлено на этой сессии"

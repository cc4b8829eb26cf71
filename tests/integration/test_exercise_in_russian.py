"""A scenario run in Russian (`services/exercise_texts.py`): every shipped scenario has
each of its texts in Russian beside it, and none left over; run with `--language ru`, the
exercise writes its records in Russian (a decision in both languages); a text without a
translation, or no translations at all, is refused naming where, and nothing is run."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.dataset.loader import scenarios
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import crises, exercise, exercise_texts
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from tests.support.cli import cli_database, ok, refused

CYRILLIC = re.compile("[а-яё]", re.I)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"  # the built-in dataset


@pytest.mark.parametrize("name", sorted(scenarios()))
def test_every_shipped_scenario_has_each_text_in_russian_and_none_left_over(
        name: str) -> None:
    path = exercise.scenarios_dir() / f"{name}.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    mark, texts = exercise_texts.load_texts(path, "ru")
    assert exercise_texts.missing(raw, texts) == []
    used = {v.strip() for _n, _k, v in exercise_texts.missing(raw, {})}
    assert set(texts) - used == set(), "translations of texts the scenario no longer has"
    assert all(CYRILLIC.search(v) for v in texts.values())
    s = exercise.load(path, "ru")
    assert (s.language, s.mark) == ("ru", mark) and CYRILLIC.search(s.name)
    opened = s.injects[0]
    assert CYRILLIC.search(opened.title)  # type: ignore[union-attr]


def test_run_in_russian_the_exercise_writes_its_records_in_russian(db: Database) -> None:
    s = exercise.load(exercise.scenarios_dir() / "frontier.yaml", "ru")
    run = exercise.run(db, s)
    assert run.crisis_id is not None
    with db.read() as conn:
        c = crises.get(conn, run.crisis_id, actor=SYSTEM)
        d = dec.get_decision(conn, c.decision_id or 0, actor=SYSTEM)
        entry = json.loads(conn.execute(select(t.audit_log.c.change).where(
            t.audit_log.c.action == "exercise.run")).scalar_one())
    assert c.title == "[УЧЕНИЯ] Вооружённое вторжение в Баткенской области"
    assert c.place == "Баткенская область, Киргизия" and c.exercise
    assert c.official_requests[0].person == "Президент Киргизии"
    assert c.sitreps and all(CYRILLIC.search(r.situation) for r in c.sitreps)
    assert c.review and c.review.startswith("Консультации начались с опозданием")
    # the decision in both working languages
    assert d.title == "[EXERCISE] On assistance to the Kyrgyz Republic"
    assert d.title_ru == "[УЧЕНИЯ] Об оказании помощи Кыргызской Республике"
    assert d.text_en.startswith("The Council decides") and d.text_ru.startswith("Совет решает")
    assert entry["language"] == "ru" and entry["scenario"] == "Рубеж"


def test_an_untranslated_text_is_refused_naming_where_and_nothing_is_run(
        db: Database, tmp_path: Path) -> None:
    shipped = exercise.scenarios_dir()
    path = tmp_path / "frontier.yaml"
    path.write_text((shipped / "frontier.yaml").read_text(encoding="utf-8").replace(
        "hold a village.", "hold two villages."), encoding="utf-8")
    (tmp_path / "ru").mkdir()
    (tmp_path / "ru" / "frontier.yaml").write_text(
        (shipped / "ru" / "frontier.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(exercise.ScenarioError) as refused:
        exercise.load(path, "ru")
    [problem] = refused.value.problems
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1)
                if "hold two villages." in text)
    assert problem.where == f"{path}:{line}: injects.0 (minute 0, open)"
    assert problem.message == (
        "description: no ru text for 'Armed groups crossed the border at two points and "
        f"hold two villages.' in {tmp_path / 'ru' / 'frontier.yaml'}")
    # no translations at all, or a broken pair
    with pytest.raises(exercise.ScenarioError, match=r"no de texts for frontier\.yaml"):
        exercise.load(path, "de")
    (tmp_path / "ru" / "frontier.yaml").write_text(
        'mark: "[УЧЕНИЯ]"\ntexts:\n  - en: Frontier\n', encoding="utf-8")
    with pytest.raises(exercise.ScenarioError, match=r"texts\.0: needs `en` and `ru`"):
        exercise.load(path, "ru")
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(t.crisis)).scalar_one() == 0


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    yield from cli_database(tmp_path, monkeypatch)


def test_the_command_line_runs_a_scenario_in_russian(cli: Database) -> None:
    out = ok("exercise", "run", "kazakhstan-2022", "--language", "ru", "--json")
    assert "Казахстан, январь 2022 года" in json.loads(out)["scenario"]
    said = refused("exercise", "run", "kazakhstan-2022", "--language", "xx")
    assert "xx/kazakhstan-2022.yaml: no xx texts for kazakhstan-2022.yaml: this file is " \
           "missing" in said and "nothing stored" in said

"""The exercise scenario file: its format, and every check made before anything is
written. A scenario is YAML: `name`, `description`, optionally `start` (an ISO time with
its zone) and `reference` (the real timeline of a case, with sources), and `injects`,
each with `at` (minutes from the start) and `do` — one of the actions of
`exercise_injects.py` — with that action's fields.

Every problem is reported with the file, the YAML line, the inject's index and minute,
in the terms of the scenario (an unknown state, an offer that names no request, injects
out of time order, a move the crisis algorithm does not allow at that point)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from phalanx.services import exercise_texts
from phalanx.services.errors import Invalid
from phalanx.services.exercise_injects import (
    ACTIONS,
    AcceptInject,
    Inject,
    OfferInject,
    OfficialRequestInject,
    RequestInject,
    WithdrawRequestInject,
)

# request_withdrawn: the affected state ended the mission (the run's withdrawal beside it)
Milestone = Literal["reported", "consultations", "decision", "first_offer",
                    "first_deployment", "request_withdrawn", "other"]


class ReferenceMilestone(BaseModel):
    model_config = ConfigDict(extra="forbid")
    what: Milestone
    at: datetime | None = None  # none: it never happened
    text: str = ""
    source: str = Field(min_length=1)

    @field_validator("at", mode="before")
    @classmethod
    def _time(cls, v: Any) -> Any:
        return _zoned(v)


class Reference(BaseModel):
    """What really happened: milestones with their times and sources, and the outcome."""

    model_config = ConfigDict(extra="forbid")
    outcome: Literal["no", "partial", "late", "in_time"]
    summary: str = ""
    milestones: list[ReferenceMilestone] = Field(min_length=1)


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    description: str = ""
    # the language its texts are in, and how it marks an exercise's records
    # (`exercise_texts.py`: set when it is read in another language)
    language: str = "en"
    mark: str = "[EXERCISE]"
    start: datetime | None = None
    reference: Reference | None = None
    injects: list[Inject] = Field(min_length=1)
    _file: str = PrivateAttr(default="")
    _lines: list[int] = PrivateAttr(default_factory=list)

    @field_validator("start", mode="before")
    @classmethod
    def _time(cls, v: Any) -> Any:
        return _zoned(v)

    def where(self, index: int) -> str:
        """`file:line: injects.N (minute M, do)` for the index-th inject."""
        line = self._lines[index] if index < len(self._lines) else 0
        i = self.injects[index]
        head = f"{self._file or self.name}:{line}: " if line else f"{self._file or self.name}: "
        return f"{head}injects.{index} (minute {i.at:g}, {i.do})"


def _zoned(v: Any) -> Any:
    """A time with its zone: '2022-01-05T23:00+06:00' (YAML gives it as text)."""
    if v is None:
        return None
    if isinstance(v, str):
        try:
            v = datetime.fromisoformat(v)
        except ValueError as exc:
            raise ValueError(f"{v!r} is not a time like 2022-01-05T23:00+06:00") from exc
    if isinstance(v, datetime) and v.tzinfo is None:
        raise ValueError(f"{v.isoformat()} needs its time zone, e.g. +06:00 or Z")
    return v


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class ScenarioError(Invalid):
    """Every problem of a scenario; nothing was stored."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(problems[0].where, "; ".join(
            [problems[0].message] + [str(p) for p in problems[1:]]))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def _node_lines(text: str) -> tuple[list[int], list[dict[str, int]], dict[str, int]]:
    """The 1-based line of every inject, of every key inside it, and of the top keys."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return [], [], {}
    if not isinstance(root, yaml.MappingNode):
        return [], [], {}
    top = {k.value: k.start_mark.line + 1 for k, _v in root.value
           if isinstance(k, yaml.ScalarNode)}
    injects = next((v for k, v in root.value if getattr(k, "value", None) == "injects"), None)
    if not isinstance(injects, yaml.SequenceNode):
        return [], [], top
    lines = [n.start_mark.line + 1 for n in injects.value]
    keys = [{k.value: k.start_mark.line + 1 for k, _v in n.value}
            if isinstance(n, yaml.MappingNode) else {} for n in injects.value]
    return lines, keys, top


def _message(err: dict[str, Any]) -> str:
    kind, loc = err["type"], err["loc"]
    if kind == "union_tag_invalid":
        return f"unknown action {err['input'].get('do')!r} (known: {', '.join(ACTIONS)})"
    if kind == "union_tag_not_found":
        return f"says no action: add `do:` (one of: {', '.join(ACTIONS)})"
    field = str(loc[-1]) if loc else ""
    if kind == "missing":
        return f"{field} is missing"
    if kind == "extra_forbidden":
        return f"unknown field {field!r}"
    if kind == "enum":
        return f"{field}: unknown value {err['input']!r} (one of: " \
               f"{err.get('ctx', {}).get('expected', '')})"
    msg = str(err["msg"]).removeprefix("Value error, ")
    return f"{field}: {msg}" if field else msg


def load(path: Path | str, language: str = "en") -> Scenario:
    """Read and check a scenario file alone (its format, time order, references), its
    texts in `language` (other than English: from the translations beside it,
    `exercise_texts.py`, every text translated)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        raw = yaml.safe_load(text)
    except OSError as exc:
        raise Invalid(str(path), exc.strerror or str(exc)) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ScenarioError([Problem(where, f"not valid YAML: {exc}")]) from exc
    lines, keys, top = _node_lines(text)
    if language != "en" and isinstance(raw, dict):
        raw = _in_language(raw, path, language, lines, keys, top)
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = err["loc"]
            if len(loc) >= 2 and loc[0] == "injects" and isinstance(loc[1], int):
                n = loc[1]
                item = raw["injects"][n] if isinstance(raw, dict) else {}
                field = str(loc[3]) if len(loc) > 3 else ""
                line = (keys[n].get(field) if n < len(keys) else None) or (
                    lines[n] if n < len(lines) else 0)
                minute = item.get("at", "?") if isinstance(item, dict) else "?"
                what = item.get("do", "?") if isinstance(item, dict) else "?"
                where = f"{path}:{line}: injects.{n} (minute {minute}, {what})"
            else:
                key = str(loc[0]) if loc else ""
                where = f"{path}:{top.get(key, 1)}: {'.'.join(str(p) for p in loc)}"
            problems.append(Problem(where, _message(err)))
        raise ScenarioError(problems) from exc
    scenario._file, scenario._lines = str(path), lines
    problems = order_problems(scenario)
    if problems:
        raise ScenarioError(problems)
    return scenario


def _in_language(raw: dict[str, Any], path: Path, language: str, lines: list[int],
                 keys: list[dict[str, int]], top: dict[str, int]) -> dict[str, Any]:
    """`raw` with its texts in `language`; refused, naming each text untranslated."""
    try:
        mark, texts = exercise_texts.load_texts(path, language)
    except exercise_texts.TextsError as exc:
        raise ScenarioError([Problem(exc.where, str(exc))]) from exc
    problems = []
    for n, field, value in exercise_texts.missing(raw, texts):
        if n is None:
            where = f"{path}:{top.get(field, 1)}: {field}"
        else:
            item = raw["injects"][n]
            line = (keys[n].get(field) if n < len(keys) else None) or (
                lines[n] if n < len(lines) else 0)
            where = f"{path}:{line}: injects.{n} (minute {item.get('at', '?')}, " \
                    f"{item.get('do', '?')})"
        problems.append(Problem(where, f"{field}: no {language} text for {value!r} in "
                                       f"{exercise_texts.texts_path(path, language)}"))
    if problems:
        raise ScenarioError(problems)
    return exercise_texts.translated(raw, language, mark, texts)


def order_problems(s: Scenario) -> list[Problem]:
    """The first inject opens the crisis, and only it; time runs forward; an offer names
    a request made before it, an acceptance an offer made before it, decided once; a
    withdrawal an official request of its state made before it, withdrawn once
    (`withdrawn_requests`)."""
    out = withdrawn_requests(s)[1]
    if s.injects[0].do != "open":
        out.append(Problem(s.where(0), "a scenario starts by opening the crisis (do: open)"))
    requests, offers, decided = 0, 0, {}
    for n, i in enumerate(s.injects):
        if n and i.do == "open":
            out.append(Problem(s.where(n), "the crisis is opened once, by the first inject"))
        if n and i.at < s.injects[n - 1].at:
            out.append(Problem(s.where(n), f"out of time order: minute {i.at:g} comes after "
                                           f"minute {s.injects[n - 1].at:g} (injects.{n - 1})"))
        if isinstance(i, RequestInject):
            requests += 1
        elif isinstance(i, OfferInject):
            if i.request > requests:
                out.append(Problem(s.where(n), f"offers against request {i.request}, but "
                                               f"{_count(requests, 'request')} made before it"))
            offers += 1
        elif isinstance(i, AcceptInject):
            if i.offer > offers:
                out.append(Problem(s.where(n), f"{i.do}s offer {i.offer}, but "
                                               f"{_count(offers, 'offer')} made before it"))
            elif i.offer in decided:
                out.append(Problem(s.where(n), f"offer {i.offer} was already decided "
                                               f"(injects.{decided[i.offer]})"))
            else:
                decided[i.offer] = n
    return out


def withdrawn_requests(s: Scenario) -> tuple[dict[int, int], list[Problem]]:
    """Which official request each `withdraw_request` inject withdraws: by the inject's
    index, the request's place among the scenario's official requests (from 1) — the one
    it names (`request: N`), else its state's only request still standing. And why the
    others withdraw none: no such request before it, another state's request (only the
    state that made a request withdraws it), one withdrawn already, or several of its
    state's standing and none named."""
    made: list[str] = []  # the state of each official request, in order
    gone: dict[int, int] = {}  # request -> the inject that withdrew it
    out: list[Problem] = []
    for n, i in enumerate(s.injects):
        if isinstance(i, OfficialRequestInject):
            made.append(i.state)
            continue
        if not isinstance(i, WithdrawRequestInject):
            continue
        standing = [k for k, state in enumerate(made, 1) if state == i.state and k not in gone]
        if i.request is not None and i.request > len(made):
            why = (f"withdraws official request {i.request}, but "
                   f"{_count(len(made), 'official request')} made before it")
        elif i.request is not None and made[i.request - 1] != i.state:
            why = (f"official request {i.request} is {made[i.request - 1]}'s, not "
                   f"{i.state}'s: only the state that made a request withdraws it")
        elif i.request is not None and i.request in gone:
            why = f"official request {i.request} was already withdrawn (injects.{gone[i.request]})"
        elif i.request is None and not standing:
            why = (f"{i.state} made no official request before it" if i.state not in made
                   else f"every official request of {i.state} was already withdrawn")
        elif i.request is None and len(standing) > 1:
            why = (f"{i.state} has {len(standing)} official requests standing (requests "
                   f"{', '.join(map(str, standing))}): say which one (request: N)")
        else:
            gone[i.request or standing[0]] = n
            continue
        out.append(Problem(s.where(n), why))
    return {n: k for k, n in gone.items()}, out


def _count(n: int, what: str) -> str:
    return f"only {n} {what}{'' if n == 1 else 's'} {'was' if n == 1 else 'were'}" if n \
        else f"no {what} was"

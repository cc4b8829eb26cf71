"""The exercise scenario file: its format, and every check made before anything is
written. A scenario is YAML: `name`, `description`, optionally `start` (an ISO time with
its zone) and `reference` (the real timeline of a case, with sources), and `injects`,
each with `at` (minutes from the start) and `do` — one of the actions below — with that
action's fields.

Every problem is reported with the file, the YAML line, the inject's index and minute,
in the terms of the scenario (an unknown state, an offer that names no request, injects
out of time order, a move the crisis algorithm does not allow at that point)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from phalanx.domain.crisis.workflow import Measure, Stage
from phalanx.domain.decisions.consensus import Position
from phalanx.domain.forces.registry import CAPABILITIES, Scope
from phalanx.services.errors import Invalid


class _Inject(BaseModel):
    model_config = ConfigDict(extra="forbid")
    at: float = Field(ge=0, description="minutes from the start")
    note: str = ""


class OpenInject(_Inject):
    do: Literal["open"]
    title: str
    category: str
    affected: list[str] = Field(min_length=1)
    severity: Literal["extreme", "severe", "moderate", "minor"] = "severe"
    place: str = ""
    lat: float | None = None
    lon: float | None = None
    description: str = ""
    reported_by: str | None = None  # a state code; default the first affected


class ConsultationsInject(_Inject):
    do: Literal["consultations"]


class TransitionInject(_Inject):
    do: Literal["transition"]
    to: Stage
    reason: str = ""
    review: str = ""


class OfficialRequestInject(_Inject):
    """The affected state's official request (who, under which article, what it asks)."""

    do: Literal["official_request"]
    state: str
    person: str
    office: Literal["head_of_state", "head_of_government", "foreign_minister",
                    "defence_minister", "permanent_representative"] = "head_of_state"
    article: str = "Treaty art. 4"
    measures: list[Measure] = Field(min_length=1)
    forces: str = ""
    period_days: int | None = Field(default=None, ge=1)


class DecideInject(_Inject):
    do: Literal["decide"]
    title: str
    text: str = "The Council decides to assist the affected member."
    # the body that decides, if not the one holding the consultations: an extraordinary
    # session of it is convened by video at the inject's time
    body: str | None = None
    limited_format: bool = False  # members stay out by their positions (not_taking_part)
    positions: dict[str, Position] = {}  # state -> position; others support
    absent: list[str] = []
    authorizes: list[Measure] = []
    # "consultation": the chair reaches the heads of state by telephone, five minutes
    # apart, the last call at the inject's time, and announces then (no session is held)
    by: Literal["session", "consultation"] = "session"


class ResponseInject(_Inject):
    do: Literal["response"]
    measures: list[Measure] = Field(min_length=1)
    un_mandate: bool = False
    bilateral_dispute: bool = False
    against_cis_or_neighbour: bool = False


class RequestInject(_Inject):
    do: Literal["request"]
    state: str
    resource: str
    measure: Measure = Measure.HUMANITARIAN
    quantity: int = Field(ge=1)
    unit: str = "units"
    needed_within: float = Field(default=1440, description="minutes")


class OfferInject(_Inject):
    do: Literal["offer"]
    state: str
    request: int = Field(ge=1, description="the scenario's n-th request")
    kind: Literal["units", "supplies", "aid"] = "units"
    description: str
    quantity: int = Field(ge=1)


class AcceptInject(_Inject):
    do: Literal["accept", "decline"]
    offer: int = Field(ge=1, description="the scenario's n-th offer")


class SitrepInject(_Inject):
    do: Literal["sitrep"]
    state: str | None = None
    situation: str
    casualties: str = ""
    measures: str = ""
    needs: str = ""


class RequirementInject(_Inject):
    do: Literal["requirement"]
    capability: str
    strength: int = Field(ge=1)
    place: str
    lat: float | None = None
    lon: float | None = None
    node: str | None = None
    needed_within: float = Field(default=1440, description="minutes")

    @field_validator("capability")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in CAPABILITIES:
            raise ValueError(f"unknown capability {v!r} (known: {', '.join(CAPABILITIES)})")
        return v


class ConsentInject(_Inject):
    do: Literal["consent"]
    state: str
    scope: Scope
    units: list[str] = []
    conditions: str = ""


class PlanInject(_Inject):
    do: Literal["plan"]
    kind: Literal["deployment", "withdrawal"] = "deployment"  # the way there, or home
    time_limit: float = Field(default=2.0, ge=0.5, le=120)
    seed: int = 0
    decide: bool = True


class ProgressInject(_Inject):
    do: Literal["progress"]


class SessionInject(_Inject):
    """Another session on the crisis (an extraordinary one, by video by default)."""

    do: Literal["session"]
    body: str | None = None
    kind: Literal["regular", "extraordinary", "emergency"] = "extraordinary"
    mode: Literal["in_person", "video_conference"] = "video_conference"


class ObligationInject(_Inject):
    """A member's answer to the art. 4 obligation."""

    do: Literal["obligation"]
    state: str
    answer: Literal["forces", "other", "declined"]
    detail: str = ""


class UnNoticeInject(_Inject):
    """The notice to the UN Security Council recorded as sent."""

    do: Literal["un_notice"]
    reference: str = ""


class DelayInject(_Inject):
    do: Literal["delay"]


Inject = Annotated[
    OpenInject | ConsultationsInject | TransitionInject | OfficialRequestInject
    | DecideInject | ResponseInject
    | RequestInject | OfferInject | AcceptInject | SitrepInject | RequirementInject
    | ConsentInject | PlanInject | ProgressInject | SessionInject | ObligationInject
    | UnNoticeInject | DelayInject,
    Field(discriminator="do")]
ACTIONS = ("open", "consultations", "transition", "official_request", "decide", "response",
           "request", "offer", "accept", "decline", "sitrep", "requirement", "consent", "plan",
           "progress", "session", "obligation", "un_notice", "delay")

Milestone = Literal["reported", "consultations", "decision", "first_offer",
                    "first_deployment", "other"]


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


def load(path: Path | str) -> Scenario:
    """Read and check a scenario file alone (its format, time order, references)."""
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


def order_problems(s: Scenario) -> list[Problem]:
    """The first inject opens the crisis, and only it; time runs forward; an offer names
    a request made before it, an acceptance an offer made before it, decided once."""
    out = []
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


def _count(n: int, what: str) -> str:
    return f"only {n} {what}{'' if n == 1 else 's'} {'was' if n == 1 else 'were'}" if n \
        else f"no {what} was"

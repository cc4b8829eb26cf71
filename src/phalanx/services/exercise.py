"""Exercise mode: a scenario file of timed injects run through the same engine as a real
crisis, on the scenario's own clock, at a chosen speed. Everything it creates is
marked EXERCISE (the crisis, its sessions and decisions, the CAP status) and stays out
of the real registers.

A scenario is YAML: `name`, `description`, and `injects`, each with `at` (minutes from
the start) and `do` — open, consultations, transition, decide, response, request,
offer, accept, decline, sitrep, delay — with that action's fields.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Connection

from phalanx.adapters.events import Event
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.crisis.workflow import Measure, Stage
from phalanx.domain.decisions.consensus import Position
from phalanx.services import crises
from phalanx.services import decisions as dec
from phalanx.services.clock import playing_at
from phalanx.services.db import Database, UnauditedWrite, Write
from phalanx.services.errors import Invalid

SECRETARIAT = Principal("exercise-secretariat", Role.SECRETARIAT)


def representative(state: str) -> Principal:
    return Principal(f"exercise-rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


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


class DecideInject(_Inject):
    do: Literal["decide"]
    title: str
    text: str = "The Council decides to assist the affected member."
    limited_format: bool = False
    positions: dict[str, Position] = {}  # state -> position; others support
    absent: list[str] = []
    authorizes: list[Measure] = []


class ResponseInject(_Inject):
    do: Literal["response"]
    measures: list[Measure] = Field(min_length=1)
    official_request: bool = False
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


class DelayInject(_Inject):
    do: Literal["delay"]


Inject = Annotated[
    OpenInject | ConsultationsInject | TransitionInject | DecideInject | ResponseInject
    | RequestInject | OfferInject | AcceptInject | SitrepInject | DelayInject,
    Field(discriminator="do")]


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    description: str = ""
    injects: list[Inject] = Field(min_length=1)


def load(path: Path | str) -> Scenario:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        scenario = Scenario.model_validate(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise Invalid(str(path), str(exc)) from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise Invalid(f"{path}: {where}", first["msg"]) from exc
    if scenario.injects[0].do != "open":
        raise Invalid(f"{path}: injects.0.do", "a scenario starts by opening the crisis")
    return scenario


@dataclass
class Run:
    scenario: str
    crisis_id: int | None = None
    timeline: list[tuple[float, str]] = field(default_factory=list)
    scorecard: dict[str, float | None] = field(default_factory=dict)
    escalations: int = 0
    stage: str = ""


class _OneTransaction(Database):
    """The run's database: every action of the run in one transaction (each action a
    savepoint in it), committed at the end or rolled back whole, so that a run that fails
    half-way leaves nothing behind."""

    def __init__(self, outer: Database, conn: Connection) -> None:
        super().__init__(outer.engine)
        self.conn = conn
        self.events: list[Event] = []

    @contextmanager
    def read(self) -> Iterator[Connection]:
        yield self.conn

    @contextmanager
    def write(self, actor: Principal) -> Iterator[Write]:
        with self.conn.begin_nested():
            w = Write(self.conn, actor)
            yield w
            if not w.pending:
                raise UnauditedWrite("a state-changing action must write an audit entry")
            w.seal()
        self.events += w.events


def run(db: Database, scenario: Scenario, *, speed: float = 0.0,
        start: datetime | None = None,
        progress: Callable[[int, int, str], None] | None = None) -> Run:
    """Play the scenario, all of it or nothing. `speed`: scenario minutes per real second
    (0: no waiting)."""
    start = start or datetime.now(UTC).replace(microsecond=0)
    with db.write(SYSTEM) as w:
        tx = _OneTransaction(db, w.conn)
        result = _run(tx, scenario, speed, start, progress)
        w.events += tx.events
        w.audit("exercise.run", "crisis", result.crisis_id or 0,
                {"scenario": scenario.name, "start": start.isoformat()})
    return result


def _run(db: Database, scenario: Scenario, speed: float, start: datetime,
         progress: Callable[[int, int, str], None] | None) -> Run:
    result = Run(scenario.name)
    requests: list[int] = []
    offers: list[int] = []
    last = 0.0
    for n, inject in enumerate(scenario.injects):
        if speed > 0 and inject.at > last:
            time.sleep((inject.at - last) / speed)
        last = inject.at
        at = start + timedelta(minutes=inject.at)
        with playing_at(at):
            if result.crisis_id is not None:
                result.escalations += len(crises.escalate_overdue(
                    db, at=at, exercise=True, only=result.crisis_id))
            text = _play(db, inject, at, result, requests, offers)
        result.timeline.append((inject.at, text))
        if progress:
            progress(n + 1, len(scenario.injects), text)
    assert result.crisis_id is not None
    with db.read() as conn:
        c = crises.get(conn, result.crisis_id, actor=SYSTEM, at=start + timedelta(minutes=last))
    result.stage = c.stage.value
    result.scorecard = c.scorecard.model_dump() if c.scorecard else {}
    return result


def _play(db: Database, i: Any, at: datetime, r: Run, requests: list[int],
          offers: list[int]) -> str:
    if isinstance(i, OpenInject):
        who = representative(i.reported_by or i.affected[0])
        c = crises.open_crisis(db, crises.CrisisIn(
            title=f"[EXERCISE] {i.title}", category=i.category, affected=i.affected,
            severity=i.severity, place=i.place, lat=i.lat, lon=i.lon,
            description=i.description, exercise=True), actor=who, origin="exercise", at=at)
        r.crisis_id = c.id
        return f"crisis {c.id} reported by {who.state}: {i.title}"
    assert r.crisis_id is not None, "the first inject opens the crisis"
    cid = r.crisis_id
    if isinstance(i, ConsultationsInject):
        c = crises.convene_consultations(db, cid, actor=SECRETARIAT, at=at)
        return f"consultations convened (session {c.session_id})"
    if isinstance(i, TransitionInject):
        crises.transition(db, cid, i.to, actor=SECRETARIAT, reason=i.reason, review=i.review,
                          at=at)
        return f"stage: {i.to.value}" + (f" ({i.reason or i.review})" if i.reason or i.review
                                          else "")
    if isinstance(i, DecideInject):
        return _decide(db, cid, i, at)
    if isinstance(i, ResponseInject):
        crises.set_response(db, cid, crises.ResponseIn(
            measures=i.measures, official_request=i.official_request, un_mandate=i.un_mandate,
            bilateral_dispute=i.bilateral_dispute,
            against_cis_or_neighbour=i.against_cis_or_neighbour), actor=SECRETARIAT, at=at)
        return "measures: " + ", ".join(m.value for m in i.measures)
    if isinstance(i, RequestInject):
        c = crises.request_assistance(db, cid, crises.RequestIn(
            resource=i.resource, measure=i.measure, quantity=i.quantity, unit=i.unit,
            needed_by=at + timedelta(minutes=i.needed_within)),
            actor=representative(i.state), at=at)
        requests.append(c.requests[-1].id)
        return f"{i.state} requests {i.quantity} {i.unit} of {i.resource}"
    if isinstance(i, OfferInject):
        c = crises.offer_assistance(db, requests[i.request - 1], crises.OfferIn(
            kind=i.kind, description=i.description, quantity=i.quantity),
            actor=representative(i.state), at=at)
        offers.append(max(o.id for req in c.requests for o in req.offers))
        return f"{i.state} offers {i.quantity} ({i.kind}): {i.description}"
    if isinstance(i, AcceptInject):
        with db.read() as conn:
            c = crises.get(conn, cid, actor=SYSTEM)
        offer = next(o for req in c.requests for o in req.offers if o.id == offers[i.offer - 1])
        requester = next(req.state for req in c.requests if req.id == offer.request_id)
        crises.decide_offer(db, offer.id, i.do == "accept", actor=representative(requester),
                            at=at)
        return f"{requester} {i.do}s the offer of {offer.state}"
    if isinstance(i, SitrepInject):
        who = representative(i.state) if i.state else SECRETARIAT
        crises.add_sitrep(db, cid, crises.SitrepIn(
            situation=i.situation, casualties=i.casualties, measures=i.measures,
            needs=i.needs), actor=who, at=at)
        return f"situation report: {i.situation[:80]}"
    return f"({i.note or 'delay'})"


def _decide(db: Database, cid: int, i: DecideInject, at: datetime) -> str:
    with db.read() as conn:
        c = crises.get(conn, cid, actor=SYSTEM)
    if c.session_id is None:
        raise Invalid("decide", "convene consultations before deciding")
    with db.read() as conn:
        body = dec.get_meeting(conn, c.session_id, actor=SYSTEM).body
    d = dec.propose_draft(db, dec.DraftIn(
        body=body, meeting_id=c.session_id, title=f"[EXERCISE] {i.title}", text_en=i.text,
        limited_format=i.limited_format, marking=c.marking), actor=SECRETARIAT)
    for s in d.stances:
        if s.standing.value != "full":
            continue
        dec.record_attendance(db, c.session_id, s.state, s.state not in i.absent,
                              actor=SECRETARIAT)
        if s.state in i.absent and s.state not in i.positions:
            continue
        dec.state_position(db, d.id, i.positions.get(s.state, Position.SUPPORT),
                           actor=representative(s.state))
    closed = dec.close_draft(db, d.id, actor=SECRETARIAT)
    if closed.decision_id is not None:
        crises.link_decision(db, cid, closed.decision_id, i.authorizes, actor=SECRETARIAT,
                             at=at)
    return f"decision: {closed.outcome} — {closed.outcome_reason}"


def scenarios_dir() -> Path:
    from importlib import resources

    return Path(str(resources.files("phalanx.data").joinpath("exercises")))

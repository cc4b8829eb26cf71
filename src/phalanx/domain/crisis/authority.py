"""What makes a response lawful: the affected state's official request, and a decision
that authorizes the measures.

- The request (DOMAIN §7, public statements): assistance under Treaty art. 4 is given at
  the request of the attacked state, and peacekeeping forces go to a member's territory by
  a Council decision on that state's official request. So military assistance, wherever
  it is given, and peacekeeping on a member's territory need an official request of an
  affected state, recorded as such (who, when, under which article, what it asks) —
  never a box ticked by the Secretariat (peacekeeping outside the members' territory
  needs a UN Security Council mandate instead, `workflow.py`). Where the forces go, the
  request is the host's own: a place on a member's territory takes forces only at that
  member's request (`host_problems`); linking a decision needs any affected state's.
- The decision: a crisis's measures are authorized only by a *decision* (a statement or
  an instruction authorizes nothing), adopted by a body competent for each measure (for
  military measures the dataset's `measure_authority`, for the others a body that consults
  on the crisis; the service gives the list per measure), after the crisis was reported
  and, for measures that need a request, after the request (to the minute where the
  adoption's time is recorded, else by the day);
  it must bind every affected member (a limited-format decision the affected state stayed
  out of binds it to nothing), and an exercise's decision answers only an exercise's
  crisis. The measures are the decision's own, adopted with its text; nobody types them
  when linking it.
- A decision answers its crisis (setting: DOMAIN has no text; a decision on a collective
  response answers the situation it was taken on): once linked to a crisis, it is not
  linked to another (`reuse_problems`); linking it to the same crisis again is no reuse.
- The request ends when its state withdraws it (the host state ends the mission:
  Kazakhstan, January 2022, the President declared the mission accomplished and the forces
  left). A withdrawn request covers nothing from the moment of its withdrawal on: no
  decision linked, no measure chosen and no deployment decided at or after that moment
  answers it (`OfficialRequest.stands`); what was decided before it stands as it was, and
  the units still out come home by a decided withdrawal before the crisis closes
  (`workflow.py`). A later request of the state counts again, for decisions after it.
- The mandate ends with the decision's period (public record: the Council sent the
  collective peacekeeping forces to Kazakhstan "for a limited period", January 2022, the
  sources of `data/exercises/kazakhstan-2022.yaml`; how the period counts and what its end
  stops: setting, DOMAIN has no text). A decision adopted with a period (`period_days`)
  authorizes its measures for that many days from its adoption (to the minute where the
  adoption's time is recorded, else from the start of its day where the Secretariat sits,
  `domain/calendar.py`); from the end of the
  period on (`Mandate.expired`) nothing new is deployed under it: the move to deployed,
  an accepted offer of military assistance, a deployment plan decided, entering the
  response or changing it under way with military measures are refused, naming the
  decision and the end (`workflow.mandate_refusals`), until a new decision (one that
  extends the period included) is linked. Monitoring, and planning and deciding the units'
  way home, stay open; a crisis whose mandate is over while units of its decided
  deployment are still out with no decided way home is escalated
  (`clocks.mandate_overrun`). A decision "for a limited period" with no number of days
  (`period_limited`: the Council's decision on Kazakhstan, January 2022, named none) runs
  until the official requests it answers, those made by its adoption, are all withdrawn
  (there the host state's President declared the mission accomplished and the forces left),
  and ends at the last withdrawal's moment with the same refusals and escalation
  (`mandate.requests_end`; setting: the record does not say how such a period ends); one
  that answers no request (a UN mandate) has no end of this kind. A decision without a
  period has no end of this kind; a
  decision that ends for good in the register of acts in force (repealed, or past its last
  day in force: `domain/decisions/lifecycle.py`, `last_day`) ends its mandate too,
  whichever end comes first (setting): a repeal in force from its adoption at the moment
  it was adopted (a repeal adopted at 15:00 leaves what was done under the decision that
  morning lawful), a repeal from a later day or the day after the last day in force from
  the start of that day where the Secretariat sits. A decision suspended in the register
  is not in force: while it is, nothing new is deployed under it either (the same
  refusals, saying it is suspended), from the suspension's adoption where it is in force
  from it; its period runs on meanwhile (setting). A later decision extending it (a new
  last day in force) carries the period to the end of that day only where the file says
  so (`mandate_follows_extension`, setting: the texts do not say whether extending a
  decision's time in force extends what it authorizes).
- The forces follow the decision: the planner uses only units of the formations the
  decision authorizes (named in its text, or else those the dataset gives for its military
  measures, `measure_formations`) and, where the decision names contributing states, only
  theirs. Consent is asked besides (`forces/registry.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from phalanx.domain import calendar
from phalanx.domain.crisis.mandate import Mandate as Mandate  # its period: `mandate.py`
from phalanx.domain.crisis.workflow import MILITARY, Measure


@dataclass(frozen=True)
class OfficialRequest:
    """An affected state's official request, as recorded."""

    state: str
    at: datetime
    article: str  # e.g. "Treaty art. 4"
    measures: frozenset[Measure]
    withdrawn_at: datetime | None = None  # when its state withdrew it

    def stands(self, at: datetime | None = None) -> bool:
        """Whether the request still stands at `at`: a withdrawal ends it from its own
        moment on (at that very minute included). Without `at`, as things stand: a
        recorded withdrawal is never in the future, so a withdrawn request no longer
        stands."""
        return self.withdrawn_at is None or (at is not None and at < self.withdrawn_at)

    def withdrawal(self, already: bool = False) -> str:
        """The withdrawal in words, for a refusal that names it (the request's time where
        none is recorded)."""
        made, gone = (f"{m.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
                      for m in (self.at, self.withdrawn_at or self.at))
        return (f"the official request of {self.state} of {made} was "
                f"{'already ' if already else ''}withdrawn on {gone}")


@dataclass(frozen=True)
class DecisionBasis:
    """What the rules look at in an adopted text."""

    number: str
    kind: str  # decision, statement, instruction
    body: str
    adopted_on: date
    binding: frozenset[str]
    exercise: bool
    measures: frozenset[Measure]
    adopted_at: datetime | None = None  # when it was adopted, where recorded
    zone: str | None = None  # the working time zone its day is of (`domain/calendar.py`)

    def before(self, moment: datetime) -> bool:
        """Adopted before `moment`: to the minute where the time is known, else by the
        organization's day."""
        if self.adopted_at is not None:
            return self.adopted_at < moment
        return self.adopted_on < calendar.day_of(moment, self.zone)


def needs_request(measures: Iterable[Measure], on_member_territory: bool) -> frozenset[Measure]:
    """The measures that need an affected state's official request: military assistance
    wherever it is given, peacekeeping on a member's territory."""
    return frozenset(m for m in measures if m in MILITARY and (
        on_member_territory or m is not Measure.MILITARY_PEACEKEEPING))


def covering_requests(requests: Iterable[OfficialRequest], affected: Iterable[str],
                      measure: Measure, at: datetime | None = None) -> list[OfficialRequest]:
    """The affected states' requests that ask for `measure` and still stand at `at` (as
    things stand, without it; `OfficialRequest.stands`), earliest first."""
    states = set(affected)
    return sorted((r for r in requests if r.state in states and measure in r.measures
                   and r.stands(at)), key=lambda r: r.at)


def withdrawals(requests: Iterable[OfficialRequest], affected: Iterable[str],
                at: datetime | None = None) -> dict[Measure, str]:
    """For each military measure that an affected state's request asked for but that no
    request covers any more at `at` (every one asking for it was withdrawn), why not, in
    words naming the latest withdrawal."""
    requests, states = list(requests), set(affected)
    out: dict[Measure, str] = {}
    for m in sorted(MILITARY):
        if covering_requests(requests, states, m, at):
            continue
        gone = sorted((r for r in requests if r.state in states and m in r.measures
                       and r.withdrawn_at is not None), key=lambda r: (r.withdrawn_at, r.at))
        if gone:
            out[m] = (f"{m.value}: {gone[-1].withdrawal()}: nothing decided, linked or "
                      "deployed after that answers it")
    return out


def not_granted(requests: Iterable[OfficialRequest], affected: Iterable[str],
                authorized: Iterable[Measure], at: datetime | None = None) -> list[Measure]:
    """The measures an affected state's official request, standing at `at`, asked for
    and the decision on the crisis does not authorize: the part of the request the
    decision left unanswered (forces asked for, logistic help decided: the help is a
    response, and the forces not sent stay on record beside it)."""
    states, given = set(affected), set(authorized)
    asked = {m for r in requests if r.state in states and r.stands(at) for m in r.measures}
    return sorted(asked - given)


def request_problems(measures: Iterable[Measure], requests: Iterable[OfficialRequest],
                     affected: Iterable[str], on_member_territory: bool,
                     at: datetime | None = None, article: str = "") -> list[str]:
    """Why the measures lack the request they need at `at` (as things stand, without it;
    empty when every one has it); `article`: the collective-defence article the refusal
    cites (the organization's file's first `collective_defence_articles`; empty: none)."""
    requests, affected = list(requests), list(affected)
    withdrawn = withdrawals(requests, affected, at)
    out = []
    for m in sorted(needs_request(measures, on_member_territory)):
        if m in withdrawn:
            out.append(withdrawn[m])
        elif not covering_requests(requests, affected, m, at):
            out.append(f"{m.value}: no official request of {', '.join(sorted(affected))} "
                       f"asks for it ({article or 'military'} assistance and peacekeeping on "
                       "a member's territory are given at the affected state's request)")
    return out


def forces_measures(chosen: Iterable[Measure], authorized: Iterable[Measure],
                    requests: Iterable[OfficialRequest]) -> frozenset[Measure]:
    """The military measures a crisis's forces serve: the response's chosen ones, else
    those its decision authorizes, else (before either) those the affected states'
    requests ask for."""
    for given in (chosen, authorized):
        military = frozenset(given) & MILITARY
        if military:
            return military
    return frozenset(m for r in requests for m in r.measures if m in MILITARY)


def host_problems(host: str | None, measures: Iterable[Measure],
                  requests: Iterable[OfficialRequest], affected: Iterable[str], *,
                  un_mandate: bool = False, at: datetime | None = None,
                  article: str = "") -> list[str]:
    """Why forces may not go, for `measures`, to a place on member `host`'s territory
    (None: on none of the members' territory) at `at` (as things stand, without it);
    empty when they may.

    DOMAIN §7 (Treaty art. 4): assistance is given "at the request of the attacked
    state", and peacekeeping forces go to a member's territory "on its official request".
    So forces go onto a member's territory only at *that* member's request: on member X's
    territory every measure that needs a request (`needs_request`) needs a request of X
    that asks for it and still stands (`OfficialRequest.stands`); another affected
    state's request covers its own territory, not X's. X must be an affected state (only
    those record requests). Outside the members' territory the crisis-wide rule holds:
    military assistance needs a standing request of an affected state, peacekeeping a UN
    Security Council mandate."""
    requests, affected = list(requests), sorted(set(affected))
    if host is None:
        out = request_problems(measures, requests, affected, on_member_territory=False, at=at,
                               article=article)
        if Measure.MILITARY_PEACEKEEPING in set(measures) and not un_mandate:
            out.append("peacekeepers go outside the members' territory only with a UN mandate")
        return out
    out = []
    for m in sorted(needs_request(measures, on_member_territory=True)):
        if covering_requests(requests, [host], m, at):
            continue
        gone = sorted((r for r in requests if r.state == host and m in r.measures
                       and r.withdrawn_at is not None), key=lambda r: (r.withdrawn_at, r.at))
        if host not in affected:
            out.append(f"{m.value}: the place lies on the territory of {host}, which is not "
                       "an affected state of the crisis: forces go onto a member's territory "
                       "only at that member's request")
        elif gone:
            last = gone[-1]
            made, withdrawn = (f"{x.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
                               for x in (last.at, last.withdrawn_at or last.at))
            out.append(f"{m.value}: the place lies on the territory of {host}, whose "
                       f"official request of {made} was withdrawn on {withdrawn}: forces go "
                       "onto a member's territory only at its request")
        else:
            out.append(f"{m.value}: the place lies on the territory of {host}, which has not "
                       "asked for it: forces go onto a member's territory only at that "
                       "member's request (an affected state's request covers its own "
                       "territory only)")
    return out


@dataclass(frozen=True)
class Answered:
    """A crisis that a decision answers already: its id and, where the reader may see
    the crisis, its title (None: the refusal names neither)."""

    crisis_id: int
    title: str | None = None


def reuse_problems(number: str, crisis_id: int, answered: Iterable[Answered]) -> list[str]:
    """Why decision `number` cannot answer crisis `crisis_id`: it answers another one
    already (setting: a decision on a collective response answers the situation it was
    taken on). A decision answers every crisis it was linked to, whether or not a later
    decision took its place there; linking it again to the same crisis is no reuse. A
    crisis the reader may not see is named by neither its number nor its title."""
    out = []
    for a in sorted(answered, key=lambda a: a.crisis_id):
        if a.crisis_id == crisis_id:
            continue
        named = f"crisis {a.crisis_id} ({a.title})" if a.title is not None \
            else "another crisis"
        out.append(f"{number} already answers {named}: a decision on a collective response "
                   "answers the situation it was taken on")
    return out


def authority_problems(d: DecisionBasis, *, affected: Iterable[str], reported_at: datetime,
                       requests: Iterable[OfficialRequest],
                       competent: dict[str, list[str]], exercise: bool,
                       on_member_territory: bool,
                       requesters: Iterable[str] | None = None,
                       at: datetime | None = None) -> list[str]:
    """Why decision `d` cannot authorize its measures for this crisis (empty: it can).
    Each condition that fails is named. `affected` are the affected members a decision
    can bind; `requesters` every affected state, whose requests count whatever its
    standing (default: `affected`); `at` the moment of linking: a request withdrawn by
    then covers nothing (and the decision must come after a request that still stands)."""
    affected, requests = sorted(set(affected)), list(requests)
    askers = sorted(set(requesters)) if requesters is not None else affected
    withdrawn = withdrawals(requests, askers, at)
    out: list[str] = []
    if d.kind != "decision":
        out.append(f"{d.number} is a {d.kind}: only a decision authorizes measures")
    if d.exercise != exercise:
        out.append(f"{d.number} is {'an exercise' if d.exercise else 'a real'} decision and "
                   f"the crisis is {'an exercise' if exercise else 'real'}")
    if not d.measures:
        out.append(f"{d.number} authorizes no measure (its text names none)")
    for m in sorted(d.measures):
        bodies = competent.get(m.value) or []
        if d.body not in bodies:
            out.append(f"{m.value}: {d.body} is not competent (the dataset names "
                       f"{', '.join(bodies) or 'no body'})")
    if d.before(reported_at):
        out.append(f"{d.number} was adopted on {d.adopted_on.isoformat()}, before the crisis "
                   f"was reported ({reported_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC)")
    unbound = [s for s in affected if s not in d.binding]
    if unbound:
        out.append(f"{d.number} does not bind {', '.join(unbound)} (the affected state"
                   f"{'s' if len(unbound) > 1 else ''})")
    for m in sorted(needs_request(d.measures, on_member_territory)):
        covering = covering_requests(requests, askers, m, at)
        if m in withdrawn:
            out.append(withdrawn[m])
        elif not covering:
            out.append(f"{m.value}: no official request of {', '.join(askers)} asks for it")
        elif d.before(covering[0].at):
            out.append(f"{m.value}: {d.number} was adopted before the request of "
                       f"{covering[0].at.astimezone(UTC):%Y-%m-%d %H:%M} UTC")
    return out


@dataclass(frozen=True)
class Authorization:
    """What the crisis's decision lets the planner use."""

    number: str
    measures: frozenset[Measure]
    formations: frozenset[str]  # as named in the decision (empty: from its measures)
    states: frozenset[str]  # contributing states (empty: any that consents)


def authorized_formations(a: Authorization, measure_formations: dict[str, list[str]]
                          ) -> frozenset[str]:
    if a.formations:
        return a.formations
    return frozenset(f for m in a.measures for f in measure_formations.get(m.value, []))


def unauthorized_units(units: Iterable[tuple[str, str, str]], a: Authorization,
                       measure_formations: dict[str, list[str]]) -> dict[str, str]:
    """Units (key, state, formation) the decision does not let the planner use, with
    the reason in words."""
    formations = authorized_formations(a, measure_formations)
    out: dict[str, str] = {}
    for key, state, formation in units:
        if formation not in formations:
            out[key] = (f"{a.number} authorizes "
                        f"{', '.join(sorted(formations)) or 'no formation'}, not {formation}")
        elif a.states and state not in a.states:
            out[key] = f"{a.number} names the contributing states {', '.join(sorted(a.states))}"
    return out

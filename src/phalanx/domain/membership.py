"""Who was a member, bound by what, sitting where, on a given date.

Membership is derived from a state's events in date order by a small state machine:

    (none) --sign--> signatory --join--> member <--resume-- suspended
    (none) --join--> member --suspend--> suspended
    member --stand_aside--> not taking part --take_part--> member
    member / suspended / not taking part / signatory --withdraw--> (none)  (may join again)
    member / suspended / not taking part --expel--> (none)   (only where the dataset's
                                                              `expulsion_allowed` says so)

- A written notice of withdrawal (`notice`) changes nothing on its day; when it takes the
  state out, and which events only the Council's decision records, is `leaving.py`. A
  recorded withdrawal before the notice's day, or before the obligations are settled, is
  a problem.
- "Not taking part" is not a suspension: the state stays a member and bound by the
  Treaty; it takes no part in sessions and has no say, so its absence blocks nothing
  (consensus.Standing.NOT_PARTICIPATING), and a decision taken without it is sent to it
  for consideration, as to a member absent (DOMAIN.md §7).
- Bound by an agreement: a party row may be repeated for one state, one row per period;
  bound counts from entry into force for that state (`bound_from`). A member (suspended,
  taking part or not) is bound by the founding agreement on every day of its membership:
  a suspension takes away the say, not the treaty tie (a state leaves by notice, or
  when the treaty lapses for it).
- Standing (who has a say), `standing_on`: suspended, not taking part, in arrears under
  the two-year rule of `contributions.py`, or full. Arrears cost the say, never the
  obligations. A member not taking part keeps its formal objection (`objects_aside`),
  unless it is in arrears.

`check` returns every inconsistency of an organization as `Problem`s whose `path`
names the place in the organization's structure (the dataset file mirrors it), so a
loader can point at the exact line.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from phalanx.domain.decisions.consensus import Standing
from phalanx.domain.leaving import notices
from phalanx.domain.organization import (
    Agreement,
    Body,
    Chairmanship,
    EventKind,
    MembershipStatus,
    Organization,
    Period,
)

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str

    def __str__(self) -> str:
        where = ".".join(str(p) for p in self.path)
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Stint:
    """A continuous span during which a state held one membership status."""

    state: str
    status: MembershipStatus
    period: Period
    fresh: bool = False  # began from no membership (a first join, or a rejoin)
    event: int | None = None  # index of the event that began it (None: a notice's effect)


@dataclass(frozen=True)
class Membership:
    state: str
    status: MembershipStatus
    since: date  # start of the current continuous membership (suspension included)


_M, _S, _N = (MembershipStatus.MEMBER, MembershipStatus.SUSPENDED,
              MembershipStatus.NOT_TAKING_PART)
_TRANSITIONS: dict[tuple[MembershipStatus | None, EventKind], MembershipStatus | None] = {
    (None, EventKind.SIGN): MembershipStatus.SIGNATORY,
    (None, EventKind.JOIN): _M,
    (MembershipStatus.SIGNATORY, EventKind.JOIN): _M,
    (MembershipStatus.SIGNATORY, EventKind.WITHDRAW): None,
    (_M, EventKind.SUSPEND): _S,
    (_M, EventKind.STAND_ASIDE): _N,
    (_N, EventKind.TAKE_PART): _M,
    (_N, EventKind.SUSPEND): _S,
    (_S, EventKind.RESUME): _M,
    **{(status, kind): None for status in (_M, _S, _N)
       for kind in (EventKind.WITHDRAW, EventKind.EXPEL)},
}
_MEMBERS = (_M, _S, _N)


def _refusal(status: MembershipStatus | None, kind: EventKind, since: date | None) -> str:
    if kind is EventKind.JOIN and status in (MembershipStatus.MEMBER, MembershipStatus.SUSPENDED):
        return f"overlapping membership: already a member since {since}"
    if kind is EventKind.SIGN and status is not None:
        return f"already a {status.value} since {since}"
    if status is None:
        return f"cannot {kind.value}: not a member or signatory at that date"
    return f"cannot {kind.value} while {status.value} (since {since})"


def timeline(org: Organization) -> tuple[dict[str, list[Stint]], list[Problem]]:
    """Each state's stints, and the problems met while deriving them."""
    problems: list[Problem] = []
    by_state: dict[str, list[tuple[date, int, EventKind, int]]] = defaultdict(list)
    for i, ev in enumerate(org.membership):
        by_state[ev.state].append((ev.on, i, ev.kind, i))
    for n in notices(org):
        leave = next((e for e in org.membership if e.state == n.state and n.given < e.on
                      and e.kind in (EventKind.WITHDRAW, EventKind.EXPEL)), None)
        if leave is not None and leave.on < n.effective:
            problems.append(Problem(("membership", org.membership.index(leave), "on"),
                                    f"withdrawal on {leave.on} before the notice period "
                                    f"ends ({n.period_end}, notice of {n.given})"))
        elif (leave is not None and leave.kind is EventKind.WITHDRAW
              and n.settled is None):
            problems.append(Problem(("membership", org.membership.index(leave), "on"),
                                    f"withdrawal on {leave.on} before the obligations are "
                                    f"settled (notice of {n.given})"))
        elif leave is None and n.takes_effect:  # the notice takes effect by itself
            by_state[n.state].append((n.effective, len(org.membership), EventKind.WITHDRAW,
                                      n.event))
    stints: dict[str, list[Stint]] = {}
    for state, items in by_state.items():
        status: MembershipStatus | None = None
        since: date | None = None
        began: int | None = None
        fresh = False
        out: list[Stint] = []
        noticed = False
        for on, order, kind, i in sorted(items):
            if kind in (EventKind.NOTICE, EventKind.SETTLE):
                if kind is EventKind.NOTICE and status not in _MEMBERS:
                    problems.append(Problem(("membership", i, "event"),
                                            "a notice of withdrawal needs a member"))
                if kind is EventKind.SETTLE and not noticed:
                    problems.append(Problem(("membership", i, "event"),
                                            "obligations settled without a notice of "
                                            "withdrawal before it"))
                noticed = noticed or kind is EventKind.NOTICE
                continue
            nxt = _TRANSITIONS.get((status, kind), "refused")
            if nxt == "refused":
                problems.append(Problem(("membership", i, "event"), _refusal(status, kind, since)))
                continue
            if status is not None and since is not None:
                out.append(Stint(state, status, Period(since, on), fresh, began))
            fresh = status is None or status is MembershipStatus.SIGNATORY
            status, since = nxt, on  # type: ignore[assignment]
            began = i if order < len(org.membership) else None
            if nxt is None:
                noticed = False
        if status is not None and since is not None:
            out.append(Stint(state, status, Period(since, None), fresh, began))
        stints[state] = out
    return stints, problems


def status_on(org: Organization, state: str, day: date) -> MembershipStatus | None:
    stints, _ = timeline(org)
    for s in stints.get(state, []):
        if s.period.contains(day):
            return s.status
    return None


def members_on(org: Organization, day: date) -> list[Membership]:
    """Members on `day` (suspended members included, with that status), by state code."""
    stints, _ = timeline(org)
    result: list[Membership] = []
    for state, items in stints.items():
        for n, s in enumerate(items):
            if s.period.contains(day) and s.status is not MembershipStatus.SIGNATORY:
                since = s.period.start or day
                # a suspension does not end membership: walk back to where it began
                k = n
                while k > 0 and not items[k].fresh and (
                    items[k - 1].status is not MembershipStatus.SIGNATORY) and (
                    items[k - 1].period.end == items[k].period.start
                ):
                    k -= 1
                    since = items[k].period.start or since
                result.append(Membership(state, s.status, since))
    return sorted(result, key=lambda m: m.state)


def parties_bound(agreement: Agreement, day: date) -> list[str]:
    """States bound by `agreement` on `day`, by state code."""
    return sorted({p.state for p in agreement.parties if p.bound_on(day)})


@dataclass(frozen=True)
class Seat:
    state: str
    office: str | None
    person: str | None  # None where the dataset names nobody for that date
    suspended: bool = False
    not_taking_part: bool = False
    standing: Standing = Standing.FULL


@dataclass(frozen=True)
class PostHolder:
    post: str
    person: str
    state: str | None


@dataclass(frozen=True)
class Composition:
    body: str
    day: date
    exists: bool
    seats: tuple[Seat, ...]
    officials: tuple[PostHolder, ...]
    attendees: tuple[str, ...]
    observers: tuple[str, ...]
    chair: Chairmanship | None


def body_exists(body: Body, day: date) -> bool:
    return body.existence.contains(day)


def composition_on(org: Organization, body_key: str, day: date) -> Composition:
    body = org.bodies[body_key]
    exists = body_exists(body, day)
    seats: list[Seat] = []
    if exists and body.seat is not None:
        for m in members_on(org, day):
            holder = next((h for h in body.seat_holders
                           if h.state == m.state and h.term.contains(day)), None)
            person = holder.person if holder else None
            # the office of whoever sits (Armenia's head of government in the Council
            # since 2018), else the one the body's seat names
            office = (holder.office if holder and holder.office else None) or body.seat
            seats.append(
                Seat(m.state, office, person, m.status is MembershipStatus.SUSPENDED,
                     m.status is MembershipStatus.NOT_TAKING_PART,
                     standing_on(org, m.state, day))
            )
    officials = tuple(
        PostHolder(post.key, a.person, a.state)
        for post in org.posts.values()
        if post.body == body_key
        for a in post.appointments
        if a.term.contains(day)
    )
    observers = tuple(o.name for o in body.observers if o.term.contains(day)) if exists else ()
    return Composition(
        body=body_key,
        day=day,
        exists=exists,
        seats=tuple(seats),
        officials=officials,
        attendees=body.attendees,
        observers=observers,
        chair=chair_of(org, body_key, day.year),
    )


def chair_in(body: Body, year: int) -> Chairmanship | None:
    """The chair typed in the dataset for `year` (see `chair_of` for the derived one)."""
    return next((c for c in body.chairs if c.year == year), None)


def chair_of(org: Organization, body_key: str, year: int) -> Chairmanship | None:
    """The chair of `year`: derived by the rotation rule where the body rotates its chair,
    otherwise as typed in the dataset."""
    from phalanx.domain import rotation

    body = org.bodies[body_key]
    if body.chair_rotation:
        return rotation.chair(org, body_key, year)
    return chair_in(body, year)


def standing_on(org: Organization, state: str, day: date) -> Standing:
    """Who has a say on `day`: SUSPENDED, NOT_PARTICIPATING (a member not taking part),
    IN_ARREARS (the two-year rule of `contributions.py`, or a period the dataset's
    setting `in_arrears` lists), or FULL. A state that is not a member on `day` has no
    standing: ValueError."""
    from phalanx.domain import contributions

    status = status_on(org, state, day)
    if status is MembershipStatus.SUSPENDED:
        return Standing.SUSPENDED
    if status is MembershipStatus.NOT_TAKING_PART:
        return Standing.NOT_PARTICIPATING
    if status is not MembershipStatus.MEMBER:
        raise ValueError(f"{state} is not a member on {day.isoformat()}")
    if contributions.in_arrears(org, state, day):
        return Standing.IN_ARREARS
    return Standing.FULL


def objects_aside(org: Organization, state: str, day: date) -> bool:
    """Whether a member not taking part in the work may still formally object on `day`
    (`consensus.py`): standing aside is its own declaration, not a suspension by the
    Council, so it keeps its right to object, unless arrears have cost it the vote (the
    two-year rule of `contributions.py`)."""
    from phalanx.domain import contributions

    return (status_on(org, state, day) is MembershipStatus.NOT_TAKING_PART
            and not contributions.in_arrears(org, state, day))


def bound_by_founding(org: Organization, state: str, day: date) -> bool:
    founding = org.agreements.get(org.founding_agreement)
    return founding is not None and state in parties_bound(founding, day)


def holder_on(org: Organization, post_key: str, day: date) -> PostHolder | None:
    post = org.posts[post_key]
    for a in post.appointments:
        if a.term.contains(day):
            return PostHolder(post.key, a.person, a.state)
    return None


def check(org: Organization) -> list[Problem]:
    """Every inconsistency of the organization (see `consistency.py`)."""
    from phalanx.domain.consistency import check as run

    return run(org)

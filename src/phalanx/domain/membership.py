"""Who was a member, bound by what, sitting where, on a given date.

Membership is derived from a state's events in date order by a small state machine:

    (none) --sign--> signatory --join--> member <--resume-- suspended
    (none) --join--> member --suspend--> suspended
    member / suspended / signatory --withdraw--> (none)      (and may join again)

`check` returns every inconsistency of an organization as `Problem`s whose `path`
names the place in the organization's structure (the dataset file mirrors it), so a
loader can point at the exact line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

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


@dataclass(frozen=True)
class Membership:
    state: str
    status: MembershipStatus
    since: date  # start of the current continuous membership (suspension included)


_TRANSITIONS: dict[tuple[MembershipStatus | None, EventKind], MembershipStatus | None] = {
    (None, EventKind.SIGN): MembershipStatus.SIGNATORY,
    (None, EventKind.JOIN): MembershipStatus.MEMBER,
    (MembershipStatus.SIGNATORY, EventKind.JOIN): MembershipStatus.MEMBER,
    (MembershipStatus.SIGNATORY, EventKind.WITHDRAW): None,
    (MembershipStatus.MEMBER, EventKind.SUSPEND): MembershipStatus.SUSPENDED,
    (MembershipStatus.MEMBER, EventKind.WITHDRAW): None,
    (MembershipStatus.SUSPENDED, EventKind.RESUME): MembershipStatus.MEMBER,
    (MembershipStatus.SUSPENDED, EventKind.WITHDRAW): None,
}


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
    by_state: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for i, ev in enumerate(org.membership):
        by_state[ev.state].append((ev.on, i))
    stints: dict[str, list[Stint]] = {}
    for state, items in by_state.items():
        status: MembershipStatus | None = None
        since: date | None = None
        fresh = False
        out: list[Stint] = []
        for on, i in sorted(items):
            kind = org.membership[i].kind
            nxt = _TRANSITIONS.get((status, kind), "refused")
            if nxt == "refused":
                problems.append(Problem(("membership", i, "event"), _refusal(status, kind, since)))
                continue
            if status is not None and since is not None:
                out.append(Stint(state, status, Period(since, on), fresh))
            fresh = status is None or status is MembershipStatus.SIGNATORY
            status, since = nxt, on  # type: ignore[assignment]
        if status is not None and since is not None:
            out.append(Stint(state, status, Period(since, None), fresh))
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
            person = next(
                (h.person for h in body.seat_holders
                 if h.state == m.state and h.term.contains(day)),
                None,
            )
            seats.append(
                Seat(m.state, body.seat, person, m.status is MembershipStatus.SUSPENDED)
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
        chair=chair_in(body, day.year),
    )


def chair_in(body: Body, year: int) -> Chairmanship | None:
    return next((c for c in body.chairs if c.year == year), None)


def holder_on(org: Organization, post_key: str, day: date) -> PostHolder | None:
    post = org.posts[post_key]
    for a in post.appointments:
        if a.term.contains(day):
            return PostHolder(post.key, a.person, a.state)
    return None


# --- consistency ---------------------------------------------------------------------


def _periods(
    items: Iterable[tuple[Path, Period]], what: str, problems: list[Problem]
) -> None:
    seen: list[tuple[Path, Period]] = []
    for path, period in items:
        if period.start and period.end and period.end <= period.start:
            problems.append(Problem((*path, "until"), "ends before it starts"))
            continue
        for other_path, other in seen:
            if period.overlaps(other):
                where = ".".join(str(p) for p in other_path)
                problems.append(Problem(path, f"{what} overlaps the one at {where}"))
                break
        seen.append((path, period))


def check(org: Organization) -> list[Problem]:
    """Every inconsistency of the organization, each with the place it is found."""
    problems: list[Problem] = []
    states = org.states

    def need_state(path: Path, code: str | None) -> None:
        if code is not None and code not in states:
            problems.append(Problem(path, f"unknown state code {code!r}"))

    founding = org.agreements.get(org.founding_agreement)
    if founding is None:
        problems.append(
            Problem(("organization", "founding_agreement"),
                    f"unknown agreement {org.founding_agreement!r}")
        )

    for i, (key, ag) in enumerate(org.agreements.items()):
        if ag.in_force and ag.in_force < ag.signed:
            problems.append(Problem(("agreements", i, "in_force"), "in force before it is signed"))
        for j, p in enumerate(ag.parties):
            path: Path = ("agreements", i, "parties", j)
            need_state((*path, "state"), p.state)
            if p.signed and p.signed < ag.signed:
                problems.append(
                    Problem((*path, "signed"), f"signed before {key} itself ({ag.signed})")
                )
            if p.bound.start and p.bound.end and p.bound.end <= p.bound.start:
                problems.append(Problem((*path, "bound_until"), "ends before it starts"))
        dup: dict[str, int] = {}
        for j, p in enumerate(ag.parties):
            if p.state in dup:
                problems.append(
                    Problem(("agreements", i, "parties", j, "state"),
                            f"{p.state} is listed twice (first at parties.{dup[p.state]})")
                )
            dup.setdefault(p.state, j)

    for i, ev in enumerate(org.membership):
        need_state(("membership", i, "state"), ev.state)
        if ev.agreement is not None and ev.agreement not in org.agreements:
            problems.append(Problem(("membership", i, "agreement"),
                                    f"unknown agreement {ev.agreement!r}"))
        if founding is not None and ev.on < founding.signed:
            problems.append(
                Problem(("membership", i, "on"),
                        f"{ev.on} is before the treaty exists ({founding.key} signed "
                        f"{founding.signed})")
            )
    problems.extend(timeline(org)[1])

    for i, body in enumerate(org.bodies.values()):
        base: Path = ("bodies", i)
        if body.parent is not None and body.parent not in org.bodies:
            problems.append(Problem((*base, "parent"), f"unknown body {body.parent!r}"))
        if body.seat is not None and body.seat not in org.offices:
            problems.append(Problem((*base, "seat"), f"unknown office {body.seat!r}"))
        for j, h in enumerate(body.seat_holders):
            need_state((*base, "seat_holders", j, "state"), h.state)
        by_state: dict[str, list[tuple[Path, Period]]] = defaultdict(list)
        for j, h in enumerate(body.seat_holders):
            by_state[h.state].append(((*base, "seat_holders", j), h.term))
        for items in by_state.values():
            _periods(items, "term", problems)
        years: dict[int, int] = {}
        for j, c in enumerate(body.chairs):
            need_state((*base, "chairs", j, "state"), c.state)
            if c.year in years:
                problems.append(Problem((*base, "chairs", j, "year"),
                                        f"{c.year} already has a chair "
                                        f"(chairs.{years[c.year]})"))
            years.setdefault(c.year, j)
        for j, o in enumerate(body.observers):
            need_state((*base, "observers", j, "state"), o.state)

    for i, entry in enumerate(org.settings.get("in_arrears", []) or []):
        need_state(("organization", "settings", "in_arrears", i, "state"), entry.get("state"))

    for i, cat in enumerate(org.crisis_categories.values()):
        for j, body in enumerate(cat.convene):
            if body not in org.bodies:
                problems.append(Problem(("crisis_categories", i, "convene", j),
                                        f"unknown body {body!r}"))

    for i, op in enumerate(org.operations.values()):
        for state in op.get("agencies", {}):
            need_state(("operations", i, "agencies", state), state)
        if op.get("led_by") and op["led_by"] not in org.bodies:
            problems.append(Problem(("operations", i, "led_by"),
                                    f"unknown body {op['led_by']!r}"))
        for j, st in enumerate(op.get("stages", [])):
            if st["end"] < st["start"]:
                problems.append(Problem(("operations", i, "stages", j, "end"),
                                        "ends before it starts"))

    if org.forces:
        from phalanx.domain.forces.registry import registry_problems

        problems += [Problem(path, message)
                     for path, message in registry_problems(org.forces, org.states)]

    for i, h in enumerate(org.historical_counts):
        if h.body is not None and h.body not in org.bodies:
            problems.append(Problem(("historical_counts", i, "body"), f"unknown body {h.body!r}"))

    for i, post in enumerate(org.posts.values()):
        if post.body is not None and post.body not in org.bodies:
            problems.append(Problem(("posts", i, "body"), f"unknown body {post.body!r}"))
        for j, a in enumerate(post.appointments):
            need_state(("posts", i, "appointments", j, "state"), a.state)
        _periods(
            ((("posts", i, "appointments", j), a.term) for j, a in enumerate(post.appointments)),
            "appointment",
            problems,
        )
    return problems

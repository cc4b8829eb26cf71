"""The chair's yearly rotation and the terms of rotating posts, derived, not typed.

Chair (a body with `chair_rotation`): DOMAIN.md §7, "the chair is the head of state
hosting the regular session unless the Council decides otherwise; in practice it runs
by calendar year", in the Russian alphabetical order of the members (public: CSTO
statements on the chairmanship). The rule as coded:

- The first chair the dataset records for the body is where the derivation starts.
- Each following year's chair is the next state, in the alphabetical order of the
  states' Russian names (setting `rotation_order_language`, default "ru"), after the
  previous year's chair, among the members in good standing on 1 January of that year:
  full standing (`membership.standing_on`), so not suspended, not taking part and not
  in arrears (who is passed over: setting, no text found).
- A Council decision may depart from the rule for a year (`exception` in the dataset,
  naming the decision); the rotation then continues from that year's chair.
- A typed chair that is not the rule's, without an exception, is an error; so is an
  exception or a first chair that is not a member in good standing.

Posts with terms (`terms_from`, `term_years`; the CSTO's Secretary General: three
years from 1 January, public statements): the term containing a day, the holder
(acting holders marked, outside the rotation), and the next term with the state next
in the same order after the current term's state among the members in good standing.
An appointment (not acting) that runs past the end of its term is an error; one made by
a decision after loading ends with its term, and names the term's state unless the
decision says it departs from the rotation (`term_state`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from phalanx.domain.decisions.consensus import Standing
from phalanx.domain.organization import Appointment, Chairmanship, Organization, Period, Post


def order(org: Organization) -> list[str]:
    """Every state of the organization in the rotation's alphabetical order."""
    lang = org.settings.get("rotation_order_language", "ru")
    return sorted(org.states, key=lambda c: (org.states[c].name.get(lang).replace("ё", "е"),
                                             c))


def in_good_standing(org: Organization, state: str, day: date) -> bool:
    from phalanx.domain.membership import standing_on

    try:
        return standing_on(org, state, day) is Standing.FULL
    except ValueError:  # not a member
        return False


def next_after(org: Organization, previous: str, day: date) -> str | None:
    """The state after `previous` in the order, among members in good standing on `day`."""
    states = order(org)
    start = states.index(previous) if previous in states else -1
    for k in range(1, len(states) + 1):
        candidate = states[(start + k) % len(states)]
        if in_good_standing(org, candidate, day):
            return candidate
    return None


def _person(org: Organization, body_key: str, state: str, year: int) -> str:
    body = org.bodies[body_key]
    for h in body.seat_holders:
        if h.state == state and h.term.overlaps(Period(date(year, 1, 1), date(year + 1, 1, 1))):
            return h.person
    return ""


def chairs(org: Organization, body_key: str, until: int) -> dict[int, Chairmanship]:
    """The chair of every year from the first recorded one to `until`."""
    body = org.bodies[body_key]
    typed = {c.year: c for c in body.chairs}
    if not typed:
        return {}
    first = min(typed)
    out = {first: typed[first]}
    previous = typed[first].state
    for year in range(first + 1, until + 1):
        t = typed.get(year)
        if t is not None and t.exception:
            state: str | None = t.state
        else:
            state = next_after(org, previous, date(year, 1, 1))
        if state is None:
            break
        if t is not None and t.state == state:
            out[year] = t
        else:
            out[year] = Chairmanship(year, state, _person(org, body_key, state, year),
                                     "derived: rotation rule")
        previous = state
    return out


def chair(org: Organization, body_key: str, year: int) -> Chairmanship | None:
    return chairs(org, body_key, year).get(year)


def _chair_problems(org: Organization) -> list:
    from phalanx.domain.membership import Problem

    out = []
    for i, body in enumerate(org.bodies.values()):
        if not body.chair_rotation or not body.chairs:
            continue
        ordered = sorted(enumerate(body.chairs), key=lambda x: x[1].year)
        previous: str | None = None
        for j, c in ordered:
            path = ("bodies", i, "chairs", j, "state")
            if c.state not in org.states:
                break  # reported as an unknown state
            jan1 = date(c.year, 1, 1)
            if previous is None or c.exception:
                if not in_good_standing(org, c.state, jan1):
                    out.append(Problem(path, f"{c.state} is not a member in good standing on "
                                             f"{jan1} and cannot chair in {c.year}"))
                    break
            else:
                expected = chairs(org, body.key, c.year).get(c.year)
                if expected is None or expected.state != c.state:
                    rule = expected.state if expected else "no member"
                    why = ("not a member in good standing on " + str(jan1)
                           if not in_good_standing(org, c.state, jan1) else "out of turn")
                    out.append(Problem(path, f"{c.state} as chair in {c.year} breaks the "
                                             f"rotation ({why}): the rule gives {rule}; "
                                             f"record the Council decision as `exception` "
                                             f"to depart from it"))
                    break
            previous = c.state
    return out


# --- posts with terms --------------------------------------------------------------------


def term_of(post: Post, day: date) -> Period | None:
    if post.terms_from is None or not post.term_years or day < post.terms_from:
        return None
    k = (day.year - post.terms_from.year) // post.term_years
    start = post.terms_from.replace(year=post.terms_from.year + k * post.term_years)
    if start > day:
        start = start.replace(year=start.year - post.term_years)
    return Period(start, start.replace(year=start.year + post.term_years))


@dataclass(frozen=True)
class PostTerm:
    post: str
    day: date
    holder: Appointment | None
    term: Period | None
    term_state: str | None  # the state whose term it is (the non-acting holder's)
    next_start: date | None
    next_state: str | None


def held(post: Post, a: Appointment) -> Period:
    """When `a` holds the post: a titular appointment with no end recorded holds it to
    the end of the term it starts in (a term's holder is appointed for that term)."""
    if a.acting or a.term.end is not None or a.term.start is None:
        return a.term
    term = term_of(post, a.term.start)
    return a.term if term is None else Period(a.term.start, term.end)


def post_term(org: Organization, post_key: str, day: date) -> PostTerm:
    post = org.posts[post_key]
    holder = next((a for a in post.appointments if held(post, a).contains(day)), None)
    term = term_of(post, day)
    state = None
    if term is not None:
        titular = [a for a in post.appointments
                   if not a.acting and held(post, a).overlaps(term)]
        # the term is the state's appointed for it first: a replacement later in the
        # term, even out of the rotation, does not move the rotation on
        state = min(titular, key=lambda a: a.term.start or term.start).state \
            if titular else None
    nxt = term.end if term else None
    nxt_state = next_after(org, state, nxt) if (state and nxt) else None
    return PostTerm(post.key, day, holder, term, state, nxt, nxt_state)


def _post_problems(org: Organization) -> list:
    from phalanx.domain.membership import Problem

    out = []
    for i, post in enumerate(org.posts.values()):
        for j, a in enumerate(post.appointments):
            if a.acting or a.term.start is None or a.term.end is None:
                continue
            term = term_of(post, a.term.start)
            if term is not None and term.end is not None and a.term.end > term.end:
                out.append(Problem(("posts", i, "appointments", j, "until"),
                                   f"runs past the end of its term ({term.end}); terms of "
                                   f"{post.term_years} years from {post.terms_from}"))
    return out


def problems(org: Organization) -> list:
    return _chair_problems(org) + _post_problems(org)


def term_state(org: Organization, post_key: str, day: date) -> str | None:
    """The state whose term of the post contains `day`: that of the term's titular
    holder, or, before one is appointed, the next in the rotation after the previous
    term's (None where the post has no terms or the rotation cannot tell)."""
    post = org.posts[post_key]
    term = term_of(post, day)
    if term is None or term.start is None:
        return None
    now = post_term(org, post_key, day)
    if now.term_state is not None:
        return now.term_state
    before = post_term(org, post_key, term.start.replace(day=1) - timedelta(days=1))
    return before.next_state


def appoint(post: Post, new: Appointment) -> Post:
    """The post after `new` takes it from its start: a holder whose term covers that
    day leaves it then (an appointment by decision updates the post). A titular
    appointment to a post with terms holds it to the end of the term it starts in."""
    start = new.term.start
    new = replace(new, term=held(post, new))
    kept = []
    for a in post.appointments:
        if start is not None and a.term.contains(start):
            if a.term.start == start:
                continue  # replaced from its first day
            a = replace(a, term=Period(a.term.start, start))
        elif start is not None and a.term.start is not None and a.term.start > start:
            continue  # a later appointment recorded before this one is superseded
        kept.append(a)
    return replace(post, appointments=(*kept, new))


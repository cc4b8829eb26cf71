"""Dataset consistency: every inconsistency of an organization, each with the place
(path) it is found, so a loader can point at the exact line. The rules checked are those
of `membership.py` (events, party periods, bound members), `contributions.py` (the
ledger), `rotation.py` (chairs and terms), and the references between sections (a body
does not exist before its parent, an observer not before its body)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from phalanx.domain.leaving import undecidable
from phalanx.domain.membership import (
    _M,
    _N,
    _S,
    Path,
    Problem,
    bound_by_founding,
    timeline,
)
from phalanx.domain.organization import EventKind, Organization, Period


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
        if ag.modifies is not None:
            target = org.agreements.get(ag.modifies)
            if target is None:
                problems.append(Problem(("agreements", i, "modifies", "agreement"),
                                        f"unknown agreement {ag.modifies!r}"))
            elif target.signed > ag.signed or target.key == key:
                problems.append(Problem(
                    ("agreements", i, "modifies", "agreement"),
                    f"{ag.modifies} was signed on {target.signed}, after this agreement "
                    f"({ag.signed}): an agreement modifies only an earlier one"))
        for j, p in enumerate(ag.parties):
            path: Path = ("agreements", i, "parties", j)
            need_state((*path, "state"), p.state)
            if p.signed and p.signed < ag.signed:
                problems.append(
                    Problem((*path, "signed"), f"signed before {key} itself ({ag.signed})")
                )
            if p.bound.start and p.bound.end and p.bound.end <= p.bound.start:
                problems.append(Problem((*path, "bound_until"), "ends before it starts"))
            if p.bound.start and ag.in_force and p.bound.start < ag.in_force:
                # `bound_from` is the entry into force for the state: not before the
                # agreement's own
                problems.append(Problem((*path, "bound_from"),
                                        f"bound before {key} is in force ({ag.in_force})"))
        rows: dict[str, list[tuple[Path, Period]]] = defaultdict(list)
        for j, p in enumerate(ag.parties):
            if p.bound.start is None:  # not bound: one such row per state
                if any(q.state == p.state for q in ag.parties[:j]):
                    problems.append(Problem(("agreements", i, "parties", j, "state"),
                                            f"{p.state} is listed twice"))
                continue
            rows[p.state].append((("agreements", i, "parties", j), p.bound))
        for items in rows.values():
            _periods(items, "period bound", problems)

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
    stints, found = timeline(org)
    problems.extend(found)
    if any(e.kind is EventKind.EXPEL for e in org.membership) and not org.settings.get(
            "expulsion_allowed"):
        i = next(i for i, e in enumerate(org.membership) if e.kind is EventKind.EXPEL)
        problems.append(Problem(("membership", i, "event"),
                                "this organization's rules do not provide for expulsion "
                                "(setting expulsion_allowed)"))
    if founding is not None and founding.parties:
        for state, items in stints.items():
            for st in items:
                if st.status not in (_M, _N, _S) or st.period.start is None:
                    continue
                ends = [p.bound.end for p in founding.parties if p.state == state
                        and p.bound.end and st.period.contains(p.bound.end)]
                for day in [st.period.start, *ends]:
                    if not bound_by_founding(org, state, day):
                        where = ("membership", st.event, "on") if st.event is not None else (
                            "agreements", list(org.agreements).index(founding.key), "parties")
                        problems.append(Problem(where, f"{state} is a member on {day} but "
                                                f"not bound by {founding.key} that day"))
                        break

    for i, body in enumerate(org.bodies.values()):
        base: Path = ("bodies", i)
        if body.parent is not None and body.parent not in org.bodies:
            problems.append(Problem((*base, "parent"), f"unknown body {body.parent!r}"))
        elif body.parent is not None:
            parent = org.bodies[body.parent].existence
            if parent.start and (body.existence.start is None
                                 or body.existence.start < parent.start):
                problems.append(Problem((*base, "established"),
                                        f"exists before its parent {body.parent} "
                                        f"(established {parent.start})"))
        if body.seat is not None and body.seat not in org.offices:
            problems.append(Problem((*base, "seat"), f"unknown office {body.seat!r}"))
        for j, h in enumerate(body.seat_holders):
            need_state((*base, "seat_holders", j, "state"), h.state)
            if h.office is not None and h.office not in org.offices:
                problems.append(Problem((*base, "seat_holders", j, "office"),
                                        f"unknown office {h.office!r}"))
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
            if o.term.start and body.existence.start and o.term.start < body.existence.start:
                problems.append(Problem((*base, "observers", j, "from"),
                                        f"observer before the body exists "
                                        f"({body.existence.start})"))

    questions = {q for b in org.bodies.values() for q in b.rules.get("decision_rules", {})}
    for question in undecidable(questions, bool(org.settings.get("expulsion_allowed"))):
        where: Path = (("organization", "settings", "expulsion_allowed")
                       if question == "expulsion" else
                       ("bodies", next(i for i, b in enumerate(org.bodies.values())
                                       if "suspension" in b.rules.get("decision_rules", {})),
                        "decision_rules", "suspension"))
        problems.append(Problem(where, f"no body decides {question!r} questions: the "
                                       "Council's act could never be recorded (give a body "
                                       "a rule for it)"))

    for i, entry in enumerate(org.settings.get("in_arrears", []) or []):
        need_state(("organization", "settings", "in_arrears", i, "state"), entry.get("state"))

    from phalanx.domain import contributions, rotation

    problems += contributions.problems(org) + rotation.problems(org)

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

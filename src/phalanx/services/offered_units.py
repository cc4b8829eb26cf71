"""Offers of units that name the registry: which units an offer may name, and what an
accepted offer makes available to the planner.

An offer of kind `units` names registry units of the offering state (`units`), or a
strength of a capability (`capability`, `strength`). It is refused when a unit is not in
the registry, belongs to another state, is withdrawn, or is of a formation the crisis's
decision does not authorize (its formations, and its contributing states when it names
them; before a decision is linked: the formations of the crisis's chosen military
measures, `measure_formations`, when measures are chosen).

The rule: **an accepted offer is its state's consent for the units it names** (Charter
art. 5: participation is the state's own act, and offering is such an act). The planner
adds them to whatever the state answered otherwise ("some" gains them; "none" becomes
"some" with them; "all" already has them). An offer of a strength of a capability makes
the offering state's units of that capability available, in registry order, until their
strength reaches the offered strength.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, select

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.crisis import authority
from phalanx.domain.crisis.workflow import MILITARY, Measure
from phalanx.domain.forces.registry import Consent, Scope
from phalanx.services import organization as orgs


def _units(conn: Connection) -> dict[str, Any]:
    return {r.key: r for r in conn.execute(access.select_visible(t.force_unit, SYSTEM)
                                           .order_by(t.force_unit.c.position))}


# in place of the key of a registry unit the reader may not see, where a text names units
# by their keys (a page shows it as "a restricted unit", as it shows any key it cannot name)
RESTRICTED = "restricted"
UNNAMED_DECISION = "the crisis's decision"  # a decision the reader may not see, unnamed


def authorization(conn: Connection, row: Any, actor: Principal = SYSTEM
                  ) -> authority.Authorization | None:
    """What the crisis's linked decision authorizes (None if no decision is linked), named
    by its number where `actor` may read the decision."""
    if row.decision_id is None:
        return None
    d = conn.execute(access.select_visible(t.decision, SYSTEM).where(
        t.decision.c.id == row.decision_id)).first()
    if d is None:
        return None
    seen = actor.role is Role.SYSTEM or conn.execute(access.select_visible(
        t.decision, actor, t.decision.c.id).where(t.decision.c.id == d.id)).first() is not None
    return authority.Authorization(
        d.number if seen else UNNAMED_DECISION, frozenset(Measure(m) for m in row.authorizes),
        frozenset(d.formations), frozenset(d.contributing_states))


def _unauthorized(conn: Connection, row: Any, units: Iterable[Any],
                  actor: Principal = SYSTEM) -> dict[str, str]:
    """The units that the crisis's decision (or, before one is linked, its chosen military
    measures) does not let take part, with the reason (naming the decision only where
    `actor` may read it)."""
    org = orgs.organization(conn)
    measure_formations = org.settings.get("measure_formations", {})
    auth = authorization(conn, row, actor)
    if auth is None:
        chosen = [Measure(m) for m in row.measures if Measure(m) in MILITARY]
        if not chosen:
            return {}
        auth = authority.Authorization("the chosen measures", frozenset(chosen),
                                       frozenset(), frozenset())
    return authority.unauthorized_units(((u.key, u.state_code, u.formation) for u in units),
                                        auth, measure_formations)


def check(conn: Connection, row: Any, state: str, keys: list[str], capability: str | None,
          strength: int | None, actor: Principal = SYSTEM) -> tuple[int, list[str]]:
    """The strength an offer of units amounts to, and why it may not be made (empty: it
    may). A unit `actor` may not see is not in the registry for it, as its page says, and
    a decision it may not read is not named."""
    seen = set(names(conn, None, actor))
    registry = {k: u for k, u in _units(conn).items() if k in seen}
    problems: list[str] = []
    if keys and (capability or strength):
        problems.append("name units, or a strength of a capability, not both")
    if not keys and not (capability and strength):
        problems.append("an offer of units names registry units, or a capability with a "
                        "strength")
    named = []
    for key in dict.fromkeys(keys):
        u = registry.get(key)
        if u is None:
            problems.append(f"{key}: not in the registry")
        elif u.state_code != state:
            problems.append(f"{key} belongs to {u.state_code}, which alone may offer it")
        elif u.withdrawn:
            problems.append(f"{key} is withdrawn from the registry's use")
        else:
            named.append(u)
    if capability and strength:
        of_kind = [u for u in registry.values() if u.state_code == state
                   and u.capability == capability and not u.withdrawn]
        bad = _unauthorized(conn, row, of_kind, actor)
        named = [u for u in of_kind if u.key not in bad]
        if not named:
            problems.append(f"{state} has no {capability} unit in the registry that may "
                            "take part" + (f" ({next(iter(bad.values()))})" if bad else ""))
        elif sum(u.strength for u in named) < strength:
            problems.append(f"{state}'s {capability} units that may take part number "
                            f"{sum(u.strength for u in named)}, less than {strength}")
    else:
        problems += [f"{key}: {why}"
                     for key, why in sorted(_unauthorized(conn, row, named, actor).items())]
    total = strength if capability and strength else sum(u.strength for u in named)
    return total, problems


def resolve(registry: dict[str, Any], state: str, capability: str | None,
            strength: int | None) -> list[str]:
    """The unit keys an offer of a strength of a capability makes available: the state's
    units of that capability in `registry` order until their strength reaches it."""
    out: list[str] = []
    total = 0
    for u in registry.values():
        if total >= (strength or 0):
            break
        if u.state_code == state and u.capability == capability and not u.withdrawn:
            out.append(u.key)
            total += u.strength
    return out


def accepted(conn: Connection, row: Any) -> dict[str, set[str]]:
    """Per state, the units its accepted offers for the crisis make available (for a
    strength of a capability: the units that may take part, in registry order)."""
    crisis_id = row.id
    every = _units(conn)
    bad = _unauthorized(conn, row, every.values())
    registry = {k: u for k, u in every.items() if k not in bad}
    out: dict[str, set[str]] = {}
    for o in conn.execute(select(t.assistance_offer).join(
            t.assistance_request, t.assistance_request.c.id == t.assistance_offer.c.request_id)
            .where(t.assistance_request.c.crisis_id == crisis_id,
                   t.assistance_offer.c.kind == "units",
                   t.assistance_offer.c.status == "accepted")
            .order_by(t.assistance_offer.c.id)):
        keys = (list(o.units) if o.units else
                resolve(registry, o.state_code, o.capability, o.strength))
        if keys:
            out.setdefault(o.state_code, set()).update(keys)
    return out


def with_offers(consents: list[Consent], offered: dict[str, set[str]]) -> list[Consent]:
    """The consents, each state's accepted offered units added (the rule above)."""
    out = []
    seen = set()
    for c in consents:
        seen.add(c.state)
        extra = offered.get(c.state, set())
        if not extra or c.scope is Scope.ALL:
            out.append(c)
        else:
            units = (c.units if c.scope is Scope.SOME else frozenset()) | extra
            out.append(Consent(c.state, Scope.SOME, frozenset(units), c.conditions,
                               c.conditions_accepted))
    for state, keys in sorted(offered.items()):
        if state not in seen and keys:
            out.append(Consent(state, Scope.SOME, frozenset(keys)))
    return out


def names(conn: Connection, keys: Iterable[str] | None, actor: Principal | None
          ) -> dict[str, str]:
    """The names of the units among `keys` (all, with None) that `actor` may see; the
    others have none, and a page does not show their keys either."""
    wanted = None if keys is None else set(keys)
    if wanted == set() or actor is None:
        return {}
    stmt = access.select_visible(t.force_unit, actor, t.force_unit.c.key, t.force_unit.c.name)
    if wanted is not None:
        stmt = stmt.where(t.force_unit.c.key.in_(wanted))
    return {r.key: r.name for r in conn.execute(stmt)}


def hidden(conn: Connection, actor: Principal | None) -> frozenset[str]:
    """The keys of the registry units `actor` may not see (all of them without one)."""
    if actor is None:
        return frozenset(r.key for r in conn.execute(access.select_visible(
            t.force_unit, SYSTEM, t.force_unit.c.key)))
    return access.hidden_units(conn, actor)


# the markings whose records every reader of a crisis may read: a unit marked otherwise
# (NATIONAL, or PARTICIPANTS) is kept from some of them, and so is its registry strength
OPEN_MARKINGS = ("PUBLIC", "ORGANIZATION")
UNSTATED = ("state the quantity offered: a unit named is kept from some readers of the "
            "crisis, and its strength reaches them only as its state states it")


def kept(conn: Connection, keys: Iterable[str]) -> list[str]:
    """The units of `keys` that some reader of a crisis may not read (marked other than
    PUBLIC or ORGANIZATION): an offer naming one states its quantity itself, since the
    offer's quantity is shown to every reader of the crisis (Charter art. 5: what a state
    discloses of its forces is its own act)."""
    keys = list(keys)
    if not keys:
        return []
    return [r.key for r in conn.execute(access.select_visible(
        t.force_unit, SYSTEM, t.force_unit.c.key).where(
        t.force_unit.c.key.in_(keys), t.force_unit.c.marking.not_in(OPEN_MARKINGS)))]


def is_hidden(key: str, keys: frozenset[str]) -> bool:
    """Whether the unit (or the part of a unit, `key#2`) `key` is one of `keys`, the units
    a reader may not see (`hidden`)."""
    return key.partition("#")[0] in keys


def masked(text: str, keys: frozenset[str]) -> str:
    """`text` (a timeline entry or a planner's line naming units, or parts of units, by
    their keys) with each of `keys` (units the reader may not see) replaced by
    `RESTRICTED`."""
    if not keys:
        return text
    return re.sub(r"[^\s,();:]+", lambda m: RESTRICTED if is_hidden(m.group(0), keys)
                  else m.group(0), text)

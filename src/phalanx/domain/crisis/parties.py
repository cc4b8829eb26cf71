"""The other party a crisis's report names, and a dispute between members.

A report may name the state or states it holds to be the source of the aggression or
threat (`other_parties`): the accused state, beside the affected ones who report. Where one
of them is a member of the Organization on the day of the report, the crisis is a dispute
between members (Kyrgyzstan and Tajikistan, April 2021 and September 2022: each accused
the other; the sources of `data/exercises/kyrgyzstan-tajikistan-2022.yaml`), and:

- The CRRF is not used for it: it "is not to be used to settle bilateral political
  problems between states" (seeds; DOMAIN §3, the use constraint of the CRRF). The rule
  follows from the record of the report, not from a box ticked when the response is
  chosen: a response, a change of it, a unit of the CRRF in a plan are refused, naming the
  members (`dispute_refusal`; `workflow.military_refusals`, `forces/registry.py`).
- Nor is the CRRF used against a neighbouring state (the same use constraint: "nor
  against partners in the CIS or neighbouring states"): where the report names as the
  other party a state that is no member and whose territory borders an affected member's
  (Azerbaijan, named by Armenia in 2020-2022), the CRRF is refused the same way, naming
  the state and its neighbour (`neighbour_refusal`; the border from the country shapes,
  so without them the Secretariat's box "against a CIS partner or neighbour" alone
  decides, as it does for a CIS partner that is no neighbour).
- The member named as the other party owes no answer under art. 4: the obligation is to
  assist the attacked state against the aggression (Treaty art. 4, seeds), and a member is
  not asked to assist against itself (setting: the seeds have no text on aggression by a
  member; the reading is the product's). The other members' lines stand as the Treaty's
  "any state or group of states" reads.
- The forms offer only what the rules allow: the CRRF is not offered among a dispute's
  measures (a response, an official request, a request for assistance; the API still
  refuses a response naming it), and the member named as the other party is not asked
  whether its units take part in the response (setting: the response answers the
  aggression it is accused of; `party_outside`), so it is offered no answer on them.
- A party keeps its say: the Organization decides by consensus of all its members ("if
  one member does not agree, there is no decision": DOMAIN §7), and no text found
  excludes a party to a dispute from it, so a party's objection blocks a decision on its
  own dispute (`decisions/consensus.py` is unchanged).

A state is not both affected and the other party; a named state is a state of the
dataset (a member or not: a non-member aggressor is named too, and only members make a
dispute between members).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from phalanx.domain.crisis.workflow import Measure


def party_problems(affected: Iterable[str], others: Iterable[str],
                   known: Collection[str]) -> list[str]:
    """Why the named other parties cannot stand as given (empty: they can)."""
    affected, others = list(affected), list(others)
    out: list[str] = []
    both = sorted(set(affected) & set(others))
    if both:
        out.append(f"{', '.join(both)} cannot be both affected and the other party")
    unknown = sorted(set(others) - set(known))
    if unknown:
        out.append(f"{', '.join(unknown)}: not a state of the organization's dataset")
    twice = sorted({s for s in others if others.count(s) > 1})
    if twice:
        out.append(f"{', '.join(twice)} named twice as the other party")
    return out


def members_in_dispute(others: Iterable[str], members: Collection[str]) -> list[str]:
    """The named other parties that are members on the day (none: no dispute between
    members)."""
    return sorted({s for s in others if s in members})


def dispute_refusal(affected: Iterable[str], members_named: Iterable[str]) -> str:
    """The words refusing the CRRF in a dispute between members (empty: none)."""
    named = sorted(set(members_named))
    if not named:
        return ""
    sides = sorted(set(affected)) + named
    return (f"the CRRF is not used to settle a bilateral political problem between states: "
            f"the report names {', '.join(named)}, a member, as the other party (a dispute "
            f"between the members {', '.join(sides)})")


def offered_measures(measures: Iterable[str], dispute: str) -> list[str]:
    """Of a crisis category's `measures`, those its forms offer (sorted): the CRRF left
    out where `dispute` (`dispute_refusal`, empty: none, or no CRRF constraint) bars it."""
    return sorted(str(m) for m in measures if not (dispute and m == Measure.MILITARY_CRRF))


def party_outside(state: str) -> str:
    """Why a member named as the other party is not asked whether its units take part in
    the response to the crisis (setting)."""
    return (f"{state} is named as the other party (a dispute between members): its units "
            "take no part in the response")


def neighbour_refusal(neighbours: dict[str, list[str]]) -> str:
    """The words refusing the CRRF against a neighbouring state: `neighbours` maps each
    named other party (no member) to the affected members whose territory it borders
    (empty: none)."""
    named = sorted(s for s, of in neighbours.items() if of)
    if not named:
        return ""
    bordered = sorted({m for s in named for m in neighbours[s]})
    return ("the CRRF is not used against CIS partners or neighbouring states: the report "
            f"names {', '.join(named)}, a neighbouring state (bordering "
            f"{', '.join(bordered)}), as the other party")

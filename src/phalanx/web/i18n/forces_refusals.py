"""Refusals about forces: of an offer of registry units (`services/offered_units.py`) and
of a deployment plan (`services/forces/deployment.py`), and what stands in a decision's
number where a text may not name the decision: the messages and templates
`errors.translate` knows (see `errors`)."""

from __future__ import annotations

from phalanx.web.i18n import N_

# in the place of a decision's number: a decision the reader may not read, or the
# measures chosen before a decision is linked
UNNAMED_DECISIONS = (N_("the crisis's decision"), N_("the chosen measures"))

FORCES_MESSAGES = (
    N_("name units, or a strength of a capability, not both"),
    N_("an offer of units names registry units, or a capability with a strength"),
    # a plan not decided for a crisis planned with it that the decider may not read
    N_("a crisis planned with it, which you may not read, would send forces onto a "
       "member's territory without that member's request: plan again"),
    # a consent's conditions (`services/forces/consent.py`)
    N_("a state's conditions are accepted by the Joint Staff or the Secretariat"),
    N_("a crisis planned with it, which you may not read, would use units its state's "
       "answer does not allow: plan again"),
)

OFFER_TEMPLATES = (
    # a force requirement's place typed on the crisis room's form (`pages/forces.py`)
    N_("'%(place)s' is not a place the dataset knows: choose one of the list, or the "
       "crisis's place (%(crisis_place)s)"),
    # who is asked whether its units take part, and a consent's conditions
    # (`domain/forces/registry.py`, `services/forces/consent.py`)
    N_("%(state)s is not a member of the Organization: its units take no part"),
    N_("%(state)s's participation is suspended: its units take no part"),
    N_("%(state)s takes no part in the Organization's work: its units take no part"),
    N_("%(state)s is named as the other party (a dispute between members): its units take "
       "no part in the response"),
    # (the decision unnamed to a reader that may not read it: before the one naming it)
    N_("%(state)s stayed out of the crisis's decision, a decision in a limited format: its "
       "units take no part in its implementation"),
    N_("%(state)s stayed out of %(number)s, a decision in a limited format: its units take "
       "no part in its implementation"),
    N_("%(state)s made its units available on conditions not yet accepted by the Joint "
       "Staff or the Secretariat: %(conditions)s"),
    # the contradictions of a member's answer (`domain/forces/registry.consent_problems`)
    N_("%(state)s answered twice for this crisis"),
    N_("%(state)s: 'some' names no unit"),
    N_("%(state)s: units are named only with 'some' (the answer is '%(L_scope)s')"),
    N_("%(state)s: unknown unit '%(unit)s'"),
    N_("%(state)s: unit %(unit)s belongs to %(owner)s, which alone may make it available"),
    N_("%(state)s has not answered for crisis %(crisis)s"),
    N_("%(state)s set no conditions for crisis %(crisis)s"),
    N_("%(state)s changed its conditions since you read them: reload"),
    N_("%(state)s's conditions were accepted already, by %(user)s"),
    N_("%(unit)s: not in the registry"),
    N_("%(unit)s belongs to %(state)s, which alone may offer it"),
    # a joint exercise's participant naming another state's unit
    N_("'%(unit)s' is a unit of %(owner)s: %(state)s commits its own formations"),
    N_("%(unit)s is withdrawn from the registry's use"),
    # the unit's formation or state is not what the crisis's decision authorizes
    N_("%(unit)s: %(number)s authorizes %(formations)s, not %(formation)s"),
    N_("%(unit)s: %(number)s names the contributing states %(states)s"),
    N_("%(state)s has no %(capability)s unit in the registry that may take part "
       "(%(problems)s)"),
    N_("%(state)s has no %(capability)s unit in the registry that may take part"),
    N_("%(state)s's %(capability)s units that may take part number %(total)s, less than "
       "%(strength)s"),
    # (a reason of the one above)
    N_("%(number)s authorizes %(formations)s, not %(formation)s"),
    N_("%(number)s names the contributing states %(states)s"),
)

# new entries of the registry and a unit's move (`domain/forces/entries.py`)
REGISTRY_TEMPLATES = (
    N_("only %(state)s's representative or the Joint Staff add %(same)s's units"),
    N_("only %(state)s's representative or the Joint Staff add %(same)s's aircraft"),
    N_("%(state)s is not a member of the Organization: the registry takes none of its "
       "forces"),
    N_("unknown formation %(formation)s"),
    N_("unknown aircraft kind %(type)s (the lift's kinds: %(types)s)"),
    N_("unit %(unit)s is in %(formation)s already"),
    N_("unit %(unit)s is counted for %(formation)s by a decided deployment plan in force: "
       "it leaves it once it is home"),
    # the registry of a past day (`services/forces/registry_history.py`)
    N_("the registry cannot be read on %(day)s: that day is after today (%(last)s)"),
)

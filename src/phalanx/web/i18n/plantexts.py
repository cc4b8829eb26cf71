"""The planner's lines in the reader's language: why each unit was chosen or passed over,
the warnings before a run, and the reasons a unit may not serve a crisis.

The planner and the services write these lines in English (`domain/forces/explain.py`,
`domain/forces/tasks.py`, `domain/forces/registry.py`, `domain/crisis/authority.py`,
`services/forces/problem.py`), and a plan stores them so, with the capabilities', units'
and aircraft's ids. Here each form is matched and written again from its msgid
(`forms`), in English too: numbers with the language's separators, capabilities with
their labels, units and aircraft by their names (when the page gives them), the parts of
a line (a requirement, how a unit travels, a reason) each translated in turn. A line no
form matches shows as it is; a test runs the planner and checks that no line it writes
is left in English.

To translate a new form: add it to `FORMS` with `N_`, run `make i18n` and write its
Russian text in `messages.po`.
"""

from __future__ import annotations

from phalanx.web.i18n import N_
from phalanx.web.i18n.errors import translate as translate_error
from phalanx.web.i18n.forms import NUM as _NUM
from phalanx.web.i18n.forms import translator

# (pattern, msgid): the pattern's groups are the msgid's placeholders; how each shows
# is said by its name's prefix (see `_shown`)
FORMS: tuple[tuple[str, str], ...] = (
    # why a unit was chosen (explain.py)
    (rf"serves (?P<line_req>.+?) \((?P<cap>\w+) (?P<strength>\d+)\) of (?P<line_crisis>.+?): "
     rf"arrives at (?P<num_at>{_NUM}) h (?P<line_how>by ground|by air, .+?), "
     rf"(?P<line_when>in time|{_NUM} h late) \(needed by (?P<num_needed>{_NUM}) h\)",
     N_("serves %(line_req)s (%(cap)s, %(strength)s) of %(line_crisis)s: arrives at "
        "%(num_at)s h %(line_how)s, %(line_when)s (needed by %(num_needed)s h)")),
    (r"by ground", N_("by ground")),
    (r"by air, (?P<sorties>\d+) sortie\(s\) of (?P<aircraft>.+)",
     N_("by air, sorties: %(sorties)s (%(aircraft)s)")),
    (r"in time", N_("in time")),
    (rf"(?P<num_late>{_NUM}) h late", N_("%(num_late)s h late")),
    # why a unit was passed over (explain.py)
    (r"not made available by (?P<state>\w+)", N_("not made available by %(state)s")),
    (r"no requirement asks for (?P<cap>\w+)", N_("no requirement asks for %(cap)s")),
    (r"barred: (?P<reasons>.+)", N_("barred: %(reasons)s")),
    (r"too small: (?P<strength>\d+) where at least (?P<need>\d+) are needed",
     N_("too small: %(strength)s where at least %(need)s are needed")),
    (rf"passed over: (?P<unit>\S+) reaches (?P<line_req>.+?) at (?P<num_at>{_NUM}) h; this "
     rf"unit by ground at (?P<num_ground>{_NUM}) h at the earliest",
     N_("passed over: %(unit)s reaches %(line_req)s at %(num_at)s h; this unit by ground "
        "at %(num_ground)s h at the earliest")),
    (r"passed over: its requirements are covered by faster units",
     N_("passed over: its requirements are covered by faster units")),
    # the parts of a requirement and its crisis (tasks.py, services/forces/planning.py)
    (r"requirement (?P<req>[^,\s]+), (?P<count>\d+) of its (?P<sites>\d+) sites",
     N_("requirement %(req)s, %(count)s of its %(sites)s sites")),
    (r"requirement (?P<req>[^,\s]+), (?P<count>\d+) of its (?P<parts>\d+) parts",
     N_("requirement %(req)s, %(count)s of its %(parts)s parts")),
    (r"requirement (?P<req>[^,\s]+), site (?P<site>\d+) of (?P<sites>\d+), part (?P<part>\d+) "
     r"of (?P<parts>\d+)",
     N_("requirement %(req)s, site %(site)s of %(sites)s, part %(part)s of %(parts)s")),
    (r"requirement (?P<req>[^,\s]+), site (?P<site>\d+) of (?P<sites>\d+)",
     N_("requirement %(req)s, site %(site)s of %(sites)s")),
    (r"requirement (?P<req>[^,\s]+), part (?P<part>\d+) of (?P<parts>\d+)",
     N_("requirement %(req)s, part %(part)s of %(parts)s")),
    (r"requirement (?P<req>[^,\s]+)", N_("requirement %(req)s")),
    (r"crisis (?P<crisis>\d+)", N_("crisis %(crisis)s")),
    # the warnings before a run (explain.py, tasks.py, services/forces/problem.py)
    # (a requirement, or a piece of one: "requirement 8, site 5 of 6", or its id "8.5.1")
    (r"(?P<line_req>requirement .+?) \((?P<cap>\w+) (?P<strength>\d+)\): no unit in the "
     r"registry has that capability and strength",
     N_("%(line_req)s (%(cap)s, %(strength)s): no unit in the registry has that capability "
        "and strength")),
    (r"(?P<line_req>requirement .+?) \((?P<cap>\w+) (?P<strength>\d+)\): no available unit "
     r"can meet it \((?P<reasons>.+)\)",
     N_("%(line_req)s (%(cap)s, %(strength)s): no available unit can meet it (%(reasons)s)")),
    (r"(?P<line_req>requirement .+?) \((?P<cap>\w+) (?P<strength>\d+)\): every available "
     r"unit of that capability is already assigned to the other sites or parts of the "
     r"requirement",
     N_("%(line_req)s (%(cap)s, %(strength)s): every available unit of that capability is "
        "already assigned to the other sites or parts of the requirement")),
    (r"(?P<line_req>requirement .+?) \((?P<cap>\w+) (?P<strength>\d+)\): every available "
     r"unit that could serve it is farther from where aircraft land for it than any "
     r"aircraft flies loaded: by ground only",
     N_("%(line_req)s (%(cap)s, %(strength)s): every available unit that could serve it is "
        "farther from where aircraft land for it than any aircraft flies loaded: by ground "
        "only")),
    # (as plans stored before aircraft landed away from a place without an airfield said it)
    (r"(?P<line_req>requirement .+?) \((?P<cap>\w+) (?P<strength>\d+)\): every available "
     r"unit that could serve it is farther from the place than any aircraft flies loaded: "
     r"by ground only",
     N_("%(line_req)s (%(cap)s, %(strength)s): every available unit that could serve it is "
        "farther from the place than any aircraft flies loaded: by ground only")),
    # (as plans stored before 2026-12 said it, also of a requirement no unit could serve)
    (rf"requirement (?P<req>\S+) at \((?P<lat>{_NUM}), (?P<lon>{_NUM})\) is beyond the range "
     r"of every aircraft from every unit's home: by ground only",
     N_("requirement %(req)s at (%(lat)s, %(lon)s) is beyond the range of every aircraft "
        "from every unit's home: by ground only")),
    (r"requirement (?P<req>\S+): (?P<state>\w+)'s units suffice and serve it",
     N_("requirement %(req)s: the units of %(state)s suffice and serve it")),
    (r"requirement (?P<req>\S+): (?P<state>\w+)'s units do not suffice; open to every "
     r"state's units",
     N_("requirement %(req)s: the units of %(state)s do not suffice; open to every state's "
        "units")),
    (r"requirement (?P<req>\S+): one whole unit of (?P<cap>\w+) (?P<strength>\d+) is asked, "
     r"and this plan moves (?P<cap2>\w+) as parts of units: state it as a strength to be "
     r"covered by parts",
     N_("requirement %(req)s: one whole unit of %(cap)s (%(strength)s) is asked, and this "
        "plan moves %(cap2)s as parts of units: state it as a strength to be covered by "
        "parts")),
    (r"(?P<line_req>requirement .+?) \((?P<cap>\w+) (?P<strength>\d+)\) is left out: "
     r"(?P<reasons>.+)",
     N_("%(line_req)s (%(cap)s, %(strength)s) is left out: %(reasons)s")),
    (r"the country shapes are not installed: whose territory a requirement's place lies on "
     r"is not known, and any affected state's request covers it",
     N_("the country shapes are not installed: whose territory a requirement's place lies "
        "on is not known, and any affected state's request covers it")),
    (r"crisis (?P<crisis>\d+): (?P<reasons>.+)", N_("crisis %(crisis)s: %(reasons)s")),
    # an aircraft another crisis's decided plan holds (services/forces/commitments.py)
    (r"aircraft (?P<aircraft>\S+) is committed to its decided plan until "
     r"(?P<when>\d{4}-\d\d-\d\d \d\d:\d\d): this plan has it from there",
     N_("aircraft %(aircraft)s is committed to its decided plan until %(when)s: this plan "
        "has it from there")),
    (r"no decision authorizing forces is linked yet",
     N_("no decision authorizing forces is linked yet")),
    # why a unit may not serve a crisis (registry.py, authority.py, tasks.py)
    (r"taken by a real operation: a decided deployment plan in force moves or holds it",
     N_("taken by a real operation: a decided deployment plan in force moves or holds it")),
    (r"(?P<count>\d+) unit\(s\) taken by real operations are left out of this exercise's "
     r"plan",
     N_("%(count)s unit(s) taken by real operations are left out of this exercise's plan")),
    (r"withdrawn by (?P<state>\w+)", N_("withdrawn by %(state)s")),
    (r"withdrawn", N_("withdrawn")),
    (r"(?P<state>\w+) is not a member of the Organization: its units take no part",
     N_("%(state)s is not a member of the Organization: its units take no part")),
    (r"(?P<state>\w+)'s participation is suspended: its units take no part",
     N_("%(state)s's participation is suspended: its units take no part")),
    (r"(?P<state>\w+) takes no part in the Organization's work: its units take no part",
     N_("%(state)s takes no part in the Organization's work: its units take no part")),
    (r"(?P<state>\w+) is named as the other party \(a dispute between members\): its units "
     r"take no part in the response",
     N_("%(state)s is named as the other party (a dispute between members): its units take "
        "no part in the response")),
    (r"(?P<state>\w+) stayed out of (?P<number>.+?), a decision in a limited format: its "
     r"units take no part in its implementation",
     N_("%(state)s stayed out of %(number)s, a decision in a limited format: its units take "
        "no part in its implementation")),
    (r"(?P<state>\w+) made its units available on conditions not yet accepted by the Joint "
     r"Staff or the Secretariat: (?P<conditions>.*)",
     N_("%(state)s made its units available on conditions not yet accepted by the Joint "
        "Staff or the Secretariat: %(conditions)s")),
    (r"(?P<state>\w+) has not made its units available for this crisis",
     N_("%(state)s has not made its units available for this crisis")),
    (r"(?P<state>\w+) declined to take part in this crisis",
     N_("%(state)s declined to take part in this crisis")),
    (r"(?P<state>\w+) made other units available, not this one",
     N_("%(state)s made other units available, not this one")),
    (r"certification expired on (?P<day>\d{4}-\d\d-\d\d)",
     N_("certification expired on %(day)s")),
    (r"peacekeepers go outside the members' territory only with a UN mandate",
     N_("peacekeepers go outside the members' territory only with a UN mandate")),
    (r"(?P<number>.+?) authorizes (?P<formations>.+), not (?P<formation>[^,]+)",
     N_("%(number)s authorizes %(formations)s, not %(formation)s")),
    (r"(?P<number>.+?) names the contributing states (?P<states>.+)",
     N_("%(number)s names the contributing states %(states)s")),
    (r"requirement (?P<req>\S+) requires (?P<state>\w+)'s units",
     N_("requirement %(req)s requires the units of %(state)s")),
    (r"requirement (?P<req>\S+) prefers (?P<state>\w+)'s units",
     N_("requirement %(req)s prefers the units of %(state)s")),
    # a unit a plan moves that may no longer serve since (registry.py, `lapsed`)
    (r"(?P<unit>\S+) may no longer serve \((?P<line_reason>.+)\): plan again to replace it",
     N_("%(unit)s may no longer serve (%(line_reason)s): plan again to replace it")),
    (r"(?P<unit>\S+) may no longer serve: plan again to replace it",
     N_("%(unit)s may no longer serve: plan again to replace it")),
    (r"(?P<aircraft>\S+) may no longer fly \((?P<line_reason>.+)\): plan again to replace "
     r"it", N_("%(aircraft)s may no longer fly (%(line_reason)s): plan again to replace it")),
    # the consents' contradictions (registry.py)
    (r"(?P<state>\w+) answered twice for this crisis",
     N_("%(state)s answered twice for this crisis")),
    (r"(?P<state>\w+): 'some' names no unit", N_("%(state)s: 'some' names no unit")),
    (r"(?P<state>\w+): units are named only with 'some' \(the answer is '(?P<L_scope>\w+)'\)",
     N_("%(state)s: units are named only with 'some' (the answer is '%(L_scope)s')")),
    (r"(?P<state>\w+): unknown unit '(?P<unit>[^']+)'",
     N_("%(state)s: unknown unit '%(unit)s'")),
    (r"(?P<state>\w+): unit (?P<unit>\S+) belongs to (?P<owner>\w+), which alone may make "
     r"it available",
     N_("%(state)s: unit %(unit)s belongs to %(owner)s, which alone may make it "
        "available")),
)


# a line of the planner in a language: by its form, else a message the error texts
# know, else as it is
plan_text = translator(FORMS, translate_error, in_english=True)

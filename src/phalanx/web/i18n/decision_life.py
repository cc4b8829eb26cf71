"""Refusals about a decision's life (`domain/decisions/lifecycle.py`,
`services/decisions/lifecycle.py`): what a later decision may do to an earlier one, the
members' notifications, a decision not in force that authorizes nothing; the templates
`errors.translate` knows (see `error_templates`), taken before its "no %(record)s
%(key)s", which would take the first."""

from __future__ import annotations

from phalanx.web.i18n import N_

LIFE_TEMPLATES = (
    N_("no decision numbered %(number)s in the register"),
    N_("decision %(decision)s is not in the register"),
    N_("decision %(decision)s is already repealed by decision %(by)s"),
    N_("decision %(decision)s is already repealed by a decision you may not read"),
    N_("decision %(decision)s was adopted on %(day)s, after this decision (%(since)s): a "
       "decision modifies only an earlier one"),
    N_("decision %(decision)s is of the body %(body)s: a decision of %(by_body)s does not "
       "modify it (only its own body, a body above it or the supreme body does)"),
    N_("decision %(decision)s is a statement: it is neither amended, extended, suspended "
       "nor repealed"),
    N_("decision %(decision)s belongs to an exercise: a decision modifies only one of its "
       "own register"),
    N_("decision %(decision)s belongs to the real register: a decision modifies only one "
       "of its own register"),
    N_("decision %(decision)s binds %(states)s, which this decision does not bind: a "
       "decision in a limited format binds only those taking part and modifies no "
       "decision that binds others; it does so only once they take part in it (a member "
       "staying out withdraws its declaration, one absent is recorded present and states "
       "its position)"),
    N_("a decision you may not read binds members that stay out of this decision: a "
       "decision in a limited format binds only those taking part and modifies no "
       "decision that binds others; it does so only once they take part in it (a member "
       "staying out withdraws its declaration, one absent is recorded present and states "
       "its position)"),
    # the same of a decision the reader may not read (named by no number)
    N_("a decision you may not read is a statement: it is neither amended, extended, "
       "suspended nor repealed"),
    N_("a decision you may not read belongs to an exercise: a decision modifies only "
       "one of its own register"),
    N_("a decision you may not read belongs to the real register: a decision modifies "
       "only one of its own register"),
    N_("a decision you may not read was adopted on %(day)s, after this decision "
       "(%(since)s): a decision modifies only an earlier one"),
    N_("a decision you may not read is of the body %(body)s: a decision of %(by_body)s "
       "does not modify it (only its own body, a body above it or the supreme body "
       "does)"),
    N_("a decision you may not read is already repealed by decision %(by)s"),
    N_("a decision you may not read is already repealed by a decision you may not read"),
    N_("a decision you may not read has no last day to extend"),
    N_("a decision you may not read expired after its last day in force %(last)s: an "
       "expired decision is not extended, a new decision is needed"),
    N_("this extension would enter into force on %(day)s, after the last day "
       "(%(last)s) of a decision you may not read: an expired decision is not extended"),
    N_("the new last day %(day)s is not after the last day (%(last)s) of a decision "
       "you may not read"),
    N_("the decision would bind %(states)s, which may not read the draft: table the "
       "draft again marked for them too, or record absent those not at the session"),
    N_("the decision would bind %(states)s, which may not read the draft: table the "
       "draft again marked for them too"),
    N_("decision %(decision)s has no last day to extend"),
    N_("decision %(decision)s expired after its last day in force %(last)s: an expired "
       "decision is not extended, a new decision is needed"),
    N_("this extension would enter into force on %(day)s, after decision %(decision)s's "
       "last day %(last)s: an expired decision is not extended"),
    N_("decision %(decision)s is not in force on %(day)s (%(in_force_status)s): it "
       "authorizes nothing"),
    N_("the new last day %(day)s is not after decision %(decision)s's last day %(last)s"),
    N_("the last day in force (%(last)s) comes before the entry into force (%(start)s)"),
    N_("a decision is in force only from its adoption: its last day in force (%(last)s) "
       "may not precede %(day)s"),
    N_("decision %(decision)s's last day in force was %(last)s: it ended without entering "
       "into force, and a notification of %(day)s comes after it"),
    N_("decision %(decision)s does not wait for the members' notifications to enter into "
       "force"),
    N_("%(state)s's notification of decision %(decision)s is already recorded (%(day)s)"),
    N_("%(state)s joined decision %(decision)s later (on %(day)s): its entry into force "
       "waits only for the members bound at its adoption"),
    N_("%(state)s is not bound by decision %(decision)s (bound: %(states)s)"),
    N_("a notification is dated between the adoption (%(since)s) and today (%(last)s), "
       "not %(day)s"),
    # a member joining a decision later (`domain/decisions/joining.py`)
    N_("a declaration is made on or after the adoption (%(since)s), not on %(day)s"),
    N_("a declaration is recorded once made: %(day)s is after today (%(last)s)"),
    N_("a state's representative declares in its name on the day it does so (%(last)s), "
       "not on %(day)s: a declaration made earlier is recorded by the Secretariat"),
    N_("the decision has had no effect since %(since)s: no member joins it"),
    N_("%(state)s is already bound by the decision since its adoption"),
    N_("%(state)s already declared on %(day)s that it joins the decision: its record is "
       "closed"),
    N_("%(state)s already declared on %(day)s that it does not join the decision: its "
       "record is closed"),
    N_("%(state)s neither received the decision for consideration nor stood aside from it "
       "in a limited format: it has nothing to join"),
    N_("a note is at most %(count)s characters"),
)

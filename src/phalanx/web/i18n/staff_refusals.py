"""Refusals the organization's staff meet (and a member's representative refused a staff
action): the membership ledger (`services/membership.py`, its rules in
`domain/membership.py` and `domain/leaving.py`), the actions kept to the Secretariat and
the Joint Staff, the exercises and registers (`services/registers`), the CAP feeds
(`services/feeds.py`), users and API tokens (`services/identity.py`, `tokens.py`,
`state_users.py`): the messages and templates `errors.translate` knows (see `errors`)."""

from __future__ import annotations

from phalanx.web.i18n import N_

STAFF_MESSAGES = (
    # a user's own password changed (`services/passwords.py`)
    N_("current password: it is not this account's password"),
    N_("password: the two entries differ"),
    N_("password: it is the current one"),
    # the membership ledger
    N_("only the Secretariat records membership events"),
    N_("only the Secretariat confirms membership events"),
    N_("only the Secretariat keeps the contributions ledger"),
    N_("this organization's rules do not provide for expulsion"),
    N_("a notice of withdrawal needs a member"),
    N_("obligations settled without a notice of withdrawal before it"),
    N_("a decision taken in an exercise changes no membership"),
    N_("the contributions ledger and the arrears are read by the members and the "
       "Organization's staff"),
    N_("paid more than assessed"),
    N_("paid before the year it is for"),
    N_("a decision taken in an exercise appoints nobody"),
    N_("name the person appointed"),
    # what the Secretariat and the Joint Staff alone do (`crises/common.py`,
    # `decisions/common.py`, `registers/common.py`)
    N_("only the Secretariat and the Joint Staff move a crisis through the algorithm"),
    N_("only the Secretariat and the Joint Staff convene consultations"),
    N_("only the Secretariat and the Joint Staff convene a session on a crisis"),
    N_("only the Secretariat and the Joint Staff attach a decision"),
    N_("only the Secretariat and the Joint Staff set the response"),
    N_("only the Secretariat and the Joint Staff may publish"),
    N_("only the Secretariat and the Joint Staff may re-mark a decision"),
    N_("only the Secretariat and the Joint Staff may assign implementation tasks"),
    N_("only the Secretariat and the Joint Staff may convene a session"),
    N_("only the Secretariat and the Joint Staff may set the agenda"),
    N_("only the Secretariat and the Joint Staff may open or close a session"),
    N_("only the Secretariat and the Joint Staff may settle the written procedure"),
    N_("only the Secretariat and the Joint Staff may settle the silence procedure"),
    N_("only the Secretariat and the Joint Staff may table a draft"),
    N_("only the Secretariat and the Joint Staff may accept or reject an amendment"),
    N_("only the Secretariat and the Joint Staff may revise a draft"),
    N_("only the Secretariat and the Joint Staff may close a draft"),
    N_("only the Secretariat and the Joint Staff plan joint exercises"),
    N_("only the Secretariat and the Joint Staff record after-action findings"),
    N_("only the Secretariat and the Joint Staff record instruments with other "
       "organizations"),
    N_("only the Secretariat and the Joint Staff record meetings, joint events and "
       "statements"),
    N_("only the Secretariat and the Joint Staff change a record's key"),
    N_("only the Secretariat and the Joint Staff register model laws"),
    N_("only the Secretariat and the Joint Staff record the Assembly's adoption of a "
       "model law"),
    N_("only the Secretariat and the Joint Staff record the commissions' field sessions"),
    N_("only the Secretariat and the Joint Staff register the Interstate Commission's "
       "programmes"),
    # exercises
    N_("convene consultations before deciding"),
    N_("the calendar is PUBLIC or ORGANIZATION"),
    N_("a participant names its formation"),
    N_("the model law is not adopted yet: nothing to transpose"),
    N_("an adopted national act needs its reference"),
    N_("a supply is between two different states"),
    # crises, forces and operations: what the Joint Staff and the Secretariat alone do
    N_("the organization defines no crisis categories"),
    N_("the limited format is not chosen when tabling: a member declares that it stays out "
       "(position 'not_taking_part') while the draft is open"),
    N_("a deployment is decided by the Joint Staff or the Secretariat"),
    N_("the deployment planner is run by the Joint Staff or the Secretariat"),
    N_("force requirements are stated by the Joint Staff or the Secretariat"),
    N_("the withdrawal is planned by the Joint Staff or the Secretariat"),
    N_("results are reported by the national agencies' reporters"),
    N_("a state's representative releases its national reports"),
    N_("a report is withdrawn by its agency's reporter or by the Secretariat"),
    N_("a possible duplicate is resolved by the Secretariat or by the reporting agency's "
       "reporter"),
    N_("the Secretariat closes a year's figures"),
    N_("a reason is required"),
    # feeds
    N_("a feed is an http:// or https:// URL"),
    # an exercise ended or cancelled by its control (services/crises/ending.py)
    N_("only the Secretariat and the Joint Staff end or cancel an exercise"),
    N_("an exercise is cancelled with its reason (what was started in error)"),
    # users and tokens
    N_("expires: between 1 and 730 days"),
    N_("agency: a reporter is bound to one agency (--agency KIND)"),
    N_("agency: only reporters are bound to an agency"),
)

STAFF_TEMPLATES = (
    # a watch entry kept for some states escalated for another (services/watch.py)
    N_("the watch entry is for %(states)s only, and so is a crisis escalated from it: "
       "%(others)s cannot be named affected"),
    # a draft for a period of days and for a limited period at once
    # (services/decisions/drafts.py)
    N_("a period of %(days)s days is limited already: give the days or a limited period, "
       "not both"),
    # a draft circulated twice (services/decisions/drafts.py)
    N_("draft %(draft)s circulates already with this title, text and deadline"),
    # an amendment proposed twice, a task assigned twice (services/decisions/)
    N_("%(state)s proposes this amendment already (amendment %(amendment)s)"),
    N_("task %(task)s asks this already of %(assignee)s by %(deadline)s"),
    # an exercise planned twice, a formation committed twice
    # (services/registers/exercise_repeats.py)
    N_("exercise %(exercise)s is planned already with this name, host and days"),
    N_("%(state)s takes part already in exercise %(exercise)s with %(formation)s"),
    # a session convened twice (services/decisions/sessions.py)
    N_("session %(session)s of %(body)s is convened already for %(start)s"),
    # an exercise ended or cancelled by its control (services/crises/ending.py)
    N_("crisis %(crisis)s is real: only an exercise is ended or cancelled by its control; "
       "a real crisis is closed through the algorithm"),
    N_("the exercise of crisis %(crisis)s is already over"),
    # the membership ledger: an event its rules refuse, named by state and day
    N_("%(state)s on %(day)s: %(problems)s"),
    N_("a %(membership_event)s is decided by the Council: adopt a decision on the "
       "question, which proposes the event for confirmation"),
    N_("a withdrawal takes a written notice at least %(months)s months ahead: record the "
       "notice; the state leaves once the period has ended and its obligations are "
       "settled"),
    N_("%(state)s's obligations are not settled by %(day)s (notice of %(given)s): the "
       "state withdraws after settling them"),
    N_("overlapping membership: already a member since %(since)s"),
    N_("already a %(member_status)s since %(since)s"),
    N_("cannot %(membership_event)s: not a member or signatory at that date"),
    N_("cannot %(membership_event)s while %(member_status)s (since %(since)s)"),
    N_("withdrawal on %(day)s before the notice period ends (%(end)s, notice of "
       "%(given)s)"),
    N_("withdrawal on %(day)s before the obligations are settled (notice of %(given)s)"),
    N_("not a membership question: %(value)s"),
    N_("membership record %(membership_record)s is confirmed, not proposed"),
    # exercises and registers
    N_("only the finding's owner (%(owner)s) or the Secretariat closes it"),
    N_("%(value)s is neither a body, a state nor 'secretariat'"),
    N_("unknown scenario %(value)s (scenarios: %(values)s)"),
    N_("unknown partner organization %(value)s"),
    N_("unknown commission %(value)s (commissions: %(values)s)"),
    N_("unknown commission %(value)s"),
    N_("unknown category %(value)s (categories: %(values)s)"),
    N_("unknown institution %(value)s (institutions: %(values)s)"),
    N_("unknown register %(value)s; one of: %(values)s"),
    N_("%(law)s was adopted on %(day)s"),
    # a register's record its rules refuse (`domain/registers`)
    N_("%(state)s is not a member state on %(date)s"),
    N_("%(value)s is not a strength"),
    N_("%(day)s is before the exercise began (%(start)s)"),
    N_("%(day)s is before the model law was adopted (%(start)s)"),
    N_("%(day)s is before the last recorded change (%(start)s)"),
    N_("cannot go from %(tr_from)s to %(tr_to)s (allowed: %(tr_allowed)s)"),
    N_("already %(tr_from)s"),
    N_("%(value)s is negative"),
    N_("%(n)s enrolled exceeds the %(total)s places allocated to %(state)s"),
    N_("%(n)s graduated exceeds the %(total)s enrolled from %(state)s"),
    N_("%(value)s is not a positive quantity"),
    N_("%(n)s of %(total)s already delivered: %(more)s more would exceed the agreed "
       "quantity"),
    N_("%(day)s is before the agreement (%(start)s)"),
    # (after the three above, which it would take)
    N_("%(end)s is before %(field)s %(start)s"),
    # crises, drafts, records, forces and operations
    N_("unknown category %(value)s (known: %(values)s)"),
    N_("%(values)s are not members on %(date)s"),
    N_("unknown states %(values)s"),
    N_("unknown formations %(values)s (the registry has %(registry)s)"),
    N_("you may not create records owned by %(owner_kind)s %(owner)s"),
    N_("unknown base %(node)s"),
    N_("you report for %(state)s %(agency)s, not for %(other)s %(other_agency)s"),
    N_("cannot group by %(values)s (by: %(groups)s)"),
    # feeds
    N_("%(value)s is not a state of the organization"),
    N_("the feed %(url)s is already registered"),
    N_("one of %(values)s"),
    N_("%(values)s are not CAP categories"),
)

# users and tokens: each begins with its field, so they are matched before the templates
# of an upload's rows ("%(value)s is not one of %(units)s" would take "language: ...")
USER_TEMPLATES = (
    # (before "unknown state %(state)s", which would take it)
    N_("unknown state code %(state)s"),
    N_("scopes: %(scopes)s are beyond what a %(role)s may do (allowed: %(allowed_scopes)s)"),
    N_("username: %(username)s is taken"),
    N_("username %(username)s: 2-64 characters a-z 0-9 . _ -, starting with a letter or "
       "digit"),
    N_("password: at least %(n)s characters"),
    N_("password: at most %(n)s characters"),
    # a password too easy to guess: the checker's own words (zxcvbn's, in English) stay
    # in the API's English; a page says so in its language
    N_("password: %(weakness)s"),
    N_("state: unknown state code %(state)s"),
    N_("state: a %(role)s acts for a state (--state CODE)"),
    N_("state: a %(role)s does not act for a state"),
    N_("state: %(state)s is not a member of the organization on %(date)s; a non-member "
       "state's users are observers"),
    N_("role: %(value)s is not a user role"),
    N_("email: %(value)s is not an address"),
    N_("language: %(value)s is not one of %(values)s"),
    N_("user %(username)s is deactivated"),
    N_("acts_until: a %(role)s does not act for a state"),
    N_("body: nothing to change (language, acts_until)"),
    # a state's user after its appointment's term (`policy.why_not_act`)
    N_("%(username)s's appointment to act for %(state)s ended on %(day)s"),
    N_("%(username)s's appointment to act for %(state)s ended"),
    # a change of a state's authorities (`services/representation.py`)
    N_("%(username)s's appointment to act for %(state)s lapsed on %(day)s, when its "
       "authorities changed outside the constitution; the authorities in power have not "
       "confirmed it"),
    N_("only the Secretariat records a change of a state's authorities"),
    N_("since: %(state)s is not a member of the organization on %(date)s"),
    N_("since: a change of %(state)s's authorities is already recorded on %(date)s"),
    # the same beside the form's field (a page names the field by its label)
    N_("%(state)s is not a member of the organization on %(date)s"),
    N_("a change of %(state)s's authorities is already recorded on %(date)s"),
    N_("since: a change of authorities outside the constitution is recorded once it has "
       "happened: %(date)s is after today (%(day)s)"),
    N_("a change of authorities outside the constitution is recorded once it has happened: "
       "%(date)s is after today (%(day)s)"),
    N_("username: no change of %(state)s's authorities is recorded; its users' "
       "appointments stand as made"),
    N_("username: a %(role)s does not act for a state"),
    N_("username: %(user)s may not stop its own account"),
)

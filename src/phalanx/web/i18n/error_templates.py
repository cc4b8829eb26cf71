"""The messages with values that `errors.translate` knows: stable English templates with
named placeholders (`TEMPLATES`), and how the value of each placeholder shows in a
page's language (a label, a list of labels, a date, a message of its own). A message is
matched against the templates in their order: the first that matches is translated and
filled.

To translate a new message with values: add its template to `TEMPLATES` with `N_`, run
`make i18n` and write its Russian text in `messages.po`.
"""

from __future__ import annotations

from phalanx.web.i18n import (
    N_,
    alert_texts,
    audit_texts,
    crisis_refusals,
    decision_life,
    feed_texts,
    forces_refusals,
    staff_refusals,
)

# messages with values: the placeholder's name says how its value shows (see VALUES)
TEMPLATES = (
    # a decision's life: before "no %(record)s %(key)s", which would take the first
    *decision_life.LIFE_TEMPLATES,
    # a change once the response is under way, held to every guard of the response
    # (first: its problems are messages of their own)
    N_("the response is under way (%(stage)s): %(problems)s"),
    # a crisis's reasons, among a plan's refusals (`services/forces/consent.py`): before
    # the templates starting with a state, which would take "crisis 3: RUS" for one
    N_("crisis %(crisis)s: %(reasons)s"),
    # a requirement taken back (`services/forces/requirements.py`): before "requirement
    # %(requirement)s: %(problems)s", which would take it
    N_("requirement %(requirement)s is served by plan %(plan)s, decided: its units move "
       "under it"),
    # (before "no %(record)s %(key)s", which would take it)
    N_("no member of %(body)s has a say on %(day)s"),
    N_("no %(record)s %(key)s"),
    N_("your role (%(role)s) does not allow %(permission)s"),
    N_("this API token's scopes (%(scopes)s) do not include %(permission)s"),
    N_("%(state)s's answer on %(record)s %(key)s was given meanwhile (version "
       "%(version)s): read it again"),
    N_("%(state)s has given no answer on %(record)s %(key)s: send If-None-Match: *"),
    N_("%(state)s's answer on %(record)s %(key)s changed since it was read (version "
       "%(seen)s, now %(version)s): read it again"),
    N_("you act for %(state)s, not for %(other)s"),
    N_("only %(state)s's authorized representative acts for it"),
    N_("a national agency's reporter submits its agency's records; only %(state)s's "
       "authorized representative acts for it here"),
    N_("only users acting for %(state)s may change this record"),
    N_("a crisis cannot go from %(stage)s to %(target)s (from %(from)s: %(allowed)s)"),
    N_("'%(target)s' needs a recorded reason"),
    N_("%(measures)s not eligible for %(category)s"),
    N_("%(measures)s: military measures need a decision that authorizes them"),
    N_("%(measure)s: military assistance under Treaty art. 4 is given at the affected "
       "state's request: record its official request"),
    # the same refusals citing the organization's own articles (its file's settings
    # `consultation_articles`, `collective_defence_articles`), or none
    N_("%(measure)s: military assistance under %(article)s is given at the affected "
       "state's request: record its official request"),
    N_("%(measure)s: military assistance is given at the affected state's request: record "
       "its official request"),
    N_("this crisis is not rejected before the members consult (%(article)s: consultations "
       "at once): convene them"),
    N_("consultations must be convened first (%(article)s): convene a session"),
    N_("convene the consultations first (%(article)s)"),
    N_("convene the consultations on the exercise's crisis first: its decision is taken in "
       "a session of the exercise (%(article)s)"),
    N_("the crisis changed since you saw it (revision %(revision)s, not %(seen)s): reload"),
    N_("consultations on crisis %(crisis)s are convened already (session %(session)s)"),
    N_("crisis %(crisis)s is %(stage)s"),
    N_("%(body)s does not consult on a crisis of %(key)s (the bodies that do: %(bodies)s)"),
    N_("%(body)s holds no emergency or extraordinary session"),
    N_("decisions by consultation exist from %(date)s (%(agreement)s); this draft is of "
       "%(reported)s"),
    N_("this body meets by video conference from %(date)s (%(agreement)s); this session is "
       "of %(reported)s"),
    N_("the category %(key)s exists from %(date)s (%(agreement)s); a crisis of "
       "%(reported)s is one of the categories in force that day"),
    N_("plan %(plan)s is %(plan_status)s"),
    N_("offer %(offer)s is already %(offer_status)s"),
    N_("watch item %(item)s is %(watch_status)s"),
    N_("crisis %(crisis)s has no force requirements yet"),
    N_("%(n)s unit(s) of the decided deployment are still out: plan and decide their way "
       "home first"),
    # the collective response: a decision linked to a crisis, requests, mandates, the
    # UN notice, disputes, exercises cancelled (`crisis_refusals`)
    *crisis_refusals.CRISIS_TEMPLATES,
    # the written procedure
    N_("it is %(state)s's turn to sign"),
    N_("the procedure is %(written)s"),
    N_("%(state)s is not among the signatories (members with a say)"),
    N_("%(state)s takes no part in the work: it signs nothing, but may formally object"),
    N_("%(state)s takes no part in the work: the chair records only its formal objection"),
    N_("%(state)s has already answered"),
    # a decision by consultation, announced by the chair (`Consultation.reason_prefix`)
    N_("by consultation of the heads of state, announced by the chair (%(state)s)"),
    N_("last answer %(last)s: %(result)s"),
    # the chair recording an answer, or announcing before all have answered
    # (`Consultation.answer_problems`, `announce_problems`)
    N_("%(state)s is not among the members consulted (%(consulted)s)"),
    N_("the answer is dated %(given)s, before the consultation opened (%(since)s)"),
    N_("the answer is dated %(given)s, in the future"),
    N_("not yet reached: %(missing)s; the chair announces once every member consulted has "
       "answered"),
    # a draft answering an item of its session's agenda (`decisions/drafts.py`)
    N_("agenda item %(item)s is not on session %(session)s's agenda"),
    # a closed session's record (`decisions/sessions.py`, `decisions/positions.py`)
    N_("session %(session)s is closed: its attendance can no longer change"),
    N_("session %(session)s is closed: its agenda can no longer change"),
    N_("session %(session)s is closed: its drafts were decided while it sat; table the "
       "revised draft at another session"),
    # a draft tabled in a session closed meanwhile (the page sent before it closed)
    N_("session %(session)s is closed"),
    N_("a %(session_status)s session cannot become %(new_status)s"),
    # a task updated from a page sent before another update (`decisions/tasks.py: update_task`)
    N_("task %(task)s is at revision %(current)s, not %(seen)s"),
    N_("session %(session)s opens at %(start)s: its drafts are decided when it sits"),
    # a draft's forms (the page sent before the draft changed)
    N_("draft %(draft)s is %(draft_status)s; amendments are closed"),
    N_("draft %(draft)s is %(draft_status)s; positions can no longer change"),
    N_("draft %(draft)s is decided in session, not by signatures"),
    N_("draft %(draft)s's written procedure lapsed at its deadline"),
    N_("draft %(draft)s is %(draft_status)s"),
    N_("the deadline %(deadline)s UTC has passed"),
    N_("the dataset names nobody holding %(state)s's seat in %(body)s on %(day)s: name in "
       "whose name the answer is given"),
    N_("%(state)s's authorities changed outside the constitution on %(day)s: the holder of "
       "its seat in %(body)s the dataset names no longer speaks for it; name in whose name "
       "the answer is given"),
    N_("the written procedure's deadline has passed (%(deadline)s UTC): circulate the text "
       "again as a new draft"),
    N_("the amendment is against version %(against)s, but the draft is at version "
       "%(current)s"),
    N_("amendment %(amendment)s is already %(amendment_status)s"),
    N_("amendment %(amendment)s is against version %(against)s; the draft is at version "
       "%(current)s"),
    N_("%(state)s takes no part in %(body)s on %(date)s (%(standing)s): it proposes no "
       "amendment"),
    N_("%(state)s takes no part in %(body)s on %(date)s: it states no position, but its "
       "formal objection still counts"),
    # a member without a seat in the body of a draft (`positions`, `drafts`)
    N_("%(state)s has no seat in %(body)s on %(day)s"),
    N_("%(state)s has no seat in %(body)s"),
    # a draft tabled in a body that cannot take it (`decisions/common.py`, `drafts`)
    N_("%(body)s does not exist on %(day)s"),
    N_("%(body)s has no chair in %(year)s: nobody to consult the heads of state and "
       "announce"),
    N_("the chair of %(body)s in %(year)s (%(state)s) takes no part in the exercise: "
       "nobody to consult the heads of state and announce; decide it in the exercise's "
       "session"),
    N_("session %(session)s is of %(body)s"),
    # a draft's forms on a draft its procedure decides otherwise (`positions`,
    # `consultation`), a revision that changes nothing (`common.new_version`)
    N_("draft %(draft)s is under the written procedure: sign it instead"),
    N_("draft %(draft)s is decided by consultation: the chair (%(state)s) records each head "
       "of state's answer"),
    N_("a draft decided by consultation is announced by the chair (%(state)s)"),
    N_("draft %(draft)s is decided by %(procedure)s, not by consultation"),
    N_("only the chair (%(state)s) records the heads of state's answers and announces the "
       "decision: %(problems)s"),
    N_("the text is that of version %(version)s: a revision changes it"),
    N_("%(body)s has no rule for %(question)s questions"),
    N_("the signing list is every member of %(body)s with a say on %(day)s, in the "
       "dataset's order: %(states)s; it cannot be shortened or reordered"),
    N_("document %(document)s is at version %(current)s, not %(seen)s"),
    N_("document %(document)s is marked so already"),
    N_("decision %(decision)s is marked so already"),
    N_("the decision binds %(states)s, which would no longer read it"),
    N_("the decision gives %(states)s a task, which would no longer read it"),
    # the forces' registry, consent and requirements, the way home (`services/forces`)
    *forces_refusals.REGISTRY_TEMPLATES,
    N_("unit %(unit)s was changed meanwhile (revision %(revision)s)"),
    N_("unit %(unit)s is marked so already"),
    N_("only %(state)s's representative or the Joint Staff change this unit"),
    N_("only %(state)s's representative or the Joint Staff change this aircraft"),
    N_("only %(state)s's representative decides whether its units take part"),
    N_("participation is voluntary: only %(state)s's representative commits %(same)s's "
       "formations"),
    N_("unknown base or node %(node)s"),
    N_("crisis %(crisis)s has no decided deployment to bring home"),
    # a result reported for an agency the operation does not name (`operations.submit`)
    N_("%(state)s %(agency)s does not take part in %(operation)s (the operation's agencies "
       "for %(same)s: %(agencies)s)"),
    # a closed year, a withdrawal, a look-alike (`domain/operations/closing.py`)
    N_("%(years)s is closed: a change to its figures needs a reason (sent with the file)"),
    N_("%(year)s is already closed"),
    N_("%(year)s is not over (today is %(day)s): a year closes after its end"),
    N_("a reason has at most %(limit)s characters (%(given)s given)"),
    N_("already resolved (%(resolution)s, by %(user)s)"),
    # the registers' records of another member (`services/registers`)
    N_("only %(state)s's representative or the Secretariat record %(same)s's "
       "transposition"),
    N_("only %(state)s's representative or the Secretariat record %(same)s's training "
       "quotas"),
    # a position from a member without a say (`positions._state_position`)
    N_("%(state)s has no say in %(body)s on %(date)s (%(standing)s, and in arrears)"),
    N_("%(state)s has no say in %(body)s on %(date)s (%(standing)s)"),
    # the key of a record created in a register (`policy.why_not_key`)
    N_("the key of a record created for %(state)s begins with '%(prefix)s' (or leave the "
       "key out: one is assigned)"),
    N_("'%(key)s' begins with %(state)s's code: the keys the organization's staff choose "
       "begin with no state's code (or leave the key out: one is assigned)"),
    N_("%(record)s '%(key)s' exists"),
    # a marking's participants none of the states (before "unknown state code", which
    # would take it)
    N_("unknown state codes: %(values)s"),
    *staff_refusals.USER_TEMPLATES,  # (their "unknown state code" first)
    N_("unknown state %(state)s"),
    N_("unknown body %(body)s"),
    N_("%(state)s is not a member"),
    N_("%(state)s is not a member state"),
    # a decision's task for a member it does not bind (`domain/decisions/joining.py`)
    N_("%(state)s is not bound by the decision (it received it for consideration or stood "
       "aside from it, and has not joined it): it is given no task implementing it"),
    N_("'%(unit)s' is not a unit of the forces registry"),
    N_("%(state)s has no seat in this session"),
    N_("%(value)s is not a date (use YYYY-MM-DD)"),
    N_("%(year)s is not a year of the organization"),
    N_("%(value)s is not a date and time"),
    # the outcome of a draft (the decision rule's reasons)
    N_("quorum not met: %(represented)s of %(voters)s members present or declared, "
       "%(needed)s needed (%(quorum)s)"),
    N_("limited format: %(n)s member(s) take part, %(min)s needed"),
    # a tie and the chair's casting vote (`consensus.decide`): before the plain count,
    # which would take the refusal's first part for its own
    N_("not carried: %(support)s in favour, %(against)s against; the chair (%(state)s) did "
       "not vote in favour: its casting vote does not carry the tie"),
    N_("a tie of %(support)s to %(against)s decided by the casting vote of the chair "
       "(%(state)s), in favour"),
    N_("not carried: %(support)s in favour, %(against)s against"),
    # a qualified majority's count (`majority.describe`): weighted before plain, "more
    # than" before a share reached
    N_("qualified majority, more than %(share)s of %(base)s: %(votes)s of %(total)s "
       "weighted votes in favour, %(needed)s needed"),
    N_("qualified majority, more than %(share)s of %(base)s: %(votes)s of %(total)s votes "
       "in favour, %(needed)s needed"),
    N_("qualified majority, %(share)s of %(base)s: %(votes)s of %(total)s weighted votes "
       "in favour, %(needed)s needed"),
    N_("qualified majority, %(share)s of %(base)s: %(votes)s of %(total)s votes in favour, "
       "%(needed)s needed"),
    N_("%(n)s states in favour, at least %(min)s needed"),
    N_("returned for revision: %(states)s formally objects"),
    N_("returned for revision: %(states)s formally object"),
    N_("limited format: %(states)s stays out and is not bound"),
    N_("limited format: %(states)s stay out and are not bound"),
    N_("the limited format rests on the amendment signed %(day)s, whose entry into force "
       "is not recorded"),
    N_("sent for consideration to %(states)s (absent)"),
    N_("%(states)s absent, bound by the decision of the body"),
    N_("%(states)s without a say, sent the text for consideration"),
    N_("%(states)s concerned by the decision, without a vote and bound"),
    N_("%(states)s in arrears, without a vote and bound"),
    N_("%(states)s in arrears, without a vote"),
    # a session outside its body's rules (`procedure.session_problems`)
    N_("this body does not hold %(session_kind)s sessions (it holds: %(session_kinds)s)"),
    # the outcome of the written procedure (`procedure.WrittenProcedure.reason`)
    N_("returned for revision: %(states)s objects in the written procedure"),
    N_("returned for revision: %(states)s object in the written procedure"),
    N_("lapsed on %(deadline)s UTC: not signed by %(states)s"),
    N_("circulating: %(n)s of %(total)s signed"),
    N_("with reservations: %(reservations)s"),
    # the silence procedure (`domain/decisions/silence.py`, `decisions/silence.py`)
    N_("silence broken by %(states)s: returned to the body"),
    N_("adopted under the silence procedure: silence not broken by %(deadline)s UTC"),
    N_("under the silence procedure until %(deadline)s UTC"),
    N_("the silence procedure ended at its deadline (%(deadline)s UTC): the draft is "
       "adopted"),
    N_("silence is already broken by %(states)s: the draft is back with the body"),
    N_("%(state)s has no say on this draft: it may not break silence"),
    N_("this body decides by the silence procedure only on %(questions)s questions, not "
       "'%(question)s'"),
    N_("this body decides by the written procedure only on %(questions)s questions, not "
       "'%(question)s'"),
    N_("draft %(draft)s is not under the silence procedure"),
    N_("draft %(draft)s was adopted at its deadline: silence was kept"),
    N_("draft %(draft)s's silence procedure runs until %(deadline)s UTC"),
    N_("draft %(draft)s is under the silence procedure: a member keeps silence or breaks "
       "it"),
    # a deadline on a day off where the Secretariat sits, not confirmed (`services/days_off`)
    # (one at 00:00 sharp, which leaves the day before as the last day to answer, first:
    # the other would take it)
    N_("the deadline falls on a day off where the Secretariat sits (%(local)s, %(zone)s; "
       "the last day to answer is %(day_off)s, %(last)s): choose a working day, or confirm "
       "the day off"),
    N_("the deadline falls on a day off where the Secretariat sits (%(day_off)s, "
       "%(local)s, %(zone)s): choose a working day, or confirm the day off"),
    N_("the silence procedure's deadline has passed (%(deadline)s UTC): circulate the text "
       "again as a new draft"),
    # an upload's rows and files
    N_("%(value)s is not a date (YYYY-MM-DD or DD.MM.YYYY)"),
    N_("unknown stage %(value)s (stages: %(stages)s)"),
    N_("a stage is required (stages: %(stages)s)"),
    N_("a unit is required (one of %(units)s)"),
    # what a file was read as (adapters.ingest)
    N_("the header is at row %(row)s: the rows above it are left out"),
    N_("row %(row)s (%(value)s) sums the rows above it: left out, not a report"),
    N_("%(day)s is outside stage %(stage_key)s (%(start)s to %(end)s)"),
    N_("%(day)s has not come yet"),
    N_("%(value)s appears again (first at row %(row)s)"),
    N_("unknown metric %(value)s"),
    N_("%(metric)s is not reported in a %(kind)s operation"),
    N_("%(value)s may mean %(decimal)s or %(whole)s; write the one meant"),
    N_("%(value)s is not a number"),
    N_("%(metric)s is counted; %(value)s is not a count"),
    N_("a count must be a whole number up to %(max)s"),
    N_("%(value)s is not one of %(units)s"),
    N_("%(value)s kg in one report is more than 100 t"),
    N_("unknown substance %(value)s (one of %(substances)s)"),
    N_("only seizures name a substance, not %(metric)s"),
    N_("a seizure names its substance (one of %(substances)s)"),
    N_("%(value)s is not a latitude"),
    N_("%(value)s is not a longitude"),
    N_("at most %(n)s characters"),
    N_("missing column(s); the template is: %(columns)s"),
    N_("unknown column(s); the template is: %(columns)s"),
    N_("%(cells)s cells, the header has %(n)s"),
    N_("not a readable CSV file: %(detail)s"),
    N_("not an XLSX workbook: %(detail)s"),
    N_("unreadable: %(detail)s"),
    N_("the file is %(size)s bytes; the limit is %(limit)s"),
    N_("the workbook unpacks to %(size)s bytes; the limit is %(limit)s"),
    N_("%(file)s: upload a .csv or .xlsx file"),
    *forces_refusals.OFFER_TEMPLATES,
    *audit_texts.AUDIT_TEMPLATES,
    *alert_texts.ALERT_TEMPLATES,
    *staff_refusals.STAFF_TEMPLATES,
    *feed_texts.FEED_TEMPLATES,
)

# how the value of a placeholder shows: a label of this group
VALUES = {"metric": "metric", "kind": "operation_kind", "record": "record", "role": "role",
          "stage": "stage", "target": "stage", "draft_kind": "draft_kind",
          "from": "stage", "plan_status": "plan_status", "offer_status": "offer_status",
          "watch_status": "watch_status", "measure": "measure", "permission": "permission",
          "quorum": "quorum", "draft_status": "draft_status",
          "amendment_status": "amendment_status", "written": "written", "standing": "standing",
          "capability": "cap", "session_kind": "session_kind",
          "session_status": "session_status", "new_status": "session_status",
          "procedure": "procedure", "question": "question", "agency": "agency",
          "membership_event": "membership_event", "member_status": "member_status",
          "tr_from": "tr", "tr_to": "tr", "owner_kind": "owner_kind", "other_agency": "agency",
          "base": "majority_words", "in_force_status": "in_force_status", "L_scope": "scope"}
# placeholders holding a body of the organization by its key, shown by its name in the
# reader's language (`errors.body_names`), and a list of them
BODIES = {"body", "by_body"}
BODY_LISTS = {"bodies"}
# placeholders holding a list of values (", "-separated), and the group of each
LISTS = {"allowed": "stage", "measures": "measure", "session_kinds": "session_kind",
         "agencies": "agency", "tr_allowed": "tr"}

# placeholders holding an ISO date, or a date and time, shown in the language's words
DATES = {"date", "reported"}
MOMENTS = {"moment", "made_at"}
# placeholders starting with a date or a moment in ISO order ("2022-01-19 12:00 UTC"),
# shown in figures in the language's order ("19.01.2022 12:00 UTC")
FIGURES = {"made", "withdrawn", "ended", "deadline", "day", "start", "end", "last",
           "since", "given", "local", "filed"}
# placeholders holding a day of the week by its lower-case English name ("saturday")
WEEKDAYS = {"day_off"}
# placeholders holding messages of their own (a refusal's reasons), translated in turn
NESTED = {"problems", "result", "reasons", "problem", "why", "lookup",
          "xml_error"}
# placeholders holding a text of the organization's file (an article of its founding
# agreement), shown as the file translates it (`errors.body_names`)
OWN_TEXTS = {"article"}
# placeholders holding a URL (never a space), and an element's path ("/feed/entry")
URLS = {"url", "redirect"}
PATHS = {"path"}

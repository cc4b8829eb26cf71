"""The fixed messages of the services and the domain that users meet, each its own msgid,
and the titles of the error statuses: what `errors.translate` finds as it is. A message
with values is a template of `error_templates`.

To translate a new fixed message: add it to `MESSAGES` with `N_`, run `make i18n` and
write its Russian text in `messages.po`.
"""

from __future__ import annotations

from phalanx.web.i18n import (
    N_,
    alert_texts,
    audit_texts,
    feed_texts,
    forces_refusals,
    staff_refusals,
)

# the titles of the error statuses
TITLES = {
    400: N_("Bad Request"), 401: N_("Unauthorized"), 403: N_("Forbidden"),
    404: N_("Not Found"), 405: N_("Method Not Allowed"), 409: N_("Conflict"),
    413: N_("Content Too Large"), 415: N_("Unsupported Media Type"),
    422: N_("Unprocessable Content"), 429: N_("Too Many Requests"),
    500: N_("Internal Server Error"), 503: N_("Service Unavailable"),
}

# fixed messages of the services and the domain that users meet (their own msgids)
MESSAGES = (
    # a crisis's file of drafts (`services/crisis_drafts.py`)
    N_("only the Secretariat ties a draft to a crisis's file or unties it"),
    N_("say why the draft is tied to the crisis's file or untied"),
    # a decision's life as tabled (`domain/decisions/lifecycle.Terms.problems`)
    N_("a decision entering into force on a date states the date"),
    N_("a date of entry into force goes with the start 'date'"),
    N_("a decision states its last day or a term, not both"),
    N_("a term is at least one day"),
    N_("a modification names both what it does and the decision it does it to"),
    N_("an extension states the new last day"),
    N_("a new last day goes with an extension"),
    N_("a statement neither amends, extends, suspends nor repeals a decision"),
    N_("a moment in the years 1900 to 2199 (UTC)"),  # services/types.py OUT_OF_YEARS
    # a record's marking and its readers (`domain/access/policy.Classification.problems`)
    N_("a PARTICIPANTS marking needs the list of participating states"),
    N_("participants are listed only with the PARTICIPANTS marking"),
    N_("only a state can own a NATIONAL record"),
    N_("a Secretariat record is owned by 'secretariat'"),
    # a document or a decision re-marked (`services/documents.py`, `decisions/marking.py`)
    N_("a re-marking needs its reason"),
    N_("a decision is made PUBLIC by its publication"),
    N_("an exercise's decision is not released further: it stays the exercise's record"),
    N_("a limited-format decision is read by its participants only (the body's rules)"),
    N_("consultations must be convened first (Treaty art. 2): convene a session"),
    N_("the decision stage needs a decision adopted by the body's rule"),
    N_("not carried"),  # a qualified majority not reached, its count following
    N_("a response needs an adopted decision"),
    N_("choose the measures of the response"),
    N_("nothing is deployed yet: no offered unit has been accepted"),
    N_("closing needs the after-action review"),
    N_("the CRRF is not used to solve a bilateral political problem between states"),
    N_("the CRRF is not used against CIS partners or neighbouring states"),
    N_("a cancellation states its reason"),
    N_("peacekeepers go to a member's territory only at its official request"),
    N_("outside members' territory peacekeepers need a UN Security Council mandate"),
    N_("this crisis is not rejected before the members consult (Treaty art. 2: "
       "consultations at once): convene them"),
    N_("convene the consultations first (Treaty art. 2)"),
    N_("convene the consultations first"),
    N_("consultations must be convened first: convene a session"),
    N_("this crisis is not rejected before the members consult (consultations at once): "
       "convene them"),
    N_("convene the consultations on the exercise's crisis first: its decision is taken in "
       "a session of the exercise"),
    N_("an exercise's decision is not published: it stays the exercise's record"),
    N_("convene the consultations on the exercise's crisis first: its decision is taken in "
       "a session of the exercise (Treaty art. 2)"),
    N_("only the Secretariat and the Joint Staff may change this record"),
    N_("nothing to change"),
    N_("another request changed the same records at the same moment: nothing of this one "
       "was written; reload and try again"),
    N_("the database is not available at the moment (nothing was written); try again "
       "shortly"),
    N_("state the quantity offered: a unit named is kept from some readers of the crisis, "
       "and its strength reaches them only as its state states it"),
    N_("is in the past"),
    N_("missing or wrong CSRF token"),
    N_("a member's answer is given by its authorized representative"),
    N_("give the text in English or in Russian (text_en or text_ru): both are empty"),
    N_("the watch list is kept by the Secretariat"),
    # the draft's forms
    N_("a signature with a reservation states the reservation"),
    N_("a reservation goes with the answer 'reservation'"),
    N_("a draft under the written procedure is adopted by its signatures and lapses at its "
       "deadline"),
    N_("a draft for a session names the session"),
    N_("the written procedure needs a deadline"),
    N_("the silence procedure needs a deadline"),
    N_("this body does not decide by the silence procedure"),
    N_("this body does not decide by the written procedure"),
    N_("under the silence procedure a member keeps silence (nothing to send) or breaks it "
       "(the answer 'object')"),
    N_("an objection is at most 10000 characters"),
    N_("only a state's authorized representative acts for a state; name the state"),
    N_("deliveries are recorded by the parties or the Secretariat"),
    N_("a supply is registered by one of its parties or the Secretariat"),
    # the crisis room's forms
    N_("a member that declines states its reason"),
    N_("give the quantity offered, or name the units"),
    N_("give the place's coordinates (lat, lon) or a known node"),
    N_("give the place's latitude and longitude both, or neither"),
    N_("name the forces or means offered"),
    N_("the Secretariat sends the notice to the UN Security Council"),
    N_("offers are made by a state's authorized representative"),
    N_("requests come from an affected state's representative or the Secretariat"),
    N_("situation reports are filed by the Secretariat, the Joint Staff or a state's "
       "authorized representative"),
    # the outcome of a draft (the decision rule's reasons)
    N_("no member has a say"),
    N_("every member declared it does not take part"),
    N_("adopted"),
    N_("no member with a say objects"),
    N_("adopted by written procedure: every member with a say signed"),
    # an answer of a head of state recorded by the chair without a position
    N_("an answer states a position"),
    # a draft for signature or consultation names no item of a session's agenda
    N_("only a draft tabled in session answers an item of its agenda"),
    # a session outside its body's rules (`procedure.session_problems`)
    N_("a video conference needs its link"),
    N_("a session's link is a web address beginning with https:// or http://"),
    N_("this body does not meet by video conference"),
    # a measure no body is competent for (`authority`: "the dataset names no body")
    N_("no body"),
    # publishing a decision (`register.publish`)
    N_("a limited-format decision is published by its participants only"),
    # an upload's rows and files
    N_("the agency's reference is required"),
    N_("a reference is more than '.' or '..'"),
    N_("must not be negative"),
    N_("a quantity is required"),
    N_("a date is required (YYYY-MM-DD or DD.MM.YYYY)"),
    N_("a metric is required"),
    N_("give both lat and lon, or neither"),
    N_("give the place: lat and lon, or an administrative area"),
    N_("routes are given for seizures only"),
    N_("the file is empty"),
    N_("the sheet is empty"),
    N_("a formula is not accepted; enter the value"),
    # what a CSV file was read as (adapters.ingest)
    N_("not UTF-8: read as Windows-1251 (Cyrillic)"),
    N_("read as UTF-16 text"),
    N_("columns separated by semicolons"),
    N_("columns separated by tabs"),
    N_("columns headed in Russian: read as the template's"),
    *forces_refusals.FORCES_MESSAGES,
    *audit_texts.AUDIT_MESSAGES,
    *alert_texts.ALERT_MESSAGES,
    *staff_refusals.STAFF_MESSAGES,
    *feed_texts.FEED_MESSAGES,
)

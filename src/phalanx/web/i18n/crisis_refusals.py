"""Refusals of the collective response that carry values: linking a decision to a crisis
(`domain/crisis/authority.py`), official requests and their withdrawal, forces onto a
member's territory, the end of a mandate (`mandate_texts`), every member's answer and the
notice to the UN Security Council, a dispute between members (`domain/crisis/parties.py`)
and a joint exercise cancelled: templates `errors.translate` knows, in their order (see
`error_templates`)."""

from __future__ import annotations

from phalanx.web.i18n import N_, mandate_texts

CRISIS_TEMPLATES = (
    # the same request, offer or situation report sent twice (`services/crises/repeats.py`)
    N_("%(state)s asks already for %(quantity)s %(unit)s of %(resource)s (request "
       "%(request)s, open)"),
    N_("%(state)s offers this already to request %(request)s (offer %(offer)s)"),
    N_("this situation report is filed already (report %(report)s, %(filed)s)"),
    N_("watch item %(watch)s watches this already (the same title, region and category)"),
    # a member's answer sent again as it stands: obligations, consultations, positions
    N_("%(state)s's answer (%(answer)s, %(at)s UTC) is recorded already"),
    N_("%(state)s's position (%(position)s) on version %(version)s is stated already "
       "(%(at)s UTC)"),
    # a crisis's file of drafts (`services/crisis_drafts.py`)
    N_("draft %(draft)s is already in crisis %(crisis)s's file"),
    N_("draft %(draft)s is not in crisis %(crisis)s's file"),
    N_("draft %(draft)s belongs to the crisis's file by its session or its decision: it "
       "cannot be untied"),
    N_("draft %(draft)s is an exercise's: it stays out of a real crisis's file"),
    N_("draft %(draft)s is not an exercise's: it stays out of an exercise's crisis"),
    N_("draft %(draft)s is another exercise's: it stays out of this exercise's crisis"),
    N_("a draft tabled in an exercise's session stays out of a real crisis's file"),
    N_("a draft tabled in another exercise's session stays out of this exercise's crisis"),
    N_("a draft for an exercise's crisis is tabled in one of the exercise's sessions, or put "
       "to the heads of state from its crisis room"),
    # linking a decision to a crisis (`domain/crisis/authority.py`): the refusal names
    # each failed condition, itself a message of the list
    N_("%(number)s cannot authorize the response: %(problems)s"),
    N_("%(number)s is a %(draft_kind)s: only a decision authorizes measures"),
    N_("%(number)s is an exercise decision and the crisis is real"),
    N_("%(number)s is a real decision and the crisis is an exercise"),
    N_("%(number)s authorizes no measure (its text names none)"),
    N_("%(measure)s: %(body)s is not competent (the dataset names %(bodies)s)"),
    N_("%(number)s was adopted on %(date)s, before the crisis was reported (%(reported)s)"),
    N_("%(number)s does not bind %(states)s (the affected state)"),
    N_("%(number)s does not bind %(states)s (the affected states)"),
    N_("%(measure)s: no official request of %(states)s asks for it (Treaty art. 4 "
       "assistance and peacekeeping on a member's territory are given at the affected "
       "state's request)"),
    N_("%(measure)s: no official request of %(states)s asks for it (military assistance and "
       "peacekeeping on a member's territory are given at the affected state's request)"),
    N_("%(measure)s: no official request of %(states)s asks for it (%(article)s assistance "
       "and peacekeeping on a member's territory are given at the affected state's request)"),
    N_("%(measure)s: no official request of %(states)s asks for it"),
    N_("%(measure)s: %(number)s was adopted before the request of %(date)s"),
    N_("what a decision authorizes is adopted with it: %(number)s authorizes %(measures)s"),
    N_("%(number)s already answers crisis %(crisis)s (%(title)s): a decision on a "
       "collective response answers the situation it was taken on"),
    N_("%(number)s already answers another crisis: a decision on a collective response "
       "answers the situation it was taken on"),
    # the official request withdrawn by its state (`domain/crisis/authority.py`)
    N_("%(measure)s: the official request of %(state)s of %(made)s was withdrawn on "
       "%(withdrawn)s: nothing decided, linked or deployed after that answers it"),
    N_("the official request of %(state)s of %(made)s was already withdrawn on "
       "%(withdrawn)s"),
    N_("the official request of %(state)s of %(made)s under %(article)s is recorded "
       "already (request %(request)s)"),
    N_("the withdrawal is dated %(moment)s, in the future"),
    N_("the request was made at %(made_at)s: it is withdrawn after that, not at "
       "%(moment)s"),
    # forces onto a member's territory at that member's request (`authority.host_problems`)
    N_("%(measure)s: the place lies on the territory of %(state)s, which has not asked for "
       "it: forces go onto a member's territory only at that member's request (an affected "
       "state's request covers its own territory only)"),
    N_("%(measure)s: the place lies on the territory of %(state)s, whose official request "
       "of %(made)s was withdrawn on %(withdrawn)s: forces go onto a member's territory only "
       "at its request"),
    N_("%(measure)s: the place lies on the territory of %(state)s, which is not an affected "
       "state of the crisis: forces go onto a member's territory only at that member's "
       "request"),
    N_("requirement %(requirement)s: %(problems)s"),
    N_("crisis %(crisis)s is %(stage)s: its official requests no longer change"),
    N_("crisis %(crisis)s is %(stage)s: its decision and measures no longer change"),
    N_("plan %(plan)s is not decided: %(problems)s"),
    N_("offer %(offer)s is not accepted: %(problems)s"),
    # the end of the crisis's decision's mandate (`domain/crisis/mandate.py`)
    *mandate_texts.MANDATE_TEMPLATES,
    # the affected state's official request, every member's answer, the UN notice
    N_("the request is dated %(moment)s, in the future"),
    N_("an official request comes from an affected state (%(states)s), not %(state)s"),
    N_("the request names no article and the organization's file names no "
       "collective-defence article: give its `article`"),
    N_("%(state)s owes no answer on crisis %(crisis)s (only members other than the "
       "affected ones and the other party, where the category obliges all members or the "
       "affected state's request invokes collective defence)"),
    N_("%(state)s owes no answer on crisis %(crisis)s: its place lies outside the "
       "territory of %(states)s, so no member owes an answer under the collective-defence "
       "article"),
    # a dispute between members: the other party the report names
    # (`domain/crisis/parties.py`)
    N_("the CRRF is not used to settle a bilateral political problem between states: the "
       "report names %(named)s, a member, as the other party (a dispute between the "
       "members %(sides)s)"),
    N_("the CRRF is not used against CIS partners or neighbouring states: the report names "
       "%(named)s, a neighbouring state (bordering %(states)s), as the other party"),
    N_("%(states)s cannot be both affected and the other party"),
    N_("%(states)s: not a state of the organization's dataset"),
    N_("%(states)s named twice as the other party"),
    # a joint exercise cancelled (`domain/registers/exercises.py`)
    N_("only the host (%(state)s)'s representative, the Secretariat or the Joint Staff "
       "cancel the exercise"),
    N_("the exercise was already cancelled on %(date)s"),
    N_("the exercise ended on %(date)s: an exercise held is not cancelled"),
    N_("the exercise was cancelled on %(date)s: it takes no participants"),
    N_("the exercise was cancelled on %(date)s: it was not held and has no after-action "
       "findings"),
    # when it opens, in the organization's own words (its first
    # `collective_defence_articles`, or none: crisis_obligations.opens_with)
    N_("crisis %(crisis)s has no notice to the UN Security Council open (it opens with a "
       "decision on a crisis under %(article)s)"),
    N_("crisis %(crisis)s has no notice to the UN Security Council open (it opens with a "
       "decision on a crisis obliging every member)"),
    N_("crisis %(crisis)s has no notice to the UN Security Council"),
    N_("the notice was sent at %(moment)s"),
    N_("requests come from an affected state (%(states)s)"),
    N_("only %(state)s, which asked, or the Secretariat accepts or declines"),
)

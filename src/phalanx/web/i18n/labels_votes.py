"""The names of a draft's procedure and its vote (its kind and status, the positions and
answers of the members, the written and silence procedures, the quorum, the count under a
qualified majority and its base) and of a decision's life (its status on a day, what a
later decision did to it), marked for extraction like those of `labels.py`, which gathers
them into `LABELS`."""

from __future__ import annotations


def L_(group: str, text: str) -> str:
    """Mark `text` for extraction with the context `group`."""
    return text


VOTE_LABELS = {
    'amendment_status': {
        'accepted': L_('amendment_status', 'accepted'),
        'proposed': L_('amendment_status', 'proposed'),
        'rejected': L_('amendment_status', 'rejected'),
    },
    'answer': {
        'no': L_('answer', 'no'),
        'object': L_('answer', 'objects'),
        'reservation': L_('answer', 'signs with a reservation'),
        'sign': L_('answer', 'signs'),
        'yes': L_('answer', 'yes'),
    },
    'channel': {
        'in_writing': L_('channel', 'in writing'),
        'telephone': L_('channel', 'telephone'),
        'video': L_('channel', 'video'),
    },
    'draft_kind': {
        'decision': L_('draft_kind', 'decision'),
        'instruction': L_('draft_kind', 'instruction'),
        'statement': L_('draft_kind', 'statement'),
    },
    'draft_status': {
        'adopted': L_('draft_status', 'adopted'),
        'circulating': L_('draft_status', 'circulating'),
        'closed': L_('draft_status', 'closed'),
        'lapsed': L_('draft_status', 'lapsed'),
        'open': L_('draft_status', 'open'),
        'returned': L_('draft_status', 'returned'),
    },
    'outcome': {
        'adopted': L_('outcome', 'adopted'),
        'no_decision': L_('outcome', 'no decision'),
        'no_quorum': L_('outcome', 'no quorum'),
        'returned': L_('outcome', 'returned'),
    },
    'position': {
        'abstain': L_('position', 'abstain'),
        'no_objection': L_('position', 'no objection'),
        'not_stated': L_('position', 'not stated'),
        'not_taking_part': L_('position', 'not taking part'),
        'object': L_('position', 'object'),
        'support': L_('position', 'support'),
    },
    'procedure': {
        'consultation': L_('procedure', 'by consultation'),
        'session': L_('procedure', 'in session'),
        'silence': L_('procedure', 'silence procedure'),
        'written': L_('procedure', 'written procedure'),
    },
    'silence': {
        'None': L_('silence', '—'),
        'adopted': L_('silence', 'silence kept: adopted at the deadline'),
        'broken': L_('silence', 'silence broken: returned to the body'),
        'circulating': L_('silence', 'circulating under silence'),
    },
    'quorum': {
        'all': L_('quorum', 'all members'),
        'majority': L_('quorum', 'a majority'),
        'two_thirds': L_('quorum', 'two thirds'),
    },
    'question': {
        'admission': L_('question', 'admission'),
        'appointment': L_('question', 'appointment'),
        'default': L_('question', 'general'),
        'expulsion': L_('question', 'expulsion'),
        'lifting_of_suspension': L_('question', 'lifting of a suspension'),
        'observer_status': L_('question', 'observer status'),
        'peacekeeping': L_('question', 'peacekeeping'),
        'procedural': L_('question', 'procedural'),
        'suspension': L_('question', 'suspension'),
    },
    'written': {
        'None': L_('written', '—'),
        'adopted': L_('written', 'adopted'),
        'circulating': L_('written', 'circulating for signature'),
        'lapsed': L_('written', 'lapsed'),
        'procedure': L_('written', 'written procedure'),
        'returned': L_('written', 'returned for revision'),
        'status': L_('written', 'Procedure'),
    },
    # a qualified majority's base (the dataset's `qualified.of`), on a draft's count
    'majority_base': {
        'cast': L_('majority_base', 'the votes cast'),
        'present': L_('majority_base', 'the members present'),
        'members': L_('majority_base', 'all members'),
    },
    # the same base as a decision's reason writes it (`majority.BASE_WORDS`)
    'majority_words': {
        'votes_cast': L_('majority_words', 'the votes cast'),
        'members_present': L_('majority_words', 'the members present'),
        'all_members': L_('majority_words', 'all members'),
    },
    # the lines of a draft's count
    'tally': {
        'in_favour': L_('tally', 'in favour'),
        'against': L_('tally', 'against'),
        'abstaining': L_('tally', 'abstaining'),
        'silent': L_('tally', 'present, not stating'),
        'absent': L_('tally', 'absent'),
    },
    # a decision's status on a day (`domain/decisions/lifecycle.Status`)
    'in_force_status': {
        'not_adopted': L_('in_force_status', 'not yet adopted'),
        'pending': L_('in_force_status', 'not yet in force'),
        'in_force': L_('in_force_status', 'in force'),
        'suspended': L_('in_force_status', 'suspended'),
        'expired': L_('in_force_status', 'expired'),
        'repealed': L_('in_force_status', 'repealed'),
    },
    # what a decision does to an earlier one
    'act_effect': {
        'amends': L_('act_effect', 'amends'),
        'extends': L_('act_effect', 'extends'),
        'suspends': L_('act_effect', 'suspends'),
        'repeals': L_('act_effect', 'repeals'),
    },
    # what a later decision did to this one
    'act_effected': {
        'amends': L_('act_effected', 'amended by'),
        'extends': L_('act_effected', 'extended by'),
        'suspends': L_('act_effected', 'suspended by'),
        'repeals': L_('act_effected', 'repealed by'),
    },
    # what a later agreement did to this one, before the later one's title (in Russian
    # with a colon: the title stays in the nominative)
    'agreement_effected': {
        'amends': L_('agreement_effected', 'amended by'),
        'extends': L_('agreement_effected', 'extended by'),
        'suspends': L_('agreement_effected', 'suspended by'),
        'repeals': L_('agreement_effected', 'repealed by'),
    },
    # what a later decision adopted will do to this one, from its entry into force
    'act_scheduled': {
        'amends': L_('act_scheduled', 'to be amended by'),
        'extends': L_('act_scheduled', 'to be extended by'),
        'suspends': L_('act_scheduled', 'to be suspended by'),
        'repeals': L_('act_scheduled', 'to be repealed by'),
    },
    # how a decision enters into force
    'act_start': {
        'adoption': L_('act_start', 'on adoption'),
        'date': L_('act_start', 'on a date it states'),
        'notifications': L_('act_start', 'on every bound member\'s notification'),
    },
}

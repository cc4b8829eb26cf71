"""The names of a vote's count (a draft's tally under a qualified majority, its base)
and of a decision's life (its status on a day, what a later decision did to it), marked
for extraction like those of `labels.py`, which gathers them into `LABELS`."""

from __future__ import annotations


def L_(group: str, text: str) -> str:
    """Mark `text` for extraction with the context `group`."""
    return text


VOTE_LABELS = {
    # a qualified majority's base (the dataset's `qualified.of`), on a draft's count
    'majority_base': {
        'cast': L_('majority_base', 'the votes cast'),
        'present': L_('majority_base', 'the members present'),
        'members': L_('majority_base', 'all members'),
    },
    # the same base as a decision's reason writes it (`majority.BASE_WORDS`)
    'majority_words': {
        'votes_cast': L_('majority_base', 'the votes cast'),
        'members_present': L_('majority_base', 'the members present'),
        'all_members': L_('majority_base', 'all members'),
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

"""The names of a vote's count (a draft's tally under a qualified majority, its base),
marked for extraction like those of `labels.py`, which gathers them into `LABELS`."""

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
}

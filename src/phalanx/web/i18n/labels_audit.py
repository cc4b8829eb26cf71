"""The names of the kinds of record the audit trail's entries are about (`Write.audit`'s
target_kind, the group `audit_target`), marked for extraction like those of `labels.py`,
which gathers them into `LABELS`."""

from __future__ import annotations


def L_(group: str, text: str) -> str:
    """Mark `text` for extraction with the context `group`."""
    return text


# the kind of record an audit entry is about (`Write.audit`'s target_kind)
AUDIT_TARGETS: dict[str, str] = {
    'audit': L_('audit_target', 'audit trail'),
    'cap_alert': L_('audit_target', 'CAP alert'),
    'cap_feed': L_('audit_target', 'CAP feed'),
    'contribution': L_('audit_target', 'contribution'),
    'crisis': L_('audit_target', 'crisis'),
    'decision': L_('audit_target', 'decision'),
    'document': L_('audit_target', 'document'),
    'draft': L_('audit_target', 'draft'),
    'exercise_finding': L_('audit_target', 'exercise finding'),
    'ext_event': L_('audit_target', 'external event'),
    'ext_instrument': L_('audit_target', 'external instrument'),
    'force_aircraft': L_('audit_target', 'aircraft'),
    'force_unit': L_('audit_target', 'unit'),
    'joint_exercise': L_('audit_target', 'joint exercise'),
    'membership_record': L_('audit_target', 'membership record'),
    'model_law': L_('audit_target', 'model law'),
    'mtc_programme': L_('audit_target', 'military-technical programme'),
    'notification': L_('audit_target', 'notification'),
    'op_batch': L_('audit_target', 'batch of results'),
    'operation': L_('audit_target', 'operation'),
    'organization': L_('audit_target', 'organization'),
    'pa_field_session': L_('audit_target', 'field session of the PA'),
    'post': L_('audit_target', 'post'),
    'session': L_('audit_target', 'session'),
    'supply_agreement': L_('audit_target', 'supply agreement'),
    'task': L_('audit_target', 'task'),
    'token': L_('audit_target', 'API token'),
    'training_quota': L_('audit_target', 'training quota'),
    'user': L_('audit_target', 'user'),
    'watch': L_('audit_target', 'watch item'),
}

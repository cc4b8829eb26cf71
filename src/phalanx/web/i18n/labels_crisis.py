"""The names of the enumerated values of crises, alerts and forces (stages, measures,
plans, offers and requests, the response card, CAP fields, the planner's settings):
group -> value -> English name, marked for extraction like those of `labels.py`, which
gathers them into `LABELS`."""

from __future__ import annotations


def L_(group: str, text: str) -> str:
    """Mark `text` for extraction with the context `group`."""
    return text


CRISIS_LABELS: dict[str, dict[str, str]] = {
    'cap': {
        'action': L_('cap', 'What it did'),
        'airborne': L_('cap', 'Airborne'),
        'alerts': L_('cap', 'CAP alerts'),
        'anti_drug': L_('cap', 'Anti-drug special unit'),
        'areas': L_('cap', 'Alert areas'),
        'aviation': L_('cap', 'Aviation'),
        'cancelled': L_('cap', 'The sender cancelled this alert: closing the crisis is proposed.'),
        'emergency_rescue': L_('cap', 'Emergency rescue'),
        'engineer': L_('cap', 'Engineer'),
        'feeds': L_('cap', 'CAP feeds'),
        'languages': L_('cap', 'languages'),
        'line': L_('cap', 'line'),
        'medical': L_('cap', 'Medical'),
        'message': L_('cap', 'Message'),
        'motorized_rifle': L_('cap', 'Motorized rifle'),
        'received': L_('cap', 'Received'),
        'references': L_('cap', 'References'),
        'rule': L_('cap', 'Opens a crisis when'),
        'sent': L_('cap', 'sent'),
        'signature': L_('cap', 'Signature'),
        'special_forces': L_('cap', 'Special forces'),
        'special_police': L_('cap', 'Special police'),
        'warnings': L_('cap', 'warnings'),
    },
    'card': {
        'closing': L_('card', 'closing'),
        'consultations': L_('card', 'consultations'),
        'decision': L_('card', 'decision'),
        'first_unit': L_('card', 'first unit on the ground'),
        'full_deployment': L_('card', 'full deployment'),
        'un_notification': L_('card', 'UN Security Council notified'),
        'withdrawal_end': L_('card', 'end of withdrawal'),
        'withdrawal_start': L_('card', 'start of withdrawal'),
    },
    'constraint': {
        'crrf': L_('constraint', 'CRRF rule: not for bilateral political problems between states, not against CIS partners or neighbours'),
        'none': L_('constraint', '—'),
        'peacekeeping': L_('constraint', "on a member's territory at its request; elsewhere with a UN mandate"),
    },
    'flag': {
        'abroad': L_('flag', "outside members' territory"),
        'against_cis_or_neighbour': L_('flag', 'against a CIS partner or neighbour'),
        'bilateral_dispute': L_('flag', 'bilateral political problem between states'),
        'official_request': L_('flag', 'official request of the affected state'),
        'un_mandate': L_('flag', 'UN Security Council mandate'),
    },
    'layer': {
        'airfields': L_('layer', 'Airfields'),
        'crises': L_('layer', 'Crises'),
        'movements': L_('layer', 'Movements'),
        'units': L_('layer', 'Units'),
    },
    'mandate': {
        'expired': L_('mandate', 'expired'),
        'in_force': L_('mandate', 'in force'),
    },
    # the register of acts in force ended the crisis's decision before its period
    'mandate_end': {
        'expired': L_('mandate_end', "the decision's time in force ran out"),
        'repealed': L_('mandate_end', 'the decision was repealed'),
    },
    'measure': {
        'humanitarian': L_('measure', 'humanitarian'),
        'informational': L_('measure', 'informational'),
        'logistic': L_('measure', 'logistic'),
        'military_crrf': L_('measure', 'military (CRRF)'),
        'military_peacekeeping': L_('measure', 'military (peacekeeping)'),
        'political': L_('measure', 'political'),
    },
    'mode': {
        'air': L_('mode', 'by air'),
        'road': L_('mode', 'by ground'),
    },
    'notice': {
        'open': L_('notice', 'open'),
        'overdue': L_('notice', 'overdue'),
        'sent': L_('notice', 'sent'),
    },
    'obligation': {
        'declined': L_('obligation', 'declined'),
        'forces': L_('obligation', 'forces or means offered'),
        'none': L_('obligation', 'no answer yet'),
        'other': L_('obligation', 'other assistance'),
    },
    'offer_kind': {
        'aid': L_('offer_kind', 'aid'),
        'supplies': L_('offer_kind', 'supplies'),
        'units': L_('offer_kind', 'units'),
    },
    'offer_status': {
        'accepted': L_('offer_status', 'accepted'),
        'declined': L_('offer_status', 'declined'),
        'offered': L_('offer_status', 'offered'),
    },
    'place_kind': {
        'airbase': L_('place_kind', 'air base'),
        'airfield': L_('place_kind', 'airfield'),
        'garrison': L_('place_kind', 'garrison'),
        'node': L_('place_kind', 'place'),
    },
    'plan': {
        'decided': L_('plan', 'decided'),
        'line': L_('plan', 'Plan {id}: {movements} movements, {uncovered} uncovered'),
        'on_map': L_('plan', 'Plan {id} of crisis {crisis}'),
        'optimal': L_('plan', 'optimal (the plan reaches its lower bound)'),
        'proposed': L_('plan', 'proposed'),
        'superseded': L_('plan', 'superseded'),
        'withdrawal': L_('plan', 'Plan the withdrawal'),
    },
    'plan_status': {
        'decided': L_('plan_status', 'decided'),
        'proposed': L_('plan_status', 'proposed'),
        'superseded': L_('plan_status', 'superseded'),
    },
    'quantity_unit': {
        'count': L_('quantity_unit', 'count'),
        'g': L_('quantity_unit', 'g'),
        'kg': L_('quantity_unit', 'kg'),
        'l': L_('quantity_unit', 'l'),
        'ml': L_('quantity_unit', 'ml'),
        't': L_('quantity_unit', 't'),
    },
    # a decision rule's quorum (the dataset's decision_rules), in a refusal or an outcome
    'request_unit': {
        'units': L_('request_unit', 'units'),
    },
    'request_status': {
        'closed': L_('request_status', 'closed'),
        'covered': L_('request_status', 'covered'),
        'lapsed': L_('request_status', 'lapsed'),
        'open': L_('request_status', 'open'),
    },
    'risk': {
        'critical': L_('risk', 'critical'),
        'elevated': L_('risk', 'elevated'),
        'high': L_('risk', 'high'),
        'low': L_('risk', 'low'),
    },
    'solver': {
        'FEASIBLE': L_('solver', 'searched to its limit, not proven optimal'),
        'INFEASIBLE': L_('solver', 'no plan in the searched neighbourhood'),
        'MODEL_INVALID': L_('solver', 'search model refused'),
        'OPTIMAL': L_('solver', 'best in the searched neighbourhood'),
        'UNKNOWN': L_('solver', 'searched to its limit'),
        'at the bound': L_('solver', 'at the bound'),
        'greedy only': L_('solver', 'greedy plan only'),
        'optimal': L_('solver', 'proven optimal'),
    },
    'scope': {
        'all': L_('scope', 'all units'),
        'none': L_('scope', 'none'),
        'some': L_('scope', 'some units'),
    },
    'scorecard': {
        'to_consultations': L_('scorecard', 'to consultations'),
        'to_decision': L_('scorecard', 'to decision'),
        'to_first_deployment': L_('scorecard', 'to first unit deployed'),
        'to_first_offer': L_('scorecard', 'to first offer of assistance'),
    },
    # a CAP feed's last poll (`services/feeds.py`)
    'feed_status': {
        'failing': L_('feed_status', 'failing'),
        'new': L_('feed_status', 'not polled yet'),
        'not-modified': L_('feed_status', 'unchanged'),
        'ok': L_('feed_status', 'polled'),
        'partial': L_('feed_status', 'polled, with errors'),
    },
    'severity': {
        'extreme': L_('severity', 'extreme'),
        'minor': L_('severity', 'minor'),
        'moderate': L_('severity', 'moderate'),
        'severe': L_('severity', 'severe'),
    },
    'stage': {
        'assessment': L_('stage', 'assessment'),
        'closed': L_('stage', 'closed'),
        'consultations': L_('stage', 'consultations'),
        'decision': L_('stage', 'decision'),
        'deployed': L_('stage', 'deployed'),
        'monitoring': L_('stage', 'monitoring'),
        'no_action': L_('stage', 'no action'),
        'rejected': L_('stage', 'rejected'),
        'reported': L_('stage', 'reported'),
        'response': L_('stage', 'response'),
    },
    'verdict': {
        'met': L_('verdict', 'met'),
        'missed': L_('verdict', 'missed'),
        'no_target': L_('verdict', 'no target'),
        'not_reached': L_('verdict', 'not reached'),
        'open': L_('verdict', 'open'),
        'overdue': L_('verdict', 'overdue'),
    },
    'watch_status': {
        'closed': L_('watch_status', 'closed'),
        'escalated': L_('watch_status', 'escalated'),
        'watching': L_('watch_status', 'watching'),
    },
}

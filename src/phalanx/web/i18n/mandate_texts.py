"""The refusals naming the end of a crisis's decision's mandate (`domain/crisis/mandate.py`):
its period over, the decision repealed, out of time or suspended in the register of acts in
force. Matched in their place among `error_templates.TEMPLATES`: none contains " is "
followed by a plan's status, so "plan %(plan)s is %(plan_status)s" does not take them."""

from __future__ import annotations

from phalanx.web.i18n import N_

MANDATE_TEMPLATES = (
    # the decision's period is over
    # (no " is " in them: "plan %(plan)s is %(plan_status)s" would take the refusal of a
    # plan that names one)
    N_("the mandate of %(number)s ended on %(ended)s (its period of %(days)s days from "
       "its adoption): no new deployment under it without a new decision linked to the "
       "crisis"),
    N_("the decision's mandate ended on %(ended)s (its period of %(days)s days from its "
       "adoption): no new deployment under it without a new decision linked to the crisis"),
    N_("the mandate of %(number)s ended on %(ended)s (its period, as a later decision "
       "extended it): no new deployment under it without a new decision linked to the "
       "crisis"),
    N_("the decision's mandate ended on %(ended)s (its period, as a later decision "
       "extended it): no new deployment under it without a new decision linked to the "
       "crisis"),
    # a limited period with no number of days, ended by the withdrawal of the requests
    N_("the mandate of %(number)s ended on %(ended)s (its limited period, which ended with "
       "the withdrawal of the official request it answered): no new deployment under it "
       "without a new decision linked to the crisis"),
    N_("the decision's mandate ended on %(ended)s (its limited period, which ended with the "
       "withdrawal of the official request it answered): no new deployment under it without "
       "a new decision linked to the crisis"),
    # the crisis's decision ended for good in the register of acts in force first
    N_("the mandate of %(number)s ended on %(ended)s (the decision was repealed): no new "
       "deployment under it without a new decision linked to the crisis"),
    N_("the decision's mandate ended on %(ended)s (the decision was repealed): no new "
       "deployment under it without a new decision linked to the crisis"),
    N_("the mandate of %(number)s ended on %(ended)s (the decision's time in force ran "
       "out): no new deployment under it without a new decision linked to the crisis"),
    N_("the decision's mandate ended on %(ended)s (the decision's time in force ran out): "
       "no new deployment under it without a new decision linked to the crisis"),
    N_("the mandate of %(number)s is suspended (the decision is suspended in the "
       "register): no new deployment under it while it is suspended, unless a new "
       "decision is linked to the crisis"),
    N_("the decision's mandate is suspended (the decision is suspended in the register): "
       "no new deployment under it while it is suspended, unless a new decision is linked "
       "to the crisis"),
)

"""What pydantic says of a bad field of a form or a request (its error type), in words a
person reads: the msgids `errors.validation_message` translates."""

from __future__ import annotations

from phalanx.web.i18n import N_

# what pydantic says of a bad field (its error type), in words a person reads
VALIDATION = {
    "missing": N_("required"),
    "int_parsing": N_("give a whole number"),
    "int_type": N_("give a whole number"),
    "float_parsing": N_("give a number"),
    "float_type": N_("give a number"),
    "bool_parsing": N_("give yes or no"),
    "date_from_datetime_parsing": N_("give a date (YYYY-MM-DD)"),
    "date_parsing": N_("give a date (YYYY-MM-DD)"),
    "datetime_parsing": N_("give a date and time"),
    "datetime_from_date_parsing": N_("give a date and time"),
    "enum": N_("not one of the allowed values"),
    "literal_error": N_("not one of the allowed values"),
    "string_too_long": N_("too long"),
    "string_too_short": N_("too short"),
    "string_pattern_mismatch": N_("not in the expected form"),
    "greater_than_equal": N_("too small"),
    "greater_than": N_("too small"),
    "less_than_equal": N_("too large"),
    "less_than": N_("too large"),
}

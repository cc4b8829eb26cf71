"""A form's refusal in the reader's language, each field it names by the form's own label
for it (`fields`: a field's name to the msgid of its label)."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError

from phalanx.services.errors import Invalid
from phalanx.web.i18n import errors, translator


def by_field(exc: Exception, lang: str, fields: Mapping[str, str]) -> str:
    """What a refused form says, in `lang`: each problem, after its field's label where
    the form has the field."""
    _ = translator(lang)
    if isinstance(exc, ValidationError):
        found = [(str(e["loc"][0]) if e.get("loc") else "",
                  errors.validation_message(dict(e), lang)) for e in exc.errors()]
    elif isinstance(exc, Invalid):
        found = [(exc.where, errors.translate(exc.message, lang, labelled=True))]
    else:
        found = [("", errors.translate(str(exc), lang, labelled=True))]
    return "; ".join(_(fields[where]) + ": " + what if where in fields else what
                     for where, what in found)

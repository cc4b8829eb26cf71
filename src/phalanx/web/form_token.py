"""The token of its own each page form carries (`form_guard` in the templates): new each
time the form is shown, so the same form sent twice (a double tap, the browser sending it
again after a timeout) sends the same token. `web.idempotency` takes it as the form's
idempotency key: the write is done once, and the form sent again is answered as the first
time (most often: taken to the record it made)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

FORM_TOKEN_FIELD = "form_token"  # noqa: S105 (a field's name)
_MULTIPART = re.compile(rb'name="' + FORM_TOKEN_FIELD.encode() + rb'"\r\n\r\n([!-~]{1,255})\r\n')


def form_token(content_type: str, body: bytes) -> str | None:
    """The form's token in a form body (URL-encoded or multipart), or None."""
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        for name, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True):
            if name == FORM_TOKEN_FIELD:
                return value or None
        return None
    if kind == "multipart/form-data":
        found = _MULTIPART.search(body)
        return found.group(1).decode("ascii") if found else None
    return None

"""What the CAP intake did with a message (`domain/crisis/alerts.py`: `Decision.why`) in
the reader's language: the messages and templates `errors.translate` knows (see
`errors`); and its warnings (`warning_text`). The message type (Alert, Update, Cancel,
Ack, Error), its status and its signature's verdict stay as CAP and the intake write
them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from phalanx.web.i18n import N_, translator

ALERT_MESSAGES = (
    N_("a new alert"),
    N_("the feed's rule makes it a watch entry"),
    N_("Update of the crisis"),
    N_("Update of the watch"),
    N_("Cancel: the crisis is marked cancelled and closing is proposed"),
    N_("Cancel: the watch is marked cancelled and closing is proposed"),
    # why a signature has its verdict (adapters/cap/signature.py)
    N_("no XML signature"),
)

ALERT_TEMPLATES = (
    N_("status %(cap_status)s: stored, never acted on"),
    N_("%(msg_type)s of nothing received here: stored (no new crisis)"),
    N_("%(msg_type)s with an invalid signature: stored, nothing changed"),
    N_("%(msg_type)s from a sender other than the referenced message's: stored, nothing "
       "changed"),
    N_("%(msg_type)s from an exercise message cannot change a real crisis: stored"),
    N_("%(msg_type)s from an exercise message cannot change a real watch: stored"),
    N_("%(msg_type)s from a real message cannot change an exercise crisis: stored"),
    N_("%(msg_type)s from a real message cannot change an exercise watch: stored"),
    N_("%(cap_signature)s signature: the setting allows a watch entry only"),
    N_("%(msg_type)s for fewer readers than the crisis: kept apart, the crisis not changed"),
    N_("%(msg_type)s for fewer readers than the watch: kept apart, the watch not changed"),
    N_("signed, but no trust anchor is configured for sender %(sender)s"),
    N_("signed with the anchor configured for %(sender)s"),
    # a message sent again by one who may not read the record it made (`alerts.known`)
    N_("message %(identifier)s from %(sender)s was already received here"),
    # last: its type matches any text before the colon
    N_("%(msg_type)s: stored, not acted on"),
)


def warning_text(warning: Mapping[str, Any], lang: str) -> str:
    """A warning of the CAP intake in `lang`: its message key (`adapters/cap/parse.py`,
    `domain/crisis/alerts.py`, marked there for the catalogue) filled with its values;
    one stored with its text only (before the keys) as it was stored."""
    message = str(warning.get("message", ""))
    key = warning.get("key")
    if not key:
        return message
    try:
        return translator(lang)(str(key), **dict(warning.get("args") or {}))
    except (KeyError, TypeError, ValueError):  # a key and values that do not fit
        return message

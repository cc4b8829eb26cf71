"""The audit trail's verification's verdicts (`domain/audit.py`) in the reader's
language: the messages and templates `errors.translate` knows (see `errors`); the kinds
of record its entries are about are the labels of `labels_audit.py`."""

from __future__ import annotations

from phalanx.web.i18n import N_

AUDIT_MESSAGES = (
    N_("entry differs from the copy of its hash kept outside the database"),
    N_("entry altered: its hash does not match its content"),
    N_("chain broken: entry does not follow the one before it"),
    N_("no public key: checkpoint signatures cannot be checked (give --key)"),
    N_("no checkpoint outside the database"),
)

AUDIT_TEMPLATES = (
    N_("entry %(entry)s is missing"),
    N_("entry %(entry)s is out of order"),
    N_("entries from %(first)s to %(last)s were copied outside the database and are gone"),
    N_("entry %(entry)s was never copied outside the database: it was added behind the "
       "application's back"),
    N_("entry %(entry)s was never copied outside the database though later entries were: "
       "it was added behind the application's back"),
    N_("entry %(entry)s was copied outside the database twice, with different hashes: the "
       "trail was cut before it and written on"),
    N_("checkpoint at entry %(entry)s: signature does not verify"),
    N_("a checkpoint signed entry %(entry)s; entries from %(first)s on are gone"),
    N_("checkpoint at entry %(entry)s: the entry was rewritten since it was signed"),
    N_("the newest checkpoint (%(at)s) is older than allowed (%(age)s)"),
)

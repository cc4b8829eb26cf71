"""Text that XML 1.0 can carry: the writers of CAP and Cursor-on-Target leave out what
it cannot (control characters other than tab, newline and return, lone surrogates,
U+FFFE and U+FFFF), which a record's free text may hold."""

from __future__ import annotations

import re

_NOT_XML = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ud800-\\udfff\\ufffe\\uffff]")


def xml_text(value: str) -> str:
    return _NOT_XML.sub("", value)

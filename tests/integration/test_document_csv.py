"""The documents' CSV export a secretariat officer opens in a spreadsheet: a title that a
spreadsheet would run as a formula, even after leading spaces, is exported as text."""

from __future__ import annotations

import csv
import io

import pytest

from phalanx.domain.access.policy import Marking, OwnerKind
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import documents as docs
from phalanx.services.db import Database
from tests.integration.test_force_tasks import SEC


@pytest.mark.parametrize(("title", "exported"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("  =1+1", "'  =1+1"),
    (" @SUM(A1)", "' @SUM(A1)"),
    ("-2+3", "'-2+3"),
    ("Protocol = minutes", "Protocol = minutes"),
])
def test_a_formula_in_a_title_is_exported_as_text(db: Database, title: str,
                                                  exported: str) -> None:
    docs.create(db, docs.DocumentIn(title=title, owner_kind=OwnerKind.SECRETARIAT,
                                    owner="secretariat", marking=Marking.ORGANIZATION),
                actor=SEC)
    with db.read() as conn:
        rows = list(csv.DictReader(io.StringIO("".join(docs.export_csv(conn, actor=SYSTEM)))))
    assert [r["title"] for r in rows] == [exported]

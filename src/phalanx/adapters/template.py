"""The results template to fill in, as the agencies' spreadsheets open it: an XLSX
workbook (opens alike in every language), or a CSV file in UTF-8 with a byte-order mark
(so that a spreadsheet does not take it for its local code page), comma-separated in
English and, for a Russian spreadsheet, whose separator is the semicolon and decimal
mark the comma, semicolon-separated with decimal commas. `adapters.ingest` reads each
back as it was written."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from openpyxl import Workbook

from phalanx.domain.operations.results import COLUMNS

BOM = "\ufeff"


def template_csv(example: dict[str, Any], *, semicolons: bool) -> bytes:
    """The header and the example row; with `semicolons`, a Russian spreadsheet's CSV."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if semicolons else ",", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    row = []
    for c in COLUMNS:
        value = example.get(c, "")
        if isinstance(value, float):
            value = f"{value:g}".replace(".", ",") if semicolons else f"{value:g}"
        row.append(value.isoformat() if isinstance(value, date) else value)
    writer.writerow(row)
    return (BOM + out.getvalue()).encode("utf-8")


def template_xlsx(example: dict[str, Any]) -> bytes:
    """The header and the example row in a workbook: a date cell, a number cell."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("results")
    ws.append(list(COLUMNS))
    ws.append([example.get(c) if example.get(c) != "" else None for c in COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

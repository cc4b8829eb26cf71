"""A table as a CSV file that a spreadsheet opens in columns, in the reader's language: UTF-8
with a byte-order mark, comma-separated with a decimal point in English, and, as a Russian
spreadsheet writes and reads it, semicolon-separated with a decimal comma. A figure keeps
every decimal it has (up to six: grams of a kilogram, millilitres of a litre), a count none;
a text a spreadsheet would run as a formula is written with a leading apostrophe."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from phalanx.domain.operations.results import formula_like

BOM = "\ufeff"


def figure(value: float, *, decimal_comma: bool) -> str:
    """A number as a spreadsheet reads it back exactly: no thousands separator, up to six
    decimals, none for a whole number."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if decimal_comma else text


def write(header: Sequence[str], rows: Iterable[Sequence[object]], *,
          semicolons: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if semicolons else ",", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        cells: list[str] = []
        for value in row:
            if isinstance(value, bool) or value is None:
                cells.append("" if value is None else str(value))
            elif isinstance(value, int | float):
                cells.append(figure(float(value), decimal_comma=semicolons))
            else:
                text = str(value)
                cells.append("'" + text if formula_like(text) else text)
        writer.writerow(cells)
    return (BOM + out.getvalue()).encode("utf-8")

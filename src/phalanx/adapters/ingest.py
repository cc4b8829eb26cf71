"""Reading result files row by row (streamed, never whole in memory): CSV and XLSX
with the documented template (the columns of `domain.operations.results.COLUMNS`).
A cell holding a formula is refused: the value shown is not what was computed here.
Text a spreadsheet would take for a formula is refused by the row check
(`domain.operations.results.formula_like`), in CSV and XLSX alike."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from phalanx.domain.operations.results import COLUMNS

MAX_FILE_BYTES = 200 * 1024 * 1024


class FileProblem(ValueError):
    def __init__(self, row: int, column: str, message: str) -> None:
        self.row, self.column, self.message = row, column, message
        super().__init__(f"row {row}, {column}: {message}")


def _check_header(header: list[str]) -> list[str]:
    names = [h.strip().lower() for h in header]
    missing = [c for c in ("reference", "date", "stage", "metric", "quantity") if c not in names]
    if missing:
        raise FileProblem(1, ",".join(missing), f"missing column(s); the template is: "
                                                f"{', '.join(COLUMNS)}")
    unknown = [n for n in names if n and n not in COLUMNS]
    if unknown:
        raise FileProblem(1, ",".join(unknown), f"unknown column(s); the template is: "
                                                f"{', '.join(COLUMNS)}")
    return names


def read_csv(text: TextIO) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number as a spreadsheet shows it, row) for each data row."""
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        raise FileProblem(1, "", "the file is empty") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FileProblem(1, "", f"not a UTF-8 CSV file: {exc}") from exc
    names = _check_header(header)
    try:
        for n, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(names):
                raise FileProblem(n, "", f"{len(values)} cells, the header has {len(names)}")
            yield n, dict(zip(names, values, strict=False))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FileProblem(reader.line_num, "", f"unreadable: {exc}") from exc


def read_xlsx(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open("rb") as fh:
        yield from _read_xlsx(fh)


def _read_xlsx(fh: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(fh, read_only=True, data_only=False)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise FileProblem(1, "", f"not an XLSX workbook: {exc}") from exc
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows()
        try:
            header_cells = next(rows)
        except StopIteration:
            raise FileProblem(1, "", "the sheet is empty") from None
        names = _check_header([str(c.value or "") for c in header_cells])
        for n, cells in enumerate(rows, start=2):
            values: dict[str, Any] = {}
            for name, cell in zip(names, cells, strict=False):
                if cell.data_type == "f":
                    raise FileProblem(n, name, "a formula is not accepted; enter the value")
                values[name] = cell.value
            if any(v not in (None, "") for v in values.values()):
                yield n, values
    finally:
        wb.close()


def read_file(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise FileProblem(0, "", f"the file is {size} bytes; the limit is {MAX_FILE_BYTES}")
    if path.suffix.lower() == ".xlsx":
        yield from read_xlsx(path)
    elif path.suffix.lower() == ".csv":
        with path.open("r", encoding="utf-8-sig", newline="") as fh:
            yield from read_csv(fh)
    else:
        raise FileProblem(0, "", f"{path.name}: upload a .csv or .xlsx file")

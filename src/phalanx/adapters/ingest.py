"""Reading result files row by row (streamed, never whole in memory): CSV and XLSX
with the documented template (the columns of `domain.operations.results.COLUMNS`).
A cell holding a formula is refused: the value shown is not what was computed here.
Text a spreadsheet would take for a formula is refused by the row check
(`domain.operations.results.formula_like`), in CSV and XLSX alike.

A CSV file is read as the spreadsheets of the member states' agencies write it: UTF-8
(with or without a byte-order mark), UTF-16 with its mark (a spreadsheet's "Unicode
text"), or else Windows-1251, the Cyrillic code page a Russian spreadsheet saves in;
its columns separated by commas, semicolons (where the decimal mark is a comma) or
tabs, whichever splits the header into the most of the template's columns. What was
assumed is said in `notes` (given back to the sender), never silently.

In either, the columns may be headed in Russian, as an agency's own spreadsheet heads
them ("Дата", "Количество"; `domain.operations.results.RUSSIAN_COLUMNS`); the header
may stand below a title (a workbook's merged title cells) within the first
`HEADER_ROWS` rows, and the rows above it are left out; a row summing the rows above it
("Итого") is no report and is left out too. Each is said in `notes`.

An XLSX file is a zip archive: what it unpacks to (the sizes its archive declares, which
bound what is read from it) is held to the same limit as a file, before any of it is
read, so that a small upload never unpacks into gigabytes (a zip bomb)."""

from __future__ import annotations

import codecs
import csv
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from phalanx.domain.operations.results import (
    COLUMNS,
    REQUIRED_COLUMNS,
    column_name,
    total_label,
)

MAX_FILE_BYTES = 200 * 1024 * 1024
# what an XLSX file's archive may unpack to, all its parts together (setting: the limit
# of a file; a workbook of the template's rows unpacks to some 15 times its size)
MAX_UNPACKED_BYTES = MAX_FILE_BYTES
# what a file was read as, when it was not the template's UTF-8 and commas
CP1251 = "not UTF-8: read as Windows-1251 (Cyrillic)"
UTF16 = "read as UTF-16 text"
SEPARATORS = {",": "", ";": "columns separated by semicolons",
              "\t": "columns separated by tabs"}
RUSSIAN_HEADER = "columns headed in Russian: read as the template's"
HEADER_ROWS = 10  # the rows in which the header is looked for, below a title (setting)


class FileProblem(ValueError):
    def __init__(self, row: int, column: str, message: str) -> None:
        self.row, self.column, self.message = row, column, message
        super().__init__(f"row {row}, {column}: {message}")


def _is_header(cells: list[Any]) -> bool:
    names = {column_name(c) for c in cells}
    return all(c in names for c in REQUIRED_COLUMNS)


def _check_header(header: list[Any], at: int = 1, notes: list[str] | None = None
                  ) -> list[str]:
    """The template's column each header cell names; what is not as the template writes
    it (headed in Russian, at a row below the first) said in `notes`."""
    names = [column_name(h) for h in header]
    if notes is not None and any(n != " ".join(str(h or "").split()).lower()
                                 for n, h in zip(names, header, strict=True)):
        notes.append(RUSSIAN_HEADER)
    if notes is not None and at > 1:
        notes.append(f"the header is at row {at}: the rows above it are left out")
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise FileProblem(1, ",".join(missing), f"missing column(s); the template is: "
                                                f"{', '.join(COLUMNS)}")
    unknown = [n for n in names if n and n not in COLUMNS]
    if unknown:
        raise FileProblem(1, ",".join(unknown), f"unknown column(s); the template is: "
                                                f"{', '.join(COLUMNS)}")
    return names


def _separator(header: str) -> str:
    """The separator that splits the header line into the most template columns (a comma
    when none does better)."""
    def known(sep: str) -> int:
        cells = next(csv.reader([header], delimiter=sep), [])
        return sum(1 for c in cells if column_name(c) in COLUMNS)
    return max(SEPARATORS, key=known)


def read_csv(text: TextIO, notes: list[str] | None = None
             ) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number as a spreadsheet shows it, row) for each data row; the separator is
    the one the header line uses (said in `notes` when it is not a comma)."""
    try:
        lines: list[str] = []
        at = 0  # the header's line (none found: the first, refused as it is)
        while not at and len(lines) < HEADER_ROWS and (line := text.readline()):
            lines.append(line)
            if _is_header(next(csv.reader([line], delimiter=_separator(line)), [])):
                at = len(lines)
        if not lines:
            raise FileProblem(1, "", "the file is empty")
        at = at or 1
        sep = _separator(lines[at - 1])
        reader = csv.reader(itertools.chain(lines[at - 1:], text), delimiter=sep)
        header = next(reader)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FileProblem(1, "", f"not a readable CSV file: {exc}") from exc
    if SEPARATORS[sep] and notes is not None:
        notes.append(SEPARATORS[sep])
    names = _check_header(header, at, notes)
    try:
        for n, values in enumerate(reader, start=at + 1):
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(names):
                raise FileProblem(n, "", f"{len(values)} cells, the header has {len(names)}")
            row = dict(zip(names, values, strict=False))
            if not _total(n, row, notes):
                yield n, row
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FileProblem(reader.line_num, "", f"unreadable: {exc}") from exc


def _total(n: int, row: dict[str, Any], notes: list[str] | None) -> bool:
    """Whether row `n` sums the rows above it (said in `notes`): no report."""
    label = total_label(row)
    if label is not None and notes is not None:
        notes.append(f"row {n} ({label}) sums the rows above it: left out, not a report")
    return label is not None


def read_xlsx(path: Path, notes: list[str] | None = None
              ) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open("rb") as fh:
        yield from _read_xlsx(fh, notes)


def _check_unpacked(fh: Any) -> None:
    """Refuse an archive that declares more than `MAX_UNPACKED_BYTES` unpacked (a part is
    never read past the size it declares)."""
    from zipfile import BadZipFile, ZipFile

    try:
        with ZipFile(fh) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
    except (BadZipFile, OSError, ValueError) as exc:
        raise FileProblem(1, "", f"not an XLSX workbook: {exc}") from exc
    finally:
        fh.seek(0)
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileProblem(0, "", f"the workbook unpacks to {unpacked} bytes; the limit is "
                                 f"{MAX_UNPACKED_BYTES}")


def _read_xlsx(fh: Any, notes: list[str] | None = None
               ) -> Iterator[tuple[int, dict[str, Any]]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _check_unpacked(fh)
    try:
        wb = load_workbook(fh, read_only=True, data_only=False)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise FileProblem(1, "", f"not an XLSX workbook: {exc}") from exc
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows()
        first: Any = None
        at = 0  # the header's row (none found: the first, refused as it is)
        for i, cells in enumerate(itertools.islice(rows, HEADER_ROWS), start=1):
            first = cells if first is None else first
            if _is_header([c.value for c in cells]):
                first, at = cells, i
                break
        if first is None:
            raise FileProblem(1, "", "the sheet is empty")
        at = at or 1
        names = _check_header([str(c.value or "") for c in first], at, notes)
        for n, cells in enumerate(rows, start=at + 1):
            values: dict[str, Any] = {}
            for name, cell in zip(names, cells, strict=False):
                if cell.data_type == "f":
                    raise FileProblem(n, name, "a formula is not accepted; enter the value")
                values[name] = cell.value
            if any(v not in (None, "") for v in values.values()) \
                    and not _total(n, values, notes):
                yield n, values
    finally:
        wb.close()


def _encoding(path: Path) -> tuple[str, str]:
    """The text encoding of a CSV file, and what to say of it (nothing for UTF-8): UTF-16
    by its byte-order mark; UTF-8 when every byte of it decodes as such (checked in
    chunks); else Windows-1251."""
    with path.open("rb") as fh:
        if fh.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            return "utf-16", UTF16
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := fh.read(1024 * 1024):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1251", CP1251
    return "utf-8-sig", ""


def read_file(path: Path, notes: list[str] | None = None
              ) -> Iterator[tuple[int, dict[str, Any]]]:
    """The rows of a CSV or XLSX file; what was assumed to read a CSV file (its encoding,
    its separator) is added to `notes`."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise FileProblem(0, "", f"the file is {size} bytes; the limit is {MAX_FILE_BYTES}")
    if path.suffix.lower() == ".xlsx":
        yield from read_xlsx(path, notes)
    elif path.suffix.lower() == ".csv":
        encoding, note = _encoding(path)
        if note and notes is not None:
            notes.append(note)
        with path.open("r", encoding=encoding, newline="") as fh:
            yield from read_csv(fh, notes)
    else:
        raise FileProblem(0, "", f"{path.name}: upload a .csv or .xlsx file")

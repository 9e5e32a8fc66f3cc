"""Tables written as spreadsheets: CSV that Excel opens with its accents, and XLSX, a sheet per table.

Partner text is data, never a formula. A spreadsheet program runs a cell that starts with = + - @
(or a tab or carriage return, which some skip first), so in CSV every such text cell is written
with a leading apostrophe, as OWASP recommends ("CSV Injection"). One exception: text that is a
plain negative number ("-5", "-2.5") cannot be a formula and is left as written, so a figure a
partner typed stays a figure; "-2+3" or "-cmd" is protected. In XLSX the type of each cell is
written explicitly (write_string for all text), so nothing written there is ever a formula.

The same tables always give the same bytes: XLSX files carry a fixed creation date and
xlsxwriter's fixed timestamps inside the zip.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sap_cli.errors import SapError
from sap_cli.files.atomic import atomic_write
from sap_cli.ids import slugify

Cell = str | int | float | dt.date | bool | None

# The creation date every XLSX file carries unless the caller gives one (the report's day, say).
FIXED_CREATED = dt.datetime(2000, 1, 1)

BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NEGATIVE = re.compile(r"-\d+(?:\.\d+)?")
SHEET_NAME_LIMIT = 31  # Excel's own limit
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")

XLSX_INSTALL_HINT = (
    "Install it with: pip install 'sap-cli[xlsx]' (or pipx inject sap-cli xlsxwriter), then run the "
    "command again; or ask for --format csv, which needs nothing more."
)


class XlsxExtraMissing(SapError):
    """xlsxwriter is not installed, so no XLSX file can be made."""

    def __init__(self) -> None:
        super().__init__(
            "sap needs the xlsx extra to write Excel files, and it is not installed; nothing was written.",
            hint=XLSX_INSTALL_HINT,
        )


@dataclass(frozen=True)
class Table:
    """One table: a sheet name, its column names (the one header row) and its rows of cells."""

    name: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Cell]]


def protected(text: str) -> str:
    """Text as a CSV cell no spreadsheet program will run as a formula."""
    if text.startswith(_FORMULA_START) and not _PLAIN_NEGATIVE.fullmatch(text):
        return "'" + text
    return text


def csv_cell(value: Cell) -> str:
    """One cell as CSV text: None empty, dates ISO, yes/no as true/false, numbers as written."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return "" if isinstance(value, float) and not math.isfinite(value) else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return protected(str(value))


def csv_bytes(table: Table) -> bytes:
    """The table as CSV: UTF-8 with a byte-order mark, one header row, rows ending in CR LF."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([protected(name) for name in table.columns])
    writer.writerows([csv_cell(value) for value in row] for row in table.rows)
    return (BOM + out.getvalue()).encode("utf-8")


def csv_paths(path: Path, tables: Sequence[Table]) -> list[Path]:
    """Where `write_csv` puts each table: the first at `path`, each other beside it with its name.

    A CSV file holds one table, so `programme.csv` with tables "Partnerships" and "By stream"
    becomes programme.csv and programme-by-stream.csv.
    """
    paths: list[Path] = []
    for index, table in enumerate(tables):
        if index == 0:
            paths.append(path)
            continue
        base = f"{path.stem}-{slugify(table.name) or f'table-{index + 1}'}"
        candidate, n = path.with_name(base + path.suffix), 2
        while candidate in paths:
            candidate, n = path.with_name(f"{base}-{n}{path.suffix}"), n + 1
        paths.append(candidate)
    return paths


def write_csv(path: Path, tables: Sequence[Table]) -> list[Path]:
    """Write each table as its own CSV file (see `csv_paths`), each replaced atomically; the paths."""
    paths = csv_paths(path, tables)
    for where, table in zip(paths, tables, strict=True):
        atomic_write(where, csv_bytes(table))
    return paths


def sheet_names(tables: Sequence[Table]) -> list[str]:
    """Each table's name as Excel takes it: no [ ] : * ? / \\, at most 31 characters, each once."""
    names: list[str] = []
    for index, table in enumerate(tables):
        name = _NOT_IN_SHEET_NAMES.sub("-", table.name).strip().strip("'")[:SHEET_NAME_LIMIT].strip()
        name = name or f"Sheet {index + 1}"
        base, n = name, 2
        while name.casefold() in {taken.casefold() for taken in names}:
            suffix = f" ({n})"
            name, n = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix, n + 1
        names.append(name)
    return names


def _xlsxwriter() -> Any:
    import importlib

    try:
        return importlib.import_module("xlsxwriter")  # the optional extra, loaded only when asked for
    except ImportError as exc:
        raise XlsxExtraMissing() from exc


def _width(values: Sequence[Cell], header: str) -> float:
    longest = max([len(header), *(len(csv_cell(v)) for v in values)])
    return float(min(max(longest + 2, 8), 60))


def xlsx_bytes(tables: Sequence[Table], created: dt.date | None = None) -> bytes:
    """The tables as an Excel workbook, a sheet per table: header row bold and frozen, with filters;
    numbers as numbers, dates as dates, text always as text (never a formula).

    `created` is the creation date the file carries (FIXED_CREATED if not given), so the same
    tables give the same bytes. Raises XlsxExtraMissing when xlsxwriter is not installed.
    """
    xlsxwriter = _xlsxwriter()
    output = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    workbook = xlsxwriter.Workbook(output, options)
    stamp = created or FIXED_CREATED
    if not isinstance(stamp, dt.datetime):
        stamp = dt.datetime(stamp.year, stamp.month, stamp.day)
    workbook.set_properties({"created": stamp})
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for name, table in zip(sheet_names(tables), tables, strict=True):
        sheet = workbook.add_worksheet(name)
        for column, header in enumerate(table.columns):
            sheet.write_string(0, column, header, bold)
            sheet.set_column(column, column, _width([row[column] for row in table.rows], header))
        for r, row in enumerate(table.rows, start=1):
            for column, value in enumerate(row):
                _write_cell(sheet, r, column, value, day)
        sheet.freeze_panes(1, 0)
        if table.columns:
            sheet.autofilter(0, 0, len(table.rows), len(table.columns) - 1)
    workbook.close()
    return output.getvalue()


def _write_cell(sheet: Any, row: int, column: int, value: Cell, day: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, (int, float)):
        if math.isfinite(value):
            sheet.write_number(row, column, value)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, column, value, day)
    else:
        sheet.write_string(row, column, str(value))


def write_xlsx(path: Path, tables: Sequence[Table], created: dt.date | None = None) -> Path:
    """Write the tables as one XLSX file at `path`, replaced atomically (nothing written on failure)."""
    data = xlsx_bytes(tables, created)
    atomic_write(path, data)
    return path

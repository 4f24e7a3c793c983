"""Reading a roster file, xlsx or csv, into raw records keyed by column header.

Nothing here knows what a flat is: it checks the file is one we can read, finds the required
columns by their header and hands back the non-blank data rows with their spreadsheet row number.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook

from app.roster.services.errors import RosterFileUnreadable, RosterRefused, row_error

# In this order in the housing centre's template; read by header, in any order.
REQUIRED_COLUMNS = (
    "楼栋",
    "单元",
    "房号",
    "合同编号",
    "起租日期",
    "到期日期",
    "姓名",
    "手机号",
    "身份",
)
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_DATA_ROWS = 20_000
XLSX_MAGIC = b"PK\x03\x04"
# Text files hold no control characters but tab and line ends; binary files almost always do.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(slots=True)
class RawRecord:
    row: int  # spreadsheet row number; the header is row 1
    cells: dict[str, Any]  # required column → the value as read (str, int, float, datetime, None)


def sniff_format(content: bytes) -> str:
    """ "xlsx" or "csv" from the bytes themselves, whatever the file is called.

    Raises RosterFileUnreadable for an empty file, a zip that is not a workbook, or bytes that
    are not text in UTF-8 or GB18030 (what Excel in China saves CSV as).
    """
    if not content:
        raise RosterFileUnreadable()
    if content.startswith(XLSX_MAGIC):
        if not _is_workbook(content):
            raise RosterFileUnreadable()
        return "xlsx"
    decode_text(content)
    return "csv"


def _is_workbook(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        return False


def decode_text(content: bytes) -> str:
    """The text of a csv file: UTF-8 (with or without BOM), else GB18030."""
    if content.startswith(codecs.BOM_UTF8):
        content = content[len(codecs.BOM_UTF8) :]
    for encoding in ("utf-8", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROL.search(text) is None:
            return text
    raise RosterFileUnreadable()


def cell_text(value: Any) -> str:
    """A cell as text: numbers Excel stored as floats (1502.0, 13800138000.0) lose the ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def read_records(content: bytes, file_format: str) -> list[RawRecord]:
    """The file's non-blank data rows, with the required columns found by header.

    Raises RosterRefused when the file cannot be read, lacks a required column (row 1, naming
    it), has no data rows or more than MAX_DATA_ROWS.
    """
    rows = _xlsx_rows(content) if file_format == "xlsx" else _csv_rows(content)
    try:
        positions = _column_positions(next(rows, None))
        return _records(rows, positions)
    finally:
        rows.close()


def _unreadable() -> RosterRefused:
    return RosterRefused([row_error(1, "", "roster_file_unreadable")])


def _xlsx_rows(content: bytes) -> Iterator[tuple]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise _unreadable() from exc
    try:
        if not workbook.worksheets:
            raise _unreadable()
        sheet = workbook.worksheets[0]
        # Some writers record a wrong used range; without it every row present is read.
        sheet.reset_dimensions()
        yield from _guarded(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    try:
        text = decode_text(content)
    except RosterFileUnreadable as exc:
        raise _unreadable() from exc
    yield from _guarded(csv.reader(io.StringIO(text, newline="")))


def _guarded(rows: Iterator) -> Iterator:
    """Rows of a reader; whatever the reader raises on broken content means "unreadable"."""
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as exc:
            raise _unreadable() from exc
        yield row


def _column_positions(header: tuple | list | None) -> dict[str, int]:
    names = [cell_text(value) for value in header or ()]
    positions: dict[str, int] = {}
    for index, name in enumerate(names):
        if name in REQUIRED_COLUMNS:
            positions.setdefault(name, index)
    missing = [column for column in REQUIRED_COLUMNS if column not in positions]
    if missing:
        raise RosterRefused([row_error(1, column, "missing_column") for column in missing])
    return positions


def _records(rows: Iterator, positions: dict[str, int]) -> list[RawRecord]:
    records: list[RawRecord] = []
    for row_number, row in enumerate(rows, start=2):
        cells = {column: row[i] if i < len(row) else None for column, i in positions.items()}
        if all(cell_text(value) == "" for value in cells.values()):
            continue  # Excel keeps formatted but empty rows; they are not occupants
        if len(records) == MAX_DATA_ROWS:
            error = row_error(row_number, "", "too_many_rows", value=MAX_DATA_ROWS)
            raise RosterRefused([error], total_rows=len(records))
        records.append(RawRecord(row_number, cells))
    if not records:
        raise RosterRefused([row_error(2, "", "roster_empty")])
    return records

"""The demo roster as the .xlsx file the housing centre would hand over, byte-for-byte stable.

Two things in an .xlsx normally change on every save: the workbook's created/modified times in
docProps/core.xml (openpyxl's ``save`` stamps "now") and each zip entry's timestamp. Both are
pinned here, so the same rows always give the same bytes (and the same sha256).
"""

from __future__ import annotations

import io
from datetime import datetime
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from app.demo.residents import DEMO_SEED, RosterRow, generate_roster

ROSTER_HEADER = (
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
ROSTER_FILENAME = "北焦社区住户名册（演示）.xlsx"
FIXED_TIMESTAMP = datetime(2025, 1, 1, 8, 0, 0)


def demo_roster_bytes(seed: int = DEMO_SEED) -> bytes:
    """The demo community's roster file."""
    return roster_xlsx(generate_roster(seed))


def roster_xlsx(rows: list[RosterRow]) -> bytes:
    """One header row, then one row per occupant; codes, rooms and phones are text, dates dates."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "住户名册"
    sheet.append(ROSTER_HEADER)
    for row in rows:
        sheet.append(_cells(row))
    return _pin_zip_timestamps(_write(workbook))


def _cells(row: RosterRow) -> tuple:
    address = row.address
    return (
        address.building,
        address.unit,
        address.room,
        row.lease_number,
        row.lease_start,
        row.lease_end,
        row.name,
        row.phone,
        row.relation,
    )


def _write(workbook: Workbook) -> bytes:
    # ExcelWriter rather than Workbook.save: save() overwrites properties.modified with now().
    workbook.properties.creator = "linli"
    workbook.properties.created = FIXED_TIMESTAMP
    workbook.properties.modified = FIXED_TIMESTAMP
    buffer = io.BytesIO()
    with ZipFile(buffer, "w", ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()
    return buffer.getvalue()


def _pin_zip_timestamps(content: bytes) -> bytes:
    """The same archive, each entry dated FIXED_TIMESTAMP instead of when it was written."""
    out = io.BytesIO()
    with ZipFile(io.BytesIO(content)) as source, ZipFile(out, "w", ZIP_DEFLATED) as target:
        for entry in source.infolist():
            pinned = ZipInfo(entry.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            pinned.compress_type = ZIP_DEFLATED
            pinned.external_attr = 0o600 << 16
            target.writestr(pinned, source.read(entry))
    return out.getvalue()

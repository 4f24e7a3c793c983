"""Tiny roster files for tests: rows in, xlsx or csv bytes out."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook

HEADER = ["楼栋", "单元", "房号", "合同编号", "起租日期", "到期日期", "姓名", "手机号", "身份"]


def person(
    building: Any = "1",
    unit: Any = "1",
    room: Any = "0101",
    lease: Any = "GZF-0101",
    start: Any = "2024-01-01",
    end: Any = "2026-12-31",
    name: Any = "张三",
    phone: Any = "13800000001",
    relation: Any = "承租人",
) -> list[Any]:
    """One roster row, in HEADER order."""
    return [building, unit, room, lease, start, end, name, phone, relation]


def household(room: str, names: list[str], phone_base: int, building: str = "1") -> list[list]:
    """A flat's rows: the first name is the primary tenant, the rest co-residents."""
    return [
        person(
            building=building,
            room=room,
            lease=f"GZF-{building}-{room}",
            name=name,
            phone=str(phone_base + i),
            relation="承租人" if i == 0 else "同住人",
        )
        for i, name in enumerate(names)
    ]


def xlsx_bytes(rows: list[list[Any]], header: list[str] = HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[Any]], header: list[str] = HEADER, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def small_roster() -> list[list[Any]]:
    """Two flats of building 1 and one of building 2: five people."""
    return [
        *household("0101", ["张三", "李梅"], 13800000001),
        *household("0102", ["王五"], 13800000011),
        *household("0201", ["赵六", "钱七"], 13800000021, building="2"),
    ]

"""What can go wrong with a roster: errors refusing an upload, and row errors refusing a file."""

from __future__ import annotations

from typing import Any

from app.core.errors import AppError, Invalid, NotFound


class RosterFileTooLarge(AppError):
    status_code = 413
    reason = "roster_file_too_large"
    message = "名单文件不能超过 10 MB"


class RosterFileUnreadable(Invalid):
    reason = "roster_file_unreadable"
    message = "无法读取名单文件，请上传 xlsx 或 csv 文件"


class RosterImportNotFound(NotFound):
    reason = "roster_import_not_found"
    message = "找不到该名单导入记录"


# reason → Chinese message; {column}, {value} and {first_row} are filled in per error.
ROW_MESSAGES = {
    "roster_file_unreadable": "无法读取名单文件，请上传 xlsx 或 csv 文件",
    "missing_column": "缺少必需的列“{column}”",
    "roster_empty": "名单中没有任何住户",
    "too_many_rows": "名单超过 {value} 行，请拆分后再导入",
    "value_required": "{column}不能为空",
    "unknown_building": "楼栋“{value}”不存在",
    "bad_unit": "单元应为 1–2 位数字",
    "bad_room": "房号应为 3–4 位数字",
    "bad_lease_number": "合同编号应为 1–32 位字母、数字或“-”",
    "bad_date": "{column}应为日期，如 2024-01-31",
    "lease_end_before_start": "到期日期不能早于起租日期",
    "bad_name": "姓名应为 1–32 个汉字或字母",
    "bad_phone": "手机号应为 11 位大陆手机号",
    "phone_required": "承租人必须填写手机号",
    "bad_relation": "身份应为“承租人”或“同住人”",
    "primary_tenant_count": "每户应有且只有一位承租人",
    "inconsistent_lease": "同一户的{column}与第 {first_row} 行不一致",
    "duplicate_phone": "手机号与第 {first_row} 行重复",
    "duplicate_occupant": "同一户中已有同名住户（第 {first_row} 行）",
}


def row_error(row: int, column: str, reason: str, **values: Any) -> dict[str, Any]:
    """One error of a refused file: spreadsheet row (header = 1), column header, why."""
    message = ROW_MESSAGES[reason].format(column=column, **values)
    return {"row": row, "column": column, "reason": reason, "message": message}


class RosterRefused(Exception):
    """The file has bad rows; carries every error found and how many data rows were read."""

    def __init__(self, errors: list[dict[str, Any]], total_rows: int = 0) -> None:
        super().__init__(f"{len(errors)} roster errors")
        self.errors = errors
        self.total_rows = total_rows

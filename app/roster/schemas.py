"""Shapes of roster imports on the wire: the upload, an import with its errors, the list."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from app.core.clock import to_shanghai
from app.core.pagination import page_schema
from app.roster.models import RosterImportStatus


class RosterUploadArgs(Schema):
    file = Upload(required=True, metadata={"description": "xlsx 或 csv 名单文件，不超过 10 MB"})


class RosterRowErrorSchema(Schema):
    row = fields.Integer(allow_none=True, metadata={"description": "表格行号，表头为第 1 行"})
    column = fields.String()
    reason = fields.String()
    message = fields.String()


def _shanghai(name: str):
    def dump(record) -> str | None:
        moment = to_shanghai(getattr(record, name))
        return moment.isoformat() if moment else None

    return fields.Function(dump, metadata={"description": "北京时间"})


class RosterImportListItemSchema(Schema):
    id = fields.Integer()
    filename = fields.String()
    file_format = fields.String()
    status = fields.Enum(RosterImportStatus, by_value=True)
    total_rows = fields.Integer()
    processed_rows = fields.Integer()
    summary = fields.Dict(allow_none=True)
    error_count = fields.Function(lambda r: (r.summary or {}).get("error_count", 0))
    created_at = _shanghai("created_at")
    started_at = _shanghai("started_at")
    finished_at = _shanghai("finished_at")


class RosterImportSchema(RosterImportListItemSchema):
    errors = fields.Function(
        lambda r: RosterRowErrorSchema(many=True).dump(r.errors or []),
        metadata={"description": "最多列出 500 条；总数见 error_count"},
    )


RosterImportPageSchema = page_schema(RosterImportListItemSchema, "RosterImportPage")

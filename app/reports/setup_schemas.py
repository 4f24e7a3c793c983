"""Shapes of report settings on the wire: categories and staff reply templates."""

from __future__ import annotations

from marshmallow import Schema, fields, validate, validates_schema
from marshmallow.exceptions import ValidationError

from app.reports.models import ReportStatus


class ReportCategorySchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    is_public = fields.Boolean()
    response_hours = fields.Integer()
    resolution_hours = fields.Integer()


class StaffReportCategorySchema(ReportCategorySchema):
    organisation_id = fields.Integer(allow_none=True)
    sort_order = fields.Integer()
    is_active = fields.Boolean()


class ReportCategoryListSchema(Schema):
    items = fields.List(fields.Nested(ReportCategorySchema))


class StaffReportCategoryListSchema(Schema):
    items = fields.List(fields.Nested(StaffReportCategorySchema))


class ReportCategoryUpdateArgs(Schema):
    name = fields.String(validate=validate.Length(min=1, max=32))
    organisation_id = fields.Integer(allow_none=True)
    response_hours = fields.Integer(validate=validate.Range(min=1, max=24 * 90))
    resolution_hours = fields.Integer(validate=validate.Range(min=1, max=24 * 365))
    is_public = fields.Boolean()
    sort_order = fields.Integer(validate=validate.Range(min=0, max=10_000))
    is_active = fields.Boolean()

    @validates_schema
    def _deadlines_in_order(self, data, **kwargs):
        response, resolution = data.get("response_hours"), data.get("resolution_hours")
        if response and resolution and response > resolution:
            raise ValidationError("响应时限不能晚于办结时限", "response_hours")


class ReportCategoryCreateArgs(ReportCategoryUpdateArgs):
    code = fields.String(
        required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{1,31}$", error="代码格式不正确")
    )
    name = fields.String(required=True, validate=validate.Length(min=1, max=32))
    response_hours = fields.Integer(required=True, validate=validate.Range(min=1, max=24 * 90))
    resolution_hours = fields.Integer(required=True, validate=validate.Range(min=1, max=24 * 365))
    is_public = fields.Boolean(required=True)


class ReportReplySchema(Schema):
    id = fields.Integer()
    status = fields.Function(lambda r: r.status.value)
    title = fields.String()
    body = fields.String()
    sort_order = fields.Integer()


class ReportReplyListSchema(Schema):
    items = fields.List(fields.Nested(ReportReplySchema))


class ReportReplyQueryArgs(Schema):
    status = fields.Enum(ReportStatus, by_value=True, load_default=None)


class ReportReplyUpdateArgs(Schema):
    status = fields.Enum(ReportStatus, by_value=True)
    title = fields.String(validate=validate.Length(min=1, max=32))
    body = fields.String(validate=validate.Length(min=1, max=500))
    sort_order = fields.Integer(validate=validate.Range(min=0, max=10_000))


class ReportReplyCreateArgs(ReportReplyUpdateArgs):
    status = fields.Enum(ReportStatus, by_value=True, required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=32))
    body = fields.String(required=True, validate=validate.Length(min=1, max=500))

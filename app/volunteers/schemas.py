"""Shapes of volunteer teams and the hours ledger on the wire."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.core.fields import ShanghaiDateTime
from app.core.pagination import PageArgs, page_schema
from app.volunteers.models import EntryKind


class TeamSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    colour = fields.String()


class TeamCreateArgs(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=64))
    colour = fields.String(
        required=True,
        validate=validate.Length(min=1, max=16),
        metadata={"description": "如 红、橙、黄、绿、蓝"},
    )


class MemberArgs(Schema):
    user_id = fields.Integer(required=True, validate=validate.Range(min=1))


class HoursEntrySchema(Schema):
    id = fields.Integer()
    user_id = fields.Integer()
    team_id = fields.Integer(allow_none=True)
    activity_id = fields.Integer(allow_none=True)
    signup_id = fields.Integer(allow_none=True)
    minutes = fields.Integer()
    kind = fields.Enum(EntryKind, by_value=True)
    corrects_entry_id = fields.Integer(allow_none=True)
    reason = fields.String(allow_none=True)
    created_at = ShanghaiDateTime()


class HoursEntryItemSchema(HoursEntrySchema):
    """An entry in a list (a row), with the names of its team and activity."""

    team_name = fields.String(allow_none=True, metadata={"description": "所属服务队"})
    activity_title = fields.String(allow_none=True, metadata={"description": "志愿服务活动"})


class EntryQueryArgs(PageArgs):
    user_id = fields.Integer(load_default=None, validate=validate.Range(min=1))
    team_id = fields.Integer(load_default=None, validate=validate.Range(min=1))


class CorrectionArgs(Schema):
    minutes = fields.Integer(
        required=True,
        validate=[validate.Range(min=-100_000, max=100_000), validate.NoneOf([0])],
        metadata={"description": "更正的分钟数：负数扣减，正数补记"},
    )
    reason = fields.String(required=True, validate=validate.Length(min=1, max=255))


HoursEntryPageSchema = page_schema(HoursEntryItemSchema, "HoursEntryPage")


class MyHoursSchema(HoursEntryPageSchema):
    minutes = fields.Integer(metadata={"description": "志愿服务总时长（分钟）"})

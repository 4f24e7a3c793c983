"""Shapes of communities on the wire."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9-]{1,31}$", error="社区标识格式不正确")


class CommunitySchema(Schema):
    id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    city = fields.String()
    district = fields.String()
    brand = fields.Dict()


class CommunityCreateArgs(Schema):
    slug = fields.String(required=True, validate=SLUG)
    name = fields.String(required=True, validate=validate.Length(min=1, max=64))
    city = fields.String(load_default="", validate=validate.Length(max=32))
    district = fields.String(load_default="", validate=validate.Length(max=32))

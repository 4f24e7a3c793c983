"""Shapes of subscribe templates and of popup answers on the wire."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.subscriptions.models import TemplatePurpose

TEMPLATE_ID = validate.Regexp(r"^[A-Za-z0-9_-]{1,64}$", error="模板 ID 格式不正确")
PAGE = validate.Regexp(r"^[A-Za-z0-9_\-/]{1,128}$", error="页面路径格式不正确")
POPUP_STATUSES = ("accept", "reject", "ban", "filter", "acceptWithAudio", "acceptWithAlert")
# wx.requestSubscribeMessage asks for at most 3 templates per tap.
MAX_TEMPLATES_PER_POPUP = 3


class PopupResultArgs(Schema):
    template_id = fields.String(required=True, validate=TEMPLATE_ID)
    status = fields.String(required=True, validate=validate.OneOf(POPUP_STATUSES))


class PopupResultsArgs(Schema):
    results = fields.List(
        fields.Nested(PopupResultArgs),
        required=True,
        validate=validate.Length(min=1, max=MAX_TEMPLATES_PER_POPUP),
    )


class MySubscriptionSchema(Schema):
    """A template the mini-program may ask for, with how many sends I have granted."""

    purpose = fields.Enum(TemplatePurpose, by_value=True)
    template_id = fields.String()
    title = fields.String()
    long_term = fields.Boolean()
    count = fields.Integer()
    last_status = fields.String(allow_none=True)


class SubscribeTemplateSchema(Schema):
    id = fields.Integer()
    purpose = fields.Enum(TemplatePurpose, by_value=True)
    template_id = fields.String()
    title = fields.String()
    fields_ = fields.Dict(data_key="fields", attribute="fields")
    mapping = fields.Dict()
    page = fields.String()
    long_term = fields.Boolean()
    is_active = fields.Boolean()
    created_at = fields.DateTime()


class SubscribeTemplateUpdateArgs(Schema):
    """``fields``: template key → WeChat type ({"thing1": "thing", "time2": "time"});
    ``mapping``: template key → the name of our value ({"thing1": "title"}) or "=literal"."""

    template_id = fields.String(validate=TEMPLATE_ID)
    title = fields.String(validate=validate.Length(min=1, max=64))
    fields_ = fields.Dict(
        data_key="fields",
        attribute="fields",
        keys=fields.String(),
        values=fields.String(),
        validate=validate.Length(min=1, max=20),
    )
    mapping = fields.Dict(
        keys=fields.String(),
        values=fields.String(validate=validate.Length(min=1, max=64)),
        validate=validate.Length(min=1, max=20),
    )
    page = fields.String(validate=PAGE)
    long_term = fields.Boolean()
    is_active = fields.Boolean()


class SubscribeTemplateCreateArgs(SubscribeTemplateUpdateArgs):
    class Meta:
        exclude = ("is_active",)

    purpose = fields.Enum(TemplatePurpose, by_value=True, required=True)
    template_id = fields.String(required=True, validate=TEMPLATE_ID)
    title = fields.String(required=True, validate=validate.Length(min=1, max=64))
    fields_ = fields.Dict(
        data_key="fields",
        attribute="fields",
        required=True,
        keys=fields.String(),
        values=fields.String(),
        validate=validate.Length(min=1, max=20),
    )
    mapping = fields.Dict(
        required=True,
        keys=fields.String(),
        values=fields.String(validate=validate.Length(min=1, max=64)),
        validate=validate.Length(min=1, max=20),
    )
    page = fields.String(load_default="pages/index/index", validate=PAGE)
    long_term = fields.Boolean(load_default=False)
